// Boosted trees and random forests trained by XGBoost (gbt_fit, forest_fit):
// regression, binary and multi-class classification, and (gbt_fit)
// learning to rank over rows grouped by a query column.
//
// A model keeps XGBoost's own JSON model inside our envelope, so it
// round-trips exactly; the reader parses and checks it (tree_ensemble.h) and
// predictions walk the checked trees: XGBoost is used for training only.
// NULL and NaN features are missing values: each split sends them the way
// training learned (default_left).
#pragma once

#include <string>
#include <vector>

#include "tree_ensemble.h"
#include "../model/model.h"
#include "../model/model_format.h"
#include "../model/model_kind.h"

namespace recsys {

const ModelKind& gbt_kind();
const ModelKind& forest_kind();
const OptionSchema& gbt_option_schema();
const OptionSchema& forest_option_schema();

struct TreeTraining : TrainingSummary {
    std::int64_t rounds = 0;      // boosting rounds kept (1 for a forest)
    std::int64_t best_round = 0;  // with early stopping: the best round (from 1); else the last
    double validation_rows = 0;   // rows held out for early stopping
    std::string metric;           // the metric of loss (XGBoost's eval_metric)
};

class TreeModel : public FeatureModel, public ClassModel {
public:
    static constexpr const char* kKind = "gbt";
    const char* kind() const override { return kind_; }

    const char* kind_ = kKind;   // "gbt" or "forest"
    Options options;
    std::string xgboost_json;    // XGBoost's model, as it saved it
    TreeEnsemble trees;          // parsed and checked from xgboost_json
    std::vector<double> classes; // multi-class: the target value of each class
    std::vector<std::string> class_labels;
    TreeTraining summary;

    // class_labels from the objective and classes ("0", "1" for binary).
    void name_classes();
    bool is_multiclass() const { return trees.objective == TreeObjective::Softprob; }
    std::size_t feature_count() const override { return trees.features; }
    bool takes_missing() const override { return true; }
    // Regression and ranking: the value; binary: the probability of 1;
    // multi-class: the most probable class's target value.
    double predict(const double* x) const override;

    // ClassModel (binary and multi-class models only: an InvalidParameter error otherwise).
    const std::vector<std::string>& class_names() const override;
    void class_probabilities(const double* x, double* out) const override;

    std::size_t memory_bytes() const override;
    std::vector<double> finite_predictions(const double* x) const;
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static TreeModel read(const Envelope& envelope, const char* kind, const OptionSchema& schema);
};

// Trains with XGBoost: rows' targets y, features x (n x p, NaN = missing),
// query ids (ranking; else null). `forest`: one round of `trees` parallel trees.
TreeModel train_trees(const double* y, const double* x, const std::int64_t* query, std::size_t n, std::size_t p,
                      const Options& options, bool forest, TrainContext& ctx, TrainingSummary summary);

}  // namespace recsys
