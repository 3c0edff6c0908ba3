// ALS warm start: known users and items start from the old model's factors
// (exactly, with 0 iterations), new ones as a cold start would; the first
// iterations of a retraining on grown data then have a lower loss; the model
// keeps where it started; a wrong model to start from is an error.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "als/als.h"
#include "als/als_warm_start.h"
#include "model/model_format.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;

// Rank-3 tastes: 240 users, 120 items, 12 interactions each. The first
// `users` users' rows, and only the items they touch.
Rows tastes(int users) {
    std::mt19937 rng(7);
    std::normal_distribution<double> normal(0, 1);
    std::vector<double> u(240 * 3), v(120 * 3);
    for (double& x : u) x = normal(rng);
    for (double& x : v) x = normal(rng);
    Rows rows;
    for (int a = 0; a < 240; ++a) {
        std::vector<std::pair<double, int>> scored;
        for (int i = 0; i < 120; ++i)
            scored.push_back({u[a * 3] * v[i * 3] + u[a * 3 + 1] * v[i * 3 + 1] + u[a * 3 + 2] * v[i * 3 + 2], i});
        std::partial_sort(scored.begin(), scored.begin() + 12, scored.end(), std::greater<>());
        if (a < users)
            for (int j = 0; j < 12; ++j) rows.add(100 + a, 5000 + scored[j].second, 1.0f + static_cast<float>(j % 3));
    }
    return rows;
}

Options options(int iterations, bool warm) {
    std::vector<OptionArg> o = {num("factors", 6), num("iterations", iterations), num("l2", 0.5),
                                num("alpha", 4)};
    if (warm) o.push_back({"warm_start", "\"old\""});
    return als_options(o);
}

AlsModel train_from(const Rows& r, const Options& o, std::shared_ptr<const Model> from) {
    MemoryBudget unlimited;
    StopToken never;
    TrainContext ctx{2, &unlimited, &never, nullptr};
    ctx.warm_start = {std::move(from), 42};
    TrainingSummary summary;
    summary.rows = r.size();
    return train_als(r.users.data(), r.items.data(), r.weights.data(), r.size(), o, summary, ctx);
}

std::shared_ptr<const AlsModel> old_model() {
    static const auto m = std::make_shared<const AlsModel>(train(tastes(180), options(12, false), 2));
    return m;
}

std::ptrdiff_t index_of(const std::vector<std::int64_t>& ids, std::int64_t id) {
    auto it = std::lower_bound(ids.begin(), ids.end(), id);
    return it != ids.end() && *it == id ? it - ids.begin() : -1;
}

TEST(AlsWarmStart, ZeroIterationsKeepTheKnownFactors) {
    const AlsModel& old = *old_model();
    AlsModel m = train_from(tastes(240), options(0, true), old_model());
    ASSERT_EQ(m.users(), 240u);
    EXPECT_EQ(m.summary.warm_start_id, 42);
    EXPECT_EQ(m.summary.warm_users, old.users());
    EXPECT_EQ(m.summary.warm_items, old.items());
    EXPECT_TRUE(m.summary.loss.empty());
    std::size_t known = 0;
    for (std::size_t u = 0; u < m.users(); ++u) {
        std::ptrdiff_t o = index_of(old.user_ids, m.user_ids[u]);
        auto row = m.user_factors.row(static_cast<Eigen::Index>(u));
        if (o >= 0) {
            ++known;
            EXPECT_EQ(row, old.user_factors.row(o)) << "user " << m.user_ids[u];
        } else {  // a new user starts as in a cold start: small values in [0, 0.01)
            EXPECT_GE(row.minCoeff(), 0.0f);
            EXPECT_LT(row.maxCoeff(), 0.01f);
        }
    }
    EXPECT_EQ(known, old.users());
    for (std::size_t i = 0; i < m.items(); ++i) {
        std::ptrdiff_t o = index_of(old.item_ids, m.item_ids[i]);
        if (o >= 0) {
            EXPECT_EQ(m.item_factors.row(static_cast<Eigen::Index>(i)), old.item_factors.row(o));
        }
    }
}

