#include "sampled_key.h"

#include <cstring>

namespace recsys {

namespace {

// Calls piece(offset, length) for each piece of a value of `size` bytes that
// its key holds, in key order: the whole value, or the first 4 KB, the chunks
// and the last 4 KB. Writing and matching walk the same pieces.
template <typename Piece>
bool for_each_piece(std::size_t size, Piece&& piece) {
    if (size <= kWholeKeyBytes) return piece(0, size);
    if (!piece(0, kKeyEdgeBytes)) return false;
    // Chunk i starts at the i-th of kKeyChunks evenly spaced points of the
    // middle, so the first touches the head and the last ends at the tail.
    const std::size_t first = kKeyEdgeBytes, span = size - 2 * kKeyEdgeBytes - kKeyChunkBytes;
    for (std::size_t i = 0; i < kKeyChunks; ++i)
        if (!piece(first + span / (kKeyChunks - 1) * i + span % (kKeyChunks - 1) * i / (kKeyChunks - 1),
                   kKeyChunkBytes))
            return false;
    return piece(size - kKeyEdgeBytes, kKeyEdgeBytes);
}

}  // namespace

std::size_t sampled_key_size(std::size_t size) {
    return size <= kWholeKeyBytes ? size : 2 * kKeyEdgeBytes + kKeyChunks * kKeyChunkBytes;
}

void write_sampled_key(const unsigned char* value, std::size_t size, unsigned char* key) {
    for_each_piece(size, [&](std::size_t offset, std::size_t length) {
        std::memcpy(key, value + offset, length);
        key += length;
        return true;
    });
}

bool matches_sampled_key(const unsigned char* value, std::size_t size, const unsigned char* key) {
    return for_each_piece(size, [&](std::size_t offset, std::size_t length) {
        if (std::memcmp(key, value + offset, length) != 0) return false;
        key += length;
        return true;
    });
}

}  // namespace recsys
