// The conjugate-gradient solves of the ALS kernel, rows in lockstep blocks
// (BlockCg), with their scratch layout and prefetching. Written once over an
// instruction-set description (kernel_simd.h); only als_kernel.cpp includes
// this header, and instantiates it inside its per-instruction-set functions.
#pragma once

#include <cstdint>
#include <cstring>

#include "als_kernel.h"
#include "kernel_simd.h"

namespace recsys::kernel {
namespace {

using simd::F8;
constexpr int kGroup = 8;  // rows per simd::dot8

constexpr int round_up(int n, int to) { return (n + to - 1) / to * to; }

// Member functions and lambdas must be inlined into the dispatchers too,
// to be compiled for their instruction set.
#define RECSYS_MEMBER inline __attribute__((always_inline))
#define RECSYS_LAMBDA __attribute__((always_inline))

// A solve copies its rows of y next to each other before its CG steps (each
// step then reads them from cache instead of from scattered memory), up to
// this many bytes. A solve with more rows (a blockbuster video) reads them
// once into a dense matrix instead (BlockCg::solve_dense).
constexpr std::size_t kGatherBytes = std::size_t(1) << 21;
// A block of lockstep solves gathers up to this many bytes in all (it
// starts with one solve and takes the next while they fit): every CG step
// reads them all again, so they should stay in the core's L2 cache; six
// videos of a few thousand viewers each would not.
constexpr std::size_t kBlockGatherBytes = std::size_t(1) << 19;
// Rows per pass of the dense products (gram_lower_accumulate, solve_dense).
constexpr int kDenseRows = 128;
// Prefetching: a solve's gather asks for its rows kRowsAhead ahead, and
// the first kAheadRows rows of the next block are asked for while the
// current block computes (all of a short-row block: a user's handful of
// videos; for long rows, more would only evict what is being used).
// Measured on the bench sets: prefetching the whole next block instead is
// 1.4-2x slower on 100-row solves and the same on 10-row ones.
constexpr std::uint64_t kRowsAhead = 16;
constexpr std::uint64_t kAheadRows = 64;

float* align64(float* p) {
    return reinterpret_cast<float*>((reinterpret_cast<std::uintptr_t>(p) + 63) & ~std::uintptr_t(63));
}

// dst (padded_rows x fp) = src (rows x f, row-major; may be null when
// rows is 0), each row zero-padded to fp floats, zero rows after the last.
RECSYS_INLINE void copy_padded_rows(const float* src, int rows, int f, float* dst, int padded_rows, int fp) {
    for (int r = 0; r < padded_rows; ++r) {
        float* row = dst + static_cast<std::size_t>(r) * static_cast<std::size_t>(fp);
        const int copied = r < rows ? f : 0;
        if (copied)
            std::memcpy(row, src + static_cast<std::size_t>(r) * static_cast<std::size_t>(f),
                        sizeof(float) * static_cast<std::size_t>(f));
        for (int c = copied; c < fp; ++c) row[c] = 0;
    }
}

RECSYS_INLINE void prefetch_row(const float* row, int f) {
    const char* bytes = reinterpret_cast<const char*>(row);
    for (int byte = 0; byte < f * 4; byte += 64) __builtin_prefetch(bytes + byte);
}

// Rows a solve gathers at most (a whole number of groups) for f factors:
// the same for every instruction set, so that the choice between the
// gathered and the dense solve does not depend on the CPU.
std::uint64_t rows_per_solve(int f) {
    return kGatherBytes / sizeof(float) / static_cast<std::uint64_t>(round_up(f, simd::kMaxLanes)) / kGroup * kGroup;
}

// Where BlockCg keeps what, in floats from the (64-byte aligned) start of
// its scratch; `total` is what it needs.
struct ScratchLayout {
    std::size_t gram, rotation, diagonal, vectors, dense, dense_tile, dense_lower, unscaled, scaled, gathered, weights,
        total;
    // fp: floats per padded row; rows: rows_per_solve.
    ScratchLayout(int fp_int, int nr, std::uint64_t rows) {
        const std::size_t fp = static_cast<std::size_t>(fp_int), n = static_cast<std::size_t>(nr);
        gram = 0;
        rotation = gram + fp * fp;                       // fp x fp
        diagonal = rotation + fp * fp;                   // fp
        vectors = diagonal + fp;                         // x, r, d, A d, b of each row: nr x fp each; a dense b: fp
        dense = vectors + 5 * n * fp + fp;               // fp x fp
        dense_tile = dense + fp * fp;                    // (fp + nr) x fp
        dense_lower = dense_tile + (fp + n) * fp;        // fp x fp doubles
        unscaled = dense_lower + 2 * fp * fp;            // kDenseRows x fp, + 16 floats of slack
        scaled = unscaled + kDenseRows * fp + 16;        // kDenseRows x fp
        gathered = scaled + kDenseRows * fp;             // nr x rows x fp
        weights = gathered + n * rows * fp;              // nr x rows
        total = weights + n * rows;
    }
};

// Brings the next block's factor rows into cache a few at a time while the
// current block computes: the scattered rows' memory latency then hides
// behind arithmetic instead of stalling the next block's gather.
struct NextBlockPrefetch {
    const CgProblem& p;
    std::uint64_t k = 0, last = 0;
    std::uint64_t per_call = 0;
    // Rows [first, end) of the next block (at most kAheadRows), spread over `calls` calls of step().
    RECSYS_MEMBER void aim(std::uint64_t first, std::uint64_t end, std::uint64_t calls) {
        k = first, last = end - first > kAheadRows ? first + kAheadRows : end;
        per_call = (last - first + calls) / (calls ? calls : 1);
    }
    RECSYS_MEMBER void step() {
        for (std::uint64_t i = 0; i < per_call && k < last; ++i, ++k)
            prefetch_row(p.y + static_cast<std::size_t>(p.columns[k]) * p.f, p.f);
    }
};

// One solve's nonzeros [first, last) and where its rows and weights are
// gathered (nullptr: none, or too many: solved densely), zero-padded to
// whole groups.
struct Segment {
    std::uint64_t first = 0, last = 0;
    float* rows = nullptr;
    float* weights = nullptr;
    bool empty() const { return first == last; }
    bool dense() const { return !empty() && rows == nullptr; }
};

// The solves of rows [begin, end) of x, NR rows in lockstep: the products
// with the Gram matrix of all NR rows are one register-tiled matrix product
// (simd::tile), and each row adds its own nonzeros eight at a time
// (simd::dot8, then a sum of scaled rows). Vectors are padded with zeros to
// fp floats, a multiple of the lane count.
template <class T, int kFactors>
struct BlockCg {
    static constexpr int NR = T::NR;
    typedef typename T::Vec V;

