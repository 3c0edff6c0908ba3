#include "als_kernel.h"

#include <cstring>
#include <vector>

#include "als_cg_block.h"
#include "kernel_simd.h"

namespace recsys::kernel {

// Every kernel below is written once, over an instruction-set description
// (kernel_simd.h), and instantiated by the dispatchers at the end of this
// file inside functions compiled for AVX-512, for AVX2 + FMA and for the
// baseline; the CPU is asked once which to use.
namespace {

template <class T>
RECSYS_INLINE double cg_solve_rows_for(const CgProblem& p, std::size_t begin, std::size_t end, float* scratch,
                                       bool with_loss) {
    if (p.f == 64) return BlockCg<T, 64>(p, scratch).solve(begin, end, with_loss);
    if (p.f == 32) return BlockCg<T, 32>(p, scratch).solve(begin, end, with_loss);
    return BlockCg<T, 0>(p, scratch).solve(begin, end, with_loss);
}

// Eight rows at a time with one reduction tree when f fills whole vectors
// (the catalogue scan behind every recommendation), one at a time otherwise.
template <class T>
RECSYS_INLINE void score_rows_for(const float* y, std::size_t n, int f, const float* x, float* out) {
    std::size_t i = 0;
    if (f % T::W == 0)
        for (; i + kGroup <= n; i += kGroup) {
            const F8 dots = simd::dot8<T>(y + i * static_cast<std::size_t>(f), x, f);
            std::memcpy(out + i, &dots, sizeof dots);
        }
    for (; i < n; ++i) out[i] = simd::dot<T>(y + i * static_cast<std::size_t>(f), x, f);
}

// The lower triangle of y^T y: blocks of kDenseRows rows copied with zero
// padding to fp floats, each multiplied by its own transpose with the
// register-tiled product (summed in float over one block, cache resident),
// then added into the double total for precision.
template <class T>
RECSYS_INLINE void gram_lower_accumulate_for(const float* y, std::size_t begin, std::size_t end, int f,
                                             double* lower) {
    const int fp = round_up(f, T::W);
    std::vector<float> block(static_cast<std::size_t>(kDenseRows) * fp + T::NR),
        tile(static_cast<std::size_t>(fp + T::NR) * fp);
    for (std::size_t b = begin; b < end; b += kDenseRows) {
        const int rows = end - b < static_cast<std::size_t>(kDenseRows) ? static_cast<int>(end - b) : kDenseRows;
        copy_padded_rows(y + b * static_cast<std::size_t>(f), rows, f, block.data(), rows, fp);
        simd::add_lower_product<T>(block.data(), block.data(), rows, f, fp, tile.data(), lower);
    }
}

// Six rows at a time through the register-tiled product, copied in and out
// with zero padding to whole vectors.
template <class T>
RECSYS_INLINE void rotate_rows_for(float* x, std::size_t begin, std::size_t end, int f, const float* rotation) {
    const int fp = round_up(f, T::W);
    const std::size_t row_bytes = sizeof(float) * static_cast<std::size_t>(f);
    std::vector<float> padded(static_cast<std::size_t>(fp) * fp), in(T::NR * static_cast<std::size_t>(fp)), out(in.size());
    copy_padded_rows(rotation, f, f, padded.data(), fp, fp);
    for (std::size_t b = begin; b < end; b += T::NR) {
        const int rows = end - b < static_cast<std::size_t>(T::NR) ? static_cast<int>(end - b) : T::NR;
        copy_padded_rows(x + b * static_cast<std::size_t>(f), rows, f, in.data(), T::NR, fp);
        simd::tile_columns<T, T::NR>(padded.data(), fp, in.data(), fp, 1, fp, out.data(), fp, fp);
        for (int j = 0; j < rows; ++j) std::memcpy(x + (b + static_cast<std::size_t>(j)) * f, out.data() + j * fp, row_bytes);
    }
}

}  // namespace

std::size_t cg_scratch_floats(int f) {
    // The layout grows with fp, so the widest lanes' padding covers every instruction set.
    return 16 + ScratchLayout(round_up(f, simd::kMaxLanes), simd::kBlockColumns, rows_per_solve(f)).total;
}

// ---- dispatch -------------------------------------------------------------

enum class Isa { Baseline, Avx2, Avx512 };

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RECSYS_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma,bmi,bmi2")))
#define RECSYS_AVX2 __attribute__((target("avx2,fma,bmi,bmi2")))

Isa best_isa() {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw"))
        return Isa::Avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
    return Isa::Baseline;
}

RECSYS_AVX512 double cg_avx512(const CgProblem& p, std::size_t b, std::size_t e, float* s, bool l) {
    return cg_solve_rows_for<simd::Avx512>(p, b, e, s, l);
}
RECSYS_AVX2 double cg_avx2(const CgProblem& p, std::size_t b, std::size_t e, float* s, bool l) {
    return cg_solve_rows_for<simd::Avx2>(p, b, e, s, l);
}
RECSYS_AVX512 void score_avx512(const float* y, std::size_t n, int f, const float* x, float* out) {
    score_rows_for<simd::Avx512>(y, n, f, x, out);
}
RECSYS_AVX2 void score_avx2(const float* y, std::size_t n, int f, const float* x, float* out) {
    score_rows_for<simd::Avx2>(y, n, f, x, out);
}
RECSYS_AVX512 void gram_avx512(const float* y, std::size_t b, std::size_t e, int f, double* out) {
    gram_lower_accumulate_for<simd::Avx512>(y, b, e, f, out);
}
RECSYS_AVX2 void gram_avx2(const float* y, std::size_t b, std::size_t e, int f, double* out) {
    gram_lower_accumulate_for<simd::Avx2>(y, b, e, f, out);
}
RECSYS_AVX512 void rotate_avx512(float* x, std::size_t b, std::size_t e, int f, const float* r) {
    rotate_rows_for<simd::Avx512>(x, b, e, f, r);
}
RECSYS_AVX2 void rotate_avx2(float* x, std::size_t b, std::size_t e, int f, const float* r) {
    rotate_rows_for<simd::Avx2>(x, b, e, f, r);
}
#define RECSYS_DISPATCH(avx512_call, avx2_call) \
    switch (active_isa) {                      \
        case Isa::Avx512: return avx512_call;  \
        case Isa::Avx2: return avx2_call;      \
        case Isa::Baseline: break;             \
    }
#else
Isa best_isa() { return Isa::Baseline; }
#define RECSYS_DISPATCH(avx512_call, avx2_call)
#endif

namespace {
const Isa kBestIsa = best_isa();
Isa active_isa = kBestIsa;
}  // namespace

double cg_solve_rows(const CgProblem& p, std::size_t begin, std::size_t end, float* scratch, bool with_loss) {
    RECSYS_DISPATCH(cg_avx512(p, begin, end, scratch, with_loss), cg_avx2(p, begin, end, scratch, with_loss))
    return cg_solve_rows_for<simd::Baseline>(p, begin, end, scratch, with_loss);
}

void gram_lower_accumulate(const float* y, std::size_t begin, std::size_t end, int f, double* lower) {
    RECSYS_DISPATCH(gram_avx512(y, begin, end, f, lower), gram_avx2(y, begin, end, f, lower))
    gram_lower_accumulate_for<simd::Baseline>(y, begin, end, f, lower);
}

void rotate_rows(float* x, std::size_t begin, std::size_t end, int f, const float* rotation) {
    RECSYS_DISPATCH(rotate_avx512(x, begin, end, f, rotation), rotate_avx2(x, begin, end, f, rotation))
    rotate_rows_for<simd::Baseline>(x, begin, end, f, rotation);
}

void score_rows(const float* y, std::size_t n, int f, const float* x, float* out) {
    RECSYS_DISPATCH(score_avx512(y, n, f, x, out), score_avx2(y, n, f, x, out))
    score_rows_for<simd::Baseline>(y, n, f, x, out);
}

const char* isa_name(Isa isa) {
    switch (isa) {
        case Isa::Avx512: return "avx512";
        case Isa::Avx2: return "avx2";
        case Isa::Baseline: break;
    }
    return "baseline";
}

const char* instruction_set() { return isa_name(active_isa); }

bool use_instruction_set(const char* name) {
    for (Isa isa : {Isa::Baseline, Isa::Avx2, Isa::Avx512}) {
        if (std::strcmp(name, isa_name(isa)) != 0) continue;
        if (isa > kBestIsa) return false;
        active_isa = isa;
        return true;
    }
    return false;
}

}  // namespace recsys::kernel
