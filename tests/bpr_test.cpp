// BPR: planted tastes must be recovered, the training AUC must rise, a seed
// must reproduce the factors for 1 and 2 threads, and the shared rules hold
// (memory claimed first, cancel seen, options checked).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "als/interactions.h"
#include "base/error.h"
#include "base/random.h"
#include "candidates/bpr_step.h"
#include "candidates/bpr_train.h"

namespace recsys {
namespace {

// Two tastes: users 0..39 watch items of side 0 (0..29), users 40..79 of
// side 1 (30..59); each user has seen 12 of its side's 30 items, drawn at
// random (a fixed generator): the side is the only structure.
struct Planted {
    std::vector<std::int64_t> users, items;
    std::vector<float> weights;
    static constexpr int kUsers = 80, kItems = 60, kSide = 30, kSeen = 12;
    static int side(int index, int half) { return index / half; }
    Planted() {
        SplitMix rng(7);
        for (int u = 0; u < kUsers; ++u) {
            int order[kSide];
            for (int i = 0; i < kSide; ++i) order[i] = i;
            shuffle(order, kSide, rng);
            for (int j = 0; j < kSeen; ++j) {
                users.push_back(u);
                items.push_back(side(u, kUsers / 2) * kSide + order[j]);
                weights.push_back(1);
            }
        }
    }
    SparseRows by_user() const {
        MemoryBudget budget;
        StopToken stop;
        return build_interactions(users.data(), items.data(), weights.data(), users.size(), budget, stop).by_user;
    }
};

BprRun fit(const SparseRows& rows, std::size_t n_items, const char* options_json, int threads,
           MemoryBudget* budget = nullptr, StopToken* stop = nullptr) {
    TrainContext ctx;
    ctx.threads = threads;
    ctx.budget = budget;
    ctx.stop = stop;
    return bpr_sgd(rows, n_items, BprParams::from(parse_options(options_json, bpr_option_schema())), ctx);
}

bool seen(const SparseRows& rows, int u, int i) {
    for (auto j = rows.offsets[u]; j < rows.offsets[u + 1]; ++j)
        if (rows.columns[j] == i) return true;
    return false;
}

TEST(BprTraining, RecoversPlantedTastes) {
    const Planted data;
    const SparseRows rows = data.by_user();
    for (int threads : {1, 2}) {
        const BprRun run = fit(rows, Planted::kItems, R"({"factors": 8, "epochs": 60, "learning_rate": 0.05})", threads);
        const Eigen::MatrixXf scores = run.user_factors * run.item_factors.transpose();
        for (int u = 0; u < Planted::kUsers; ++u) {
            // The user's 10 best unseen items are all of its side.
            std::vector<std::pair<float, int>> unseen;
            for (int i = 0; i < Planted::kItems; ++i)
                if (!seen(rows, u, i)) unseen.push_back({-scores(u, i), i});
            std::sort(unseen.begin(), unseen.end());
            for (int r = 0; r < 10; ++r)
                EXPECT_EQ(Planted::side(unseen[r].second, Planted::kSide), Planted::side(u, Planted::kUsers / 2))
                    << "user " << u << ", rank " << r << ", " << threads << " threads";
        }
    }
}

TEST(BprTraining, AucRises) {
    const Planted data;
    const BprRun run = fit(data.by_user(), Planted::kItems, R"({"factors": 8, "epochs": 30, "learning_rate": 0.05})", 1);
    ASSERT_EQ(run.auc.size(), 30u);
    EXPECT_LT(run.auc.front(), 0.75);  // random factors rank about half right
    EXPECT_GT(run.auc.back(), 0.8);
    EXPECT_GT(run.auc.back(), run.auc.front() + 0.25);
}

TEST(BprTraining, SeedReproducesForAThreadCount) {
    const Planted data;
    const SparseRows rows = data.by_user();
    for (int threads : {1, 2}) {
        const BprRun a = fit(rows, Planted::kItems, R"({"factors": 4, "epochs": 5, "seed": 3})", threads);
        const BprRun b = fit(rows, Planted::kItems, R"({"factors": 4, "epochs": 5, "seed": 3})", threads);
        const BprRun c = fit(rows, Planted::kItems, R"({"factors": 4, "epochs": 5, "seed": 4})", threads);
        EXPECT_EQ(a.workers, threads);
        EXPECT_TRUE(a.user_factors == b.user_factors && a.item_factors == b.item_factors) << threads << " threads";
        EXPECT_EQ(a.auc, b.auc);
        EXPECT_FALSE(a.item_factors == c.item_factors) << "the seed changes the model";
    }
}

// Many rounds per epoch with two workers: the merge of item copies is
// exercised (and stays deterministic) on data larger than one round.
TEST(BprTraining, SeveralRoundsMergeDeterministically) {
    std::vector<std::int64_t> users, items;
    std::vector<float> weights;
    for (int u = 0; u < 3000; ++u)
        for (int j = 0; j < 15; ++j) {
            users.push_back(u);
            items.push_back((u % 2) * 100 + (u * 13 + j * 7) % 100);
            weights.push_back(1);
        }
    MemoryBudget budget;
    StopToken stop;
    const SparseRows rows = build_interactions(users.data(), items.data(), weights.data(), users.size(), budget, stop).by_user;
    const BprRun a = fit(rows, 200, R"({"factors": 8, "epochs": 10, "learning_rate": 0.05})", 2);
    const BprRun b = fit(rows, 200, R"({"factors": 8, "epochs": 10, "learning_rate": 0.05})", 2);
    EXPECT_GE(a.rounds, 2u);
    EXPECT_TRUE(a.item_factors == b.item_factors);
    EXPECT_GT(a.auc.back(), 0.95);  // as one thread reaches
}

TEST(BprTraining, UserBiasColumnStaysOne) {
    const Planted data;
    const BprRun run = fit(data.by_user(), Planted::kItems, R"({"factors": 3, "epochs": 3})", 2);
    ASSERT_EQ(run.user_factors.cols(), 4);
    EXPECT_TRUE((run.user_factors.col(3).array() == 1.0f).all());
}

TEST(BprTraining, ClaimsMemoryFirst) {
    const Planted data;
    MemoryBudget small(1000);
    try {
        fit(data.by_user(), Planted::kItems, R"({"factors": 64, "epochs": 1})", 1, &small);
        FAIL() << "expected the memory limit to refuse";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::OutOfMemory);
        EXPECT_NE(std::string(e.what()).find("bpr_fit"), std::string::npos) << e.what();
    }
}

TEST(BprTraining, CancelStops) {
    const Planted data;
    int epochs = 0;
    StopToken stop([&] { return epochs >= 2; });
    TrainContext ctx;
    ctx.threads = 2;
    ctx.stop = &stop;
    ctx.progress = [&](int, double, double) { ++epochs; };
    EXPECT_THROW(bpr_sgd(data.by_user(), Planted::kItems,
                         BprParams::from(parse_options(R"({"epochs": 1000, "factors": 4})", bpr_option_schema())), ctx),
                 Cancelled);
    EXPECT_EQ(epochs, 2);
}

TEST(BprTraining, DivergenceIsAnErrorNamingTheLearningRate) {
    const Planted data;
    try {
        fit(data.by_user(), Planted::kItems, R"({"factors": 4, "epochs": 200, "learning_rate": 10, "l2": 0})", 1);
        SUCCEED();  // a sigmoid's gradient is bounded: it may also stay finite
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("diverged"), std::string::npos);
        EXPECT_NE(e.hint().find("learning_rate"), std::string::npos);
    }
}

