// What every deserialized model kind shares: its kind name and its size, so
// that the model cache and loader can handle all kinds alike.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace recsys {

class Model {
public:
    virtual ~Model() = default;
    virtual const char* kind() const = 0;
    // Bytes held in memory (for the model cache bound).
    virtual std::size_t memory_bytes() const = 0;
};

// Reads any known kind of serialized model (dispatching on its envelope).
std::shared_ptr<const Model> load_model(const unsigned char* data, std::size_t size);

// model_info of a serialized model, as JSON text: kind, format version,
// size, and the metadata the model carries (options, dimensions, training).
// Verifies the envelope and checksum; does not decode the payload.
std::string model_info_json(const unsigned char* data, std::size_t size);

[[noreturn]] void throw_wrong_kind(const std::string& actual, const std::string& expected);

// The typed model, or an InvalidParameter error naming both kinds.
template <typename T>
const T& model_as(const Model& m) {
    auto* typed = dynamic_cast<const T*>(&m);
    if (!typed) throw_wrong_kind(m.kind(), T::kKind);
    return *typed;
}
}  // namespace recsys
