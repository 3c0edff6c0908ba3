// Logistic regression, the ranking model of the video recommender:
//
//   minimize (1/W) sum_i w_i logloss(y_i, sigmoid(b + x_i . beta))
//            + (l2 / 2) |beta|^2 + l1 |beta|_1,        W = sum_i w_i
//
// (the intercept b unpenalized), so scikit-learn's LogisticRegression(C=c) is
// l2 = 1 / (c n). Solvers: Newton's method for smooth problems of a few
// hundred features (quadratic convergence, one p x p solve per step),
// L-BFGS for larger ones, OWL-QN (liblbfgs) when l1 > 0. The loss, gradient
// and Hessian are sums over rows, computed in fixed blocks spread over the
// threads and added in block order: the model does not depend on the thread
// count.
//
// Negatives may be down-sampled (negative_sample_rate): each negative row is
// kept with that probability, decided by a hash of (seed, row), and
// predictions are corrected back to the full data's base rate:
// p / (p + (1 - p) / rate).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>

#include "binary_labels.h"
#include "linear_decision.h"
#include "../model/training_summary_parts.h"

namespace recsys {

const OptionSchema& logreg_option_schema();
const ModelKind& logreg_kind();

struct LogregSummary : TrainingSummary, SampledRows, SolverRun {
    double gradient_max = 0;  // largest |gradient| entry at the end (the subgradient's with l1)
};

class LogregModel : public LinearDecisionModel {
public:
    static constexpr const char* kKind = "logreg";
    const char* kind() const override { return kKind; }

    double negative_sample_rate = 1;
    LogregSummary summary;

    // The probability of a positive label, corrected for down-sampled
    // negatives; decision() is b + x . beta, uncorrected.
    double predict(const double* x) const override;

    std::size_t memory_bytes() const override { return sizeof(*this) + feature_count() * sizeof(double); }
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static LogregModel read(const Envelope& envelope);
};

using LogregData = LabeledRows;

LogregModel train_logreg(const LogregData& data, const Options& options, TrainContext& ctx,
                         TrainingSummary summary);

}  // namespace recsys
