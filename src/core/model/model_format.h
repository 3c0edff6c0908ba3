// The one binary envelope shared by every model kind.
//
//   offset  size  field
//   0       8     magic "RECSYSMD"
//   8       4     format version (uint32, little-endian)
//   12      8+n   kind, a length-prefixed ASCII string ("als", ...)
//   ...     8+n   metadata, length-prefixed JSON text: options, dimensions,
//                 training summary (what model_info shows)
//   ...     8+n   payload, length-prefixed, kind-specific binary
//   end-4   4     CRC-32 (zlib) of every byte before it
//
// A reader of version N reads every version <= N; the payload of each kind
// carries its own layout version inside.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recsys {

constexpr char kModelMagic[8] = {'R', 'E', 'C', 'S', 'Y', 'S', 'M', 'D'};
constexpr std::uint32_t kModelFormatVersion = 1;

struct Envelope {
    std::uint32_t format_version = kModelFormatVersion;
    std::string kind;
    std::string metadata_json;
    const unsigned char* payload = nullptr;  // points into the input bytes
    std::size_t payload_size = 0;
};

// Size of the envelope around a payload of `payload_size` bytes.
std::size_t envelope_size(const std::string& kind, const std::string& metadata_json, std::size_t payload_size);

// Writes the envelope into `out` (exactly envelope_size(...) bytes); the
// payload is produced by `write_payload` into the given pointer.
template <typename WritePayload>
void write_envelope(unsigned char* out, std::size_t size, const std::string& kind, const std::string& metadata_json,
                    std::size_t payload_size, WritePayload&& write_payload);

// Parses and verifies (magic, version, lengths, checksum) a serialized model.
// If `expected_kind` is non-empty a different kind is an error.
Envelope read_envelope(const unsigned char* data, std::size_t size, const std::string& expected_kind = {});

// Internal pieces of write_envelope, exposed for the template.
unsigned char* write_envelope_header(unsigned char* out, std::size_t size, const std::string& kind,
                                     const std::string& metadata_json, std::size_t payload_size);
void write_envelope_checksum(unsigned char* out, std::size_t size);

template <typename WritePayload>
void write_envelope(unsigned char* out, std::size_t size, const std::string& kind, const std::string& metadata_json,
                    std::size_t payload_size, WritePayload&& write_payload) {
    unsigned char* payload = write_envelope_header(out, size, kind, metadata_json, payload_size);
    write_payload(payload);
    write_envelope_checksum(out, size);
}

}  // namespace recsys
