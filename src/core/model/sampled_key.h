// What a call site keeps of a model value to tell, on the next row, whether
// the value is still the one it has loaded: the whole value when it is small,
// else samples of it.
//
// A serving call such as recommend(m.model, user) in a query over many rows
// gets its model argument anew on every row. The value may be the same datum
// every time (a model computed once in a CTE), or change from row to row (a
// table of models); its address says nothing, since a new value can come at
// a freed one's address. Comparing all of it costs a pass over the model per
// row (33 MB: 0.8 ms). Comparing a sample costs microseconds, and is enough:
//   - every model ends with the envelope's CRC-32 of all its other bytes
//     (model_format.h), and the sample holds the value's last 4 KB: two
//     different valid models differ there, but for a 2^-32 chance;
//   - its first 4 KB are the envelope's header and metadata JSON (kind,
//     options, dimensions, the training summary with its timings and loss),
//     which differ between any two trainings;
//   - 64 chunks of 256 bytes spread evenly over the rest land in the factors
//     and the training pairs, which differ between any two trainings too.
// A value made to match the sample of another (a forgery: bytes edited
// between the chunks so that the CRC-32 stays the same, which CRC's linearity
// makes easy) is answered by the model already loaded, which was decoded and
// validated in full from bytes the caller also passed: that model's answers,
// never a crash or a read of unchecked bytes.
// Values of up to 64 KB are compared whole: there that costs no more than the
// sample. The sample depends only on the value's size, and values are only
// compared at equal size.
#pragma once

#include <cstddef>

namespace recsys {

constexpr std::size_t kWholeKeyBytes = std::size_t(64) << 10;  // compared whole up to this size
constexpr std::size_t kKeyEdgeBytes = 4096;                     // the first and the last 4 KB
constexpr std::size_t kKeyChunkBytes = 256;
constexpr std::size_t kKeyChunks = 64;                          // chunks spread over the middle

// The bytes of the key of a value of `size` bytes: `size` up to
// kWholeKeyBytes, else the sample's (24 KB).
std::size_t sampled_key_size(std::size_t size);

// Writes the key of `value` (`size` bytes) into `key` (sampled_key_size(size) bytes).
void write_sampled_key(const unsigned char* value, std::size_t size, unsigned char* key);

// Whether `value` (`size` bytes) has the key `key`, written from a value of
// the same size.
bool matches_sampled_key(const unsigned char* value, std::size_t size, const unsigned char* key);

}  // namespace recsys
