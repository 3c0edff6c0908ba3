// The item-neighbours model (src/core/candidates/itemknn_*): its scores,
// neighbours and explanations against the brute-force oracle of
// itemknn_oracle.h (implicit's recommend: the user's row times the pruned
// similarity matrix), for every similarity; thread-count invariance, the
// memory budget, cancel, options and the round trip through its bytes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "candidates/itemknn_model.h"
#include "expect_failure.h"
#include "itemknn_oracle.h"

namespace recsys {
namespace {

using namespace recsys::test;

// The dense matrix as training rows; ids are offset so that they differ
// from indices (user u is 1000 + u, item i is 500 + 7 i).
Rows rows_of(const Dense& d) {
    Rows r;
    for (std::size_t u = 0; u < d.users; ++u)
        for (std::size_t i = 0; i < d.items; ++i)
            if (d.has(u, i)) r.add(1000 + static_cast<std::int64_t>(u), 500 + 7 * static_cast<std::int64_t>(i),
                                   static_cast<float>(d.get(u, i)));
    return r;
}

std::int64_t item_id(std::size_t i) { return 500 + 7 * static_cast<std::int64_t>(i); }
std::int64_t user_id(std::size_t u) { return 1000 + static_cast<std::int64_t>(u); }

Options knn_options(const std::string& json) { return parse_options(json, itemknn_option_schema()); }

ItemKnnModel train_knn(const Rows& r, const Options& o, int threads = 1, MemoryBudget* budget = nullptr,
                       StopToken* stop = nullptr) {
    MemoryBudget unlimited;
    StopToken never;
    TrainContext ctx{threads, budget ? budget : &unlimited, stop ? stop : &never, nullptr};
    TrainingSummary summary;
    summary.rows = r.size();
    return train_itemknn(r.users.data(), r.items.data(), r.weights.data(), r.size(), o, summary, ctx);
}

CandidateQuery all_items(std::size_t n, bool exclude_seen) {
    CandidateQuery q;
    q.k = n;
    q.exclude_seen = exclude_seen;
    return q;
}

SimilarityParams params_of(const std::string& similarity) {
    SimilarityParams p;
    p.similarity = similarity_from_name(similarity);
    return p;
}

class ItemKnnOracle : public ::testing::TestWithParam<const char*> {};

// Every user's score of every item is the oracle's (implicit's recommend).
TEST_P(ItemKnnOracle, ScoresEqualTheUserRowTimesThePrunedSimilarity) {
    const Dense d = random_dense(30, 25, 0.2, 5);
    const std::size_t k = 6;
    const auto pruned = oracle_pruned(d, params_of(GetParam()), k);
    const ItemKnnModel m = train_knn(rows_of(d), knn_options(std::string("{\"similarity\": \"") + GetParam() +
                                                             "\", \"neighbours\": 6}"));
    ASSERT_EQ(m.items(), d.items);
    for (std::size_t u = 0; u < d.users; ++u) {
        const auto got = m.recommend(user_id(u), all_items(d.items, false));
        ASSERT_EQ(got.size(), d.items);
        for (const Scored& s : got) {
            const double want = oracle_score(d, pruned, u, s.index);
            EXPECT_NEAR(s.score, want, 1e-5 * std::max(1.0, std::fabs(want))) << "user " << u << " item " << s.index;
        }
        // Without the seen items, none of them comes back.
        for (const Scored& s : m.recommend(user_id(u), all_items(d.items, true))) EXPECT_FALSE(d.has(u, s.index));
    }
}

// A history is scored like a user with those weights; duplicates add up.
TEST_P(ItemKnnOracle, HistoryIsScoredLikeAUser) {
    const Dense d = random_dense(30, 25, 0.2, 6);
    const ItemKnnModel m = train_knn(rows_of(d), knn_options(std::string("{\"similarity\": \"") + GetParam() +
                                                             "\", \"neighbours\": 5}"));
    const auto pruned = oracle_pruned(d, params_of(GetParam()), 5);
    Dense h{1, d.items, std::vector<double>(d.items, 0.0), std::vector<bool>(d.items, false)};
    h.at(0, 3) = 2.5;  // given as 1.5 + 1
    h.at(0, 7) = 1;
    h.seen[3] = h.seen[7] = true;
    const auto got = m.recommend_for_items({item_id(3), item_id(7), item_id(3), 99999}, {1.5, 1, 1, 4},
                                           all_items(d.items, false));
    for (const Scored& s : got) {
        double want = 0;
        for (std::size_t j : {3u, 7u}) {
            auto it = pruned[j].find(s.index);
            if (it != pruned[j].end()) want += h.get(0, j) * it->second;
        }
        EXPECT_NEAR(s.score, want, 1e-5 * std::max(1.0, std::fabs(want))) << "item " << s.index;
    }
}

// similar_items: the kept neighbours without the item itself, best first.
TEST_P(ItemKnnOracle, SimilarItemsAreTheKeptNeighboursButItself) {
    const Dense d = random_dense(30, 25, 0.2, 7);
    const ItemKnnModel m = train_knn(rows_of(d), knn_options(std::string("{\"similarity\": \"") + GetParam() +
                                                             "\", \"neighbours\": 5}"));
    const auto pruned = oracle_pruned(d, params_of(GetParam()), 5);
    for (std::size_t i = 0; i < d.items; ++i) {
        const auto got = m.similar_items(item_id(i), 100);
        std::size_t expected = pruned[i].size() - pruned[i].count(static_cast<std::int32_t>(i));
        ASSERT_EQ(got.size(), expected) << "item " << i;
        for (std::size_t r = 0; r < got.size(); ++r) {
            EXPECT_NE(got[r].index, static_cast<std::int32_t>(i));
            EXPECT_NEAR(got[r].score, pruned[i].at(got[r].index),
                        1e-6 * std::max(1.0, std::fabs(double(got[r].score))));
            if (r) {
                EXPECT_GE(got[r - 1].score, got[r].score);
            }
        }
        EXPECT_LE(m.similar_items(item_id(i), 2).size(), 2u);
    }
    EXPECT_TRUE(m.similar_items(-1, 3).empty());
}

// explain: the terms r_uj sim(j, i) add up to the score recommend gives.
TEST_P(ItemKnnOracle, ExplanationsAddUpToTheScore) {
    const Dense d = random_dense(30, 25, 0.2, 8);
    const ItemKnnModel m = train_knn(rows_of(d), knn_options(std::string("{\"similarity\": \"") + GetParam() +
                                                             "\", \"neighbours\": 8}"));
    const auto pruned = oracle_pruned(d, params_of(GetParam()), 8);
    std::size_t nonempty = 0;
    for (std::size_t u = 0; u < d.users; ++u)
        for (const Scored& s : m.recommend(user_id(u), all_items(d.items, false))) {
            const auto terms = m.explain(u, static_cast<std::size_t>(s.index));
            double sum = 0;
            for (const Scored& t : terms) {
                ASSERT_TRUE(d.has(u, t.index));
                const double want = d.get(u, t.index) * pruned[t.index].at(s.index);
                EXPECT_NEAR(t.score, want, 1e-6 * std::max(1.0, std::fabs(want)));
                sum += t.score;
            }
            nonempty += !terms.empty();
            EXPECT_NEAR(sum, s.score, 1e-5 * std::max(1.0, std::fabs(sum)));
        }
    EXPECT_GT(nonempty, d.users);  // the test explained something
}

INSTANTIATE_TEST_SUITE_P(ItemKnn, ItemKnnOracle, ::testing::Values("cosine", "bm25", "tfidf"),
                         [](const auto& info) { return std::string(info.param); });

TEST(ItemKnnModel, SameModelForAnyThreadCountAndRowOrder) {
    const Rows r = rows_of(random_dense(200, 150, 0.05, 9));
    const Options o = knn_options(R"({"similarity": "bm25", "neighbours": 10})");
    const ItemKnnModel one = train_knn(r, o, 1);
    for (int threads : {2, 5}) {
        const ItemKnnModel many = train_knn(r.shuffled(static_cast<std::uint32_t>(threads)), o, threads);
        EXPECT_EQ(one.neighbour_offsets, many.neighbour_offsets);
        EXPECT_EQ(one.neighbour_items, many.neighbour_items);
        EXPECT_EQ(0, std::memcmp(one.neighbour_similarity.data(), many.neighbour_similarity.data(),
                                 one.neighbour_similarity.size() * 4));
        EXPECT_EQ(one.summary.products, many.summary.products);
        EXPECT_EQ(many.summary.threads, threads);
    }
}

TEST(ItemKnnModel, RoundTripThroughItsBytes) {
    const Rows r = rows_of(random_dense(50, 40, 0.1, 10));
    const ItemKnnModel m = train_knn(r, knn_options(R"({"similarity": "tfidf", "neighbours": 7})"));
    const auto bytes = to_bytes(m);
    const auto loaded = load_model(bytes.data(), bytes.size());
    const auto& back = model_as<ItemKnnModel>(*loaded);
    EXPECT_EQ(back.options.to_json(), m.options.to_json());
    EXPECT_EQ(back.neighbour_items, m.neighbour_items);
    EXPECT_EQ(back.seen_weights, m.seen_weights);
    for (std::size_t u = 0; u < 5; ++u) {
        const auto a = m.recommend(user_id(u), all_items(10, true));
        const auto b = back.recommend(user_id(u), all_items(10, true));
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t k = 0; k < a.size(); ++k) {
            EXPECT_EQ(a[k].index, b[k].index);
            EXPECT_EQ(a[k].score, b[k].score);
        }
    }
    EXPECT_EQ(to_bytes(back), bytes);
    EXPECT_NE(model_info_json(bytes.data(), bytes.size()).find("\"neighbour_pairs\""), std::string::npos);
}

TEST(ItemKnnModel, RefusesOverTheMemoryBudgetAndStopsWhenCancelled) {
    const Rows r = rows_of(random_dense(200, 150, 0.05, 9));
    MemoryBudget small(100 << 10);
    expect_failure(ErrorKind::OutOfMemory, "over the memory limit",
                   [&] { train_knn(r, knn_options(R"({"neighbours": 100})"), 2, &small); });
    StopToken stop([] { return true; });
    EXPECT_THROW(train_knn(r, knn_options("{}"), 2, nullptr, &stop), Cancelled);
}

TEST(ItemKnnModel, OptionsAreChecked) {
    expect_failure(ErrorKind::InvalidParameter, "similarity", [] { knn_options(R"({"similarity": "jaccard"})"); });
    expect_failure(ErrorKind::InvalidParameter, "neighbours", [] { knn_options(R"({"neighbours": 0})"); });
    expect_failure(ErrorKind::InvalidParameter, "b", [] { knn_options(R"({"b": 1.5})"); });
    expect_failure(ErrorKind::InvalidParameter, "k", [] { knn_options(R"({"K": 20})"); });
    const Options o = knn_options("{}");
    EXPECT_EQ(o.string("similarity"), "cosine");
    EXPECT_EQ(o.integer("neighbours"), 20);
}

// Unknown users get the popular items; the fewest neighbours kept is 1 (itself).
TEST(ItemKnnModel, UnknownUserGetsPopularItems) {
    const Dense d = random_dense(30, 25, 0.2, 12);
    const ItemKnnModel m = train_knn(rows_of(d), knn_options(R"({"neighbours": 1})"));
    const auto got = m.recommend(-5, all_items(3, true));
    ASSERT_EQ(got.size(), 3u);
    EXPECT_GE(got[0].score, got[1].score);
    // One kept per item: itself, or at a tie of 1 another item (implicit's rule).
    for (std::size_t i = 0; i < m.items(); ++i) EXPECT_LE(m.similar_items(item_id(i), 5).size(), 1u);
}

}  // namespace
}  // namespace recsys
