// Checked sizes. Every count that comes from a user (an argument, an option)
// or from a model's bytes goes through these before it sizes an allocation
// or indexes anything, so that an absurd or forged count is an error naming
// it, never an overflow, a huge allocation or an out-of-bounds access.
//
//   checked_mul / checked_add   arithmetic that fails instead of wrapping
//   checked_count               a signed count (an int argument) as a size in [min, max]
//   ByteReader::count           a payload's count that must fit in the bytes that remain (bytes.h)
//
// The ErrorKind says whose fault it is: Corrupted (XX001) for a model's
// bytes, InvalidParameter (22023) for an argument or option.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "error.h"

namespace recsys {

inline std::size_t checked_mul(std::size_t a, std::size_t b, const char* what,
                               ErrorKind kind = ErrorKind::Corrupted) {
    std::size_t product;
    if (__builtin_mul_overflow(a, b, &product))
        fail(kind, std::string(what) + " is too large (" + std::to_string(a) + " x " + std::to_string(b) + ")");
    return product;
}

inline std::size_t checked_mul(std::size_t a, std::size_t b, std::size_t c, const char* what,
                               ErrorKind kind = ErrorKind::Corrupted) {
    return checked_mul(checked_mul(a, b, what, kind), c, what, kind);
}

inline std::size_t checked_add(std::size_t a, std::size_t b, const char* what,
                               ErrorKind kind = ErrorKind::Corrupted) {
    std::size_t sum;
    if (__builtin_add_overflow(a, b, &sum))
        fail(kind, std::string(what) + " is too large (" + std::to_string(a) + " + " + std::to_string(b) + ")");
    return sum;
}

// A count given as a signed number (an SQL int, a stored int64), as a size
// in [min, max]; else an error of `kind` naming it and the range.
inline std::size_t checked_count(long long value, std::size_t min, std::size_t max, const char* what,
                                 ErrorKind kind = ErrorKind::InvalidParameter) {
    if (value < 0 || static_cast<unsigned long long>(value) < min || static_cast<unsigned long long>(value) > max)
        fail(kind, std::string(what) + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                       ", got " + std::to_string(value));
    return static_cast<std::size_t>(value);
}

// Whether `count` elements of `element_bytes` each fit in `available` bytes
// (no overflow on the way).
inline bool fits_in(std::size_t count, std::size_t element_bytes, std::size_t available) {
    return element_bytes == 0 ? true : count <= available / element_bytes;
}

}  // namespace recsys
