// The vector building blocks of the ALS kernels, written once over an
// instruction-set description T (lane count, register tile) and inlined into
// functions compiled for AVX-512, AVX2 + FMA and the baseline
// (als_kernel.cpp). Only kernel sources include this header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

// These vector types never cross a function boundary that is not inlined,
// so the ABI note about passing them without AVX does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

#define RECSYS_INLINE static inline __attribute__((always_inline))

namespace recsys::kernel::simd {

typedef float F8 __attribute__((vector_size(32)));
typedef float F16 __attribute__((vector_size(64)));

// An instruction set as the kernels see it: W lanes per vector, and the
// register tile of the matrix product below, MR vectors down by NR columns
// (MR * NR accumulators + MR + 1 registers must fit in the register file).
struct Avx512 {
    static constexpr int W = 16, MR = 4, NR = 6;
    typedef F16 Vec;
};
struct Avx2 {
    static constexpr int W = 8, MR = 2, NR = 6;
    typedef F8 Vec;
};
struct Baseline {  // F8 is two SSE registers here
    static constexpr int W = 8, MR = 1, NR = 6;
    typedef F8 Vec;
};
constexpr int kMaxLanes = 16;
constexpr int kBlockColumns = 6;  // NR of every instruction set: rows solved in lockstep
static_assert(Avx512::W <= kMaxLanes && Avx2::W <= kMaxLanes && Baseline::W <= kMaxLanes, "scratch sizes");
static_assert(Avx512::NR == kBlockColumns && Avx2::NR == kBlockColumns && Baseline::NR == kBlockColumns,
              "scratch sizes");

template <class T>
RECSYS_INLINE typename T::Vec load(const float* p) {
    typename T::Vec v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}
template <class T>
RECSYS_INLINE void store(float* p, typename T::Vec v) {
    __builtin_memcpy(p, &v, sizeof v);
}
// A scalar operand of vector arithmetic is broadcast (vector * float):
// that is how the kernels write it, since GCC turns it into one broadcast
// where spelled-out splats (Vec{} + s, {s, s, ...}) come out as several
// instructions and can keep a tile's accumulators out of registers.

RECSYS_INLINE float sum_lanes(F8 v) {
    return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}
RECSYS_INLINE float sum_lanes(F16 v) {
    return sum_lanes(__builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) +
                     __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15));
}

// a . b over n floats: two accumulators, one tree reduction at the end.
template <class T>
RECSYS_INLINE float dot(const float* a, const float* b, int n) {
    typename T::Vec acc0 = {}, acc1 = {};
    int i = 0;
    for (; i + 2 * T::W <= n; i += 2 * T::W) {
        acc0 += load<T>(a + i) * load<T>(b + i);
        acc1 += load<T>(a + i + T::W) * load<T>(b + i + T::W);
    }
    if (i + T::W <= n) {
        acc0 += load<T>(a + i) * load<T>(b + i);
        i += T::W;
    }
    float s = sum_lanes(acc0 + acc1);
    for (; i < n; ++i) s += a[i] * b[i];
    return s;
}

// y += a x over n floats, n a multiple of T::W.
template <class T>
RECSYS_INLINE void axpy(float a, const float* x, float* y, int n) {
    for (int i = 0; i < n; i += T::W) store<T>(y + i, load<T>(y + i) + load<T>(x + i) * a);
}

// ---- eight dot products at once ----------------------------------------

// One level of the reduction tree: lanes in groups of 2S; each group of the
// result holds a's group folded to S lanes, then b's.
constexpr int fold_lane(int lane, int s, int w, bool high) {
    return (lane % (2 * s) < s ? 0 : w) + lane / (2 * s) * 2 * s + lane % (2 * s) % s + (high ? s : 0);
}
template <class V, int S, int W, int... L>
RECSYS_INLINE V fold(V a, V b, std::integer_sequence<int, L...>) {
    return __builtin_shufflevector(a, b, fold_lane(L, S, W, false)...) +
           __builtin_shufflevector(a, b, fold_lane(L, S, W, true)...);
}
template <class T, int S>
RECSYS_INLINE typename T::Vec fold(typename T::Vec a, typename T::Vec b) {
    return fold<typename T::Vec, S, T::W>(a, b, std::make_integer_sequence<int, T::W>{});
}

// Three levels put row r's sum in group bitreverse3(r); feeding row
// bitreverse3(i) as input i leaves the eight sums in row order.
constexpr int kReversed3[8] = {0, 4, 2, 6, 1, 5, 3, 7};

// Eight sums of lanes at once: input i's sum lands in lane kReversed3[i] of
// the result.
template <class T>
RECSYS_INLINE F8 sum_lanes8(const typename T::Vec (&acc)[8]) {
    typedef typename T::Vec V;
    constexpr int W = T::W;
    const V t0 = fold<T, W / 2>(acc[0], acc[1]), t1 = fold<T, W / 2>(acc[2], acc[3]);
    const V t2 = fold<T, W / 2>(acc[4], acc[5]), t3 = fold<T, W / 2>(acc[6], acc[7]);
    const V z = fold<T, W / 8>(fold<T, W / 4>(t0, t1), fold<T, W / 4>(t2, t3));
    if constexpr (W == 8) {
        return z;
    } else {  // two partial sums per group are left
        return __builtin_shufflevector(z, z, 0, 2, 4, 6, 8, 10, 12, 14) +
               __builtin_shufflevector(z, z, 1, 3, 5, 7, 9, 11, 13, 15);
    }
}

