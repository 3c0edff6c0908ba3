#include "als_kernel.h"

// Lanes8 values never cross a function boundary that is not inlined, so the
// ABI note about passing them without AVX does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace recsys::kernel {

// Every loop below is written once, as an always-inline function, and
// instantiated by the dispatchers at the end of this file inside functions
// compiled for AVX-512, for AVX2 + FMA and for the baseline, so each copy is
// vectorized for its instruction set; the CPU is asked once which to use.
#define RECSYS_INLINE static inline __attribute__((always_inline))

namespace {

// Eight lanes: a ymm register with AVX2 / AVX-512, two xmm registers on the
// baseline; GCC lowers the generic vector type to whatever the ISA has.
typedef float Lanes8 __attribute__((vector_size(32)));

RECSYS_INLINE Lanes8 load8(const float* p) {
    Lanes8 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

// Two independent accumulators, then one tree reduction (a per-lane scalar
// reduction here would cost more than the multiply-adds for f = 64).
RECSYS_INLINE float dot(const float* a, const float* b, int n) {
    Lanes8 acc0 = {}, acc1 = {};
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 += load8(a + i) * load8(b + i);
        acc1 += load8(a + i + 8) * load8(b + i + 8);
    }
    if (i + 8 <= n) {
        acc0 += load8(a + i) * load8(b + i);
        i += 8;
    }
    Lanes8 acc = acc0 + acc1;
    float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (; i < n; ++i) s += a[i] * b[i];
    return s;
}

// Four dot products against one vector, reduced together: one shuffle tree
// for all four sums instead of four separate ones.
RECSYS_INLINE void dot4(const float* y0, const float* y1, const float* y2, const float* y3, const float* v, int n,
                        float out[4]) {
    Lanes8 a0 = {}, a1 = {}, a2 = {}, a3 = {};
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        const Lanes8 w = load8(v + i);
        a0 += load8(y0 + i) * w;
        a1 += load8(y1 + i) * w;
        a2 += load8(y2 + i) * w;
        a3 += load8(y3 + i) * w;
    }
    // a0 | a1 and a2 | a3, four lanes each; then a0 a0 a2 a2 a1 a1 a3 a3.
    const Lanes8 x = __builtin_shufflevector(a0, a1, 0, 1, 2, 3, 8, 9, 10, 11) +
                     __builtin_shufflevector(a0, a1, 4, 5, 6, 7, 12, 13, 14, 15);
    const Lanes8 y = __builtin_shufflevector(a2, a3, 0, 1, 2, 3, 8, 9, 10, 11) +
                     __builtin_shufflevector(a2, a3, 4, 5, 6, 7, 12, 13, 14, 15);
    const Lanes8 z = __builtin_shufflevector(x, y, 0, 1, 8, 9, 4, 5, 12, 13) +
                     __builtin_shufflevector(x, y, 2, 3, 10, 11, 6, 7, 14, 15);
    out[0] = z[0] + z[1];
    out[2] = z[2] + z[3];
    out[1] = z[4] + z[5];
    out[3] = z[6] + z[7];
    for (; i < n; ++i) {
        out[0] += y0[i] * v[i];
        out[1] += y1[i] * v[i];
        out[2] += y2[i] * v[i];
        out[3] += y3[i] * v[i];
    }
}

// Brings row k + kAhead of y into cache while row k is being used: the rows
// are scattered, and waiting for each one would dominate the loop.
constexpr std::uint64_t kAhead = 8;
RECSYS_INLINE void prefetch_row(const CgProblem& p, std::uint64_t k, std::uint64_t last) {
    if (k + kAhead < last) {
        const char* row = reinterpret_cast<const char*>(p.y + static_cast<std::size_t>(p.columns[k + kAhead]) * p.f);
        for (int byte = 0; byte < p.f * 4; byte += 64) __builtin_prefetch(row + byte);
    }
}

RECSYS_INLINE void axpy(float a, const float* x, float* y, int n) {
#pragma omp simd
    for (int i = 0; i < n; ++i) y[i] += a * x[i];
}

