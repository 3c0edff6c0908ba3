#include "als_kernel.h"

namespace recsys::kernel {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RECSYS_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define RECSYS_MULTIVERSION
#endif
// Helpers are inlined into each clone, so they are compiled for its ISA.
#define RECSYS_INLINE static inline __attribute__((always_inline))

namespace {

RECSYS_INLINE float dot(const float* a, const float* b, int n) {
    float s = 0;
#pragma omp simd reduction(+ : s)
    for (int i = 0; i < n; ++i) s += a[i] * b[i];
    return s;
}

RECSYS_INLINE void axpy(float a, const float* x, float* y, int n) {
#pragma omp simd
    for (int i = 0; i < n; ++i) y[i] += a * x[i];
}

// out = m v for a symmetric row-major m: a sum of scaled rows, four at a time
// so that each load and store of `out` carries four multiply-adds.
RECSYS_INLINE void symv(const float* m, const float* v, float* out, int f) {
    for (int i = 0; i < f; ++i) out[i] = 0;
    int j = 0;
    for (; j + 4 <= f; j += 4) {
        const float *m0 = m + j * f, *m1 = m0 + f, *m2 = m1 + f, *m3 = m2 + f;
        float v0 = v[j], v1 = v[j + 1], v2 = v[j + 2], v3 = v[j + 3];
#pragma omp simd
        for (int i = 0; i < f; ++i) out[i] += v0 * m0[i] + v1 * m1[i] + v2 * m2[i] + v3 * m3[i];
    }
    for (; j < f; ++j) axpy(v[j], m + j * f, out, f);
}

}  // namespace

RECSYS_MULTIVERSION
double cg_solve_rows(const CgProblem& p, std::size_t begin, std::size_t end, float* scratch, bool with_loss) {
    const int f = p.f;
    float* r = scratch;          // residual b - A x
    float* dir = scratch + f;    // search direction
    float* ap = scratch + 2 * f; // A dir
    double loss = 0;
    for (std::size_t row = begin; row < end; ++row) {
        float* x = p.x + row * f;
        const std::uint64_t first = p.offsets[row], last = p.offsets[row + 1];
        if (first == last) {
            for (int i = 0; i < f; ++i) x[i] = 0;  // no data: the regularized solution
            continue;
        }
        // r = b - A x = sum_k (c - (c - 1) y.x) y - gram x
        symv(p.gram, x, r, f);
        for (int i = 0; i < f; ++i) r[i] = -r[i];
        for (std::uint64_t k = first; k < last; ++k) {
            const float* y = p.y + static_cast<std::size_t>(p.columns[k]) * f;
            const float c = 1.0f + p.alpha * p.weights[k];
            axpy(c - (c - 1.0f) * dot(y, x, f), y, r, f);
        }
        for (int i = 0; i < f; ++i) dir[i] = r[i];
        float rs_old = dot(r, r, f);
        for (int step = 0; step < p.cg_steps && rs_old > 1e-20f; ++step) {
            symv(p.gram, dir, ap, f);
            for (std::uint64_t k = first; k < last; ++k) {
                const float* y = p.y + static_cast<std::size_t>(p.columns[k]) * f;
                const float c = 1.0f + p.alpha * p.weights[k];
                axpy((c - 1.0f) * dot(y, dir, f), y, ap, f);
            }
            const float denom = dot(dir, ap, f);
            if (!(denom > 0)) break;
            const float step_size = rs_old / denom;
            axpy(step_size, dir, x, f);
            axpy(-step_size, ap, r, f);
            const float rs_new = dot(r, r, f);
            const float beta = rs_new / rs_old;
#pragma omp simd
            for (int i = 0; i < f; ++i) dir[i] = r[i] + beta * dir[i];
            rs_old = rs_new;
        }
        if (with_loss) {
            symv(p.gram, x, ap, f);
            loss += dot(x, ap, f);
            for (std::uint64_t k = first; k < last; ++k) {
                const float* y = p.y + static_cast<std::size_t>(p.columns[k]) * f;
                const double c = 1.0 + p.alpha * p.weights[k];
                const double s = dot(y, x, f);
                loss += (c - 1) * s * s - 2 * c * s + c;
            }
        }
    }
    return loss;
}

RECSYS_MULTIVERSION
void gram_lower_accumulate(const float* y, std::size_t begin, std::size_t end, int f, double* lower) {
    // Tiles of 64 x 64 of the result, summed in float over 256 rows at a time
    // (cache resident), then added into the double total for precision.
    constexpr int kTile = 64;
    constexpr std::size_t kRows = 256;
    float tile[kTile * kTile];
    for (std::size_t b = begin; b < end; b += kRows) {
        const std::size_t e = b + kRows < end ? b + kRows : end;
        for (int i0 = 0; i0 < f; i0 += kTile) {
            const int i1 = i0 + kTile < f ? i0 + kTile : f;
            for (int j0 = 0; j0 <= i0; j0 += kTile) {  // tiles on or below the diagonal
                const int j1 = j0 + kTile < f ? j0 + kTile : f;
                for (int t = 0; t < kTile * kTile; ++t) tile[t] = 0;
                std::size_t r = b;
                for (; r + 4 <= e; r += 4) {  // four rows per pass over the tile
                    const float *y0 = y + r * f, *y1 = y0 + f, *y2 = y1 + f, *y3 = y2 + f;
                    for (int i = i0; i < i1; ++i) {
                        const int jn = (i + 1 < j1 ? i + 1 : j1) - j0;
                        const float a0 = y0[i], a1 = y1[i], a2 = y2[i], a3 = y3[i];
                        float* acc = tile + (i - i0) * kTile;
#pragma omp simd
                        for (int j = 0; j < jn; ++j)
                            acc[j] += a0 * y0[j0 + j] + a1 * y1[j0 + j] + a2 * y2[j0 + j] + a3 * y3[j0 + j];
                    }
                }
                for (; r < e; ++r) {
                    const float* yr = y + r * f;
                    for (int i = i0; i < i1; ++i) {
                        const int jn = (i + 1 < j1 ? i + 1 : j1) - j0;
                        if (jn > 0) axpy(yr[i], yr + j0, tile + (i - i0) * kTile, jn);
                    }
                }
                for (int i = i0; i < i1; ++i) {
                    const int jn = (i + 1 < j1 ? i + 1 : j1) - j0;
                    for (int j = 0; j < jn; ++j) lower[static_cast<std::size_t>(i) * f + j0 + j] += tile[(i - i0) * kTile + j];
                }
            }
        }
    }
}

}  // namespace recsys::kernel
