// Stable least-significant-digit radix sort of (key, row) pairs: O(n) per
// byte of the keys that varies, which beats a comparison sort on the tens of
// millions of ids an ALS training starts from.
#pragma once

#include <cstdint>
#include <vector>

#include "stop.h"

namespace recsys {

struct KeyRow {
    std::uint64_t key;
    std::uint64_t row;
};

// Sorts by key, keeping the input order of equal keys. Bytes that are equal
// in every key are skipped, so small ids cost few passes. Any thread may
// call it: it only reads `stop` (throwing Cancelled once it is stopped).
void radix_sort(std::vector<KeyRow>& items, const StopToken& stop);

// The unsigned key that orders like the signed id.
inline std::uint64_t ordered_key(std::int64_t id) { return static_cast<std::uint64_t>(id) ^ (std::uint64_t(1) << 63); }

}  // namespace recsys
