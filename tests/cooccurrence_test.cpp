// Co-occurrence embeddings (src/core/candidates/cooccurrence_*): the counts
// of a tiny history worked out by hand (count window and time window),
// GloVe's gradient against finite differences of its loss, the loss going
// down, planted neighbours found, determinism over seeds and thread counts,
// the memory claim, cancel, and the payload round trip.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "candidates/cooccurrence.h"
#include "expect_failure.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;

constexpr std::int64_t kSecond = 1000000;  // timestamptz microseconds

struct Watches {
    std::vector<std::int64_t> users, items, times;
    void add(std::int64_t u, std::int64_t i, std::int64_t seconds) {
        users.push_back(u);
        items.push_back(i);
        times.push_back(seconds * kSecond);
    }
};

Options options(const std::string& json) { return parse_options(json, cooccurrence_option_schema()); }

TrainContext context(int threads = 1, MemoryBudget* budget = nullptr, StopToken* stop = nullptr) {
    TrainContext ctx;
    ctx.threads = threads;
    ctx.budget = budget;
    ctx.stop = stop;
    return ctx;
}

// The counts of the watches by item id pair (smaller id first).
std::map<std::pair<std::int64_t, std::int64_t>, double> counts_of(const Watches& w, const std::string& json) {
    // Items are their own indices here (ids 0..).
    std::vector<std::int32_t> index(w.items.begin(), w.items.end());
    MemoryBudget budget;
    StopToken stop;
    std::int32_t n_items = 0;
    for (auto i : index) n_items = std::max(n_items, i + 1);
    const CooccurrenceCounts c = count_cooccurrences(w.users.data(), index.data(), w.times.data(), w.users.size(),
                                                     static_cast<std::size_t>(n_items),
                                                     CooccurrenceParams::from(options(json)), budget, stop);
    std::map<std::pair<std::int64_t, std::int64_t>, double> out;
    for (const auto& e : c.pairs) {
        EXPECT_LT(e.row, e.col);
        out[{e.row, e.col}] = e.count;
    }
    return out;
}

// User 1 watches A B C A (times 1, 2, 3, 10 s), given out of order; user 2
// watches C and B at the same second (ordered by item: B, C).
Watches tiny_history() {
    Watches w;
    enum { A = 0, B = 1, C = 2 };
    w.add(1, C, 3);
    w.add(2, C, 5);
    w.add(1, A, 1);
    w.add(1, A, 10);
    w.add(2, B, 5);
    w.add(1, B, 2);
    return w;
}

TEST(Cooccurrence, CountsByHandInACountWindow) {
    // window 2: user 1's pairs at distance 1: AB, BC, CA; at distance 2: AC, BA.
    // AB = 1 + 1/2, AC = 1/2 + 1 (C then A at the end), BC = 1 (user 1) + 1 (user 2).
    const auto c = counts_of(tiny_history(), R"({"window": 2})");
    ASSERT_EQ(c.size(), 3u);
    EXPECT_DOUBLE_EQ(c.at({0, 1}), 1.5);
    EXPECT_DOUBLE_EQ(c.at({0, 2}), 1.5);
    EXPECT_DOUBLE_EQ(c.at({1, 2}), 2.0);
    // window 1: only neighbours: AB 1, BC 1 + 1, CA 1.
    const auto d = counts_of(tiny_history(), R"({"window": 1})");
    EXPECT_DOUBLE_EQ(d.at({0, 1}), 1.0);
    EXPECT_DOUBLE_EQ(d.at({0, 2}), 1.0);
    EXPECT_DOUBLE_EQ(d.at({1, 2}), 2.0);
}

