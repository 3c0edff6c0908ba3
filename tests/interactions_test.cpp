// build_interactions: raw (user, item, weight) rows -> CSR by user and CSC by item.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include "base/error.h"
#include "als/interactions.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;

Interactions build(const Rows& r) {
    MemoryBudget budget;
    StopToken stop;
    return build_interactions(r.users.data(), r.items.data(), r.weights.data(), r.users.size(), budget, stop);
}

// The (row, column) -> value map a SparseRows stands for; checks its shape too.
std::map<std::pair<std::int32_t, std::int32_t>, float> entries(const SparseRows& m) {
    std::map<std::pair<std::int32_t, std::int32_t>, float> out;
    EXPECT_EQ(m.columns.size(), m.values.size());
    if (m.offsets.empty()) return out;
    EXPECT_EQ(m.offsets.front(), 0u);
    EXPECT_EQ(m.offsets.back(), m.nnz());
    for (std::size_t r = 0; r < m.rows(); ++r) {
        EXPECT_LE(m.offsets[r], m.offsets[r + 1]);
        for (std::uint64_t p = m.offsets[r]; p < m.offsets[r + 1]; ++p) {
            if (p > m.offsets[r]) {
                EXPECT_LT(m.columns[p - 1], m.columns[p]) << "row " << r << " not ascending";
            }
            out[{static_cast<std::int32_t>(r), m.columns[p]}] = m.values[p];
        }
    }
    return out;
}

TEST(Interactions, IdsAreMappedInAscendingOrder) {
    Rows r;
    r.add(30, 7, 1);
    r.add(-5, 1000, 1);
    r.add(10, 7, 1);
    r.add(30, -2, 1);
    Interactions m = build(r);
    EXPECT_EQ(m.user_ids, (std::vector<std::int64_t>{-5, 10, 30}));
    EXPECT_EQ(m.item_ids, (std::vector<std::int64_t>{-2, 7, 1000}));
    ASSERT_EQ(m.by_user.rows(), 3u);
    ASSERT_EQ(m.by_item.rows(), 3u);

    auto e = entries(m.by_user);
    std::map<std::pair<std::int32_t, std::int32_t>, float> expected = {
        {{0, 2}, 1.0f},  // -5 x 1000
        {{1, 1}, 1.0f},  // 10 x 7
        {{2, 0}, 1.0f},  // 30 x -2
        {{2, 1}, 1.0f},  // 30 x 7
    };
    EXPECT_EQ(e, expected);
}

TEST(Interactions, ExtremeIdsAreKept) {
    const auto lo = std::numeric_limits<std::int64_t>::min();
    const auto hi = std::numeric_limits<std::int64_t>::max();
    Rows r;
    r.add(hi, lo, 1);
    r.add(lo, hi, 2);
    Interactions m = build(r);
    EXPECT_EQ(m.user_ids, (std::vector<std::int64_t>{lo, hi}));
    EXPECT_EQ(m.item_ids, (std::vector<std::int64_t>{lo, hi}));
    auto e = entries(m.by_user);
    EXPECT_EQ(e.size(), 2u);
    EXPECT_EQ(e[std::make_pair(0, 1)], 2.0f);
    EXPECT_EQ(e[std::make_pair(1, 0)], 1.0f);
}

TEST(Interactions, DuplicatePairsAreSummed) {
    Rows r;
    r.add(1, 5, 1.5f);
    r.add(2, 5, 1.0f);
    r.add(1, 5, 2.0f);
    r.add(1, 6, 0.25f);
    r.add(1, 5, 0.5f);
    Interactions m = build(r);
    ASSERT_EQ(m.by_user.nnz(), 3u);
    auto e = entries(m.by_user);
    EXPECT_FLOAT_EQ((e[{0, 0}]), 4.0f);
    EXPECT_FLOAT_EQ((e[{0, 1}]), 0.25f);
    EXPECT_FLOAT_EQ((e[{1, 0}]), 1.0f);
}

