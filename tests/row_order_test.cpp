// The canonical order of collected rows (src/core/model/row_order.h), which
// the trees train in: the keys computed four rows at a time are row_hash's,
// and the order is the one a comparison sort by (query, key, index) gives,
// whatever the number of rows (the four-row blocks and the rest), with equal
// rows and queries that repeat.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "base/random.h"
#include "linear/binary_labels.h"
#include "model/row_order.h"

namespace recsys {
namespace {

struct Table {
    std::vector<double> y, x;
    std::vector<std::int64_t> query;
    std::size_t n, p;
};

// Rows with few distinct values, so that some rows are equal.
Table table(std::size_t n, std::size_t p) {
    Table t{{}, {}, {}, n, p};
    SplitMix rng(3);
    for (std::size_t i = 0; i < n; ++i) {
        t.y.push_back(static_cast<double>(rng.next() % 2));
        for (std::size_t j = 0; j < p; ++j) t.x.push_back(static_cast<double>(rng.next() % 3) - 1);
        t.query.push_back(static_cast<std::int64_t>(rng.next() % 7) - 3);
    }
    return t;
}

std::vector<std::size_t> sorted_by_comparison(const Table& t, bool by_query) {
    std::vector<std::uint64_t> key(t.n);
    for (std::size_t i = 0; i < t.n; ++i) key[i] = row_hash(t.x.data() + i * t.p, t.p, row_hash(&t.y[i], 1, 0));
    std::vector<std::size_t> order(t.n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (by_query && t.query[a] != t.query[b]) return t.query[a] < t.query[b];
        return key[a] != key[b] ? key[a] < key[b] : a < b;
    });
    return order;
}

TEST(RowOrder, KeysAreRowHashes) {
    for (std::size_t n : {0, 1, 3, 4, 5, 9, 1001}) {
        const Table t = table(n, 5);
        std::vector<std::uint64_t> keys(n);
        canonical_row_keys(t.y.data(), t.x.data(), n, t.p, keys.data());
        for (std::size_t i = 0; i < n; ++i)
            ASSERT_EQ(keys[i], row_hash(t.x.data() + i * t.p, t.p, row_hash(&t.y[i], 1, 0))) << "n " << n << " row " << i;
    }
}

TEST(RowOrder, SameAsAComparisonSort) {
    StopToken never;
    for (std::size_t n : {1, 2, 7, 64, 5003}) {
        const Table t = table(n, 2);  // 2 features of 3 values and 2 targets: many equal rows
        EXPECT_EQ(canonical_row_order(t.y.data(), t.x.data(), nullptr, n, t.p, never), sorted_by_comparison(t, false))
            << n << " rows";
        EXPECT_EQ(canonical_row_order(t.y.data(), t.x.data(), t.query.data(), n, t.p, never),
                  sorted_by_comparison(t, true))
            << n << " rows by query";
    }
}

// The same rows in another order give the same rows in the canonical order.
TEST(RowOrder, InputOrderDoesNotMatter) {
    StopToken never;
    const Table t = table(999, 4);
    std::vector<std::size_t> shuffle(t.n);
    std::iota(shuffle.begin(), shuffle.end(), 0);
    std::reverse(shuffle.begin(), shuffle.end());
    Table u = t;
    for (std::size_t k = 0; k < t.n; ++k) {
        u.y[k] = t.y[shuffle[k]];
        u.query[k] = t.query[shuffle[k]];
        std::copy_n(t.x.begin() + static_cast<long>(shuffle[k] * t.p), t.p, u.x.begin() + static_cast<long>(k * t.p));
    }
    const auto a = canonical_row_order(t.y.data(), t.x.data(), t.query.data(), t.n, t.p, never);
    const auto b = canonical_row_order(u.y.data(), u.x.data(), u.query.data(), u.n, u.p, never);
    for (std::size_t k = 0; k < t.n; ++k) {
        ASSERT_EQ(t.query[a[k]], u.query[b[k]]) << k;
        ASSERT_EQ(t.y[a[k]], u.y[b[k]]) << k;
        for (std::size_t j = 0; j < t.p; ++j) ASSERT_EQ(t.x[a[k] * t.p + j], u.x[b[k] * t.p + j]) << k;
    }
}

}  // namespace
}  // namespace recsys
