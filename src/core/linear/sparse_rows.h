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

struct SparseRows {
    std::vector<std::size_t> start;     // n + 1 offsets into column / value
    std::vector<std::uint32_t> column;  // ascending within a row
    std::vector<double> value;
    std::size_t rows() const { return start.empty() ? 0 : start.size() - 1; }
};

// The share of nonzero entries of x (n x p, row-major); 1 for an empty matrix.
double nonzero_fraction(const double* x, std::size_t n, std::size_t p);

// x (n x p, row-major) by its nonzeros, reserved in `budget` as `what`.
SparseRows sparse_rows(const double* x, std::size_t n, std::size_t p, MemoryBudget& budget, const char* what);

}  // namespace recsys
