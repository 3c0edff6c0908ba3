// knn_kernel.h: the baseline kernel (2 doubles a vector, SSE2 or NEON, a
// multiply then an add), the packing of queries, and the choice of kernel
// by what the CPU has, made once.
#include "knn_kernel.h"

#include <algorithm>
#include <cstring>

#include "knn_tile.h"

namespace recsys::knn_kernel {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
// knn_kernel_avx2.cpp
std::size_t avx2_lanes();
void dot_products_avx2(const double* packed, std::size_t groups, const double* rows, std::size_t row_count,
                       std::size_t p, double* dots);
#endif

namespace {

typedef double D2 __attribute__((vector_size(16)));

struct Baseline {
    typedef D2 Vec;
    static constexpr int W = 2;
    static Vec zero() { return Vec{0, 0}; }
    static Vec load(const double* p) {
        Vec v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    static Vec broadcast(const double* p) { return Vec{*p, *p}; }
    static Vec madd(Vec acc, Vec a, Vec b) { return acc + a * b; }
    static void store(double* p, Vec v) { std::memcpy(p, &v, sizeof v); }
};

bool cpu_has_avx2() {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
}

const bool kAvx2 = cpu_has_avx2();
bool avx2_active = kAvx2;

}  // namespace

void use_baseline(bool baseline) { avx2_active = kAvx2 && !baseline; }

std::size_t lanes() {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    if (avx2_active) return avx2_lanes();
#endif
    return Baseline::W;
}

std::size_t packed_size(std::size_t count, std::size_t p) {
    const std::size_t w = lanes();
    return (count + w - 1) / w * w * p;
}

void pack_queries(const double* queries, std::size_t count, std::size_t p, double* packed) {
    const std::size_t w = lanes();
    std::fill(packed, packed + packed_size(count, p), 0.0);
    for (std::size_t q = 0; q < count; ++q) {
        double* group = packed + q / w * w * p;
        for (std::size_t k = 0; k < p; ++k) group[k * w + q % w] = queries[q * p + k];
    }
}

void dot_products(const double* packed, std::size_t groups, const double* rows, std::size_t row_count,
                  std::size_t p, double* dots) {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    if (avx2_active) return dot_products_avx2(packed, groups, rows, row_count, p, dots);
#endif
    dot_products_for<Baseline>(packed, groups, rows, row_count, p, dots);
}

}  // namespace recsys::knn_kernel
