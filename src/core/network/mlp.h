// The fully connected ranker of the video recommender (the mlp kind),
// trained the way scikit-learn's MLPClassifier(solver="adam") trains:
//
//   inputs -> [ReLU layers of hidden_layers units] -> one sigmoid output,
//
// minimizing the mean (optionally class-weighted) log loss of each
// mini-batch plus l2 / (2 b) |W|^2 (mlp_network.h: l2 is sklearn's alpha)
// with Adam, over epochs that each visit the rows in a new order. Training
// stops after `epochs`, or when the training loss (or, with early_stopping,
// the loss on a held-out validation fraction) has not improved by tol for
// more than n_iter_no_change epochs, as sklearn. With early stopping the
// model keeps the weights of the best validation epoch.
//
// Unlike sklearn: the inputs are standardized inside the model (the mean and
// scale of the training rows are kept and applied by predict); the
// validation score is the validation log loss, not accuracy, which says
// little when 2 rows in 100 are positive; and the network computes in float
// (weights stored as float), twice the SIMD width of double.
//
// A seed fixes everything random (weights, shuffles, the validation split,
// the down-sampling of negatives, binary_labels.h), and the model does not
// depend on the thread count.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "../linear/binary_labels.h"
#include "mlp_network.h"
#include "../model/model.h"
#include "../model/model_format.h"
#include "../model/model_kind.h"
#include "../model/training_summary_parts.h"

namespace recsys {

const OptionSchema& mlp_option_schema();
const ModelKind& mlp_kind();

// loss: the training loss of each epoch; used_rows: validation rows included.
struct MlpSummary : TrainingSummary, SampledRows {
    std::uint64_t validation_rows = 0;
    int epochs = 0;                       // epochs run
    bool stopped_early = false;           // stopped by tol / n_iter_no_change before `epochs`
    std::vector<double> validation_loss;  // each epoch's, with early_stopping
    double best_validation_loss = 0;      // the kept epoch's, with early_stopping
};

class MlpModel : public FeatureModel {
public:
    static constexpr const char* kKind = "mlp";
    const char* kind() const override { return kKind; }

    Options options;
    // Inputs are (x - mean) / scale (mean 0 and scale 1 without standardize).
    Eigen::VectorXd mean, scale;
    MlpNetwork<float> network;
    double negative_sample_rate = 1;
    MlpSummary summary;

    std::size_t feature_count() const override { return static_cast<std::size_t>(mean.size()); }
    // The probability of a positive label, corrected for down-sampled negatives.
    double predict(const double* x) const override;
    // The network's score (before the sigmoid), uncorrected.
    double decision(const double* x) const;

    std::size_t memory_bytes() const override;
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static MlpModel read(const Envelope& envelope);
};

using MlpData = LabeledRows;

// The network's input for one row: (x - mean) / scale in float, written to
// out (p values). Training and predict share it, so they see the same input.
void mlp_standardize(const double* x, const Eigen::VectorXd& mean, const Eigen::VectorXd& scale, float* out);

MlpModel train_mlp(const MlpData& data, const Options& options, TrainContext& ctx, TrainingSummary summary);

}  // namespace recsys
