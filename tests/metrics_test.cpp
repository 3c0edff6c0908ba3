// Ranking metrics: hand-computed cases.
//   precision@k = hits in the top k / k
//   recall@k    = hits in the top k / |relevant|
//   NDCG@k      = sum over hits at rank i <= k of 1/log2(i+1), divided by the same sum for
//                 an ideal list of min(k, |relevant|) hits
//   AP@k        = sum over hit ranks i <= k of precision@i, divided by min(k, |relevant|)
// A repeated recommendation keeps its rank but is a hit only the first time: the
// top k are the first k entries of the list as given, as in the reference
// apk() of Kaggle's ml_metrics (`if p in actual and p not in predicted[:i]`).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "statistics/metrics.h"

namespace recsys {
namespace {

struct Case {
    std::vector<std::int64_t> recommended, relevant;
    std::size_t k;
    RankingInput input() const { return {recommended.data(), recommended.size(), relevant.data(), relevant.size(), k}; }
};

double disc(int rank) { return 1.0 / std::log2(rank + 1.0); }

constexpr double kTol = 1e-12;

// What one case must score, each metric within kTol: {precision, recall, NDCG, AP}.
struct Expected {
    double precision, recall, ndcg, ap;
};

void expect_metrics(const Case& c, const Expected& want) {
    EXPECT_NEAR(precision_at_k(c.input()), want.precision, kTol);
    EXPECT_NEAR(recall_at_k(c.input()), want.recall, kTol);
    EXPECT_NEAR(ndcg_at_k(c.input()), want.ndcg, kTol);
    EXPECT_NEAR(average_precision_at_k(c.input()), want.ap, kTol);
}

// Every metric exactly 0.
void expect_all_zero(const Case& c) {
    EXPECT_EQ(precision_at_k(c.input()), 0.0);
    EXPECT_EQ(recall_at_k(c.input()), 0.0);
    EXPECT_EQ(ndcg_at_k(c.input()), 0.0);
    EXPECT_EQ(average_precision_at_k(c.input()), 0.0);
}

TEST(Metrics, TwoHitsInFive) {
    Case c{{1, 2, 3, 4, 5}, {2, 4, 9}, 5};
    expect_metrics(c, {2.0 / 5, 2.0 / 3, (disc(2) + disc(4)) / (disc(1) + disc(2) + disc(3)), (1.0 / 2 + 2.0 / 4) / 3});
}

TEST(Metrics, OnlyTheTopKCount) {
    Case c{{1, 2, 3, 4, 5}, {2, 4, 9}, 3};
    expect_metrics(c, {1.0 / 3, 1.0 / 3, disc(2) / (disc(1) + disc(2) + disc(3)), (1.0 / 2) / 3});
}

TEST(Metrics, IdealDcgUsesAtMostKItems) {
    // 4 relevant items but k = 2: the ideal list has 2 hits, AP divides by 2.
    Case c{{10, 11, 12}, {11, 20, 21, 22}, 2};
    expect_metrics(c, {1.0 / 2, 1.0 / 4, disc(2) / (disc(1) + disc(2)), (1.0 / 2) / 2});
}

TEST(Metrics, PerfectRanking) {
    Case c{{7, 8, 9}, {8, 7}, 2};
    expect_metrics(c, {1.0, 1.0, 1.0, 1.0});
}

TEST(Metrics, NoHitsIsZero) {
    Case c{{1, 2, 3}, {4, 5}, 3};
    expect_all_zero(c);
}

TEST(Metrics, KLargerThanTheListStillDividesPrecisionByK) {
    Case c{{1, 2}, {1}, 5};
    // NDCG ideal: min(5, 1) = 1 hit
    expect_metrics(c, {1.0 / 5, 1.0, 1.0, 1.0});
}

TEST(Metrics, KLargerThanTheListWithALateHit) {
    Case c{{1, 2, 3}, {3, 4}, 10};
    expect_metrics(c, {1.0 / 10, 1.0 / 2, disc(3) / (disc(1) + disc(2)), (1.0 / 3) / 2});
}

TEST(Metrics, DuplicateRecommendationCountsOnceAndKeepsItsRank) {
    // ranks: 1 -> A (hit), 2 -> A again (not a hit), 3 -> B (hit)
    Case c{{1, 1, 2}, {1, 2}, 3};
    expect_metrics(c, {2.0 / 3, 1.0, (disc(1) + disc(3)) / (disc(1) + disc(2)), (1.0 + 2.0 / 3) / 2});
}

TEST(Metrics, RepeatingOneRelevantItemCannotInflateTheScore) {
    Case c{{5, 5, 5, 5}, {5, 6}, 4};
    expect_metrics(c, {1.0 / 4, 1.0 / 2, disc(1) / (disc(1) + disc(2)), 1.0 / 2});
}

TEST(Metrics, ADuplicateDoesNotPullALaterItemIntoTheTopK) {
    // top 2 = {5, 5}: item 6 is at rank 3, outside the top 2.
    Case c{{5, 5, 6}, {5, 6}, 2};
    expect_metrics(c, {1.0 / 2, 1.0 / 2, disc(1) / (disc(1) + disc(2)), 1.0 / 2});
}

TEST(Metrics, DuplicatesInRelevantAreIgnored) {
    Case c{{1, 2, 3, 4}, {2, 2, 4, 4, 4}, 4};
    expect_metrics(c, {2.0 / 4, 1.0, (disc(2) + disc(4)) / (disc(1) + disc(2)), (1.0 / 2 + 2.0 / 4) / 2});
}

TEST(Metrics, EmptyRelevantIsZero) {
    Case c{{1, 2, 3}, {}, 3};
    expect_all_zero(c);
}

TEST(Metrics, EmptyRecommendedIsZero) {
    Case c{{}, {1, 2}, 3};
    expect_all_zero(c);
}

TEST(Metrics, UnsortedRelevantAndNegativeIds) {
    Case c{{-3, 100, -7}, {-7, 50, -3}, 3};
    expect_metrics(c, {2.0 / 3, 2.0 / 3, (disc(1) + disc(3)) / (disc(1) + disc(2) + disc(3)), (1.0 + 2.0 / 3) / 3});
}

}  // namespace
}  // namespace recsys
