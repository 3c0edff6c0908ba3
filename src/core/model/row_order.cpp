// The canonical order (row_order.h) costs a hash of every feature of every
// row and a sort. The hash of one row is a serial chain (each step waits for
// the last multiply), so rows are hashed four at a time, whose chains are
// independent and fill the pipeline; the sort is a stable radix sort of the
// keys (equal keys keep the index order), then of the queries.
#include "row_order.h"

#include <cstring>

#include "../base/radix_sort.h"
#include "../base/random.h"
#include "../linear/binary_labels.h"

namespace recsys {

namespace {

constexpr std::size_t kLanes = 4;

std::uint64_t bits_of(double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return bits;
}

}  // namespace

void canonical_row_keys(const double* y, const double* x, std::size_t n, std::size_t p, std::uint64_t* out) {
    std::size_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        // row_hash(x_i, p, seed): h = splitmix64(seed), then h = splitmix64(h ^ x_ij) for each j.
        std::uint64_t h[kLanes];
        for (std::size_t l = 0; l < kLanes; ++l) h[l] = splitmix64(row_hash(y + i + l, 1, 0));
        const double* row = x + i * p;
        for (std::size_t j = 0; j < p; ++j)
            for (std::size_t l = 0; l < kLanes; ++l) h[l] = splitmix64(h[l] ^ bits_of(row[l * p + j]));
        for (std::size_t l = 0; l < kLanes; ++l) out[i + l] = h[l];
    }
    for (; i < n; ++i) out[i] = row_hash(x + i * p, p, row_hash(y + i, 1, 0));
}

std::vector<std::size_t> canonical_row_order(const double* y, const double* x, const std::int64_t* query,
                                             std::size_t n, std::size_t p, const StopToken& stop) {
    std::vector<KeyRow> items(n);
    {
        std::vector<std::uint64_t> keys(n);
        canonical_row_keys(y, x, n, p, keys.data());
        for (std::size_t i = 0; i < n; ++i) items[i] = {keys[i], i};
    }
    stop.check_stopped();
    radix_sort(items, stop);
    if (query) {  // then by query, stably: (query, key, index)
        for (KeyRow& item : items) item.key = ordered_key(query[item.row]);
        radix_sort(items, stop);
    }
    std::vector<std::size_t> order(n);
    for (std::size_t k = 0; k < n; ++k) order[k] = items[k].row;
    return order;
}

}  // namespace recsys
