// Cosine neighbours among the rows of a matrix: what similar_items is for
// every kind that keeps a vector per item (factor models' item factors,
// co-occurrence embeddings).
#pragma once

#include <cstddef>
#include <vector>

#include "../base/topk.h"

namespace recsys {

// The k rows of `rows` (n x dims, row-major, with their norms) most similar
// by cosine to row `index` (not itself), best first. A zero row scores 0.
std::vector<Scored> cosine_neighbours(const float* rows, std::size_t n, int dims, const float* norms,
                                      std::size_t index, std::size_t k);

}  // namespace recsys
