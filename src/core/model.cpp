#include "model.h"

#include "als.h"
#include "error.h"
#include "json.h"
#include "model_format.h"

namespace recsys {

std::shared_ptr<const Model> load_model(const unsigned char* data, std::size_t size) {
    Envelope env = read_envelope(data, size);
    if (env.kind == AlsModel::kKind) return std::make_shared<AlsModel>(AlsModel::deserialize(data, size));
    fail(ErrorKind::InvalidInput, "unknown model kind \"" + env.kind + "\"",
         "the model was written by a newer recsys, or is not a recsys model");
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

void throw_wrong_kind(const std::string& actual, const std::string& expected) {
    fail(ErrorKind::InvalidParameter, "model is of kind \"" + actual + "\", expected \"" + expected + "\"");
}

}  // namespace recsys
