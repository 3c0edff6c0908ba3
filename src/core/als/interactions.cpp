#include "interactions.h"

#include <algorithm>
#include <cfloat>
#include <numeric>

#include "../base/huge_pages.h"
#include "../base/json.h"
#include "../base/parallel.h"
#include "../base/radix_sort.h"

namespace recsys {

namespace {

constexpr std::size_t kCheckEvery = (1 << 16) - 1;

// Dense indices of ids: `ids` gets the distinct ids ascending, `index[row]`
// the position of row's id, and the return value the rows in id order
// (stable, so rows of one id keep their input order).
std::vector<std::uint64_t> index_ids(const std::int64_t* raw, std::size_t n, std::vector<std::int64_t>& ids,
                                     std::vector<std::int32_t>& index, const StopToken& stop) {
    std::vector<KeyRow> pairs;
    pairs.reserve(n);
    advise_huge_pages(pairs.data(), n * sizeof(KeyRow));
    for (std::size_t i = 0; i < n; ++i) pairs.push_back({ordered_key(raw[i]), i});
    radix_sort(pairs, stop);
    index = huge_vector<std::int32_t>(n);
    std::vector<std::uint64_t> order = huge_vector<std::uint64_t>(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (i == 0 || pairs[i].key != pairs[i - 1].key) {
            if (ids.size() >= static_cast<std::size_t>(INT32_MAX))
                fail(ErrorKind::InvalidParameter, "too many distinct users or items (at most 2^31 - 1 of each)");
            ids.push_back(raw[pairs[i].row]);
        }
        index[pairs[i].row] = static_cast<std::int32_t>(ids.size() - 1);
        order[i] = pairs[i].row;
    }
    return order;
}

// Duplicate weights are summed in double and stored as float: a sum beyond
// FLT_MAX would become infinity and poison every solve of its user and item.
void check_weight_sum(double sum, std::int64_t user_id, std::int64_t item_id) {
    if (sum > FLT_MAX)
        fail(ErrorKind::DataException,
             "als_fit weights of user " + std::to_string(user_id) + " and item " + std::to_string(item_id) +
                 " add up to " + message_number(sum) + ", more than a real (float4) can hold",
             "scale the weights down (for example minutes instead of seconds) or clamp them");
}

}  // namespace

SparseRows transpose(const SparseRows& m, std::size_t columns, StopToken& stop) {
    SparseRows t;
    t.offsets.assign(columns + 1, 0);
    for (auto c : m.columns) ++t.offsets[c + 1];
    std::partial_sum(t.offsets.begin(), t.offsets.end(), t.offsets.begin());
    t.columns = huge_vector<std::int32_t>(m.nnz());
    t.values = huge_vector<float>(m.nnz());
    std::vector<std::uint64_t> next(t.offsets.begin(), t.offsets.end() - 1);
    for (std::size_t r = 0; r < m.rows(); ++r) {  // rows ascending: columns of t stay sorted
        if ((r & kCheckEvery) == 0) stop.check();
        for (auto j = m.offsets[r]; j < m.offsets[r + 1]; ++j) {
            auto pos = next[m.columns[j]]++;
            t.columns[pos] = static_cast<std::int32_t>(r);
            t.values[pos] = m.values[j];
        }
    }
    return t;
}

Interactions build_interactions(const std::int64_t* users, const std::int64_t* items, const float* weights,
                                std::size_t n, MemoryBudget& budget, StopToken& stop, int threads) {
    // Peak: the sort pairs and their buffer, two index arrays, the row order,
    // then both sparse layouts.
    budget.reserve(n * (2 * sizeof(KeyRow) + 2 * 4 + 8) + n * 2 * (4 + 4) + 64, "collecting interactions");
    Interactions out;
    std::vector<std::int32_t> user_index, item_index;
    std::vector<std::uint64_t> by_item_order;
    parallel_for(2, 1, threads, stop, [&](std::size_t b, std::size_t e, int) {
        for (std::size_t side = b; side < e; ++side) {
            if (side == 0)
                by_item_order = index_ids(items, n, out.item_ids, item_index, stop);
            else
                index_ids(users, n, out.user_ids, user_index, stop);
        }
    });

    // Counting sort by user of the rows in item order: each user's entries
    // come out sorted by item, duplicates adjacent.
    const std::size_t n_users = out.user_ids.size();
    std::vector<std::uint64_t> start(n_users + 1, 0);
    for (std::size_t i = 0; i < n; ++i) ++start[user_index[i] + 1];
    std::partial_sum(start.begin(), start.end(), start.begin());
    std::vector<std::uint64_t> rows = huge_vector<std::uint64_t>(n);
    {
        std::vector<std::uint64_t> next(start.begin(), start.end() - 1);
        for (std::uint64_t row : by_item_order) rows[next[user_index[row]]++] = row;
    }
    by_item_order = {};
    user_index = {};
    stop.check();

    // Merge duplicates. Their weights are summed in ascending order, so the
    // sum does not depend on the input row order.
    SparseRows& by_user = out.by_user;
    by_user.offsets.assign(n_users + 1, 0);
    by_user.columns.reserve(n);
    by_user.values.reserve(n);
    advise_huge_pages(by_user.columns.data(), n * sizeof(std::int32_t));
    advise_huge_pages(by_user.values.data(), n * sizeof(float));
    std::vector<float> run;
    for (std::size_t u = 0; u < n_users; ++u) {
        if ((u & kCheckEvery) == 0) stop.check();
        for (std::uint64_t j = start[u]; j < start[u + 1];) {
            const std::int32_t item = item_index[rows[j]];
            run.clear();
            for (; j < start[u + 1] && item_index[rows[j]] == item; ++j) run.push_back(weights[rows[j]]);
            if (run.size() > 1) std::sort(run.begin(), run.end());
            double sum = 0;
            for (float w : run) sum += w;
            check_weight_sum(sum, out.user_ids[u], out.item_ids[static_cast<std::size_t>(item)]);
            by_user.columns.push_back(item);
            by_user.values.push_back(static_cast<float>(sum));
        }
        by_user.offsets[u + 1] = by_user.columns.size();
    }
    rows = {};
    item_index = {};
    stop.check();
    out.by_item = transpose(by_user, out.item_ids.size(), stop);
    return out;
}

}  // namespace recsys
