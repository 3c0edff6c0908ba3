#include "itemknn_pairs.h"

#include <algorithm>
#include <atomic>
#include <memory>

#include "../base/checked.h"
#include "../base/parallel.h"

namespace recsys {

namespace {

// Items per block handed to a worker: small enough to balance popular and
// rare items between workers, large enough to amortize the hand-over.
constexpr std::size_t kBlock = 32;
// How many users ahead the loop over an item's users prefetches a user's
// offsets, and its entries (whose offsets are then in cache).
constexpr std::uint64_t kPrefetchOffsets = 8, kPrefetchEntries = 4;

struct Candidate {
    double score;
    std::int32_t item;
};

// The heap's order: `a` is worse than `b` (lower score, then lower index).
bool worse(const Candidate& a, const Candidate& b) {
    return a.score < b.score || (a.score == b.score && a.item < b.item);
}

// One worker's dense accumulator over the items, and the heap of one row.
class RowAccumulator {
public:
    explicit RowAccumulator(std::size_t items) : sums_(items, 0.0), touched_(items, 0), order_(items) {}

    // sum_j += values[k] * w for the `count` items j = columns[k]. The arrays are read through
    // local pointers: a store to touched_ (bytes, which may alias anything) would otherwise make
    // the compiler reload every vector's data pointer after each item.
    void add_row(const std::int32_t* columns, const double* values, std::uint64_t count, double w) {
        double* sums = sums_.data();
        unsigned char* touched = touched_.data();
        std::int32_t* order = order_.data();
        std::size_t n = touched_count_;
        for (std::uint64_t k = 0; k < count; ++k) {
            const auto item = static_cast<std::size_t>(columns[k]);
            sums[item] += values[k] * w;
            if (!touched[item]) {
                touched[item] = 1;
                order[n++] = columns[k];
            }
        }
        touched_count_ = n;
    }

    // The best k touched items, best first, into `out`; clears the row.
    void take_best(std::size_t k, std::vector<Candidate>& out) {
        out.clear();
        auto min_heap = [](const Candidate& a, const Candidate& b) { return worse(b, a); };  // worst on top
        for (std::size_t t = touched_count_; t-- > 0;) {
            const std::size_t item = static_cast<std::size_t>(order_[t]);
            const Candidate c{sums_[item], order_[t]};
            sums_[item] = 0;
            touched_[item] = 0;
            if (out.size() < k) {
                out.push_back(c);
                std::push_heap(out.begin(), out.end(), min_heap);
            } else if (c.score > out.front().score) {
                std::pop_heap(out.begin(), out.end(), min_heap);
                out.back() = c;
                std::push_heap(out.begin(), out.end(), min_heap);
            }
        }
        touched_count_ = 0;
        // Best first, ties by the lower index (the order of top_k).
        std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
            return a.score > b.score || (a.score == b.score && a.item < b.item);
        });
    }

    static std::size_t bytes_per_item() { return sizeof(double) + 1 + sizeof(std::int32_t) + sizeof(Candidate); }

private:
    std::vector<double> sums_;
    std::vector<unsigned char> touched_;
    std::vector<std::int32_t> order_;  // the touched items in first-touch order: touched_count_ of them
    std::size_t touched_count_ = 0;
};

}  // namespace

