// The register tiles of knn_kernel.h, written once over an instruction set
// I (I::W lanes of doubles; zero, load, broadcast, madd, store) and included
// by each kernel source, which compiles them for its own instruction set.
// Nothing here has external linkage: every instantiation stays in the
// translation unit (and the target options) that made it.
#pragma once

#include <cstddef>

namespace {

// acc[r][v] collects rows[r] . (the W queries of packed group v) for R rows
// and V groups: per feature k, V loads, R broadcasts and R * V multiply-adds,
// every accumulator a single chain over k (the one order knn_kernel.h promises).
// The products land query-major: dots[query * stride + row], so that each
// query's distances are read in row order, contiguously.
template <class I, int V, int R>
inline __attribute__((always_inline)) void tile(const double* packed, std::size_t p, const double* rows,
                                                double* dots, std::size_t stride) {
    typename I::Vec acc[R][V];
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < V; ++v) acc[r][v] = I::zero();
    const std::size_t group = p * I::W;
    for (std::size_t k = 0; k < p; ++k) {
        typename I::Vec q[V];
        for (int v = 0; v < V; ++v) q[v] = I::load(packed + v * group + k * I::W);
        for (int r = 0; r < R; ++r) {
            const typename I::Vec x = I::broadcast(rows + r * p + k);
            for (int v = 0; v < V; ++v) acc[r][v] = I::madd(acc[r][v], x, q[v]);
        }
    }
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < V; ++v) {
            double lanes[I::W];
            I::store(lanes, acc[r][v]);
            for (int l = 0; l < I::W; ++l) dots[(v * I::W + l) * stride + r] = lanes[l];
        }
}

// V groups against every row: tiles of R rows, then the rest one by one.
template <class I, int V, int R>
inline __attribute__((always_inline)) void tile_rows(const double* packed, std::size_t p, const double* rows,
                                                     std::size_t row_count, double* dots, std::size_t stride) {
    std::size_t r = 0;
    for (; r + R <= row_count; r += R) tile<I, V, R>(packed, p, rows + r * p, dots + r, stride);
    for (; r < row_count; ++r) tile<I, V, 1>(packed, p, rows + r * p, dots + r, stride);
}

// Three groups at a time (12 or 6 queries: 12 accumulators with 4 rows),
// then the remaining groups one at a time against 8 rows: a single query
// (one group) costs a pass over the rows with one vector of lanes.
template <class I>
inline __attribute__((always_inline)) void dot_products_for(const double* packed, std::size_t groups,
                                                            const double* rows, std::size_t row_count, std::size_t p,
                                                            double* dots) {
    const std::size_t group = p * I::W, stride = row_count;
    std::size_t g = 0;
    for (; g + 3 <= groups; g += 3)
        tile_rows<I, 3, 4>(packed + g * group, p, rows, row_count, dots + g * I::W * stride, stride);
    for (; g < groups; ++g) tile_rows<I, 1, 8>(packed + g * group, p, rows, row_count, dots + g * I::W * stride, stride);
}

}  // namespace
