// Linear regression's summary of its rows (linreg.h): n, then the m x m
// upper triangular factor R (column-major) of a QR decomposition of the rows
// [1 x y], m = p + 2. Rows are folded in by factoring R stacked over them;
// two summaries merge by factoring the two factors stacked. R^T R is the
// matrix of cross products of [1 X y], so any R of the same data serves.

#include "../base/decompositions.h"
#include "../base/checked.h"
#include "linreg.h"

namespace recsys {

namespace {

using Matrix = Eigen::MatrixXd;

// Rows factored at once: more rows per step amortize the m x m factor that
// every step carries along.
constexpr std::size_t kFoldRows = 512;

std::size_t features(const TrainingRows& shape) { return shape.column("features").width; }

// Doubles in the summary of p features: n, then R (m x m, m = p + 2).
std::size_t summary_size(std::size_t p) {
    const std::size_t m = checked_add(p, 2, "linreg_fit summary", ErrorKind::InvalidParameter);
    return checked_add(1, checked_mul(m, m, "linreg_fit summary", ErrorKind::InvalidParameter), "linreg_fit summary",
                       ErrorKind::InvalidParameter);
}

Eigen::Map<Matrix> factor(double* summary, std::size_t m) {
    return Eigen::Map<Matrix>(summary + 1, static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(m));
}

// Replaces R with the factor of [R; below].
void factor_stacked(Eigen::Map<Matrix> r, const Matrix& below) {
    const Eigen::Index m = r.rows();
    Matrix stacked(m + below.rows(), m);
    stacked.topRows(m) = r;
    stacked.bottomRows(below.rows()) = below;
    householder_qr_in_place(stacked);
    r = stacked.topRows(m).triangularView<Eigen::Upper>();
}

void fold(const TrainingRows& rows, double* summary) {
    const std::size_t p = features(rows), m = p + 2;
    const double* y = rows.column("y").float64s();
    const double* x = rows.column("features").arrays();
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

void linreg_merge(double* into, const double* from, std::size_t p) {
    const std::size_t m = p + 2;
    const auto other = Eigen::Map<const Matrix>(from + 1, static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(m));
    factor_stacked(factor(into, m), other);
    into[0] += from[0];
}

// The summary the aggregate keeps: n and R, zero until rows come.
class LinregFactor : public RowSummary {
public:
    explicit LinregFactor(std::size_t p) : p_(p), values_(summary_size(p), 0.0) {}

    void add(const TrainingRows& rows, MemoryBudget& budget) override {
        budget.reserve(scratch_bytes(std::min(kFoldRows, rows.count)), "linreg_fit rows being factored");
        fold(rows, values_.data());
    }
    void merge(RowSummary& other, MemoryBudget& budget) override {
        const auto& from = dynamic_cast<const LinregFactor&>(other);
        if (from.p_ != p_) fail(ErrorKind::Internal, "linreg_fit summaries of different widths");
        budget.reserve(scratch_bytes(p_ + 2), "linreg_fit factors being merged");
        linreg_merge(values_.data(), from.values_.data(), p_);
    }
    void write(ByteWriter& w) const override { w.array(values_.data(), values_.size()); }
    std::size_t memory_bytes() const override { return sizeof *this + values_.size() * sizeof(double); }

    std::size_t features() const { return p_; }
    const double* data() const { return values_.data(); }

    static std::unique_ptr<RowSummary> create(const TrainingRows& shape, const Options&, MemoryBudget& budget) {
        const std::size_t p = recsys::features(shape);
        budget.reserve(checked_mul(summary_size(p), sizeof(double), "linreg_fit summary", ErrorKind::InvalidParameter),
                       "linreg_fit summary");
        return std::make_unique<LinregFactor>(p);
    }
    static std::unique_ptr<RowSummary> read(ByteReader& r, const TrainingRows& shape, const Options& options,
                                            MemoryBudget& budget) {
        auto summary = create(shape, options, budget);
        auto& factor = static_cast<LinregFactor&>(*summary);
        std::vector<double> values;
        r.array<double>(values, factor.values_.size(), "linreg_fit summary");
        if (values.size() != factor.values_.size()) fail(ErrorKind::Corrupted, "linreg_fit summary has a bad size");
        factor.values_ = std::move(values);
        return summary;
    }

private:
    // The stacked matrix one factoring step works on: `below` rows under R.
    std::size_t scratch_bytes(std::size_t below) const {
        const std::size_t m = p_ + 2;
        return 2 * (m + below) * m * sizeof(double);
    }
    std::size_t p_;
    std::vector<double> values_;
};

}  // namespace

const SummaryKind& linreg_summary() {
    static const SummaryKind summary{LinregFactor::create, LinregFactor::read, 1024};
    return summary;
}

const double* linreg_factor(const TrainingRows& rows, std::size_t* p) {
    const auto& factor = rows.summary_as<LinregFactor>();
    *p = factor.features();
    return factor.data();
}

}  // namespace recsys