// y += a0 x0 + a1 x1 + a2 x2 + a3 x3: one load and store of y per four rows.
RECSYS_INLINE void axpy4(float a0, const float* x0, float a1, const float* x1, float a2, const float* x2, float a3,
                         const float* x3, float* y, int n) {
#pragma omp simd
    for (int i = 0; i < n; ++i) y[i] += (a0 * x0[i] + a1 * x1[i]) + (a2 * x2[i] + a3 * x3[i]);
}

// out = m v for a symmetric row-major m: a sum of scaled rows, eight at a
// time so that each load and store of `out` carries eight multiply-adds.
RECSYS_INLINE void symv(const float* m, const float* v, float* out, int f) {
    for (int i = 0; i < f; ++i) out[i] = 0;
    int j = 0;
    for (; j + 8 <= f; j += 8) {
        const float* m0 = m + j * f;
        const float v0 = v[j], v1 = v[j + 1], v2 = v[j + 2], v3 = v[j + 3];
        const float v4 = v[j + 4], v5 = v[j + 5], v6 = v[j + 6], v7 = v[j + 7];
#pragma omp simd
        for (int i = 0; i < f; ++i)
            out[i] += (v0 * m0[i] + v1 * m0[f + i] + v2 * m0[2 * f + i] + v3 * m0[3 * f + i]) +
                      (v4 * m0[4 * f + i] + v5 * m0[5 * f + i] + v6 * m0[6 * f + i] + v7 * m0[7 * f + i]);
    }
    for (; j < f; ++j) axpy(v[j], m + j * f, out, f);
}

}  // namespace

// Prefetches the factor rows that the next solve will gather, a few at a
// time, while the current solve's CG steps compute from its gathered copy:
// the memory latency of the scattered rows then hides behind arithmetic.
struct NextRowPrefetch {
    const CgProblem& p;
    std::uint64_t k = 0, last = 0;
    inline __attribute__((always_inline)) void aim_at(std::size_t next_row, std::size_t end) {
        k = last = 0;
        if (next_row < end) k = p.offsets[next_row], last = p.offsets[next_row + 1];
    }
    inline __attribute__((always_inline)) void step() {
        if (k >= last) return;
        const char* row = reinterpret_cast<const char*>(p.y + static_cast<std::size_t>(p.columns[k++]) * p.f);
        for (int byte = 0; byte < p.f * 4; byte += 64) __builtin_prefetch(row + byte);
    }
};

// Rows of y a solve copies next to each other before its CG steps (each
// step then reads them from cache instead of from scattered memory); rows
// with more nonzeros than this read y in place.
constexpr std::size_t kGatherBytes = std::size_t(1) << 19;
RECSYS_INLINE std::size_t gather_rows(int f) { return kGatherBytes / (sizeof(float) * static_cast<std::size_t>(f)); }