TEST(BprOptions, CheckedByTheSchema) {
    EXPECT_THROW(parse_options(R"({"regularization": 0.1})", bpr_option_schema()), Error);  // our name is l2
    EXPECT_THROW(parse_options(R"({"learning_rate": 0})", bpr_option_schema()), Error);
    EXPECT_THROW(parse_options(R"({"epochs": 0})", bpr_option_schema()), Error);
    const BprParams p = BprParams::from(parse_options("{}", bpr_option_schema()));
    EXPECT_EQ(p.factors, 64);
    EXPECT_EQ(p.epochs, 100);
    EXPECT_DOUBLE_EQ(p.l2, 0.01);
}

TEST(BprStep, MovesAlongTheGradientOfLnSigma) {
    // d/du ln sigma(u.(l-d)) = sigma(-x)(l-d): a small step raises the margin.
    float u[3] = {0.1f, -0.2f, 1}, l[3] = {0.3f, 0.1f, 0.0f}, d[3] = {-0.1f, 0.2f, 0.1f};
    const BprStep step{0.1f, 0.0f, 2};
    const float before = step.margin(u, l, d);
    step.both(u, l, d);
    EXPECT_GT(step.margin(u, l, d), before);
    EXPECT_EQ(u[2], 1.0f);
}

}  // namespace
}  // namespace recsys
