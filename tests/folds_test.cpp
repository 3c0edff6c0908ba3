// Folds for cross-validation (src/core/statistics/folds.h).
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <vector>

#include "base/error.h"
#include "base/random.h"
#include "statistics/folds.h"

namespace recsys {
namespace {

TEST(Folds, FoldsOutOfRangeAreRefused) {
    EXPECT_THROW(check_folds(1), Error);
    EXPECT_THROW(check_folds(max_folds + 1), Error);
    EXPECT_NO_THROW(check_folds(2));
    EXPECT_NO_THROW(check_folds(max_folds));
}

TEST(Folds, FoldOfHashIsInRangeAndEven) {
    std::vector<int> count(5, 0);
    for (std::uint64_t key = 0; key < 50000; ++key) {
        const std::int32_t f = fold_of_hash(splitmix64(key), 5);
        ASSERT_GE(f, 0);
        ASSERT_LT(f, 5);
        ++count[f];
    }
    for (int c : count) EXPECT_NEAR(c, 10000, 400);  // 4 standard deviations
}

// Every row gets one fold; the folds' sizes differ by at most one; the deal
// depends on the hashes, not on the rows' order.
TEST(Folds, DealPartitionsEvenlyWhateverTheOrder) {
    for (std::size_t n : {0u, 1u, 7u, 10u, 1001u}) {
        std::vector<std::uint64_t> hashes(n);
        for (std::size_t i = 0; i < n; ++i) hashes[i] = splitmix64(i * 7 + 3);
        std::vector<std::int32_t> out(n, -1);
        deal_folds(hashes.data(), n, 4, out.data());
        std::vector<std::size_t> size(4, 0);
        for (auto f : out) {
            ASSERT_GE(f, 0);
            ASSERT_LT(f, 4);
            ++size[f];
        }
        for (std::size_t a : size)
            for (std::size_t b : size) EXPECT_LE(a > b ? a - b : b - a, 1u) << n;
        // reversed rows: the same key, the same fold
        std::vector<std::uint64_t> reversed(hashes.rbegin(), hashes.rend());
        std::vector<std::int32_t> again(n, -1);
        deal_folds(reversed.data(), n, 4, again.data());
        for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(again[n - 1 - i], out[i]);
    }
}

TEST(Folds, DealRefusesBadFolds) {
    std::uint64_t h = 1;
    std::int32_t out = 0;
    EXPECT_THROW(deal_folds(&h, 1, 1, &out), Error);
}

}  // namespace
}  // namespace recsys