TEST(Interactions, ZeroWeightRowsStillDefineTheIds) {
    Rows r;
    r.add(1, 5, 0.0f);
    r.add(2, 6, 1.0f);
    Interactions m = build(r);
    EXPECT_EQ(m.user_ids, (std::vector<std::int64_t>{1, 2}));
    EXPECT_EQ(m.item_ids, (std::vector<std::int64_t>{5, 6}));
}

Rows random_rows(std::uint32_t seed, std::size_t n, int users, int items) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> u(0, users - 1), i(0, items - 1);
    std::uniform_int_distribution<int> w(1, 4);
    Rows r;
    // Sparse, non-contiguous ids; weights are small integers so sums are exact in any order.
    for (std::size_t k = 0; k < n; ++k) r.add(1000 + 7 * u(rng), -50 + 3 * i(rng), static_cast<float>(w(rng)));
    return r;
}

TEST(Interactions, ByItemIsTheTransposeOfByUser) {
    Interactions m = build(random_rows(1, 3000, 200, 150));
    ASSERT_EQ(m.by_user.rows(), m.user_ids.size());
    ASSERT_EQ(m.by_item.rows(), m.item_ids.size());
    ASSERT_EQ(m.by_user.nnz(), m.by_item.nnz());
    auto by_user = entries(m.by_user);
    auto by_item = entries(m.by_item);
    std::map<std::pair<std::int32_t, std::int32_t>, float> flipped;
    for (const auto& kv : by_item) flipped[{kv.first.second, kv.first.first}] = kv.second;
    EXPECT_EQ(by_user, flipped);
}

TEST(Interactions, MatchesAReferenceAggregation) {
    Rows r = random_rows(2, 2000, 60, 40);
    std::map<std::pair<std::int64_t, std::int64_t>, float> ref;
    for (std::size_t k = 0; k < r.users.size(); ++k) ref[{r.users[k], r.items[k]}] += r.weights[k];

    Interactions m = build(r);
    std::map<std::pair<std::int64_t, std::int64_t>, float> got;
    for (const auto& kv : entries(m.by_user))
        got[{m.user_ids.at(kv.first.first), m.item_ids.at(kv.first.second)}] = kv.second;
    EXPECT_EQ(got, ref);
}

// Both hold the same matrix, stored the same way.
void expect_same_sparse(const SparseRows& a, const SparseRows& b) {
    EXPECT_EQ(a.offsets, b.offsets);
    EXPECT_EQ(a.columns, b.columns);
    EXPECT_EQ(a.values, b.values);
}

// Builds `rounds` successive shuffles of r (one permutation shuffled again
// each round, from seed) and hands each result to check; stops at the first
// fatal failure.
template <class Check>
void for_each_shuffle(const Rows& r, std::uint32_t seed, int rounds, Check check) {
    std::vector<std::size_t> perm(r.size());
    std::iota(perm.begin(), perm.end(), 0);
    std::mt19937 rng(seed);
    for (int round = 0; round < rounds; ++round) {
        std::shuffle(perm.begin(), perm.end(), rng);
        check(build(r.permuted(perm)), round);
        if (testing::Test::HasFatalFailure()) return;
    }
}

TEST(Interactions, IndependentOfRowOrder) {
    Rows r = random_rows(3, 5000, 300, 100);
    Interactions a = build(r);
    for_each_shuffle(r, 99, 3, [&](const Interactions& b, int) {
        EXPECT_EQ(a.user_ids, b.user_ids);
        EXPECT_EQ(a.item_ids, b.item_ids);
        expect_same_sparse(a.by_user, b.by_user);
        expect_same_sparse(a.by_item, b.by_item);
    });
}

TEST(Interactions, DuplicateSumsDoNotDependOnRowOrder) {
    // Float addition is not associative: 1e8 + 1 + 1 - ... depends on the order
    // unless the sum is taken in one canonical order.
    Rows r;
    for (float w : {1e8f, 1.0f, 1.0f, 0.1f, 0.2f, 0.3f, 3.0f, 1e-3f, 7e7f, 0.7f}) r.add(1, 2, w);
    r.add(3, 2, 1.0f);
    Interactions a = build(r);
    for_each_shuffle(r, 5, 20, [&](const Interactions& b, int round) {
        ASSERT_EQ(a.by_user.values, b.by_user.values) << "round " << round;
        ASSERT_EQ(a.by_item.values, b.by_item.values) << "round " << round;
    });
}

