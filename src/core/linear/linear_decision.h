// What the linear classifiers over (label bool, features float8[]) rows share
// (logreg, svm): a decision value b + x . w, its terms for
// recsys.coefficients, the kind's declaration, and the head of the payload
// both write the same way:
//
//   u32 payload version, u64 features, f64 intercept, f64[] coefficients,
//   string options (JSON), common training summary (model.h)
//
// after which each kind writes its own fields. The layout is the one both
// kinds wrote before they shared it: saved models read byte for byte.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <string>

#include "binary_labels.h"
#include "../model/coefficients.h"
#include "../model/model.h"
#include "../model/model_format.h"
#include "../model/model_kind.h"

namespace recsys {

class LinearDecisionModel : public LinearModel {
public:
    Options options;
    Eigen::VectorXd coefficients;  // one per feature
    double intercept = 0;

    std::size_t feature_count() const override { return static_cast<std::size_t>(coefficients.size()); }
    // b + x . w: not checked for overflow (each kind says what a non-finite one means).
    double decision(const double* x) const;
    // The intercept and coefficients, without tests.
    std::vector<CoefficientRow> coefficient_table() const override;

protected:
    // The payload's head (above) and the metadata's dimensions, {"features": p}.
    void write_head(ByteWriter& w, std::uint32_t version, const TrainingSummary& summary) const;
    // Reads the head into this model (coefficients checked finite, options
    // through `schema`, feature names against p) and returns the summary;
    // `empty_ok`: whether a model of no feature is consistent.
    TrainingSummary read_head(ByteReader& r, const char* kind, std::uint32_t version, const OptionSchema& schema,
                              bool empty_ok);
    std::string dimensions_json() const;
};

// The rows a linear classifier's fit reads, once its feature_names option is
// checked against the features' width.
LabeledRows linear_fit_rows(const TrainingRows& rows, const Options& options);

// The ModelKind of a linear classifier M (M::kKind, M::read) with the
// aggregate `function`(label bool, features float8[] [, options]).
template <class M>
ModelKind linear_decision_kind(const char* function, const OptionSchema& schema,
                               std::unique_ptr<Model> (*fit)(const TrainingRows&, const Options&, TrainContext&)) {
    return ModelKind{{M::kKind, function, &schema, labeled_columns()}, fit, read_model_as<M>};
}

}  // namespace recsys
