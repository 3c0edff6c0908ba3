// Partial selection of the k best-scoring entries, without a full sort.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace recsys {

struct Scored {
    std::int32_t index;
    float score;
};

// Best first: higher score, then lower index. Entries whose score is -inf or
// NaN are never selected (that is how callers exclude items).
// `indices` (optional) restricts the search to those positions of `scores`.
std::vector<Scored> top_k(const float* scores, std::size_t n, std::size_t k);
std::vector<Scored> top_k_of(const float* scores, const std::int32_t* indices, std::size_t n_indices, std::size_t k);

}  // namespace recsys