// kFactors > 0 compiles the body for that number of factors: every loop
// length is then a constant the compiler unrolls (the common sizes below).
template <int kFactors>
RECSYS_INLINE double cg_solve_rows_body(const CgProblem& p, std::size_t begin, std::size_t end, float* scratch,
                                        bool with_loss) {
    const int f = kFactors > 0 ? kFactors : p.f;
    float* r = scratch;           // residual b - A x
    float* dir = scratch + f;     // search direction
    float* ap = scratch + 2 * f;  // A dir
    float* gathered = scratch + 3 * f;
    const std::uint64_t max_gathered = gather_rows(f);
    NextRowPrefetch ahead{p};
    double loss = 0;
    for (std::size_t row = begin; row < end; ++row) {
        float* x = p.x + row * f;
        const std::uint64_t first = p.offsets[row], last = p.offsets[row + 1];
        if (first == last) {
            for (int i = 0; i < f; ++i) x[i] = 0;  // no data: the regularized solution
            continue;
        }
        const bool gather = last - first <= max_gathered;
        // Row k of y as the CG steps read it: the gathered copy or y itself.
        auto y_of = [&](std::uint64_t k) {
            return gather ? gathered + (k - first) * f : p.y + static_cast<std::size_t>(p.columns[k]) * f;
        };
        // r = b - A x = sum_k (c - (c - 1) y.x) y - gram x; gathers on the way.
        symv(p.gram, x, r, f);
        for (int i = 0; i < f; ++i) r[i] = -r[i];
        // Row k of y, copied into the gathered block when gathering.
        auto fetch = [&](std::uint64_t k) {
            const float* y = p.y + static_cast<std::size_t>(p.columns[k]) * f;
            if (!gather) return y;
            float* copy = gathered + (k - first) * f;
#pragma omp simd
            for (int i = 0; i < f; ++i) copy[i] = y[i];
            return static_cast<const float*>(copy);
        };
        // The coefficient of y_k in b - A x: c - (c - 1) s, s = y_k.x.
        auto coefficient = [&](std::uint64_t k, float s) {
            const float c = 1.0f + p.alpha * p.weights[k];
            return c - (c - 1.0f) * s;
        };
        std::uint64_t k = first;
        for (; k + 4 <= last; k += 4) {
            for (std::uint64_t j = k; j < k + 4; ++j) prefetch_row(p, j, last);
            const float *y0 = fetch(k), *y1 = fetch(k + 1), *y2 = fetch(k + 2), *y3 = fetch(k + 3);
            float s[4];
            dot4(y0, y1, y2, y3, x, f, s);
            axpy4(coefficient(k, s[0]), y0, coefficient(k + 1, s[1]), y1, coefficient(k + 2, s[2]), y2,
                  coefficient(k + 3, s[3]), y3, r, f);
        }
        for (; k < last; ++k) {
            prefetch_row(p, k, last);
            const float* y = fetch(k);
            axpy(coefficient(k, dot(y, x, f)), y, r, f);
        }
        ahead.aim_at(row + 1, end);
        for (int i = 0; i < f; ++i) dir[i] = r[i];
        float rs_old = dot(r, r, f);
        for (int step = 0; step < p.cg_steps && rs_old > 1e-20f; ++step) {
            symv(p.gram, dir, ap, f);
            // ap += sum_k (c_k - 1)(y_k . dir) y_k, four rows at a time: their
            // dot products are independent, and ap is loaded and stored once.
            std::uint64_t k = first;
            for (; k + 4 <= last; k += 4) {
                if (gather) {
                    ahead.step();
                    ahead.step();
                } else {
                    prefetch_row(p, k, last);
                    prefetch_row(p, k + 1, last);
                    prefetch_row(p, k + 2, last);
                    prefetch_row(p, k + 3, last);
                }
                const float *y0 = y_of(k), *y1 = y_of(k + 1), *y2 = y_of(k + 2), *y3 = y_of(k + 3);
                float d[4];
                dot4(y0, y1, y2, y3, dir, f, d);
                axpy4(p.alpha * p.weights[k] * d[0], y0, p.alpha * p.weights[k + 1] * d[1], y1,
                      p.alpha * p.weights[k + 2] * d[2], y2, p.alpha * p.weights[k + 3] * d[3], y3, ap, f);
            }
            for (; k < last; ++k) {
                if (gather)
                    ahead.step();
                else
                    prefetch_row(p, k, last);
                const float* y = y_of(k);
                axpy(p.alpha * p.weights[k] * dot(y, dir, f), y, ap, f);
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
                const float* y = y_of(k);
                const double c = 1.0 + p.alpha * p.weights[k];
                const double s = dot(y, x, f);
                loss += (c - 1) * s * s - 2 * c * s + c;
            }
        }
    }
    return loss;
}

RECSYS_INLINE void score_rows_body(const float* y, std::size_t n, int f, const float* x, float* out) {
    for (std::size_t i = 0; i < n; ++i) out[i] = dot(y + i * f, x, f);
}