// a_i . b_i for the kCount <= 8 rows a_i (stride n floats, n a multiple of
// T::W) in lanes 0..kCount-1, zeros after: one multiply-add per row and
// lane, then a shuffle tree shared by the rows instead of a horizontal sum
// each. b_i is the row of b at the same stride, or with kOneB the same
// vector b for every row.
template <class T, int kCount, bool kOneB>
RECSYS_INLINE F8 dot_rows(const float* a, const float* b, int n) {
    typedef typename T::Vec V;
    V acc[8];
    for (int i = 0; i < 8; ++i) acc[i] = V{};
    for (int c = 0; c < n; c += T::W)
        for (int i = 0; i < 8; ++i) {
            const int row = kReversed3[i];
            if (row < kCount) acc[i] += load<T>(a + row * n + c) * load<T>(b + (kOneB ? 0 : row * n) + c);
        }
    return sum_lanes8<T>(acc);
}

// The dot products of eight rows with one vector v.
template <class T>
RECSYS_INLINE F8 dot8(const float* rows, const float* v, int n) {
    return dot_rows<T, 8, true>(rows, v, n);
}

// The dot products of a block's row pairs.
template <class T, int kCount>
RECSYS_INLINE F8 dot_pairs(const float* a, const float* b, int n) {
    return dot_rows<T, kCount, false>(a, b, n);
}

// ---- a register-tiled matrix product -------------------------------------

// out[j * ldo + i] = sum_k a[k * lda + i] * b[j * bj + k * bk] for i in
// [0, MR * W), j in [0, NR), k in [0, depth): the MR x NR accumulators stay in
// registers; each step loads MR vectors of a and broadcasts NR values of b.
template <class T, int MR, int NR>
RECSYS_INLINE void tile(const float* a, int lda, const float* b, int bj, int bk, int depth, float* out, int ldo) {
    typedef typename T::Vec V;
    V acc[MR][NR];
    for (int m = 0; m < MR; ++m)
        for (int j = 0; j < NR; ++j) acc[m][j] = V{};
    for (int k = 0; k < depth; ++k) {
        V av[MR];
        for (int m = 0; m < MR; ++m) av[m] = load<T>(a + k * lda + m * T::W);
        for (int j = 0; j < NR; ++j) {
            const float bv = b[j * bj + k * bk];
            for (int m = 0; m < MR; ++m) acc[m][j] += av[m] * bv;
        }
    }
    for (int m = 0; m < MR; ++m)
        for (int j = 0; j < NR; ++j) store<T>(out + j * ldo + m * T::W, acc[m][j]);
}

// The same product for all `rows` (a multiple of T::W) output rows: panels
// of MR vectors, then one narrower panel for what is left.
template <class T, int NR>
RECSYS_INLINE void tile_columns(const float* a, int lda, const float* b, int bj, int bk, int depth, float* out, int ldo,
                                int rows) {
    int i = 0;
    for (; i + T::MR * T::W <= rows; i += T::MR * T::W) tile<T, T::MR, NR>(a + i, lda, b, bj, bk, depth, out + i, ldo);
    const int left = (rows - i) / T::W;
    if constexpr (T::MR > 3) {
        if (left == 3) return tile<T, 3, NR>(a + i, lda, b, bj, bk, depth, out + i, ldo);
    }
    if constexpr (T::MR > 2) {
        if (left == 2) return tile<T, 2, NR>(a + i, lda, b, bj, bk, depth, out + i, ldo);
    }
    if constexpr (T::MR > 1) {
        if (left == 1) return tile<T, 1, NR>(a + i, lda, b, bj, bk, depth, out + i, ldo);
    }
}

// lower[j * f + i] += sum over `rows` rows k of a_k[i] b_k[j] for j <= i < f
// (the lower triangle of a column-major f x f matrix): the register-tiled
// product, column groups starting at the vector that holds their diagonal.
// a and b are rows x fp (b with T::NR floats of slack after its last row);
// `tile` holds (fp + T::NR) x fp floats.
template <class T>
RECSYS_INLINE void add_lower_product(const float* a, const float* b, int rows, int f, int fp, float* tile,
                                     double* lower) {
    for (int j0 = 0; j0 < f; j0 += T::NR) {
        const int i0 = j0 / T::W * T::W;
        tile_columns<T, T::NR>(a + i0, fp, b + j0, 1, fp, rows, tile + j0 * fp + i0, fp, fp - i0);
    }
    for (int j = 0; j < f; ++j) {
        double* column = lower + static_cast<std::size_t>(j) * f;
        const float* sum = tile + static_cast<std::size_t>(j) * fp;
        for (int i = j; i < f; ++i) column[i] += sum[i];
    }
}

}  // namespace recsys::kernel::simd
