// A running tally of the large buffers a computation is about to allocate,
// checked against a limit so that "too big" is a clear error before the
// allocation happens rather than an out-of-memory server.
#pragma once

#include <cstddef>
#include <string>

#include "error.h"

namespace recsys {

class MemoryBudget {
public:
    // limit_bytes == 0 means unlimited. `hint` tells the user how to raise it.
    explicit MemoryBudget(std::size_t limit_bytes = 0, std::string hint = {})
        : limit_(limit_bytes), hint_(std::move(hint)) {}

    void reserve(std::size_t bytes, const char* what) {
        if (limit_ && (bytes > limit_ || used_ > limit_ - bytes))
            fail(ErrorKind::OutOfMemory,
                 std::string(what) + " needs " + megabytes(used_ + bytes) + ", over the memory limit of " +
                     megabytes(limit_),
                 hint_);
        used_ += bytes;
    }

    static std::string megabytes(std::size_t bytes) {
        return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MB";
    }

private:
    std::size_t limit_;
    std::size_t used_ = 0;
    std::string hint_;
};

}  // namespace recsys
