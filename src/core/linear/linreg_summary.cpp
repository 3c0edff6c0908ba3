// Linear regression's summary of its rows (linreg.h): n, then the m x m
// upper triangular factor R (column-major) of a QR decomposition of the rows
// [1 x y], m = p + 2. Rows are folded in by factoring R stacked over them;
// two summaries merge by factoring the two factors stacked. R^T R is the
// matrix of cross products of [1 X y], so any R of the same data serves.
#include <Eigen/Householder>
#include <Eigen/QR>

#include "linreg.h"

namespace recsys {

namespace {

using Matrix = Eigen::MatrixXd;

// Rows factored at once: more rows per step amortize the m x m factor that
// every step carries along.
constexpr std::size_t kFoldRows = 512;

std::size_t features(const TrainingRows& shape) { return shape.columns[1].width; }
std::size_t size(const TrainingRows& shape) { return 1 + (features(shape) + 2) * (features(shape) + 2); }

Eigen::Map<Matrix> factor(double* summary, std::size_t m) {
    return Eigen::Map<Matrix>(summary + 1, static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(m));
}

// Replaces R with the factor of [R; below].
void factor_stacked(Eigen::Map<Matrix> r, const Matrix& below) {
    const Eigen::Index m = r.rows();
    Matrix stacked(m + below.rows(), m);
    stacked.topRows(m) = r;
    stacked.bottomRows(below.rows()) = below;
    Eigen::HouseholderQR<Eigen::Ref<Matrix>> qr(stacked);  // in place
    r = stacked.topRows(m).triangularView<Eigen::Upper>();
}

void fold(const TrainingRows& rows, double* summary) {
    const std::size_t p = features(rows), m = p + 2;
    const double* y = rows.columns[0].float64s();
    const double* x = rows.columns[1].float64s();
    auto r = factor(summary, m);
    Matrix block;
    for (std::size_t start = 0; start < rows.count; start += kFoldRows) {
        const std::size_t count = std::min(kFoldRows, rows.count - start);
        block.resize(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(m));
        for (std::size_t i = 0; i < count; ++i) {
            const auto row = static_cast<Eigen::Index>(i);
            block(row, 0) = 1;
            for (std::size_t j = 0; j < p; ++j) block(row, static_cast<Eigen::Index>(j + 1)) = x[(start + i) * p + j];
            block(row, static_cast<Eigen::Index>(m - 1)) = y[start + i];
        }
        factor_stacked(r, block);
    }
    summary[0] += static_cast<double>(rows.count);
}

void merge(double* into, const double* from, const TrainingRows& shape) {
    const std::size_t m = features(shape) + 2;
    const auto other = Eigen::Map<const Matrix>(from + 1, static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(m));
    factor_stacked(factor(into, m), other);
    into[0] += from[0];
}

}  // namespace

const RowSummary& linreg_summary() {
    static const RowSummary summary{size, fold, merge};
    return summary;
}

}  // namespace recsys