TEST(Cooccurrence, CountsByHandInATimeWindow) {
    // 2 seconds: the last A (10 s) is 7 s from C: only A B C at 1, 2, 3 s
    // pair, with their distances in positions: AB 1, AC 1/2, BC 1 (+ user 2's 1).
    const auto c = counts_of(tiny_history(), R"({"window": 10, "window_seconds": 2})");
    ASSERT_EQ(c.size(), 3u);
    EXPECT_DOUBLE_EQ(c.at({0, 1}), 1.0);
    EXPECT_DOUBLE_EQ(c.at({0, 2}), 0.5);
    EXPECT_DOUBLE_EQ(c.at({1, 2}), 2.0);
    // 1 second: A-C (2 s apart) drops out; the count window still caps it.
    const auto d = counts_of(tiny_history(), R"({"window": 10, "window_seconds": 1})");
    EXPECT_EQ(d.count({0, 2}), 0u);
    EXPECT_DOUBLE_EQ(d.at({0, 1}), 1.0);
    // 0 seconds: only user 2's simultaneous pair.
    const auto e = counts_of(tiny_history(), R"({"window_seconds": 0})");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_DOUBLE_EQ(e.at({1, 2}), 1.0);
}

TEST(Cooccurrence, TimesAtTheEndsOfTheRangeDoNotOverflow) {
    // timestamptz -infinity and infinity are INT64_MIN and INT64_MAX.
    Watches w;
    w.users = {1, 1, 1};
    w.items = {0, 1, 2};
    w.times = {INT64_MIN, 0, INT64_MAX};
    const auto c = counts_of(w, R"({"window_seconds": 1e12})");
    EXPECT_TRUE(c.empty());
    const auto d = counts_of(w, R"({"window": 2})");
    EXPECT_EQ(d.size(), 3u);
}

// Random counts and parameters for the gradient check.
struct Problem {
    CooccurrenceCounts counts;
    GloveParameters g;
    CooccurrenceParams p;
};

Problem random_problem(std::size_t items, int factors, std::uint32_t seed) {
    Problem pr;
    pr.p.factors = factors;
    pr.p.x_max = 3;  // some counts above it, some below: both branches of f
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-0.5f, 0.5f), count(0.2f, 6.0f);
    pr.counts.items = items;
    for (std::size_t i = 0; i < items; ++i)
        for (std::size_t j = i + 1; j < items; ++j)
            if (rng() % 3 != 0)
                pr.counts.pairs.push_back({static_cast<std::int32_t>(i), static_cast<std::int32_t>(j), count(rng)});
    const auto n = static_cast<Eigen::Index>(items);
    pr.g.w = ItemVectors::NullaryExpr(n, factors, [&] { return u(rng); });
    pr.g.w_tilde = ItemVectors::NullaryExpr(n, factors, [&] { return u(rng); });
    pr.g.b = Eigen::VectorXf::NullaryExpr(n, [&] { return u(rng); });
    pr.g.b_tilde = Eigen::VectorXf::NullaryExpr(n, [&] { return u(rng); });
    return pr;
}

TEST(Cooccurrence, GradientMatchesFiniteDifferences) {
    Problem pr = random_problem(7, 4, 3);
    const GloveParameters grad = glove_gradient(pr.g, pr.counts, pr.p);
    // The loss is quadratic in each single parameter (no entry pairs an item
    // with itself), so a central difference is exact but for rounding.
    const float h = 1e-2f;
    auto check = [&](float& x, float analytic, const char* what) {
        const float saved = x;
        x = saved + h;
        const double up = glove_loss(pr.g, pr.counts, pr.p);
        x = saved - h;
        const double down = glove_loss(pr.g, pr.counts, pr.p);
        x = saved;
        EXPECT_NEAR(analytic, (up - down) / (2 * h), 2e-3 * (1 + std::fabs(analytic))) << what;
    };
    int checked = 0;
    for (Eigen::Index i = 0; i < pr.g.w.rows(); ++i) {
        for (Eigen::Index d = 0; d < pr.g.w.cols(); ++d) {
            check(pr.g.w(i, d), grad.w(i, d), "w");
            check(pr.g.w_tilde(i, d), grad.w_tilde(i, d), "w~");
            checked += 2;
        }
        check(pr.g.b[i], grad.b[i], "b");
        check(pr.g.b_tilde[i], grad.b_tilde[i], "b~");
        checked += 2;
    }
    EXPECT_EQ(checked, 7 * 10);
    EXPECT_GT(grad.w.norm(), 1e-3);  // not a vacuous check
}