    const CgProblem& p;
    // The number of factors and its padded length: constants when kFactors > 0.
    RECSYS_MEMBER int factors() const { return kFactors > 0 ? kFactors : p.f; }
    RECSYS_MEMBER int padded() const { return round_up(factors(), T::W); }
    float* gram;                // fp x fp, padded with zeros (unused when diagonal)
    float* diagonal;            // fp: the Gram matrix when it is diagonal, else null
    float* rotation;            // fp x fp: CgProblem::rotation, padded, or null
    float *xs, *rs, *ds, *aps;  // NR x fp each: solutions, residuals, directions, A directions
    float* bs;                  // NR x fp: right-hand sides b = sum c y, for the loss
    float* b;                   // fp: right-hand side of a dense solve
    float *dense, *dense_tile, *unscaled, *scaled, *gathered, *gathered_weights;
    double* dense_lower;
    std::uint64_t per_solve;  // rows a solve gathers at most
    NextBlockPrefetch ahead{p};
    Segment seg[NR];

    RECSYS_MEMBER BlockCg(const CgProblem& problem, float* scratch) : p(problem) {
        const int f = factors(), fp = padded();
        per_solve = rows_per_solve(f);
        const ScratchLayout at(fp, NR, per_solve);
        float* base = align64(scratch);
        gram = base + at.gram;
        diagonal = p.gram_diagonal ? base + at.diagonal : nullptr;
        rotation = p.rotation ? base + at.rotation : nullptr;
        xs = base + at.vectors, rs = xs + NR * fp, ds = rs + NR * fp, aps = ds + NR * fp, bs = aps + NR * fp;
        b = bs + NR * fp;
        dense = base + at.dense, dense_tile = base + at.dense_tile;
        dense_lower = reinterpret_cast<double*>(base + at.dense_lower);
        unscaled = base + at.unscaled, scaled = base + at.scaled, gathered = base + at.gathered;
        gathered_weights = base + at.weights;
        if (diagonal)
            copy_padded_rows(p.gram_diagonal, 1, f, diagonal, 1, fp);
        else
            copy_padded_rows(p.gram, f, f, gram, fp, fp);
        if (rotation) copy_padded_rows(p.rotation, f, f, rotation, fp, fp);
    }

