// A featurizer and an estimator as one model (kind "pipeline"): raw rows in,
// predictions out. recsys.pipeline(featurizer, estimator) puts one together
// from a featurizer_fit model and any feature model (logreg, linreg, mlp)
// trained on that featurizer's transform output; recsys.predict(model, row)
// then serves it on raw JSON rows, recsys.coefficients names the estimator's
// terms by the featurizer's feature names, and recsys.feature_names lists them.
//
// Payload layout, version 1: u32 payload version, then the featurizer and the
// estimator, each as a u64 length and the model's whole serialized form (its
// own envelope, as serialize_model writes it), so that any estimator kind
// fits and each part reads back through its own kind with its own checks.
// A part is never itself a pipeline.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "coefficients.h"
#include "../features/featurizer.h"
#include "model.h"
#include "model_format.h"
#include "model_kind.h"

namespace recsys {

// Read-only kind: a pipeline is put together, not trained.
const ModelKind& pipeline_kind();

class PipelineModel : public Model {
public:
    static constexpr const char* kKind = "pipeline";
    const char* kind() const override { return kKind; }

    // The estimator must take the featurizer's features: an InvalidParameter
    // error naming both counts otherwise.
    PipelineModel(std::shared_ptr<const FeaturizerModel> featurizer, std::shared_ptr<const FeatureModel> estimator);

    const FeaturizerModel& featurizer() const { return *featurizer_; }
    const FeatureModel& estimator() const { return *estimator_; }

    // The estimator's prediction for a raw row: `values` one per featurizer
    // column (as FeaturizerModel::transform takes them); `features` is
    // scratch of featurizer().feature_count() doubles.
    double predict(const RawValue* values, double* features) const;

    // A linear estimator's terms, named by the featurizer's feature names
    // (an InvalidParameter error for an estimator without coefficients,
    // naming the pipeline as `subject`).
    std::vector<CoefficientRow> coefficient_table(const std::string& subject = "the pipeline") const;

    std::size_t memory_bytes() const override;
    // {"dimensions": {"columns", "features"}, "featurizer": {"kind", "metadata"},
    //  "estimator": {"kind", "metadata"}}: each part's metadata as model_info shows it.
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static PipelineModel read(const Envelope& envelope);

private:
    std::shared_ptr<const FeaturizerModel> featurizer_;
    std::shared_ptr<const FeatureModel> estimator_;
};

// The terms of a linear model (coefficients.h), or of a pipeline whose
// estimator is one; an InvalidParameter error for any other model, naming it
// as `subject` (`model "ranker" (version 12)`, `the model argument`).
std::vector<CoefficientRow> model_coefficients(const Model& model, const std::string& subject = "the model");

}  // namespace recsys
