// What every model kind shares. A model writes its own payload and metadata;
// the envelope around them (model_format.h), loading by kind, model_info and
// the cache are written once, here and in the glue, for every kind.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "../base/bytes.h"
#include "../base/json.h"
#include "../base/options.h"
#include "train_context.h"

namespace recsys {

class Model {
public:
    virtual ~Model() = default;
    // The kind name in the envelope ("als"): the key of its ModelKind.
    virtual const char* kind() const = 0;
    // Bytes held in memory (for the model cache bound).
    virtual std::size_t memory_bytes() const = 0;
    // model_info's "metadata": a JSON object with the options, the
    // dimensions and the training summary (see model_metadata_json).
    virtual std::string metadata_json() const = 0;
    // The kind's binary payload, with its own layout version first. Called
    // twice: once with a counting writer, then to fill exactly that size.
    virtual void write_payload(ByteWriter& w) const = 0;
};

// A model that scores one feature vector: a probability for classifiers, a
// value for regressions (recsys.predict).
class FeatureModel : public Model {
public:
    virtual std::size_t feature_count() const = 0;
    // x has feature_count() finite values (or NaN for missing ones, where
    // takes_missing()).
    virtual double predict(const double* x) const = 0;
    // Whether the model learned where missing values go (trees): then a
    // NULL or NaN feature is passed to predict as NaN instead of refused.
    virtual bool takes_missing() const { return false; }
};

// A model that tells classes apart (LDA, k-NN, multi-class trees):
// recsys.predict_class and recsys.predict_proba. A feature model too, whose
// predict is the most probable class's value (or a probability, for the
// binary classifiers that say so in their own documentation).
class ClassModel {
public:
    virtual ~ClassModel() = default;
    // The classes, in the order of class_probabilities; at least two.
    virtual const std::vector<std::string>& class_names() const = 0;
    // Writes class_names().size() probabilities of x (feature_count() finite
    // values) into out; they sum to 1.
    virtual void class_probabilities(const double* x, double* out) const = 0;
};

// A feature model's score that is not a number although the features are
// finite: features so far beyond the training rows' range that the model's
// arithmetic overflows. A DataException naming the kind, never a NaN answer.
[[noreturn]] void fail_score_overflow(const char* kind);

// The sizes of a model's serialized form, measured once before writing it.
struct SerializedSize {
    std::string metadata;
    std::size_t payload = 0;
    std::size_t total = 0;  // the envelope with the payload
};
SerializedSize measure_model(const Model& model);
// Writes the model into `out`, exactly size.total bytes.
void serialize_model(const Model& model, const SerializedSize& size, unsigned char* out);

// Reads any known kind of serialized model (dispatching on its envelope's kind).
std::shared_ptr<const Model> load_model(const unsigned char* data, std::size_t size);

// model_info of a serialized model, as JSON text: kind, format version,
// size, and the metadata the model carries (options, dimensions, training).
// Verifies the envelope and checksum; does not decode the payload.
std::string model_info_json(const unsigned char* data, std::size_t size);

// The metadata object every kind writes: {"options": ..., "dimensions": ...,
// "training": ...[, "statistics": ...]}, each argument a JSON object's text
// (statistics: what the fit tells of the data, e.g. OLS's R²; "" for none).
std::string model_metadata_json(const std::string& options, const std::string& dimensions,
                                const std::string& training, const std::string& statistics = "");

// model_info's "training": the summary every kind keeps (rows, skipped_rows,
// loss, seconds, threads), with the kind's own fields written by `extra`.
std::string training_summary_json(const TrainingSummary& summary,
                                  const std::function<void(JsonWriter&)>& extra = nullptr);

// Payload pieces every kind may use: the options as JSON text (read back
// under today's names, parse_stored_options, through the schema's checks: a
// stored value they reject is corrupted), and the common training summary.
void write_options(ByteWriter& w, const Options& options);
Options read_options(ByteReader& r, const OptionSchema& schema);
void write_training_summary(ByteWriter& w, const TrainingSummary& summary);
TrainingSummary read_training_summary(ByteReader& r);

// Reads a payload's leading version: an InvalidInput error for 0 or one
// newer than `newest` (a model from a newer recsys). `kind` names it ("logreg").
std::uint32_t read_payload_version(ByteReader& r, const std::string& kind, std::uint32_t newest);

// `<subject> is of kind "<actual>", expected "<expected>"`: subject names the
// model for the caller (`model "candidates" (version 12)`, `the model argument`).
[[noreturn]] void throw_wrong_kind(const std::string& actual, const std::string& expected,
                                   const std::string& subject = "model");

// The typed model, or an InvalidParameter error naming the model and both kinds.
template <typename T>
const T& model_as(const Model& m, const std::string& subject = "model") {
    auto* typed = dynamic_cast<const T*>(&m);
    if (!typed) throw_wrong_kind(m.kind(), T::kKind, subject);
    return *typed;
}

}  // namespace recsys