TEST(Cooccurrence, WeightingFunction) {
    EXPECT_DOUBLE_EQ(glove_weight(100, 100, 0.75), 1);
    EXPECT_DOUBLE_EQ(glove_weight(250, 100, 0.75), 1);
    EXPECT_NEAR(glove_weight(10, 100, 0.75), std::pow(0.1, 0.75), 1e-15);
}

// Two tastes: users watch items of one group (0..9 or 10..19) in sessions.
Watches planted(std::size_t users, std::uint32_t seed) {
    Watches w;
    std::mt19937 rng(seed);
    for (std::size_t u = 0; u < users; ++u) {
        const int group = static_cast<int>(u % 2);
        for (int t = 0; t < 12; ++t) w.add(static_cast<std::int64_t>(u), group * 10 + static_cast<int>(rng() % 10), t * 60);
    }
    return w;
}

CooccurrenceModel fit_planted(const std::string& json, int threads = 1) {
    const Watches w = planted(200, 5);
    TrainContext ctx = context(threads);
    return train_cooccurrence(w.users.data(), w.items.data(), w.times.data(), w.users.size(), options(json),
                              TrainingSummary{}, ctx);
}

TEST(Cooccurrence, LossGoesDownAndNeighboursShareTheTaste) {
    const CooccurrenceModel m = fit_planted(R"({"factors": 8, "epochs": 30, "window": 3})");
    const auto& loss = m.summary.loss;
    ASSERT_EQ(loss.size(), 30u);
    EXPECT_LT(loss.back(), 0.2 * loss.front());
    for (std::size_t e = 1; e < loss.size(); ++e) EXPECT_LE(loss[e], loss[e - 1] * 1.001) << "epoch " << e + 1;
    EXPECT_EQ(m.items(), 20u);
    EXPECT_EQ(m.dimensions(), 8u);
    for (std::int64_t item : {0, 7, 13, 19}) {
        const auto similar = m.similar_items(item, 5);
        ASSERT_EQ(similar.size(), 5u);
        for (const Scored& s : similar) {
            EXPECT_EQ(m.item_ids[static_cast<std::size_t>(s.index)] / 10, item / 10) << "neighbour of " << item;
            EXPECT_NE(m.item_ids[static_cast<std::size_t>(s.index)], item);
        }
    }
    EXPECT_TRUE(m.similar_items(99, 5).empty());
}

TEST(Cooccurrence, FittedLossBelowTheStart) {
    // The exact loss after more epochs is lower (the history is the loss
    // during each pass, this is the loss of the final parameters).
    const Watches w = planted(100, 9);
    std::vector<std::int32_t> index(w.items.begin(), w.items.end());
    MemoryBudget budget;
    StopToken stop;
    CooccurrenceParams p = CooccurrenceParams::from(options(R"({"factors": 6})"));
    const CooccurrenceCounts counts =
        count_cooccurrences(w.users.data(), index.data(), w.times.data(), w.users.size(), 20, p, budget, stop);
    double previous = INFINITY;
    for (int epochs : {1, 3, 10, 30}) {
        p.epochs = epochs;
        TrainContext ctx = context();
        std::vector<double> history;
        const double loss = glove_loss(fit_glove(counts, p, ctx, history), counts, p);
        EXPECT_LT(loss, previous) << epochs << " epochs";
        previous = loss;
    }
}

TEST(Cooccurrence, SameSeedSameModelWhateverTheThreads) {
    const std::string json = R"({"factors": 8, "epochs": 5, "seed": 4})";
    const CooccurrenceModel one = fit_planted(json, 1);
    for (int threads : {1, 2, 3}) {
        const CooccurrenceModel again = fit_planted(json, threads);
        EXPECT_TRUE(again.vectors == one.vectors) << threads << " threads";
        EXPECT_EQ(again.summary.loss, one.summary.loss);
    }
    const CooccurrenceModel other = fit_planted(R"({"factors": 8, "epochs": 5, "seed": 5})", 2);
    EXPECT_FALSE(other.vectors == one.vectors);
}

