// Linear support vector machine, recsys.svm_fit(label bool, features float8[]
// [, options]), as scikit-learn's LinearSVC (liblinear):
//
//   minimize (1/2) |w~|^2 + C sum_i loss(y_i (w . x_i + b)),   y_i = +1 (true) or -1 (false)
//   loss "hinge": max(0, 1 - m); "squared_hinge" (the default): max(0, 1 - m)^2
//
// where, with fit_intercept, the intercept is the weight of a constant
// feature intercept_scaling, penalized with the others (w~ = (w, b /
// intercept_scaling)), as liblinear does. Solved by dual coordinate descent
// (Hsieh et al. 2008, liblinear's solver): the dual of a strictly convex
// problem, so the optimum, and the model, are unique; it stops when the
// projected gradient's spread over a pass of all rows is at most tol, and
// sets aside on the way the rows whose dual variable stays at its bound
// (the paper's shrinking). recsys.predict
// gives the decision value w . x + b (positive: true).
#pragma once

#include <Eigen/Core>

#include "binary_labels.h"
#include "linear_decision.h"
#include "../model/training_summary_parts.h"

namespace recsys {

const OptionSchema& svm_option_schema();
const ModelKind& svm_kind();

struct SvmSummary : TrainingSummary, SolverRun {
    double objective = 0;          // the primal objective at the end
    std::uint64_t support_vectors = 0;  // rows with a nonzero dual variable
};

class SvmModel : public LinearDecisionModel {
public:
    static constexpr const char* kKind = "svm";
    const char* kind() const override { return kKind; }

    SvmSummary summary;

    double predict(const double* x) const override;  // the decision value

    std::size_t memory_bytes() const override { return sizeof(*this) + feature_count() * sizeof(double); }
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static SvmModel read(const Envelope& envelope);
};

// How the solver walks to the optimum; not an option (the optimum is the same
// either way): the tests force each path to check that.
struct SvmPath {
    enum class Rows { Auto, Dense, Sparse };
    Rows rows = Rows::Auto;  // Auto: by their nonzeros when mostly zero (sparse_rows.h, as logreg)
    bool shrinking = true;   // set aside rows whose dual variable stays at a bound
};

SvmModel train_svm(const LabeledRows& data, const Options& options, TrainContext& ctx, TrainingSummary summary,
                   const SvmPath& path = {});

// The primal objective above of (w, b) on the rows.
double svm_objective(const LabeledRows& data, const Options& options, const Eigen::VectorXd& w, double b);

}  // namespace recsys
