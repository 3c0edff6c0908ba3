// Errors raised by the pure C++ core. The PostgreSQL glue maps each kind to
// a SQLSTATE (see src/pg/bridge.cpp); the core itself never sees PostgreSQL.
#pragma once

#include <stdexcept>
#include <string>

namespace recsys {

enum class ErrorKind {
    InvalidParameter,  // 22023: a bad option or argument value
    InvalidInput,      // 22P02: malformed input (e.g. a model that is not one)
    NullValue,         // 22004: NULL where it is not allowed
    DataException,     // 22000: bad data values (NaN weight, ...)
    OutOfMemory,       // 53200: over recsys.max_memory, or allocation failed
    LimitExceeded,     // 54000: past a fixed limit of recsys (variants compared, ...)
    Corrupted,         // XX001: a model whose checksum or structure is wrong
    Internal,          // XX000: a bug
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message, std::string hint = {})
        : std::runtime_error(message), kind_(kind), hint_(std::move(hint)) {}
    ErrorKind kind() const { return kind_; }
    const std::string& hint() const { return hint_; }

private:
    ErrorKind kind_;
    std::string hint_;
};

// Thrown when the caller asked to stop (query cancel, statement_timeout).
// Deliberately not derived from std::exception so generic handlers skip it.
struct Cancelled {};

[[noreturn]] inline void fail(ErrorKind kind, const std::string& message, std::string hint = {}) {
    throw Error(kind, message, std::move(hint));
}

}  // namespace recsys
