// top_k / top_k_of against a full sort.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "base/topk.h"

namespace recsys {
namespace {

const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();

// The reference: sort every selectable position, best first.
std::vector<Scored> reference(const std::vector<float>& scores, const std::vector<std::int32_t>& positions,
                              std::size_t k) {
    std::vector<Scored> all;
    for (std::int32_t p : positions)
        if (!std::isnan(scores[p]) && scores[p] != -kInf) all.push_back({p, scores[p]});
    std::sort(all.begin(), all.end(), [](const Scored& a, const Scored& b) {
        return a.score != b.score ? a.score > b.score : a.index < b.index;
    });
    if (all.size() > k) all.resize(k);
    return all;
}

std::vector<std::int32_t> every_position(std::size_t n) {
    std::vector<std::int32_t> p(n);
    std::iota(p.begin(), p.end(), 0);
    return p;
}

void expect_same(const std::vector<Scored>& got, const std::vector<Scored>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t r = 0; r < want.size(); ++r) {
        EXPECT_EQ(got[r].index, want[r].index) << "rank " << r;
        EXPECT_EQ(got[r].score, want[r].score) << "rank " << r;
    }
}

// The ranks got, by index: exactly want, best first.
void expect_indices(const std::vector<Scored>& got, const std::vector<std::int32_t>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t r = 0; r < want.size(); ++r) EXPECT_EQ(got[r].index, want[r]) << "rank " << r;
}

// Scores with many ties (few distinct values) and some -inf / NaN / +inf.
std::vector<float> random_scores(std::mt19937& rng, std::size_t n, int distinct, double excluded_fraction) {
    std::uniform_int_distribution<int> value(0, distinct - 1);
    std::uniform_real_distribution<double> unit(0, 1);
    std::vector<float> s(n);
    for (auto& v : s) {
        double u = unit(rng);
        if (u < excluded_fraction / 2)
            v = -kInf;
        else if (u < excluded_fraction)
            v = kNaN;
        else if (u < excluded_fraction + 0.01)
            v = kInf;
        else
            v = static_cast<float>(value(rng)) * 0.25f - 3.0f;
    }
    return s;
}

TEST(TopK, MatchesFullSortOnRandomData) {
    std::mt19937 rng(2024);
    for (std::size_t n : {0, 1, 2, 3, 7, 10, 31, 100, 257, 1000, 5000}) {
        for (int distinct : {3, 1000000}) {
            for (double excluded : {0.0, 0.2}) {
                auto scores = random_scores(rng, n, distinct, excluded);
                for (std::size_t k : {std::size_t(0), std::size_t(1), std::size_t(2), std::size_t(10), n / 2, n,
                                      n + 1, n + 100}) {
                    SCOPED_TRACE(testing::Message() << "n=" << n << " k=" << k << " distinct=" << distinct
                                                    << " excluded=" << excluded);
                    expect_same(top_k(scores.data(), n, k), reference(scores, every_position(n), k));
                }
            }
        }
    }
}

TEST(TopK, TiesGoToTheLowerIndex) {
    std::vector<float> s = {1, 2, 2, 1, 2, 0};
    expect_indices(top_k(s.data(), s.size(), 4), {1, 2, 4, 0});
}

TEST(TopK, KLargerThanNReturnsEverySelectableEntry) {
    std::vector<float> s = {0.5f, -kInf, kNaN, -1.0f, kInf};
    expect_indices(top_k(s.data(), s.size(), 100), {4, 0, 3});
}

TEST(TopK, NothingSelectableGivesNothing) {
    std::vector<float> s = {-kInf, kNaN, -kInf};
    EXPECT_TRUE(top_k(s.data(), s.size(), 2).empty());
    EXPECT_TRUE(top_k(s.data(), 0, 2).empty());
}

TEST(TopK, NegativeScoresAreSelectable) {
    std::vector<float> s = {-5.0f, -1e30f, -0.0f, -std::numeric_limits<float>::max()};
    expect_indices(top_k(s.data(), s.size(), 4), {2, 0, 1, 3});
}

TEST(TopKOf, MatchesFullSortOverTheSubset) {
    std::mt19937 rng(7);
    for (std::size_t n : {1, 5, 50, 500, 3000}) {
        auto scores = random_scores(rng, n, 5, 0.1);
        auto positions = every_position(n);
        std::shuffle(positions.begin(), positions.end(), rng);  // callers' candidate order is arbitrary
        for (std::size_t m : {std::size_t(0), std::size_t(1), n / 3, n}) {
            std::vector<std::int32_t> subset(positions.begin(), positions.begin() + m);
            for (std::size_t k : {std::size_t(1), std::size_t(3), m, m + 5}) {
                SCOPED_TRACE(testing::Message() << "n=" << n << " m=" << m << " k=" << k);
                expect_same(top_k_of(scores.data(), subset.data(), subset.size(), k), reference(scores, subset, k));
            }
        }
    }
}

TEST(TopKOf, ReturnsPositionsInScoresNotInTheSubset) {
    std::vector<float> s = {9, 1, 5, 7};
    std::vector<std::int32_t> subset = {3, 1};
    auto got = top_k_of(s.data(), subset.data(), subset.size(), 5);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].index, 3);
    EXPECT_EQ(got[0].score, 7);
    EXPECT_EQ(got[1].index, 1);
    EXPECT_EQ(got[1].score, 1);
}

}  // namespace
}  // namespace recsys
