#include "model.h"

#include "../base/error.h"
#include "../base/json.h"
#include "model_format.h"
#include "model_kind.h"

namespace recsys {

SerializedSize measure_model(const Model& model) {
    SerializedSize size;
    size.metadata = model.metadata_json();
    ByteWriter counter;
    model.write_payload(counter);
    size.payload = counter.size();
    size.total = envelope_size(model.kind(), size.metadata, size.payload);
    return size;
}

void serialize_model(const Model& model, const SerializedSize& size, unsigned char* out) {
    write_envelope(out, size.total, model.kind(), size.metadata, size.payload, [&](unsigned char* payload) {
        ByteWriter w(payload, size.payload);
        model.write_payload(w);
        if (w.size() != size.payload) fail(ErrorKind::Internal, "model payload changed size while written");
    });
}

std::shared_ptr<const Model> load_model(const unsigned char* data, std::size_t size) {
    Envelope envelope = read_envelope(data, size);
    return model_kind(envelope.kind).read(envelope);
}

std::string model_info_json(const unsigned char* data, std::size_t size) {
    Envelope env = read_envelope(data, size);
    JsonWriter w;
    w.begin_object();
    w.key("kind");
    w.string(env.kind);
    w.key("format_version");
    w.integer(env.format_version);
    w.key("size_bytes");
    w.integer(static_cast<long long>(size));
    w.key("metadata");
    w.raw(env.metadata_json);
    w.end_object();
    return w.str();
}

std::string model_metadata_json(const std::string& options, const std::string& dimensions,
                                const std::string& training, const std::string& statistics) {
    JsonWriter w;
    w.begin_object();
    w.key("options");
    w.raw(options);
    w.key("dimensions");
    w.raw(dimensions);
    w.key("training");
    w.raw(training);
    if (!statistics.empty()) {
        w.key("statistics");
        w.raw(statistics);
    }
    w.end_object();
    return w.str();
}

std::string training_summary_json(const TrainingSummary& summary, const std::function<void(JsonWriter&)>& extra) {
    JsonWriter w;
    w.begin_object();
    w.key("rows");
    w.integer(static_cast<long long>(summary.rows));
    w.key("skipped_rows");
    w.integer(static_cast<long long>(summary.skipped_rows));
    if (extra) extra(w);
    w.key("loss");
    w.numbers(summary.loss);
    w.key("seconds");
    w.number(summary.seconds);
    w.key("threads");
    w.integer(summary.threads);
    w.end_object();
    return w.str();
}

void write_options(ByteWriter& w, const Options& options) { w.string(options.to_json()); }

Options read_options(ByteReader& r, const OptionSchema& schema) {
    std::string text = r.string(std::size_t(1) << 20, "options");
    try {
        return parse_stored_options(text, schema);
    } catch (const Error& e) {
        fail(ErrorKind::Corrupted, std::string("model is inconsistent: ") + e.what());
    }
}

void write_training_summary(ByteWriter& w, const TrainingSummary& summary) {
    w.pod<std::uint64_t>(summary.rows);
    w.pod<std::uint64_t>(summary.skipped_rows);
    w.array(summary.loss.data(), summary.loss.size());
    w.pod<double>(summary.seconds);
    w.pod<std::int32_t>(summary.threads);
}

TrainingSummary read_training_summary(ByteReader& r) {
    TrainingSummary s;
    s.rows = r.pod<std::uint64_t>("rows");
    s.skipped_rows = r.pod<std::uint64_t>("skipped rows");
    r.array<double>(s.loss, 1 << 20, "loss history");
    s.seconds = r.pod<double>("seconds");
    s.threads = r.pod<std::int32_t>("threads");
    return s;
}

std::uint32_t read_payload_version(ByteReader& r, const std::string& kind, std::uint32_t newest) {
    auto version = r.pod<std::uint32_t>("payload version");
    if (version == 0 || version > newest)
        fail(ErrorKind::InvalidInput, kind + " model payload version " + std::to_string(version) + " is not supported",
             "upgrade the recsys extension to read models written by a newer version");
    return version;
}

void fail_score_overflow(const char* kind) {
    fail(ErrorKind::DataException,
         std::string("the features are too large for this ") + kind + " model: its prediction overflows",
         "features far beyond the range of the training rows overflow the arithmetic: clip or rescale them");
}

void throw_wrong_kind(const std::string& actual, const std::string& expected, const std::string& subject) {
    // A kind's name is quoted; a capability ("a candidate generator (als, ...)") reads as words.
    const bool capability = expected.find(' ') != std::string::npos;
    fail(ErrorKind::InvalidParameter, subject + " is of kind \"" + actual + "\", expected " +
                                          (capability ? expected : "\"" + expected + "\""));
}

}  // namespace recsys
