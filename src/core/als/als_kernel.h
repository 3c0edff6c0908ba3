// The hot loops of implicit ALS, compiled for several instruction sets and
// chosen at run time, so that the default build runs on any x86-64 CPU and
// still uses AVX2 + FMA or AVX-512 where the CPU has them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace recsys::kernel {

// One side of an implicit ALS half-step: solve row r of x against fixed y,
//   (gram + sum_k (c_k - 1) y_k y_k^T) x_r = sum_k c_k y_k,  c_k = 1 + alpha w_k,
// over the nonzeros k of row r, by `cg_steps` conjugate-gradient steps
// warm-started from the current x_r (Takács et al. 2011, as `implicit` does).
struct CgProblem {
    const std::uint64_t* offsets;  // rows + 1
    const std::int32_t* columns;   // rows of y
    const float* weights;
    const float* y;                // row-major, f columns
    const float* gram;             // f x f, y^T y + l2 I (full, symmetric)
    float* x;                      // row-major, f columns; updated in place
    int f;
    float alpha;
    int cg_steps;
    // Raised when the training is being cancelled: the solves then stop
    // between blocks of rows (results unusable). May be null.
    const std::atomic<bool>* stop = nullptr;
    // A diagonal Gram matrix: when set (f values), gram is ignored and
    // gram x costs f multiplications instead of f^2 multiply-adds. The
    // training gets one by rotating y into the eigenvectors of its Gram
    // matrix (a change of basis: every solve is the same, rotated).
    const float* gram_diagonal = nullptr;
    // When set (f x f, row-major, orthogonal), each row of x is first
    // replaced by rotation^T x, the warm start expressed in that basis.
    const float* rotation = nullptr;
};

// Floats of scratch space cg_solve_rows needs for f factors.
std::size_t cg_scratch_floats(int f);

// Solves rows [begin, end). `scratch` holds cg_scratch_floats(f). Returns the loss
// terms of those rows (x^T gram x + sum_k (c-1)s^2 - 2cs + c, s = y_k.x)
// when `with_loss`, else 0.
double cg_solve_rows(const CgProblem& p, std::size_t begin, std::size_t end, float* scratch, bool with_loss);

// Adds the lower triangle of y^T y over rows [begin, end) of y (row-major,
// f columns) into `lower`, an f x f column-major matrix: entry (i, j), j <= i,
// at lower[j * f + i]; the rest is not written.
void gram_lower_accumulate(const float* y, std::size_t begin, std::size_t end, int f, double* lower);

// Rows [begin, end) of x (row-major, f columns) become x * rotation
// (rotation: f x f, row-major): each row r becomes rotation^T r.
void rotate_rows(float* x, std::size_t begin, std::size_t end, int f, const float* rotation);

// out[i] = y_i . x for the n rows of y (row-major, f columns): the scores of a
// whole catalogue for one user.
void score_rows(const float* y, std::size_t n, int f, const float* x, float* out);

// The instruction set the kernels run with: "avx512", "avx2" or "baseline"
// (the best this CPU has, unless use_instruction_set chose another).
const char* instruction_set();

// Runs the kernels with the named instruction set from now on, if this CPU
// has it (for tests that compare the variants); false and no change if not.
// Not thread-safe: call it before any kernel runs.
bool use_instruction_set(const char* name);

}  // namespace recsys::kernel