    // A cancel pending: the solves stop between blocks (and between the
    // passes of a dense solve's read), so that one call never runs long.
    RECSYS_MEMBER bool stopped() const { return p.stop && p.stop->load(std::memory_order_relaxed); }

    // One row of f floats (none: zeros) as fp floats.
    RECSYS_MEMBER void copy_padded(const float* src, float* dst) const {
        copy_padded_rows(src, src ? 1 : 0, factors(), dst, 1, padded());
    }
    RECSYS_MEMBER const float* y_row(std::uint64_t k) const {
        return p.y + static_cast<std::size_t>(p.columns[k]) * static_cast<std::size_t>(factors());
    }

    // Rows [k, k + 8) of a gathered solve (zeros past its last) as one group
    // of kGroup x fp floats, copied there from y, with their weights, when `fill`.
    RECSYS_MEMBER const float* group(const Segment& s, std::uint64_t k, bool fill) {
        const int fp = padded();
        float* dst = s.rows + (k - s.first) * static_cast<std::uint64_t>(fp);
        if (fill)
            for (int i = 0; i < kGroup; ++i) {
                const std::uint64_t n = k + static_cast<std::uint64_t>(i);
                // Asks for the row kRowsAhead on, one per row copied (a burst
                // would wait for free miss buffers); the first rows of a solve
                // come from NextBlockPrefetch.
                if (n + kRowsAhead < s.last) prefetch_row(y_row(n + kRowsAhead), factors());
                copy_padded(n < s.last ? y_row(n) : nullptr, dst + i * fp);
                s.weights[n - s.first] = n < s.last ? p.weights[n] : 0.0f;
            }
        return dst;
    }

    // out += sum_i coefficient_i row_i over the first kRows rows of a group
    // (the padding rows are zeros, so a short group can be rounded up).
    template <int kRows>
    RECSYS_MEMBER void add_rows(const float* rows, F8 coefficient, float* out) const {
        const int fp = padded();
        for (int c0 = 0; c0 < fp; c0 += 4 * T::W) {
            const int nv = fp - c0 >= 4 * T::W ? 4 : (fp - c0) / T::W;
            V o[4];
            for (int v = 0; v < nv; ++v) o[v] = simd::load<T>(out + c0 + v * T::W);
            for (int i = 0; i < kRows; ++i) {
                const float ci = coefficient[i];
                for (int v = 0; v < nv; ++v) o[v] += simd::load<T>(rows + i * fp + c0 + v * T::W) * ci;
            }
            for (int v = 0; v < nv; ++v) simd::store<T>(out + c0 + v * T::W, o[v]);
        }
    }

    // out += sum_i coefficient_i row_i over a group of m rows.
    RECSYS_MEMBER void add_group(const float* rows, F8 coefficient, int m, float* out) const {
        if (m > 4)
            add_rows<8>(rows, coefficient, out);
        else
            add_rows<4>(rows, coefficient, out);
    }

