#include "cosine_neighbours.h"

#include <cmath>

#include "../als/als_kernel.h"

namespace recsys {

std::vector<Scored> cosine_neighbours(const float* rows, std::size_t n, int dims, const float* norms,
                                      std::size_t index, std::size_t k) {
    std::vector<float> scores(n);
    kernel::score_rows(rows, n, dims, rows + index * static_cast<std::size_t>(dims), scores.data());
    const float ni = norms[index];
    for (std::size_t j = 0; j < n; ++j) {
        const float d = norms[j] * ni;
        scores[j] = d > 0 ? scores[j] / d : 0.0f;
    }
    scores[index] = -INFINITY;
    return top_k(scores.data(), n, k);
}

}  // namespace recsys
