// Checksum-valid mutations of saved models, for the readers' fuzz test
// (model_fuzz_test.cpp): a model's payload is edited (bytes flipped, traced
// fields set to edge values, counts changed with or without the elements
// they count, the payload cut or extended), then wrapped again in an
// envelope whose sizes and CRC-32 match, so that every mutation reaches the
// kind's payload reader, as forged bytes would.
//
// Field-aware edits know the payload's fields from a trace of one reading
// of the intact model (ByteReader's read_trace, base/bytes.h): each field's
// offset, size and role (a count, the elements it counts, a plain value).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "model/model.h"
#include "model/model_format.h"

namespace recsys {
namespace test {

using Bytes = std::vector<unsigned char>;

// A field of a payload, as its reader took it.
struct TracedField {
    std::size_t offset;  // in the payload
    std::size_t size;
    FieldRole role;
    std::size_t element_bytes;  // Count and Elements: the size of one element
    std::string what;           // as the reader names it ("imputer")
};

// A model's envelope, taken apart.
struct ModelParts {
    std::string kind, metadata;
    Bytes payload;
};

inline ModelParts split_model(const Bytes& model) {
    const Envelope env = read_envelope(model.data(), model.size());
    return {env.kind, env.metadata_json, Bytes(env.payload, env.payload + env.payload_size)};
}

// The envelope around a payload, with its sizes and checksum made to match.
inline Bytes wrap_model(const ModelParts& parts) {
    Bytes out(envelope_size(parts.kind, parts.metadata, parts.payload.size()));
    write_envelope(out.data(), out.size(), parts.kind, parts.metadata, parts.payload.size(), [&](unsigned char* p) {
        if (!parts.payload.empty()) std::memcpy(p, parts.payload.data(), parts.payload.size());
    });
    return out;
}

// Recomputes the CRC-32 trailer of bytes edited in place (model_format.cpp).
inline void fix_crc(Bytes& b) {
    if (b.size() >= 4) write_envelope_checksum(b.data(), b.size());
}

// The fields of the model's own payload (not of the parts a pipeline nests),
// from one reading of it.
inline std::vector<TracedField> trace_payload(const Bytes& model) {
    struct Recorder : ReadTrace {
        const unsigned char* begin;
        const unsigned char* end;
        std::vector<TracedField> fields;
        void field(const unsigned char* at, std::size_t size, FieldRole role, std::size_t element_bytes,
                   const char* what) override {
            // (The envelope's reader takes the whole payload as one field: not one of its fields.)
            if (at >= begin && at + size <= end && size < static_cast<std::size_t>(end - begin))
                fields.push_back({static_cast<std::size_t>(at - begin), size, role, element_bytes, what});
        }
    };
    const Envelope env = read_envelope(model.data(), model.size());
    Recorder recorder;
    recorder.begin = env.payload;
    recorder.end = env.payload + env.payload_size;
    read_trace = &recorder;
    try {
        load_model(model.data(), model.size());
    } catch (...) {
        read_trace = nullptr;
        throw;
    }
    read_trace = nullptr;
    // A pipeline's parts are read from inside its payload: keep the
    // outermost fields only (a nested one lies within a part's Value field).
    std::vector<TracedField> outer;
    for (const TracedField& f : recorder.fields) {
        bool nested = false;
        for (const TracedField& g : recorder.fields)
            nested |= g.role == FieldRole::Value && g.size > f.size && f.offset >= g.offset &&
                      f.offset + f.size <= g.offset + g.size;
        if (!nested) outer.push_back(f);
    }
    return outer;
}

// The edits, drawn from a seeded generator: the same seed, the same
// mutations on every machine (std::mt19937_64 is specified exactly; the
// picks below use only its raw output).
class Mutator {
public:
    Mutator(const Bytes& model, std::uint64_t seed)
        : parts_(split_model(model)), fields_(trace_payload(model)), rng_(seed) {}

    const ModelParts& parts() const { return parts_; }
    const std::vector<TracedField>& fields() const { return fields_; }

    // One mutated model (its envelope valid).
    Bytes next() {
        ModelParts m = parts_;
        const int edits = 1 + static_cast<int>(below(3));
        for (int e = 0; e < edits; ++e) mutate(m.payload, e + 1 == edits);
        return wrap_model(m);
    }

    std::uint64_t below(std::uint64_t n) { return n ? rng_() % n : 0; }

    // Every one-byte field (an enum, a flag) set to each of 0 to 15, 128 and
    // 255 in turn: the enum edits a random pick would rarely make.
    std::vector<Bytes> enum_sweep() const {
        std::vector<Bytes> out;
        for (const TracedField& f : fields_) {
            if (f.size != 1 || f.role != FieldRole::Value) continue;
            for (int v = 0; v < 18; ++v) {
                ModelParts m = parts_;
                const unsigned char value = static_cast<unsigned char>(v < 16 ? v : v == 16 ? 128 : 255);
                if (m.payload[f.offset] == value) continue;
                m.payload[f.offset] = value;
                out.push_back(wrap_model(m));
            }
        }
        return out;
    }

private:
    template <class T>
    static void put(Bytes& b, std::size_t at, T v) {
        std::memcpy(b.data() + at, &v, sizeof v);
    }
    template <class T>
    static T get(const Bytes& b, std::size_t at) {
        T v;
        std::memcpy(&v, b.data() + at, sizeof v);
        return v;
    }