    // For each group of a gathered solve's rows: s = rows . v, then out +=
    // sum coefficient(w, s) row. With `rhs`, also rhs += sum c row and
    // *confidence += sum c (c = 1 + alpha w), for the loss.
    template <class Coefficient>
    RECSYS_MEMBER void sparse_pass(const Segment& s, const float* v, float* out, bool fill, Coefficient coefficient,
                                   float* rhs = nullptr, double* confidence = nullptr) {
        const int fp = padded();
        for (std::uint64_t k = s.first; k < s.last; k += kGroup) {
            const float* rows = group(s, k, fill);
            ahead.step();
            const int m = s.last - k < kGroup ? static_cast<int>(s.last - k) : kGroup;
            F8 w;
            std::memcpy(&w, s.weights + (k - s.first), sizeof w);
            add_group(rows, coefficient(w, simd::dot8<T>(rows, v, fp)), m, out);
            if (rhs) {
                const F8 c = 1.0f + p.alpha * w;
                add_group(rows, c, m, rhs);
                for (int i = 0; i < m; ++i) *confidence += c[i];
            }
        }
    }

    // Rows of x in the block starting at b0 (1 to NR of them): as many as
    // gather at most kBlockGatherBytes together (a dense solve gathers none).
    RECSYS_MEMBER int block_rows(std::size_t b0, std::size_t end) const {
        const std::uint64_t budget = kBlockGatherBytes / sizeof(float) / static_cast<std::uint64_t>(padded());
        std::uint64_t gathered_rows = 0;
        int nb = 0;
        for (; nb < NR && b0 + static_cast<std::size_t>(nb) < end; ++nb) {
            const std::size_t r = b0 + static_cast<std::size_t>(nb);
            const std::uint64_t n = p.offsets[r + 1] - p.offsets[r];
            const std::uint64_t gathers = n <= per_solve ? n : 0;
            if (nb > 0 && gathered_rows + gathers > budget) break;
            gathered_rows += gathers;
        }
        return nb;
    }

    // Sets up the segments of rows [b0, b0 + nb), copies their x and aims
    // the prefetch at the next block.
    RECSYS_MEMBER void load_block(std::size_t b0, int nb, std::size_t end) {
        const int f = factors(), fp = padded();
        std::uint64_t groups = 0;  // calls of ahead.step() this block makes, about
        for (int j = 0; j < NR; ++j) {
            Segment& s = seg[j];
            s = Segment{};
            if (j < nb) s.first = p.offsets[b0 + j], s.last = p.offsets[b0 + j + 1];
            const std::uint64_t n = s.last - s.first;
            if (n > 0 && n <= per_solve) {
                s.rows = gathered + static_cast<std::uint64_t>(j) * per_solve * fp;
                s.weights = gathered_weights + static_cast<std::uint64_t>(j) * per_solve;
            }
            groups += (n + kGroup - 1) / kGroup * (s.dense() ? 1 : 1 + static_cast<std::uint64_t>(p.cg_steps));
            copy_padded(s.empty() ? nullptr : p.x + (b0 + static_cast<std::size_t>(j)) * f, xs + j * fp);
        }
        if (rotation) {  // the warm starts in the rotated basis: x = rotation^T x, the six at once
            simd::tile_columns<T, NR>(rotation, fp, xs, fp, 1, fp, aps, fp, fp);
            std::memcpy(xs, aps, sizeof(float) * static_cast<std::size_t>(NR * fp));
        }
        const std::size_t next = b0 + static_cast<std::size_t>(nb);
        const std::size_t next_end = next < end ? next + static_cast<std::size_t>(block_rows(next, end)) : end;
        if (next < end)
            ahead.aim(p.offsets[next], p.offsets[next_end], groups);
        else
            ahead.aim(0, 0, 1);
    }

    // out (NR x fp) = gram in (NR x fp), one column per row of the block.
    RECSYS_MEMBER void gram_times(const float* in, float* out) const {
        const int fp = padded();
        if (!diagonal) return simd::tile_columns<T, NR>(gram, fp, in, fp, 1, fp, out, fp, fp);
        for (int j = 0; j < NR; ++j)
            for (int c = 0; c < fp; c += T::W)
                simd::store<T>(out + j * fp + c, simd::load<T>(in + j * fp + c) * simd::load<T>(diagonal + c));
    }
    RECSYS_MEMBER float gram_entry(int i, int c) const {
        return diagonal ? (i == c ? diagonal[i] : 0.0f) : gram[i * padded() + c];
    }