TEST(Cooccurrence, RefusesWhatDoesNotFitInMemory) {
    const Watches w = planted(200, 5);
    MemoryBudget small(20000, "raise recsys.max_memory");
    TrainContext ctx = context(1, &small);
    expect_failure(ErrorKind::OutOfMemory, "cooccurrence_fit's", [&] {
        train_cooccurrence(w.users.data(), w.items.data(), w.times.data(), w.users.size(), options("{}"),
                           TrainingSummary{}, ctx);
    });
    // The count table alone: its first doubling past the limit.
    std::vector<std::int32_t> index(w.items.begin(), w.items.end());
    MemoryBudget tiny(16 * 1024 + 100);
    StopToken stop;
    Watches many;
    for (int u = 0; u < 50; ++u)
        for (int i = 0; i < 60; ++i) many.add(u, (u * 7 + i * 13) % 3000, i);
    std::vector<std::int32_t> many_index(many.items.begin(), many.items.end());
    expect_failure(ErrorKind::OutOfMemory, "co-occurrence table", [&] {
        count_cooccurrences(many.users.data(), many_index.data(), many.times.data(), many.users.size(), 3000,
                            CooccurrenceParams{}, tiny, stop);
    });
}

TEST(Cooccurrence, StopsWhenCancelled) {
    const Watches w = planted(200, 5);
    StopToken stop([] { return true; });
    TrainContext ctx = context(2, nullptr, &stop);
    EXPECT_THROW(train_cooccurrence(w.users.data(), w.items.data(), w.times.data(), w.users.size(), options("{}"),
                                    TrainingSummary{}, ctx),
                 Cancelled);
    // A stop raised during training (after some epochs) stops it too.
    int polls = 0;
    StopToken later([&] { return ++polls > 40; });
    TrainContext ctx2 = context(2, nullptr, &later);
    EXPECT_THROW(train_cooccurrence(w.users.data(), w.items.data(), w.times.data(), w.users.size(),
                                    options(R"({"epochs": 10000})"), TrainingSummary{}, ctx2),
                 Cancelled);
}

TEST(Cooccurrence, NoPairsIsAnError) {
    Watches w;
    w.add(1, 5, 0);
    w.add(2, 6, 0);
    w.add(3, 5, 0);
    w.add(3, 5, 9);  // the same item twice is no pair
    TrainContext ctx = context();
    expect_failure(ErrorKind::DataException, "no two different items", [&] {
        train_cooccurrence(w.users.data(), w.items.data(), w.times.data(), w.users.size(), options("{}"),
                           TrainingSummary{}, ctx);
    });
}

TEST(Cooccurrence, OptionsAreChecked) {
    expect_failure(ErrorKind::InvalidParameter, "\"window\"", [] { options(R"({"window": 0})"); });
    expect_failure(ErrorKind::InvalidParameter, "\"window_seconds\"", [] { options(R"({"window_seconds": -1})"); });
    expect_failure(ErrorKind::InvalidParameter, "\"x_max\"", [] { options(R"({"x_max": 0})"); });
    expect_failure(ErrorKind::InvalidParameter, "\"learning_rate\"", [] { options(R"({"learning_rate": "fast"})"); });
}

TEST(Cooccurrence, RoundTrip) {
    const CooccurrenceModel m = fit_planted(R"({"factors": 4, "epochs": 3, "window_seconds": 600})");
    const auto bytes = to_bytes(m);
    const auto loaded = load_model(bytes.data(), bytes.size());
    const auto& back = model_as<CooccurrenceModel>(*loaded);
    EXPECT_TRUE(back.vectors == m.vectors);
    EXPECT_EQ(back.item_ids, m.item_ids);
    EXPECT_EQ(back.pairs, m.pairs);
    EXPECT_EQ(back.watch_pairs, m.watch_pairs);
    EXPECT_GE(m.watch_pairs, m.pairs);
    EXPECT_EQ(back.summary.loss, m.summary.loss);
    EXPECT_EQ(back.options.number("window_seconds"), 600);
    EXPECT_EQ(back.similar_items(3, 4).size(), 4u);
    const float* v = back.item_vector(2);
    ASSERT_NE(v, nullptr);
    for (std::size_t d = 0; d < back.dimensions(); ++d) EXPECT_EQ(v[d], m.vectors(2, static_cast<Eigen::Index>(d)));
    EXPECT_TRUE(contains(m.metadata_json(), "\"pairs\":"));
}

}  // namespace
}  // namespace recsys
