// Bounds-checked little-endian byte writing and reading for model payloads.
// Every read checks the remaining length first, so a truncated or corrupted
// model becomes an Error, never an out-of-bounds access.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "error.h"

namespace recsys {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "model format assumes a little-endian host");

// Writes into a caller-sized buffer; with a null buffer it only counts, so the
// same code computes the size first and then fills exactly that many bytes.
class ByteWriter {
public:
    explicit ByteWriter(unsigned char* out = nullptr, std::size_t capacity = 0) : out_(out), capacity_(capacity) {}

    void bytes(const void* data, std::size_t n) {
        if (out_) {
            if (n > capacity_ - size_) fail(ErrorKind::Internal, "model writer overflow");
            if (n) std::memcpy(out_ + size_, data, n);
        }
        size_ += n;
    }
    template <typename T>
    void pod(const T& v) {
        static_assert(std::is_trivially_copyable<T>::value, "pod() needs a plain value");
        bytes(&v, sizeof v);
    }
    template <typename T>
    void array(const T* data, std::size_t count) {
        pod<std::uint64_t>(count);
        bytes(data, count * sizeof(T));
    }
    void string(const std::string& s) { array(s.data(), s.size()); }

    std::size_t size() const { return size_; }
    unsigned char* data() const { return out_; }

private:
    unsigned char* out_;
    std::size_t capacity_;
    std::size_t size_ = 0;
};

// What a fuzz test sees of a payload being read: every field (its first
// byte, its size, what it is, and whether it is a count of elements of
// `element_bytes` each, the elements of an array, or a plain value), so that
// its mutations can edit fields (counts, enums, lengths), not only bytes.
// Null outside tests; set per thread by the test (tests/model_mutator.h).
enum class FieldRole : std::uint8_t { Value, Count, Elements };
struct ReadTrace {
    virtual ~ReadTrace() = default;
    virtual void field(const unsigned char* at, std::size_t size, FieldRole role, std::size_t element_bytes,
                       const char* what) = 0;
};
inline thread_local ReadTrace* read_trace = nullptr;

class ByteReader {
public:
    ByteReader(const unsigned char* data, std::size_t size) : data_(data), size_(size) {}

    const unsigned char* take(std::size_t n, const char* what) { return take_as(n, what, FieldRole::Value, 1); }
    template <typename T>
    T pod(const char* what) {
        T v;
        std::memcpy(&v, take(sizeof v, what), sizeof v);
        return v;
    }
    // A u64 count of elements of `element_bytes` each (>= 1) that follow:
    // more than the bytes that remain can hold is corrupted, so a forged
    // count can size nothing before it is checked.
    std::uint64_t count(const char* what, std::size_t element_bytes) {
        std::uint64_t n;
        std::memcpy(&n, take_as(sizeof n, what, FieldRole::Count, element_bytes), sizeof n);
        if (element_bytes == 0 || n > remaining() / element_bytes)
            fail(ErrorKind::Corrupted, std::string("model has an invalid count of ") + what + " (" +
                                           std::to_string(n) + " for " + std::to_string(remaining()) +
                                           " bytes left)");
        return n;
    }
    // Reads a length-prefixed array; `max_count` bounds the length so a
    // corrupted count cannot ask for absurd memory.
    template <typename T, typename Vec>
    void array(Vec& out, std::size_t max_count, const char* what) {
        const std::uint64_t n = count(what, sizeof(T));
        if (n > max_count) fail(ErrorKind::Corrupted, std::string("model has an invalid length for ") + what);
        const auto bytes = static_cast<std::size_t>(n) * sizeof(T);
        const unsigned char* p = take_as(bytes, what, FieldRole::Elements, sizeof(T));
        out.resize(static_cast<std::size_t>(n));
        if (n) std::memcpy(out.data(), p, bytes);
    }
    std::string string(std::size_t max_len, const char* what) {
        std::string s;
        array<char>(s, max_len, what);
        return s;
    }
    std::size_t remaining() const { return size_ - pos_; }
    std::size_t position() const { return pos_; }

private:
    const unsigned char* take_as(std::size_t n, const char* what, FieldRole role, std::size_t element_bytes) {
        if (n > size_ - pos_) fail(ErrorKind::Corrupted, std::string("model is truncated (reading ") + what + ")");
        const unsigned char* p = data_ + pos_;
        if (read_trace) read_trace->field(p, n, role, element_bytes, what);
        pos_ += n;
        return p;
    }

    const unsigned char* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

}  // namespace recsys
