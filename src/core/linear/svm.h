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
// projected gradient's spread over a pass is at most tol. recsys.predict
// gives the decision value w . x + b (positive: true).
#pragma once

#include <Eigen/Core>

#include "binary_labels.h"
#include "../model/coefficients.h"
#include "../model/model.h"
#include "../model/model_format.h"
#include "../model/model_kind.h"
#include "../model/training_summary_parts.h"

namespace recsys {

const OptionSchema& svm_option_schema();
const ModelKind& svm_kind();

struct SvmSummary : TrainingSummary, SolverRun {
    double objective = 0;          // the primal objective at the end
    std::uint64_t support_vectors = 0;  // rows with a nonzero dual variable
};

class SvmModel : public LinearModel {
public:
    static constexpr const char* kKind = "svm";
    const char* kind() const override { return kKind; }

    Options options;
    Eigen::VectorXd coefficients;
    double intercept = 0;
    SvmSummary summary;

    std::size_t feature_count() const override { return static_cast<std::size_t>(coefficients.size()); }
    double predict(const double* x) const override;  // the decision value
    std::vector<CoefficientRow> coefficient_table() const override;

    std::size_t memory_bytes() const override { return sizeof(*this) + feature_count() * sizeof(double); }
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static SvmModel read(const Envelope& envelope);
};

SvmModel train_svm(const LabeledRows& data, const Options& options, TrainContext& ctx, TrainingSummary summary);

// The primal objective above of (w, b) on the rows.
double svm_objective(const LabeledRows& data, const Options& options, const Eigen::VectorXd& w, double b);

}  // namespace recsys
