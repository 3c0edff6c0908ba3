// knn_kernel.h for CPUs with AVX2 and FMA: 4 doubles a vector, each
// multiply-add fused. Compiled for that target here alone, and called only
// after knn_kernel.cpp has checked the CPU; this file includes nothing with
// external linkage that the target options could leak into (only the
// intrinsics, which carry their own target attributes).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)

#include <immintrin.h>

#include <cstddef>

#pragma GCC push_options
#pragma GCC target("avx2,fma")

#include "knn_tile.h"

namespace {

struct Avx2 {
    typedef __m256d Vec;
    static constexpr int W = 4;
    static Vec zero() { return _mm256_setzero_pd(); }
    static Vec load(const double* p) { return _mm256_loadu_pd(p); }
    static Vec broadcast(const double* p) { return _mm256_broadcast_sd(p); }
    static Vec madd(Vec acc, Vec a, Vec b) { return _mm256_fmadd_pd(a, b, acc); }
    static void store(double* p, Vec v) { _mm256_storeu_pd(p, v); }
};

}  // namespace

namespace recsys::knn_kernel {

std::size_t avx2_lanes() { return Avx2::W; }

void dot_products_avx2(const double* packed, std::size_t groups, const double* rows, std::size_t row_count,
                       std::size_t p, double* dots) {
    dot_products_for<Avx2>(packed, groups, rows, row_count, p, dots);
}

}  // namespace recsys::knn_kernel

#pragma GCC pop_options

#endif
