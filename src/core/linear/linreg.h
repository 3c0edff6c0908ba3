// Linear regression: ordinary least squares with the statistics a
// statistician reads, and ridge, lasso and elastic net:
//
//   minimize (1/2n) |y - b - X beta|^2 + (l2 / 2) |beta|^2 + l1 |beta|_1
//
// (b unpenalized), so scikit-learn's ElasticNet(alpha, l1_ratio) is
// l1 = alpha l1_ratio, l2 = alpha (1 - l1_ratio), and Ridge(alpha) is
// l2 = alpha / n.
//
// The training aggregate keeps no rows: it keeps the triangular factor R of
// a QR decomposition of the data [1 X y] (a RowSummary of (p + 2)^2
// numbers), updated block by block as rows arrive and merged across parallel
// workers by factoring the two stacked factors. R holds everything the fit
// needs, with the accuracy of a QR of the data itself (normal equations would
// square the condition number): the OLS solution and its residual, the
// centered cross products for the penalized fits, the column means.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "../model/coefficients.h"
#include "../model/model.h"
#include "../model/model_format.h"
#include "../model/model_kind.h"
#include "../model/training_summary_parts.h"

namespace recsys {

const OptionSchema& linreg_option_schema();
const ModelKind& linreg_kind();

// The summary of rows (x: p features, y): n and the factor R of [1 X y].
const SummaryKind& linreg_summary();
// That summary of the collected rows (n, then R), and its p.
const double* linreg_factor(const TrainingRows& rows, std::size_t* p);

// What OLS gives a statistician (NaN where undefined, e.g. no residual
// degrees of freedom, or a penalized fit).
struct LinregStatistics {
    double r_squared = NAN, adj_r_squared = NAN;
    double f_statistic = NAN, f_p_value = NAN;
    double residual_std_error = NAN;
    double condition_number = NAN;
    double df_residual = NAN, df_model = NAN;
};

// solver: "qr" (OLS), "ridge" (QR of the augmented system), "coordinate_descent".
struct LinregSummary : TrainingSummary, SolverRun {
    // qr and ridge solve directly: converged unless coordinate descent says otherwise.
    LinregSummary() { converged = true; }
};

class LinregModel : public LinearModel {
public:
    static constexpr const char* kKind = "linreg";
    const char* kind() const override { return kKind; }

    Options options;
    Eigen::VectorXd coefficients;  // one per feature
    double intercept = 0;
    // OLS's standard errors, intercept first (NaN when not available).
    Eigen::VectorXd std_errors;
    LinregStatistics statistics;
    LinregSummary summary;

    std::size_t feature_count() const override { return static_cast<std::size_t>(coefficients.size()); }
    double predict(const double* x) const override;
    std::vector<CoefficientRow> coefficient_table() const override;

    std::size_t memory_bytes() const override { return sizeof(*this) + 2 * (feature_count() + 1) * sizeof(double); }
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static LinregModel read(const Envelope& envelope);
};

// Fits from a summary (n and R, as linreg_summary() keeps them) of p features.
LinregModel fit_linreg(const double* summary, std::size_t p, const Options& options, TrainContext& ctx,
                       TrainingSummary training);

}  // namespace recsys
