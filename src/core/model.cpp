#include "model.h"

#include "error.h"
#include "json.h"
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
                                const std::string& training) {
    JsonWriter w;
    w.begin_object();
    w.key("options");
    w.raw(options);
    w.key("dimensions");
    w.raw(dimensions);
    w.key("training");
    w.raw(training);
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
    w.begin_array();
    for (double l : summary.loss) w.number(l);
    w.end_array();
    w.key("seconds");
    w.number(summary.seconds);
    w.key("threads");
    w.integer(summary.threads);
    w.end_object();
    return w.str();
}

void throw_wrong_kind(const std::string& actual, const std::string& expected) {
    fail(ErrorKind::InvalidParameter, "model is of kind \"" + actual + "\", expected \"" + expected + "\"");
}

}  // namespace recsys