    // The two halves of a CG step, shared by the lockstep solves (which
    // compute their scalars for the whole block at once) and the dense one.
    // x += step d, r -= step A d.
    RECSYS_MEMBER void cg_advance(float step_size, const float* d, const float* ap, float* x, float* r) const {
        simd::axpy<T>(step_size, d, x, padded());
        simd::axpy<T>(-step_size, ap, r, padded());
    }
    // d = r + beta d.
    RECSYS_MEMBER void cg_direction(float beta, const float* r, float* d) const {
        for (int i = 0; i < padded(); ++i) d[i] = r[i] + beta * d[i];
    }

    // A solve's loss terms, x^T gram x + sum (c - 1) s^2 - 2 c s + c =
    // x^T A x - 2 b.x + sum c, from the residual CG keeps, A x = b - r:
    // sum c - b.x - r.x, without another pass over the rows.
    RECSYS_MEMBER double loss_terms(double confidence, const float* b_row, const float* x, const float* r) const {
        return confidence - static_cast<double>(simd::dot<T>(b_row, x, padded())) -
               static_cast<double>(simd::dot<T>(r, x, padded()));
    }

    // Solve j of the block when it has too many rows to gather: reads them
    // once, building A = gram + sum (c - 1) y y^T (the lower triangle, with
    // the register-tiled product, summed in double) and b = sum c y, then
    // runs the same CG steps on the dense A. Returns its loss terms.
    RECSYS_MEMBER double solve_dense(int j, bool with_loss) {
        const int f = factors(), fp = padded();
        const Segment& s = seg[j];
        float *x = xs + j * fp, *r = rs + j * fp, *d = ds + j * fp, *ap = aps + j * fp;
        for (int i = 0; i < fp; ++i) b[i] = 0;
        for (int i = 0; i < f * f; ++i) dense_lower[i] = 0;
        double confidence = 0;  // sum of c, for the loss
        for (std::uint64_t k0 = s.first; k0 < s.last && !stopped(); k0 += kDenseRows) {
            const int rows = s.last - k0 < kDenseRows ? static_cast<int>(s.last - k0) : kDenseRows;
            for (int i = 0; i < rows; ++i) {
                const std::uint64_t k = k0 + static_cast<std::uint64_t>(i);
                if (k + kRowsAhead < s.last) prefetch_row(y_row(k + kRowsAhead), f);
                float *u = unscaled + i * fp, *scaled_row = scaled + i * fp;
                copy_padded(y_row(k), u);
                const float c_minus_1 = p.alpha * p.weights[k];
                confidence += 1.0 + static_cast<double>(c_minus_1);
                for (int c = 0; c < fp; c += T::W) simd::store<T>(scaled_row + c, simd::load<T>(u + c) * c_minus_1);
                simd::axpy<T>(1.0f + c_minus_1, u, b, fp);
            }
            simd::add_lower_product<T>(scaled, unscaled, rows, f, fp, dense_tile, dense_lower);
            ahead.step();
        }
        for (int i = 0; i < fp; ++i)
            for (int c = 0; c < fp; ++c) {
                const double extra = i < f && c < f ? dense_lower[i > c ? c * f + i : i * f + c] : 0.0;
                dense[i * fp + c] = gram_entry(i, c) + static_cast<float>(extra);
            }
        auto dense_times = [&](const float* v, float* out) RECSYS_LAMBDA {
            simd::tile_columns<T, 1>(dense, fp, v, 0, 1, fp, out, fp, fp);
        };
        dense_times(x, ap);
        for (int i = 0; i < fp; ++i) d[i] = r[i] = b[i] - ap[i];
        float rs = simd::dot<T>(r, r, fp);
        for (int step = 0; step < p.cg_steps && rs > 1e-20f; ++step) {
            dense_times(d, ap);
            const float denom = simd::dot<T>(d, ap, fp);
            if (!(denom > 0)) break;  // no curvature left: done
            cg_advance(rs / denom, d, ap, x, r);
            const float rs_new = simd::dot<T>(r, r, fp);
            cg_direction(rs_new / rs, r, d);
            rs = rs_new;
        }
        return with_loss ? loss_terms(confidence, b, x, r) : 0.0;
    }

