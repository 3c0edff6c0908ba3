// The co-occurrence counts of watch sessions: each user's watches in time
// order, every pair within the window weighted 1/distance, summed over
// users into a sparse symmetric table.
//
// The table is an open-addressing hash map of (row, col) -> count that
// doubles when half full; each doubling is claimed in the budget first, so
// a history whose pairs do not fit is an OutOfMemory error, not a dead
// backend. Summation in double, in one fixed order (users ascending, then
// positions): the same rows give the same counts.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "cooccurrence.h"
#include "../base/checked.h"

namespace recsys {

namespace {

constexpr std::uint64_t kEmpty = ~std::uint64_t(0);

class PairTable {
public:
    PairTable(MemoryBudget& budget) : budget_(budget) { grow(1024); }

    void add(std::int32_t row, std::int32_t col, double weight) {
        if (2 * (size_ + 1) > keys_.size()) grow(keys_.size() * 2);
        const std::uint64_t key = (static_cast<std::uint64_t>(row) << 32) | static_cast<std::uint32_t>(col);
        std::size_t slot = splitmix(key) & (keys_.size() - 1);
        while (keys_[slot] != kEmpty && keys_[slot] != key) slot = (slot + 1) & (keys_.size() - 1);
        if (keys_[slot] == kEmpty) {
            keys_[slot] = key;
            ++size_;
        }
        values_[slot] += weight;
    }

    // The entries, sorted by (row, col); claims their bytes first.
    std::vector<CooccurrenceEntry> entries() const {
        budget_.reserve(checked_mul(size_, sizeof(CooccurrenceEntry), "co-occurrence pairs", ErrorKind::OutOfMemory),
                        "cooccurrence_fit's co-occurrence pairs");
        std::vector<CooccurrenceEntry> out;
        out.reserve(size_);
        for (std::size_t s = 0; s < keys_.size(); ++s)
            if (keys_[s] != kEmpty)
                out.push_back({static_cast<std::int32_t>(keys_[s] >> 32), static_cast<std::int32_t>(keys_[s] & 0xffffffffu),
                               static_cast<float>(values_[s])});
        std::sort(out.begin(), out.end(), [](const CooccurrenceEntry& a, const CooccurrenceEntry& b) {
            return a.row != b.row ? a.row < b.row : a.col < b.col;
        });
        return out;
    }

private:
    static std::uint64_t splitmix(std::uint64_t x) {
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
        return x ^ (x >> 31);
    }

    void grow(std::size_t capacity) {
        budget_.reserve(checked_mul(capacity, sizeof(std::uint64_t) + sizeof(double), "co-occurrence table",
                                    ErrorKind::OutOfMemory),
                        "cooccurrence_fit's co-occurrence table");
        std::vector<std::uint64_t> keys(capacity, kEmpty);
        std::vector<double> values(capacity, 0.0);
        for (std::size_t s = 0; s < keys_.size(); ++s) {
            if (keys_[s] == kEmpty) continue;
            std::size_t slot = splitmix(keys_[s]) & (capacity - 1);
            while (keys[slot] != kEmpty) slot = (slot + 1) & (capacity - 1);
            keys[slot] = keys_[s];
            values[slot] = values_[s];
        }
        keys_.swap(keys);
        values_.swap(values);
    }

    MemoryBudget& budget_;
    std::vector<std::uint64_t> keys_;
    std::vector<double> values_;
    std::size_t size_ = 0;
};

}  // namespace

CooccurrenceCounts count_cooccurrences(const std::int64_t* users, const std::int32_t* items,
                                       const std::int64_t* times, std::size_t n, std::size_t item_count,
                                       const CooccurrenceParams& p, MemoryBudget& budget, StopToken& stop) {
    // The watches in session order: by user, then time, then item.
    budget.reserve(checked_mul(n, sizeof(std::uint32_t), "watches", ErrorKind::OutOfMemory),
                   "cooccurrence_fit's session order");
    if (n >= UINT32_MAX) fail(ErrorKind::LimitExceeded, "cooccurrence_fit takes fewer than 4294967295 rows");
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (users[a] != users[b]) return users[a] < users[b];
        if (times[a] != times[b]) return times[a] < times[b];
        if (items[a] != items[b]) return items[a] < items[b];
        return a < b;
    });
    stop.check();

    // A time limit in microseconds; the difference of two ordered times is
    // taken in unsigned arithmetic, exact for any pair of int64 times.
    const bool timed = p.window_seconds >= 0;
    const double limit_us = p.window_seconds * 1e6;
    const std::uint64_t limit = !timed || limit_us >= 1.8e19 ? ~std::uint64_t(0) : static_cast<std::uint64_t>(limit_us);

    PairTable table(budget);
    CooccurrenceCounts counts;
    counts.items = item_count;
    std::uint64_t since_poll = 0;
    for (std::size_t begin = 0; begin < n;) {
        std::size_t end = begin + 1;
        while (end < n && users[order[end]] == users[order[begin]]) ++end;
        for (std::size_t a = begin; a < end; ++a) {
            const std::uint32_t wa = order[a];
            const std::size_t last = std::min(end, a + 1 + static_cast<std::size_t>(p.window));
            for (std::size_t b = a + 1; b < last; ++b) {
                const std::uint32_t wb = order[b];
                if (timed && static_cast<std::uint64_t>(times[wb]) - static_cast<std::uint64_t>(times[wa]) > limit) break;
                if (items[wa] == items[wb]) continue;  // an item is not its own context
                table.add(std::min(items[wa], items[wb]), std::max(items[wa], items[wb]),
                          1.0 / static_cast<double>(b - a));
                ++counts.windows;
            }
            since_poll += last - a;
        }
        if (since_poll > (1u << 16)) {
            stop.check();
            since_poll = 0;
        }
        begin = end;
    }
    stop.check();
    counts.pairs = table.entries();
    return counts;
}

}  // namespace recsys