TEST(AlsWarmStart, LowersTheLossOfTheFirstIterations) {
    const Rows all = tastes(240);
    AlsModel warm = train_from(all, options(3, true), old_model());
    AlsModel cold = train(all, options(3, false), 2);
    AlsModel full = train(all, options(15, false), 2);
    for (std::size_t it = 0; it < 3; ++it)
        EXPECT_LT(warm.summary.loss[it], cold.summary.loss[it]) << "iteration " << it + 1;
    // three warm iterations come within 2% of fifteen cold ones
    std::printf("loss after 3 warm %.6f, 3 cold %.6f, 15 cold %.6f\n", warm.summary.loss.back(),
                cold.summary.loss.back(), full.summary.loss.back());
    EXPECT_LT(warm.summary.loss.back(), 1.02 * full.summary.loss.back());
}

TEST(AlsWarmStart, ThePayloadKeepsWhereItStarted) {
    AlsModel m = train_from(tastes(240), options(1, true), old_model());
    std::vector<unsigned char> bytes = to_bytes(m);
    AlsModel back = AlsModel::deserialize(bytes.data(), bytes.size());
    EXPECT_EQ(back.options.string("warm_start"), "old");
    EXPECT_EQ(back.summary.warm_start_id, 42);
    EXPECT_EQ(back.summary.warm_users, m.summary.warm_users);
    EXPECT_EQ(back.summary.warm_items, m.summary.warm_items);
    EXPECT_NE(back.metadata_json().find("\"warm_start\":{\"model_id\":42,\"users\":180"), std::string::npos)
        << back.metadata_json();
    // a model without a warm start reads back without one, and says nothing of it
    AlsModel cold = train(tastes(20), options(1, false));
    bytes = to_bytes(cold);
    AlsModel cold_back = AlsModel::deserialize(bytes.data(), bytes.size());
    EXPECT_TRUE(cold_back.options.is_null("warm_start"));
    EXPECT_EQ(cold_back.metadata_json().find("\"warm_start\":{"), std::string::npos);
}

// A model of another kind, to start from by mistake.
struct OtherModel : Model {
    const char* kind() const override { return "other"; }
    std::size_t memory_bytes() const override { return 0; }
    std::string metadata_json() const override { return "{}"; }
    void write_payload(ByteWriter&) const override {}
};

template <class F>
void expect_failure(ErrorKind kind, const std::string& part, F&& f) {
    Error e = error_from(f, "no error; expected one with: " + part);
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_TRUE(contains(e.what(), part)) << e.what();
}

TEST(AlsWarmStart, RefusesAModelItCannotStartFrom) {
    const Rows rows = tastes(20);
    expect_failure(ErrorKind::InvalidParameter, "names model \"old\" (version 42), which is of kind \"other\", expected \"als\"",
                 [&] { train_from(rows, options(1, true), std::make_shared<OtherModel>()); });
    Options eight = als_options({num("factors", 8), {"warm_start", "\"old\""}});
    expect_failure(ErrorKind::InvalidParameter, "of 6 factors, but \"factors\" is 8",
                 [&] { train_from(rows, eight, old_model()); });
    expect_failure(ErrorKind::Internal, "was not read", [&] { train_from(rows, options(1, true), nullptr); });
    expect_failure(ErrorKind::InvalidParameter, "must be at least 1 without warm_start",
                 [&] { options(0, false); });
}

TEST(AlsWarmStart, CopiesRowsByIdMatch) {
    FactorMatrix from(3, 2), to = FactorMatrix::Zero(4, 2);
    from << 1, 2, 3, 4, 5, 6;
    EXPECT_EQ(copy_known_rows({10, 20, 30}, from, {5, 20, 30, 40}, to), 2u);
    EXPECT_EQ(to.row(0).sum(), 0);
    EXPECT_EQ(to(1, 0), 3);
    EXPECT_EQ(to(2, 1), 6);
    EXPECT_EQ(to.row(3).sum(), 0);
}

}  // namespace
}  // namespace recsys