TEST(Interactions, NoRowsGiveAnEmptyMatrix) {
    Rows r;
    Interactions m = build(r);
    EXPECT_TRUE(m.user_ids.empty());
    EXPECT_TRUE(m.item_ids.empty());
    EXPECT_EQ(m.by_user.rows(), 0u);
    EXPECT_EQ(m.by_user.nnz(), 0u);
    EXPECT_EQ(m.by_item.nnz(), 0u);
}

TEST(Interactions, TinyMemoryBudgetIsAnOutOfMemoryError) {
    Rows r = random_rows(4, 1000, 50, 50);
    MemoryBudget budget(16);
    StopToken stop;
    try {
        build_interactions(r.users.data(), r.items.data(), r.weights.data(), r.users.size(), budget, stop);
        FAIL() << "expected an OutOfMemory error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::OutOfMemory) << e.what();
    }
}

TEST(Interactions, DuplicateSumBeyondARealIsADataExceptionNamingThePair) {
    Rows r;
    r.add(1, 77, 2.0f);
    r.add(5, 77, 3.4e38f);
    r.add(5, 3, 1.0f);
    r.add(5, 77, 3.4e38f);  // 6.8e38 in all: finite in double, infinite as a float
    Error e = error_from([&] { build(r); }, "a sum beyond FLT_MAX was stored");
    expect_error(e, ErrorKind::DataException,
                 "als_fit weights of user 5 and item 77 add up to 6.8e+38, more than a real (float4) can hold",
                 "scale the weights down (for example minutes instead of seconds) or clamp them");
}

TEST(Interactions, DuplicateSumOfExactlyTheLargestRealIsKept) {
    const float half = std::numeric_limits<float>::max() / 2;
    Rows r;
    r.add(5, 77, half);
    r.add(5, 77, half);
    Interactions m = build(r);
    ASSERT_EQ(m.by_user.values.size(), 1u);
    EXPECT_EQ(m.by_user.values[0], std::numeric_limits<float>::max());
}

TEST(Transpose, SmallMatrixByHand) {
    // [ 1 0 2 ]
    // [ 0 0 3 ]
    SparseRows m;
    m.offsets = {0, 2, 3};
    m.columns = {0, 2, 2};
    m.values = {1, 2, 3};
    StopToken stop;
    SparseRows t = transpose(m, 3, stop);
    EXPECT_EQ(t.offsets, (std::vector<std::uint64_t>{0, 1, 1, 3}));
    EXPECT_EQ(t.columns, (std::vector<std::int32_t>{0, 0, 1}));
    EXPECT_EQ(t.values, (std::vector<float>{1, 2, 3}));
}

TEST(Transpose, TwiceIsIdentity) {
    Interactions m = build(random_rows(5, 800, 40, 30));
    StopToken stop;
    SparseRows tt = transpose(transpose(m.by_user, m.item_ids.size(), stop), m.user_ids.size(), stop);
    expect_same_sparse(tt, m.by_user);
}

TEST(IndexOf, FindsPresentIdsAndRejectsAbsentOnes) {
    std::vector<std::int64_t> ids = {-9, -1, 0, 4, 100, 101, 5000};
    for (std::size_t k = 0; k < ids.size(); ++k) EXPECT_EQ(index_of(ids, ids[k]), static_cast<std::int64_t>(k));
    for (std::int64_t absent : std::vector<std::int64_t>{-10, -5, 1, 99, 102, 5001, std::numeric_limits<std::int64_t>::min(),
                                std::numeric_limits<std::int64_t>::max()})
        EXPECT_EQ(index_of(ids, absent), -1) << absent;
    EXPECT_EQ(index_of({}, 0), -1);
    EXPECT_EQ(index_of({7}, 7), 0);
}

}  // namespace
}  // namespace recsys
