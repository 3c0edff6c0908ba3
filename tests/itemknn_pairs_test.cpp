// Item neighbours' similarity kernel (src/core/candidates/itemknn_pairs,
// itemknn_weighting) against a brute-force oracle written here, plainly from
// implicit's definitions: dense matrices, every pair, every similarity; then
// the pruning rule at ties, thread-count invariance, the memory budget and
// cancel.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "candidates/itemknn_pairs.h"
#include "expect_failure.h"
#include "itemknn_oracle.h"

namespace recsys {
namespace {

using namespace recsys::test;

SparseRows by_item_of(const Dense& d) {
    SparseRows m;
    m.offsets.push_back(0);
    for (std::size_t i = 0; i < d.items; ++i) {
        for (std::size_t u = 0; u < d.users; ++u)
            if (d.has(u, i)) {
                m.columns.push_back(static_cast<std::int32_t>(u));
                m.values.push_back(static_cast<float>(d.get(u, i)));
            }
        m.offsets.push_back(m.columns.size());
    }
    return m;
}

ItemNeighbours run(const Dense& d, const SimilarityParams& p, std::size_t k, int threads = 1,
                   MemoryBudget budget = MemoryBudget(), StopToken* stop = nullptr) {
    StopToken never;
    StopToken& s = stop ? *stop : never;
    SparseRows items = by_item_of(d);
    SparseRows users = transpose(items, d.users, s);
    WeightedInteractions w = weight_interactions(items, users, p, budget, s);
    return all_pairs_neighbours(w.by_item, w.by_user, k, threads, budget, s);
}

SimilarityParams params(Similarity s) {
    SimilarityParams p;
    p.similarity = s;
    return p;
}

class PairsOracle : public ::testing::TestWithParam<Similarity> {};

// With every neighbour kept, the kernel's similarities are the oracle's, pair by pair.
TEST_P(PairsOracle, EveryPairEqualsTheDenseProduct) {
    const Dense d = random_dense(23, 17, 0.3, 7);
    const auto oracle = oracle_similarity(d, params(GetParam()));
    const ItemNeighbours got = run(d, params(GetParam()), d.items);
    ASSERT_EQ(got.offsets.size(), d.items + 1);
    for (std::size_t i = 0; i < d.items; ++i) {
        ASSERT_EQ(got.offsets[i + 1] - got.offsets[i], oracle[i].size()) << "item " << i;
        for (auto a = got.offsets[i]; a < got.offsets[i + 1]; ++a) {
            auto it = oracle[i].find(got.items[a]);
            ASSERT_NE(it, oracle[i].end()) << "item " << i << " neighbour " << got.items[a];
            EXPECT_NEAR(got.similarity[a], it->second, 1e-6 * std::max(1.0, std::fabs(it->second)));
        }
    }
}

// With k kept, each item keeps the oracle's k best (no ties in these
// weights), best first, itself among them when it is.
TEST_P(PairsOracle, PruningKeepsTheBestK) {
    const Dense d = random_dense(40, 30, 0.25, 11);
    const auto oracle = oracle_similarity(d, params(GetParam()));
    for (std::size_t k : {1u, 3u, 8u}) {
        const ItemNeighbours got = run(d, params(GetParam()), k);
        for (std::size_t i = 0; i < d.items; ++i) {
            std::vector<std::pair<double, std::int32_t>> ranked;
            for (const auto& [j, s] : oracle[i]) ranked.push_back({s, j});
            std::sort(ranked.rbegin(), ranked.rend());
            ranked.resize(std::min(k, ranked.size()));
            ASSERT_EQ(got.offsets[i + 1] - got.offsets[i], ranked.size()) << "item " << i << " k " << k;
            for (std::size_t r = 0; r < ranked.size(); ++r) {
                EXPECT_EQ(got.items[got.offsets[i] + r], ranked[r].second) << "item " << i << " rank " << r;
                EXPECT_NEAR(got.similarity[got.offsets[i] + r], ranked[r].first, 1e-6 * std::max(1.0, std::fabs(ranked[r].first)));
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(ItemKnn, PairsOracle,
                         ::testing::Values(Similarity::Cosine, Similarity::Bm25, Similarity::Tfidf),
                         [](const auto& info) { return std::string(similarity_name(info.param)); });

// Hand-worked: one user watched items 0..3 (weight 1); every cosine is 1.
// implicit feeds item 0's row to its heap in the reverse order of first
// touch (3, 2, 1, 0) and lets an equal score in only while the heap is not
// full: with K = 2 it keeps 3 and 2, not the lowest indices.
TEST(ItemKnnPairs, TiesAtTheLastKeptScoreFollowImplicit) {
    Dense d{1, 4, std::vector<double>(4, 1.0), std::vector<bool>(4, true)};
    const ItemNeighbours got = run(d, params(Similarity::Cosine), 2);
    for (std::size_t i = 0; i < 4; ++i) {
        ASSERT_EQ(got.offsets[i + 1] - got.offsets[i], 2u);
        EXPECT_EQ(got.items[got.offsets[i]], 2);
        EXPECT_EQ(got.items[got.offsets[i] + 1], 3);
        EXPECT_FLOAT_EQ(got.similarity[got.offsets[i]], 1.0f);
    }
}

// Hand-worked cosine on 2 users: item 0 = (1, 1), item 1 = (1, 0), item 2 = (0, 3):
// cos(0,1) = 1/sqrt2, cos(0,2) = 3/(sqrt2*3) = 1/sqrt2, cos(1,2) = 0 (no shared user).
TEST(ItemKnnPairs, HandWorkedCosine) {
    Dense d{2, 3, {1, 1, 0, 1, 0, 3}, {true, true, false, true, false, true}};
    const ItemNeighbours got = run(d, params(Similarity::Cosine), 3);
    ASSERT_EQ(got.offsets, (std::vector<std::uint64_t>{0, 3, 5, 7}));
    EXPECT_EQ(got.items[0], 0);  // itself first: 1
    EXPECT_FLOAT_EQ(got.similarity[0], 1.0f);
    EXPECT_FLOAT_EQ(got.similarity[1], static_cast<float>(1 / std::sqrt(2.0)));
    EXPECT_FLOAT_EQ(got.similarity[2], static_cast<float>(1 / std::sqrt(2.0)));
    EXPECT_EQ(got.items[3], 1);
    EXPECT_EQ(got.items[4], 0);
}

TEST(ItemKnnPairs, SameResultForAnyThreadCount) {
    const Dense d = random_dense(300, 200, 0.05, 3);
    for (Similarity s : {Similarity::Cosine, Similarity::Bm25, Similarity::Tfidf}) {
        const ItemNeighbours one = run(d, params(s), 10, 1);
        for (int threads : {2, 3, 7}) {
            const ItemNeighbours many = run(d, params(s), 10, threads);
            EXPECT_EQ(one.offsets, many.offsets);
            EXPECT_EQ(one.items, many.items);
            EXPECT_EQ(0, std::memcmp(one.similarity.data(), many.similarity.data(), one.similarity.size() * 4))
                << similarity_name(s) << " threads " << threads;
        }
    }
}

TEST(ItemKnnPairs, RefusesOverTheMemoryBudget) {
    const Dense d = random_dense(300, 200, 0.05, 3);
    // The accumulators and slots of 200 items x 100 kept need about 330 kB, over 200 kB (the weighting needs 80).
    expect_failure(ErrorKind::OutOfMemory, "the item neighbours needs",
                   [&] { run(d, params(Similarity::Cosine), 100, 2, MemoryBudget(200 << 10)); });
    EXPECT_NO_THROW(run(d, params(Similarity::Cosine), 100, 2, MemoryBudget(64 << 20)));
}

TEST(ItemKnnPairs, StopsWhenCancelled) {
    const Dense d = random_dense(300, 200, 0.05, 3);
    StopToken stop([] { return true; });
    EXPECT_THROW(run(d, params(Similarity::Cosine), 10, 2, MemoryBudget(), &stop), Cancelled);
}

TEST(ItemKnnPairs, ZeroNormItemKeepsZeroWeights) {
    // Item 1 has only a weight-0 interaction: its cosine row stays 0, never NaN.
    Dense d{2, 2, {1, 0, 1, 0}, {true, true, true, false}};
    const ItemNeighbours got = run(d, params(Similarity::Cosine), 2);
    for (float s : got.similarity) EXPECT_TRUE(std::isfinite(s));
}

}  // namespace
}  // namespace recsys