    const TracedField* pick(FieldRole role) {
        std::vector<const TracedField*> of;
        for (const TracedField& f : fields_)
            if (f.role == role) of.push_back(&f);
        return of.empty() ? nullptr : of[below(of.size())];
    }

    // A plain value set to an edge of its type (or any byte, for a one-byte enum or flag).
    void edit_value(Bytes& p, const TracedField& f) {
        if (f.offset + f.size > p.size()) return;
        if (f.size == 1) {
            p[f.offset] = static_cast<unsigned char>(below(256));
        } else if (f.size == 4) {
            const std::uint32_t old = get<std::uint32_t>(p, f.offset);
            const std::uint32_t ints[] = {0, 1, 2, 0xffffffffu, 0x7fffffffu, 0x80000000u, old + 1, old - 1, 1024, 1025};
            const float floats[] = {NAN, INFINITY, -INFINITY, 3e38f, -3e38f, -0.0f, 1e-45f, -1.0f};
            if (below(3) == 0) put(p, f.offset, floats[below(std::size(floats))]);
            else put(p, f.offset, ints[below(std::size(ints))]);
        } else if (f.size == 8) {
            const std::uint64_t old = get<std::uint64_t>(p, f.offset);
            const std::uint64_t ints[] = {0, 1, 2, ~0ull, 1ull << 63, 1ull << 32, (1ull << 32) - 1, 1ull << 31,
                                          old + 1, old - 1, old * 2, 1ull << 40};
            const double doubles[] = {NAN, INFINITY, -INFINITY, 1e308, -1e308, -0.0, 5e-324, 1e-300, -1.0, 0.5};
            if (below(2) == 0) put(p, f.offset, doubles[below(std::size(doubles))]);
            else put(p, f.offset, ints[below(std::size(ints))]);
        } else {
            flip(p, f.offset + below(f.size));
        }
    }

    // A count set to a lie about its elements (which stay as they are).
    void edit_count(Bytes& p, const TracedField& f) {
        const std::uint64_t old = get<std::uint64_t>(p, f.offset);
        const std::uint64_t fits = (p.size() - f.offset - 8) / std::max<std::size_t>(1, f.element_bytes);
        const std::uint64_t values[] = {0, 1, old + 1, old - 1, old * 2, fits, fits + 1, 1ull << 32,
                                        1ull << 63, ~0ull, (~0ull) / std::max<std::size_t>(1, f.element_bytes) + 1};
        put(p, f.offset, values[below(std::size(values))]);
    }

    // A count changed together with its elements (some dropped, or copies
    // of its last added), so what follows still parses where it was meant to.
    void resize_elements(Bytes& p, const TracedField& f) {
        const std::uint64_t old = get<std::uint64_t>(p, f.offset);
        const std::size_t e = std::max<std::size_t>(1, f.element_bytes);
        const std::size_t body = f.offset + 8;
        if (old > p.size() || body + old * e > p.size()) return;  // an earlier edit's lie
        std::uint64_t wanted;
        switch (below(4)) {
            case 0: wanted = 0; break;
            case 1: wanted = old + 1 + below(3); break;
            case 2: wanted = old ? old - 1 : 1; break;
            default: wanted = old * 2 + 1; break;
        }
        if (wanted > old + 4096) wanted = old + 4096;
        Bytes grown(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(body));
        for (std::uint64_t i = 0; i < wanted; ++i) {
            const std::uint64_t from = old ? std::min(i, old - 1) : 0;
            for (std::size_t k = 0; k < e; ++k)
                grown.push_back(old ? p[body + from * e + k] : static_cast<unsigned char>(below(256)));
        }
        grown.insert(grown.end(), p.begin() + static_cast<std::ptrdiff_t>(body + old * e), p.end());
        put(grown, f.offset, wanted);
        p = std::move(grown);
    }

    void flip(Bytes& p, std::size_t at) {
        if (at >= p.size()) return;
        if (below(2)) p[at] ^= static_cast<unsigned char>(1u << below(8));
        else p[at] = static_cast<unsigned char>(below(256));
    }

    // One edit. `last`: the edit may change the payload's length (the
    // traced offsets hold only until it does).
    void mutate(Bytes& p, bool last) {
        const std::uint64_t what = below(last ? 10 : 6);
        const TracedField* f = nullptr;
        if (what <= 1) {  // byte flips anywhere
            for (std::uint64_t n = 1 + below(4); n > 0 && !p.empty(); --n) flip(p, below(p.size()));
        } else if (what <= 3 && (f = pick(FieldRole::Value))) {
            edit_value(p, *f);
        } else if (what <= 5 && (f = pick(FieldRole::Count))) {
            edit_count(p, *f);
        } else if (what <= 7 && (f = pick(FieldRole::Count))) {
            resize_elements(p, *f);
        } else if (what == 8) {  // cut
            p.resize(below(p.size() + 1));
        } else {  // trailing bytes
            for (std::uint64_t n = 1 + below(16); n > 0; --n) p.push_back(static_cast<unsigned char>(below(256)));
        }
    }

    ModelParts parts_;
    std::vector<TracedField> fields_;
    std::mt19937_64 rng_;
};

}  // namespace test
}  // namespace recsys
