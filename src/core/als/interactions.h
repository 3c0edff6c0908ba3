// Turns raw (user id, item id, weight) rows into the compressed sparse
// matrices ALS iterates over: ids are mapped to dense indices in ascending id
// order, duplicate (user, item) pairs are summed, and both the by-user (CSR)
// and by-item (CSC) layouts are built. The result does not depend on the
// order of the input rows.
#pragma once

#include <cstdint>
#include <vector>

#include "../base/memory_budget.h"
#include "../base/sorted_ids.h"
#include "../base/stop.h"

namespace recsys {

struct SparseRows {
    std::vector<std::uint64_t> offsets;  // rows + 1 entries
    std::vector<std::int32_t> columns;   // ascending within a row
    std::vector<float> values;           // summed weights
    std::size_t rows() const { return offsets.empty() ? 0 : offsets.size() - 1; }
    std::size_t nnz() const { return columns.size(); }
};

struct Interactions {
    std::vector<std::int64_t> user_ids;  // ascending; index = position
    std::vector<std::int64_t> item_ids;  // ascending
    SparseRows by_user;                  // rows: users, columns: items
    SparseRows by_item;                  // rows: items, columns: users
};

// users/items/weights are parallel arrays of n rows (weights already validated).
// Users and items are indexed concurrently when threads > 1.
Interactions build_interactions(const std::int64_t* users, const std::int64_t* items, const float* weights,
                                std::size_t n, MemoryBudget& budget, StopToken& stop, int threads = 1);

// The transpose of `m`, whose columns lie in [0, columns).
SparseRows transpose(const SparseRows& m, std::size_t columns, StopToken& stop);

}  // namespace recsys