    RECSYS_MEMBER double solve(std::size_t begin, std::size_t end, bool with_loss) {
        const int f = factors(), fp = padded();
        const F8 alpha = F8{} + p.alpha;
        // The coefficient of y_k in b - A x: c - (c - 1) s, c = 1 + alpha w.
        auto residual = [alpha](F8 w, F8 s) RECSYS_LAMBDA { return 1.0f + alpha * w - alpha * w * s; };
        // The coefficient of y_k in A d beyond the Gram part: (c - 1) s.
        auto curvature = [alpha](F8 w, F8 s) RECSYS_LAMBDA { return alpha * w * s; };
        double loss = 0;
        double confidence[NR];  // sum of c per row, for the loss
        int nb = 0;
        for (std::size_t b0 = begin; b0 < end && !stopped(); b0 += static_cast<std::size_t>(nb)) {
            nb = block_rows(b0, end);
            load_block(b0, nb, end);
            gram_times(xs, rs);  // r = b - A x = sum_k (c - (c - 1) y.x) y - gram x
            for (int j = 0; j < NR; ++j) {
                float *x = xs + j * fp, *r = rs + j * fp;
                for (int i = 0; i < fp; ++i) r[i] = -r[i];
                if (seg[j].dense()) loss += solve_dense(j, with_loss);
                confidence[j] = 0;
                if (with_loss) std::memset(bs + j * fp, 0, sizeof(float) * static_cast<std::size_t>(fp));
                if (seg[j].rows)
                    sparse_pass(seg[j], x, r, true, residual, with_loss ? bs + j * fp : nullptr, &confidence[j]);
            }
            std::memcpy(ds, rs, sizeof(float) * static_cast<std::size_t>(NR * fp));
            // The CG steps of the gathered solves (no data: the regularized
            // solution, 0; x stays 0). Their scalars are computed together,
            // lane j for row j, so that the rows' reductions and divisions
            // overlap instead of forming one long chain of latencies.
            F8 rs_old = simd::dot_pairs<T, NR>(rs, rs, fp);
            bool active[NR];
            for (int j = 0; j < NR; ++j) active[j] = seg[j].rows != nullptr && rs_old[j] > 1e-20f;
            for (int step = 0; step < p.cg_steps; ++step) {
                bool any = false;
                for (int j = 0; j < NR; ++j) any = any || active[j];
                if (!any) break;
                gram_times(ds, aps);
                for (int j = 0; j < NR; ++j)
                    if (active[j]) sparse_pass(seg[j], ds + j * fp, aps + j * fp, false, curvature);
                const F8 denom = simd::dot_pairs<T, NR>(ds, aps, fp);
                for (int j = 0; j < NR; ++j) {
                    active[j] = active[j] && denom[j] > 0;  // no curvature left: done
                    if (active[j]) cg_advance(rs_old[j] / denom[j], ds + j * fp, aps + j * fp, xs + j * fp, rs + j * fp);
                }
                const F8 rs_new = simd::dot_pairs<T, NR>(rs, rs, fp);
                for (int j = 0; j < NR; ++j) {
                    if (!active[j]) continue;
                    cg_direction(rs_new[j] / rs_old[j], rs + j * fp, ds + j * fp);
                    active[j] = rs_new[j] > 1e-20f;
                }
                rs_old = rs_new;
            }
            if (with_loss)  // the gathered solves' (the dense ones' are counted already)
                for (int j = 0; j < nb; ++j)
                    if (seg[j].rows) loss += loss_terms(confidence[j], bs + j * fp, xs + j * fp, rs + j * fp);
            for (int j = 0; j < nb; ++j)
                std::memcpy(p.x + (b0 + static_cast<std::size_t>(j)) * f, xs + j * fp,
                            sizeof(float) * static_cast<std::size_t>(f));
        }
        return loss;
    }
};

}  // namespace
}  // namespace recsys::kernel