ItemNeighbours all_pairs_neighbours(const WeightedRows& by_item, const WeightedRows& by_user, std::size_t neighbours,
                                    int threads, MemoryBudget& budget, StopToken& stop, PairsWork* work) {
    const std::size_t items = by_item.rows();
    if (neighbours == 0) fail(ErrorKind::InvalidParameter, "neighbours must be at least 1");
    const std::size_t keep = std::min(neighbours, items);
    threads = std::max(1, threads);
    // Per worker a dense accumulator; the result first in fixed slots of
    // `keep` per item (so workers write without sharing) with a count per
    // item, then compacted.
    const char* what = "the item neighbours";
    const std::size_t slots = checked_mul(items, keep, what, ErrorKind::OutOfMemory);
    budget.reserve(checked_add(checked_mul(static_cast<std::size_t>(threads), items,
                                           RowAccumulator::bytes_per_item(), what, ErrorKind::OutOfMemory),
                               checked_add(checked_mul(slots, 2 * (sizeof(std::int32_t) + sizeof(float)), what,
                                                       ErrorKind::OutOfMemory),
                                           checked_mul(items, sizeof(std::uint32_t), what, ErrorKind::OutOfMemory),
                                           what, ErrorKind::OutOfMemory),
                               what, ErrorKind::OutOfMemory),
                   what);
    std::vector<std::int32_t> slot_items(slots);
    std::vector<float> slot_similarity(slots);
    std::vector<std::uint32_t> kept(items, 0);
    std::vector<std::uint64_t> products(static_cast<std::size_t>(threads), 0);
    std::atomic<std::uint64_t> blocks{0};

    std::vector<std::unique_ptr<RowAccumulator>> accumulators(static_cast<std::size_t>(threads));
    parallel_for(items, kBlock, threads, stop, [&](std::size_t begin, std::size_t end, int worker) {
        auto& acc = accumulators[static_cast<std::size_t>(worker)];
        if (!acc) acc = std::make_unique<RowAccumulator>(items);
        std::vector<Candidate> best;
        best.reserve(keep);
        std::uint64_t count = 0;
        for (std::size_t i = begin; i < end; ++i) {
            const std::uint64_t first = by_item.offsets[i], last = by_item.offsets[i + 1];
            for (auto a = first; a < last; ++a) {
                // The users' rows lie anywhere in memory: ask for a later
                // user's offsets, and for the entries of a nearer one whose
                // offsets were asked for before, while this one is summed.
                if (a + kPrefetchOffsets < last)
                    __builtin_prefetch(&by_user.offsets[static_cast<std::size_t>(by_item.columns[a + kPrefetchOffsets])]);
                if (a + kPrefetchEntries < last) {
                    const auto start = by_user.offsets[static_cast<std::size_t>(by_item.columns[a + kPrefetchEntries])];
                    __builtin_prefetch(&by_user.columns[start]);
                    __builtin_prefetch(&by_user.values[start]);
                }
                const std::size_t u = static_cast<std::size_t>(by_item.columns[a]);
                const std::uint64_t start = by_user.offsets[u], length = by_user.offsets[u + 1] - start;
                acc->add_row(&by_user.columns[start], &by_user.values[start], length, by_item.values[a]);
                count += length;
            }
            acc->take_best(keep, best);
            kept[i] = static_cast<std::uint32_t>(best.size());
            for (std::size_t r = 0; r < best.size(); ++r) {
                slot_items[i * keep + r] = best[r].item;
                slot_similarity[i * keep + r] = static_cast<float>(best[r].score);
            }
            if (stop.stopped()) return;  // parallel_for throws Cancelled once every worker is back
        }
        products[static_cast<std::size_t>(worker)] += count;
        blocks.fetch_add(1, std::memory_order_relaxed);
    });
    accumulators.clear();

    ItemNeighbours out;
    out.offsets.assign(items + 1, 0);
    for (std::size_t i = 0; i < items; ++i) out.offsets[i + 1] = out.offsets[i] + kept[i];
    out.items.reserve(out.offsets[items]);
    out.similarity.reserve(out.offsets[items]);
    for (std::size_t i = 0; i < items; ++i) {
        out.items.insert(out.items.end(), slot_items.begin() + i * keep, slot_items.begin() + i * keep + kept[i]);
        out.similarity.insert(out.similarity.end(), slot_similarity.begin() + i * keep,
                              slot_similarity.begin() + i * keep + kept[i]);
    }
    if (work) {
        work->blocks = blocks.load();
        work->products = 0;
        for (auto p : products) work->products += p;
    }
    return out;
}

}  // namespace recsys
