// A feature matrix kept by its nonzero entries, row by row (compressed sparse
// rows), for the one-hot columns categorical features become: a row of UCI
// Adult's 108 encoded features holds 14 nonzeros. Sums over rows (a
// gradient, X'DX) then cost per row the square of its nonzeros, not of p.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../base/memory_budget.h"

namespace recsys {

// (Not ALS's SparseRows, interactions.h: one name for two layouts in one
// namespace broke the one-definition rule, their inline members merged.)
struct FeatureNonzeros {
    std::vector<std::size_t> start;     // n + 1 offsets into column / value
    std::vector<std::uint32_t> column;  // ascending within a row
    std::vector<double> value;
    std::size_t rows() const { return start.empty() ? 0 : start.size() - 1; }
};

// The share of nonzero entries of x (n x p, row-major); 1 for an empty matrix.
double nonzero_fraction(const double* x, std::size_t n, std::size_t p);

// Below this share of nonzero features, the linear solvers (logreg, svm) run
// over each row's nonzeros: one-hot encoded categories. A dense row costs p
// multiply-adds at full vector speed, a sparse one nnz scattered ones (and a
// Hessian p^2 / 2 against nnz^2 / 2): at 30% the two are about even.
constexpr double kSparseBelow = 0.3;

// The one rule both solvers follow: are x's rows better kept by their nonzeros?
bool mostly_zero(const double* x, std::size_t n, std::size_t p);

// x (n x p, row-major) by its nonzeros, reserved in `budget` as `what`.
FeatureNonzeros sparse_rows(const double* x, std::size_t n, std::size_t p, MemoryBudget& budget, const char* what);

}  // namespace recsys
