#include "model_format.h"

#include <zlib.h>

#include <cstring>

#include "../base/bytes.h"
#include "../base/error.h"

namespace recsys {

namespace {

constexpr std::size_t kMaxKindLength = 64;
constexpr std::size_t kMaxMetadataLength = std::size_t(64) << 20;

std::uint32_t crc32_of(const unsigned char* data, std::size_t size) {
    uLong crc = crc32(0L, Z_NULL, 0);
    while (size > 0) {  // zlib takes a uInt length: feed it in 1 GiB pieces
        uInt piece = size > (1u << 30) ? (1u << 30) : static_cast<uInt>(size);
        crc = crc32(crc, data, piece);
        data += piece;
        size -= piece;
    }
    return static_cast<std::uint32_t>(crc);
}

void write_header(ByteWriter& w, const std::string& kind, const std::string& metadata_json, std::size_t payload_size) {
    w.bytes(kModelMagic, sizeof kModelMagic);
    w.pod<std::uint32_t>(kModelFormatVersion);
    w.string(kind);
    w.string(metadata_json);
    w.pod<std::uint64_t>(payload_size);
}

}  // namespace

std::size_t envelope_size(const std::string& kind, const std::string& metadata_json, std::size_t payload_size) {
    ByteWriter counter;
    write_header(counter, kind, metadata_json, payload_size);
    return counter.size() + payload_size + sizeof(std::uint32_t);
}

unsigned char* write_envelope_header(unsigned char* out, std::size_t size, const std::string& kind,
                                     const std::string& metadata_json, std::size_t payload_size) {
    if (size != envelope_size(kind, metadata_json, payload_size))
        fail(ErrorKind::Internal, "model buffer has the wrong size");
    ByteWriter w(out, size);
    write_header(w, kind, metadata_json, payload_size);
    return out + w.size();
}

void write_envelope_checksum(unsigned char* out, std::size_t size) {
    std::uint32_t crc = crc32_of(out, size - sizeof crc);
    std::memcpy(out + size - sizeof crc, &crc, sizeof crc);
}

Envelope read_envelope(const unsigned char* data, std::size_t size, const std::string& expected_kind) {
    if (size < sizeof kModelMagic || std::memcmp(data, kModelMagic, sizeof kModelMagic) != 0)
        fail(ErrorKind::InvalidInput, "not a recsys model (bad magic bytes)",
             "pass the bytea returned by a recsys *_fit aggregate or stored in recsys.models");
    ByteReader r(data, size);
    r.take(sizeof kModelMagic, "magic");
    Envelope env;
    env.format_version = r.pod<std::uint32_t>("format version");
    if (env.format_version == 0 || env.format_version > kModelFormatVersion)
        fail(ErrorKind::InvalidInput,
             "model format version " + std::to_string(env.format_version) + " is not supported (this recsys reads 1 to " +
                 std::to_string(kModelFormatVersion) + ")",
             "upgrade the recsys extension to read models written by a newer version");
    if (size < sizeof(std::uint32_t) + r.position())
        fail(ErrorKind::Corrupted, "model is truncated (reading checksum)");
    std::uint32_t stored;
    std::memcpy(&stored, data + size - sizeof stored, sizeof stored);
    if (stored != crc32_of(data, size - sizeof stored))
        fail(ErrorKind::Corrupted, "model checksum mismatch: the model bytes are corrupted or truncated");
    ByteReader body(data, size - sizeof stored);
    body.take(r.position(), "header");
    env.kind = body.string(kMaxKindLength, "kind");
    env.metadata_json = body.string(kMaxMetadataLength, "metadata");
    auto payload_size = body.pod<std::uint64_t>("payload size");
    if (payload_size != body.remaining()) fail(ErrorKind::Corrupted, "model payload size does not match its length");
    env.payload_size = payload_size;
    env.payload = body.take(payload_size, "payload");
    if (!expected_kind.empty() && env.kind != expected_kind)
        fail(ErrorKind::InvalidParameter, "model is of kind \"" + env.kind + "\", expected \"" + expected_kind + "\"");
    return env;
}

}  // namespace recsys
