// The dot products of k-NN queries with the model's rows (knn_search.cpp):
// one kernel for a single query and for a block of them, so that both give
// the same bits. Every product row . query is the same sequence of
// operations, whatever the block around it: an accumulator starting at 0,
// then for k = 0 .. p-1 in order acc = acc + row[k] * query[k], fused (one
// rounding, FMA) where the CPU has AVX2 and FMA, and two roundings otherwise.
// A matrix library's GEMM does not promise that (its edge tiles sum in
// another order than its inner ones), which would let a query's neighbours
// depend on the other queries of its block.
#pragma once

#include <cstddef>

namespace recsys::knn_kernel {

// Queries are packed in groups of lanes() (the vector width of the active
// instruction set): group g holds p x lanes() values, feature-major.
std::size_t lanes();

// The packed size in doubles of `count` queries of p features.
std::size_t packed_size(std::size_t count, std::size_t p);

// Packs `count` row-major queries of p features (zeros fill the last group).
void pack_queries(const double* queries, std::size_t count, std::size_t p, double* packed);

// dots[q * row_count + r] = rows[r] . query q, for r < row_count and q <
// groups * lanes() (query-major: a query's products in row order): the
// `groups` packed groups against row_count row-major rows of p features.
void dot_products(const double* packed, std::size_t groups, const double* rows, std::size_t row_count,
                  std::size_t p, double* dots);

// Tests: runs the kernels of the baseline instruction set (false: the best
// this CPU has, the default).
void use_baseline(bool baseline);

}  // namespace recsys::knn_kernel
