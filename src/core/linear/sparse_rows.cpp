#include "sparse_rows.h"

#include "../base/checked.h"

namespace recsys {

namespace {
std::size_t count_nonzeros(const double* x, std::size_t n, std::size_t p) {
    std::size_t nonzeros = 0;
    const std::size_t total = n * p;
    for (std::size_t k = 0; k < total; ++k) nonzeros += x[k] != 0;
    return nonzeros;
}
}  // namespace

double nonzero_fraction(const double* x, std::size_t n, std::size_t p) {
    if (n == 0 || p == 0) return 1;
    return static_cast<double>(count_nonzeros(x, n, p)) / (static_cast<double>(n) * static_cast<double>(p));
}

bool mostly_zero(const double* x, std::size_t n, std::size_t p) { return nonzero_fraction(x, n, p) < kSparseBelow; }

FeatureNonzeros sparse_rows(const double* x, std::size_t n, std::size_t p, MemoryBudget& budget, const char* what) {
    const std::size_t nonzeros = count_nonzeros(x, n, p);
    const std::size_t entry = sizeof(std::uint32_t) + sizeof(double);
    budget.reserve(checked_add(checked_mul(nonzeros, entry, what), checked_mul(n + 1, sizeof(std::size_t), what), what),
                   what);
    FeatureNonzeros s;
    s.start.reserve(n + 1);
    s.column.reserve(nonzeros);
    s.value.reserve(nonzeros);
    s.start.push_back(0);
    for (std::size_t i = 0; i < n; ++i) {
        const double* row = x + i * p;
        for (std::size_t j = 0; j < p; ++j)
            if (row[j] != 0) {
                s.column.push_back(static_cast<std::uint32_t>(j));
                s.value.push_back(row[j]);
            }
        s.start.push_back(s.column.size());
    }
    return s;
}

}  // namespace recsys
