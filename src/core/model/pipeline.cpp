// The pipeline kind (pipeline.h): a featurizer and an estimator as one model.
#include "pipeline.h"

#include <cstring>
#include <vector>

#include "../base/error.h"
#include "../base/json.h"

namespace recsys {

namespace {

constexpr std::uint32_t kPayloadVersion = 1;

std::string count_mismatch(std::size_t features, const FeatureModel& estimator) {
    return "the featurizer makes " + std::to_string(features) + " features, the estimator (" + estimator.kind() +
           ") takes " + std::to_string(estimator.feature_count());
}

// A part as its whole serialized form, after its length.
void write_part(ByteWriter& w, const Model& part) {
    SerializedSize size = measure_model(part);
    w.pod<std::uint64_t>(size.total);
    std::vector<unsigned char> bytes(size.total);
    serialize_model(part, size, bytes.data());
    w.bytes(bytes.data(), bytes.size());
}

// A part, its kind checked before it is read (so a part cannot nest a pipeline).
std::shared_ptr<const Model> read_part(ByteReader& r, const std::string& what, bool featurizer) {
    auto size = r.count(what.c_str(), 1);
    const unsigned char* data = r.take(size, what.c_str());
    // Bad magic bytes are "not a model" (InvalidInput) for a model passed
    // in; inside a pipeline they are a corrupted part.
    if (size < sizeof kModelMagic || std::memcmp(data, kModelMagic, sizeof kModelMagic) != 0)
        fail(ErrorKind::Corrupted, "model is inconsistent: its " + what + " is not a recsys model");
    Envelope envelope = read_envelope(data, size);
    if (featurizer ? envelope.kind != FeaturizerModel::kKind : envelope.kind == PipelineModel::kKind)
        fail(ErrorKind::Corrupted, "model is inconsistent: its " + what + " is of kind \"" + envelope.kind + "\"");
    return model_kind(envelope.kind).read(envelope);
}

std::string part_json(const Model& part) {
    JsonWriter w;
    w.begin_object();
    w.key("kind");
    w.string(part.kind());
    w.key("metadata");
    w.raw(part.metadata_json());
    w.end_object();
    return w.str();
}

}  // namespace

const ModelKind& pipeline_kind() {
    static const ModelKind kind{{PipelineModel::kKind, "pipeline", nullptr, {}}, nullptr, read_model_as<PipelineModel>};
    return kind;
}

PipelineModel::PipelineModel(std::shared_ptr<const FeaturizerModel> featurizer,
                             std::shared_ptr<const FeatureModel> estimator)
    : featurizer_(std::move(featurizer)), estimator_(std::move(estimator)) {
    if (estimator_->feature_count() != featurizer_->feature_count())
        fail(ErrorKind::InvalidParameter,
             "the estimator does not fit the featurizer: " + count_mismatch(featurizer_->feature_count(), *estimator_),
             "train the estimator on recsys.transform(featurizer, row, true) of this featurizer");
}

double PipelineModel::predict(const RawValue* values, double* features) const {
    featurizer_->transform(values, features);
    return estimator_->predict(features);
}

std::vector<CoefficientRow> PipelineModel::coefficient_table(const std::string& subject) const {
    const auto* linear = dynamic_cast<const LinearModel*>(estimator_.get());
    if (!linear)
        fail(ErrorKind::InvalidParameter,
             "the estimator of " + subject + " is of kind \"" + estimator_->kind() + "\", which has no coefficients",
             "recsys.coefficients lists the terms of linreg_fit and logreg_fit models, and of pipelines of them");
    std::vector<CoefficientRow> rows = linear->coefficient_table();
    const std::vector<std::string>& names = featurizer_->feature_names();
    for (CoefficientRow& row : rows)
        if (row.feature >= 1 && static_cast<std::size_t>(row.feature) <= names.size())
            row.name = names[row.feature - 1];
    return rows;
}

std::size_t PipelineModel::memory_bytes() const {
    return sizeof(*this) + featurizer_->memory_bytes() + estimator_->memory_bytes();
}

std::string PipelineModel::metadata_json() const {
    JsonWriter w;
    w.begin_object();
    w.key("dimensions");
    w.begin_object();
    w.key("columns");
    w.integer(static_cast<long long>(featurizer_->column_count()));
    w.key("features");
    w.integer(static_cast<long long>(featurizer_->feature_count()));
    w.end_object();
    w.key("featurizer");
    w.raw(part_json(*featurizer_));
    w.key("estimator");
    w.raw(part_json(*estimator_));
    w.end_object();
    return w.str();
}

void PipelineModel::write_payload(ByteWriter& w) const {
    w.pod<std::uint32_t>(kPayloadVersion);
    write_part(w, *featurizer_);
    write_part(w, *estimator_);
}

PipelineModel PipelineModel::read(const Envelope& envelope) {
    ByteReader r(envelope.payload, envelope.payload_size);
    read_payload_version(r, kKind, kPayloadVersion);
    auto featurizer = std::dynamic_pointer_cast<const FeaturizerModel>(read_part(r, "featurizer", true));
    auto estimator = std::dynamic_pointer_cast<const FeatureModel>(read_part(r, "estimator", false));
    if (!featurizer || !estimator)
        fail(ErrorKind::Corrupted,
             "model is inconsistent: a pipeline's parts must be a featurizer and a feature model");
    if (estimator->feature_count() != featurizer->feature_count())
        fail(ErrorKind::Corrupted, "model is inconsistent: " + count_mismatch(featurizer->feature_count(), *estimator));
    if (r.remaining() != 0) fail(ErrorKind::Corrupted, "model is inconsistent: trailing bytes after the payload");
    return PipelineModel(std::move(featurizer), std::move(estimator));
}

std::vector<CoefficientRow> model_coefficients(const Model& model, const std::string& subject) {
    if (const auto* pipeline = dynamic_cast<const PipelineModel*>(&model)) return pipeline->coefficient_table(subject);
    if (const auto* linear = dynamic_cast<const LinearModel*>(&model)) return linear->coefficient_table();
    fail(ErrorKind::InvalidParameter, subject + " is of kind \"" + model.kind() + "\", which has no coefficients",
         "recsys.coefficients lists the terms of linreg_fit and logreg_fit models, and of pipelines of them");
}

}  // namespace recsys
