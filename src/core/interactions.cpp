#include "interactions.h"

#include <algorithm>
#include <numeric>

#include "parallel.h"

namespace recsys {

namespace {

std::vector<std::int64_t> sorted_unique(const std::int64_t* ids, std::size_t n) {
    std::vector<std::int64_t> out(ids, ids + n);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<std::int32_t> to_indices(const std::vector<std::int64_t>& sorted_ids, const std::int64_t* ids,
                                     std::size_t n, StopToken& stop) {
    std::vector<std::int32_t> out(n);
    parallel_for(n, 1 << 16, available_cores(), stop, [&](std::size_t b, std::size_t e, int) {
        for (std::size_t i = b; i < e; ++i) out[i] = static_cast<std::int32_t>(index_of(sorted_ids, ids[i]));
    });
    return out;
}

}  // namespace

std::int64_t index_of(const std::vector<std::int64_t>& sorted_ids, std::int64_t id) {
    auto it = std::lower_bound(sorted_ids.begin(), sorted_ids.end(), id);
    return it != sorted_ids.end() && *it == id ? it - sorted_ids.begin() : -1;
}

SparseRows transpose(const SparseRows& m, std::size_t columns) {
    SparseRows t;
    t.offsets.assign(columns + 1, 0);
    for (auto c : m.columns) ++t.offsets[c + 1];
    std::partial_sum(t.offsets.begin(), t.offsets.end(), t.offsets.begin());
    t.columns.resize(m.nnz());
    t.values.resize(m.nnz());
    std::vector<std::uint64_t> next(t.offsets.begin(), t.offsets.end() - 1);
    for (std::size_t r = 0; r < m.rows(); ++r)  // rows ascending: columns of t stay sorted
        for (auto j = m.offsets[r]; j < m.offsets[r + 1]; ++j) {
            auto pos = next[m.columns[j]]++;
            t.columns[pos] = static_cast<std::int32_t>(r);
            t.values[pos] = m.values[j];
        }
    return t;
}

Interactions build_interactions(const std::int64_t* users, const std::int64_t* items, const float* weights,
                                std::size_t n, MemoryBudget& budget, StopToken& stop) {
    // Peak: two id copies, two index arrays, the unsorted triplets and both layouts.
    budget.reserve(n * (8 + 4 + 4 + 8 + 2 * 8) + 64, "collecting interactions");
    Interactions out;
    out.user_ids = sorted_unique(users, n);
    out.item_ids = sorted_unique(items, n);
    stop.check();
    if (out.user_ids.size() > INT32_MAX || out.item_ids.size() > INT32_MAX)
        fail(ErrorKind::InvalidParameter, "too many distinct users or items (at most 2^31 - 1 of each)");
    std::vector<std::int32_t> user_index = to_indices(out.user_ids, users, n, stop);
    std::vector<std::int32_t> item_index = to_indices(out.item_ids, items, n, stop);

    // Counting sort by user, then sort each row by (item, weight) so that the
    // sums of duplicates are taken in one canonical order.
    std::size_t n_users = out.user_ids.size();
    std::vector<std::uint64_t> offsets(n_users + 1, 0);
    for (std::size_t i = 0; i < n; ++i) ++offsets[user_index[i] + 1];
    std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
    std::vector<std::pair<std::int32_t, float>> entries(n);
    {
        std::vector<std::uint64_t> next(offsets.begin(), offsets.end() - 1);
        for (std::size_t i = 0; i < n; ++i) entries[next[user_index[i]]++] = {item_index[i], weights[i]};
    }
    user_index = {};
    item_index = {};
    stop.check();

    SparseRows& by_user = out.by_user;
    by_user.offsets.assign(n_users + 1, 0);
    std::vector<std::uint64_t> row_nnz(n_users, 0);
    parallel_for(n_users, 4096, available_cores(), stop, [&](std::size_t b, std::size_t e, int) {
        for (std::size_t u = b; u < e; ++u) {
            auto first = entries.begin() + offsets[u], last = entries.begin() + offsets[u + 1];
            std::sort(first, last);
            // Merge duplicates in place at the front of the row.
            auto out_it = first;
            for (auto it = first; it != last;) {
                double sum = 0;
                auto item = it->first;
                for (; it != last && it->first == item; ++it) sum += it->second;
                *out_it++ = {item, static_cast<float>(sum)};
            }
            row_nnz[u] = static_cast<std::uint64_t>(out_it - first);
        }
    });
    for (std::size_t u = 0; u < n_users; ++u) by_user.offsets[u + 1] = by_user.offsets[u] + row_nnz[u];
    by_user.columns.resize(by_user.offsets[n_users]);
    by_user.values.resize(by_user.offsets[n_users]);
    for (std::size_t u = 0; u < n_users; ++u)
        for (std::uint64_t j = 0; j < row_nnz[u]; ++j) {
            by_user.columns[by_user.offsets[u] + j] = entries[offsets[u] + j].first;
            by_user.values[by_user.offsets[u] + j] = entries[offsets[u] + j].second;
        }
    entries = {};
    stop.check();
    out.by_item = transpose(by_user, out.item_ids.size());
    return out;
}

}  // namespace recsys