RECSYS_INLINE void gram_lower_accumulate_body(const float* y, std::size_t begin, std::size_t end, int f,
                                              double* lower) {
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

std::size_t cg_scratch_floats(int f) { return 3 * static_cast<std::size_t>(f) + kGatherBytes / sizeof(float); }

// ---- dispatch -------------------------------------------------------------

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RECSYS_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma,bmi,bmi2")))
#define RECSYS_AVX2 __attribute__((target("avx2,fma,bmi,bmi2")))

enum class Isa { Baseline, Avx2, Avx512 };

Isa detect_isa() {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw"))
        return Isa::Avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
    return Isa::Baseline;
}

const Isa kIsa = detect_isa();

RECSYS_AVX512 double cg_avx512(const CgProblem& p, std::size_t b, std::size_t e, float* s, bool l) {
    if (p.f == 64) return cg_solve_rows_body<64>(p, b, e, s, l);
    if (p.f == 32) return cg_solve_rows_body<32>(p, b, e, s, l);
    return cg_solve_rows_body<0>(p, b, e, s, l);
}
RECSYS_AVX2 double cg_avx2(const CgProblem& p, std::size_t b, std::size_t e, float* s, bool l) {
    if (p.f == 64) return cg_solve_rows_body<64>(p, b, e, s, l);
    if (p.f == 32) return cg_solve_rows_body<32>(p, b, e, s, l);
    return cg_solve_rows_body<0>(p, b, e, s, l);
}
RECSYS_AVX512 void score_avx512(const float* y, std::size_t n, int f, const float* x, float* out) {
    score_rows_body(y, n, f, x, out);
}
RECSYS_AVX2 void score_avx2(const float* y, std::size_t n, int f, const float* x, float* out) {
    score_rows_body(y, n, f, x, out);
}
RECSYS_AVX512 void gram_avx512(const float* y, std::size_t b, std::size_t e, int f, double* out) {
    gram_lower_accumulate_body(y, b, e, f, out);
}
RECSYS_AVX2 void gram_avx2(const float* y, std::size_t b, std::size_t e, int f, double* out) {
    gram_lower_accumulate_body(y, b, e, f, out);
}

double cg_solve_rows(const CgProblem& p, std::size_t begin, std::size_t end, float* scratch, bool with_loss) {
    switch (kIsa) {
        case Isa::Avx512: return cg_avx512(p, begin, end, scratch, with_loss);
        case Isa::Avx2: return cg_avx2(p, begin, end, scratch, with_loss);
        case Isa::Baseline: break;
    }
    return cg_solve_rows_body<0>(p, begin, end, scratch, with_loss);
}

void gram_lower_accumulate(const float* y, std::size_t begin, std::size_t end, int f, double* lower) {
    switch (kIsa) {
        case Isa::Avx512: return gram_avx512(y, begin, end, f, lower);
        case Isa::Avx2: return gram_avx2(y, begin, end, f, lower);
        case Isa::Baseline: break;
    }
    gram_lower_accumulate_body(y, begin, end, f, lower);
}

void score_rows(const float* y, std::size_t n, int f, const float* x, float* out) {
    switch (kIsa) {
        case Isa::Avx512: return score_avx512(y, n, f, x, out);
        case Isa::Avx2: return score_avx2(y, n, f, x, out);
        case Isa::Baseline: break;
    }
    score_rows_body(y, n, f, x, out);
}

const char* instruction_set() {
    switch (kIsa) {
        case Isa::Avx512: return "avx512";
        case Isa::Avx2: return "avx2";
        case Isa::Baseline: break;
    }
    return "baseline";
}
#else
double cg_solve_rows(const CgProblem& p, std::size_t begin, std::size_t end, float* scratch, bool with_loss) {
    return cg_solve_rows_body<0>(p, begin, end, scratch, with_loss);
}
void gram_lower_accumulate(const float* y, std::size_t begin, std::size_t end, int f, double* lower) {
    gram_lower_accumulate_body(y, begin, end, f, lower);
}
void score_rows(const float* y, std::size_t n, int f, const float* x, float* out) {
    score_rows_body(y, n, f, x, out);
}
const char* instruction_set() { return "baseline"; }
#endif

}  // namespace recsys::kernel
