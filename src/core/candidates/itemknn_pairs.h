// The kept neighbours of every item: the sparse product of the weighted
// item-user matrix with its transpose, S = W Wᵀ, of which each item keeps
// its `neighbours` best entries (itself included, as in implicit, where an
// item is its own first neighbour; similar_items leaves it out).
//
// Row i of S is accumulated the way implicit's all_pairs_knn does it (and
// the SMMP algorithm before it): for each user u of item i (ascending), for
// each item j of u (ascending), sum_j += w_uj * w_ui, in double, in a dense
// accumulator that remembers which items it touched. The best `neighbours`
// of the touched items are then chosen by a bounded heap fed in the reverse
// order of first touch, with implicit's rule (a candidate enters when the
// heap is not full or it beats the worst kept strictly; the worst is the
// lowest score, then the lowest index), so that even at ties on the last
// kept score the same neighbours are kept.
//
// Rows are independent: blocks of items go to `threads` workers, each with
// its own accumulator, and every row's values come out the same whatever the
// thread count. The accumulators and the result are reserved in the budget
// before they are allocated; a stop is honoured between blocks.
#pragma once

#include <cstdint>
#include <vector>

#include "../base/memory_budget.h"
#include "../base/stop.h"
#include "itemknn_weighting.h"

namespace recsys {

struct ItemNeighbours {
    std::vector<std::uint64_t> offsets;  // items + 1 entries
    std::vector<std::int32_t> items;     // per item, best first
    std::vector<float> similarity;       // the same order
    std::size_t nnz() const { return items.size(); }
};

// How the product was split: for the training summary and the tests.
struct PairsWork {
    std::uint64_t blocks = 0;
    std::uint64_t products = 0;  // multiply-adds w_uj * w_ui
};

// by_item: the weighted item-user matrix; by_user: its transpose (rows:
// users). neighbours >= 1.
ItemNeighbours all_pairs_neighbours(const WeightedRows& by_item, const WeightedRows& by_user, std::size_t neighbours,
                                    int threads, MemoryBudget& budget, StopToken& stop, PairsWork* work = nullptr);

}  // namespace recsys
