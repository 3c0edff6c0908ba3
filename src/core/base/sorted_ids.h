// Ids kept ascending and unique (users, items): an id's index by binary search.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace recsys {

// The index of `id` in sorted_ids, or -1 when absent.
inline std::int64_t index_of(const std::vector<std::int64_t>& sorted_ids, std::int64_t id) {
    auto it = std::lower_bound(sorted_ids.begin(), sorted_ids.end(), id);
    return it != sorted_ids.end() && *it == id ? it - sorted_ids.begin() : -1;
}

}  // namespace recsys
