// Fresh items (src/core/candidates/item_factors*, fresh_items*): the ridge
// from item features to item factors against its closed form, a fresh item
// placed next to its planted twin, add_items keeping every old
// recommendation (items, scores, seen items renumbered), its errors, and the
// item_factors model's round trip.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <map>
#include <random>

#include "candidates/fresh_items.h"
#include "candidates/item_factors.h"
#include "expect_failure.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Options mapper_options(double l2) { return parse_options(options_json({num("l2", l2)}), item_factors_option_schema()); }

ItemFactorsModel fit(const RowMatrix& y, const RowMatrix& x, double l2, MemoryBudget* budget = nullptr) {
    MemoryBudget unlimited;
    StopToken never;
    TrainContext ctx{1, budget ? budget : &unlimited, &never, nullptr};
    TrainingSummary summary;
    summary.rows = static_cast<std::uint64_t>(y.rows());
    return fit_item_factors(y.data(), static_cast<std::size_t>(y.cols()), x.data(), static_cast<std::size_t>(x.cols()),
                            static_cast<std::size_t>(y.rows()), mapper_options(l2), ctx, summary);
}

RowMatrix gaussian(Eigen::Index rows, Eigen::Index cols, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0, 1);
    RowMatrix m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(rng);
    return m;
}

// The objective (1/2n)|Y - 1b' - XW|^2 + (l2/2)|W|^2 solved directly: the
// normal equations of the augmented design [1 X], intercept unpenalized.
void closed_form(const RowMatrix& y, const RowMatrix& x, double l2, Eigen::MatrixXd& w, Eigen::VectorXd& b) {
    const Eigen::Index n = x.rows(), p = x.cols();
    Eigen::MatrixXd a(n, p + 1);
    a.col(0).setOnes();
    a.rightCols(p) = x;
    Eigen::MatrixXd lhs = a.transpose() * a / static_cast<double>(n);
    lhs.diagonal().tail(p).array() += l2;
    const Eigen::MatrixXd solution = lhs.fullPivLu().solve(a.transpose() * y / static_cast<double>(n));
    b = solution.row(0).transpose();
    w = solution.bottomRows(p);
}

TEST(ItemFactors, RidgeMatchesTheClosedForm) {
    const RowMatrix x = gaussian(60, 5, 1);
    RowMatrix y = gaussian(60, 3, 2);
    y.col(0) += 2 * x.col(1) + Eigen::VectorXd::Constant(60, 3.0);
    for (double l2 : {0.0, 0.01, 1.0, 25.0}) {
        const ItemFactorsModel m = fit(y, x, l2);
        Eigen::MatrixXd w;
        Eigen::VectorXd b;
        closed_form(y, x, l2, w, b);
        EXPECT_LT((m.weights - w).cwiseAbs().maxCoeff(), 1e-10) << "l2 " << l2;
        EXPECT_LT((m.intercept - b).cwiseAbs().maxCoeff(), 1e-10) << "l2 " << l2;
        // R² and the prediction from the same weights.
        const Eigen::MatrixXd fitted = (x * w).rowwise() + b.transpose();
        const double sst = (y.rowwise() - y.colwise().mean()).squaredNorm();
        EXPECT_NEAR(m.summary.r_squared, 1 - (y - fitted).squaredNorm() / sst, 1e-10);
        float out[3];
        m.predict(x.row(7).data(), out);
        for (int j = 0; j < 3; ++j) EXPECT_NEAR(out[j], fitted(7, j), 1e-5);
    }
}

TEST(ItemFactors, MoreRowsThanABlockAndRepeatedFeatures) {
    // 2,500 rows (three blocks of the centered pass) and a feature that
    // repeats another: with l2 = 0 the least-norm solution splits its weight.
    RowMatrix x = gaussian(2500, 3, 3);
    x.col(2) = x.col(1);
    const RowMatrix y = (x.col(0) * 1.5 + x.col(1) * 4.0).array() + 1.0;
    const ItemFactorsModel m = fit(y, x, 0);
    EXPECT_NEAR(m.weights(0, 0), 1.5, 1e-9);
    EXPECT_NEAR(m.weights(1, 0), 2.0, 1e-9);
    EXPECT_NEAR(m.weights(2, 0), 2.0, 1e-9);
    EXPECT_NEAR(m.intercept[0], 1.0, 1e-9);
    EXPECT_NEAR(m.summary.r_squared, 1.0, 1e-12);
}

TEST(ItemFactors, RoundTripAndErrors) {
    const ItemFactorsModel m = fit(gaussian(30, 4, 5), gaussian(30, 6, 6), 0.5);
    const auto bytes = to_bytes(m);
    const auto back = load_model(bytes.data(), bytes.size());
    const auto& read = model_as<ItemFactorsModel>(*back);
    EXPECT_EQ(read.weights, m.weights);
    EXPECT_EQ(read.intercept, m.intercept);
    EXPECT_EQ(read.summary.r_squared, m.summary.r_squared);
    EXPECT_EQ(read.summary.rows, 30u);
    EXPECT_EQ(read.options.number("l2"), 0.5);
    EXPECT_TRUE(contains(read.metadata_json(), "\"r_squared\""));

    MemoryBudget small(1000);
    expect_failure(ErrorKind::OutOfMemory, "item_factors_fit solve", [&] { fit(gaussian(30, 4, 5), gaussian(30, 60, 6), 1, &small); });
    expect_failure(ErrorKind::InvalidParameter, "at least one row", [&] { fit(RowMatrix(0, 2), RowMatrix(0, 3), 1); });
    expect_failure(ErrorKind::InvalidParameter, "\"l2\"",
                   [&] { parse_options("{\"l2\": -1}", item_factors_option_schema()); });
}

// ------------------------------------------------------------- add_items

// A small ALS model of 40 users and 30 items, ids 10, 20, ..., 300, with
// two tastes (users with even ids like the items of even tens).
AlsModel small_als() {
    Rows r;
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(0, 1);
    for (std::int64_t user = 1; user <= 40; ++user)
        for (std::int64_t item = 1; item <= 30; ++item)
            if (u(rng) < ((user + item) % 2 == 0 ? 0.5 : 0.08)) r.add(user, item * 10, 1 + (user * item) % 3);
    return train(r, als_options({num("factors", 4), num("iterations", 8), num("l2", 0.1), num("seed", 3)}));
}

// An item_factors model with the given weights (features x factors).
ItemFactorsModel mapper_of(const Eigen::MatrixXd& w, const Eigen::VectorXd& b) {
    ItemFactorsModel m;
    m.options = mapper_options(0.01);
    m.weights = w;
    m.intercept = b;
    return m;
}

AlsModel add(const AlsModel& model, const ItemFactorsModel& mapper, const std::vector<std::int64_t>& ids,
             const std::vector<double>& features, MemoryBudget* budget = nullptr) {
    MemoryBudget unlimited;
    StopToken never;
    NewItems items{ids.data(), features.data(), ids.size(), ids.empty() ? 0 : features.size() / ids.size()};
    return add_items(model, mapper, items, budget ? *budget : unlimited, never);
}

TEST(FreshItems, KeepsEveryOldRecommendationAndRenumbersSeenItems) {
    const AlsModel old = small_als();
    const ItemFactorsModel mapper = mapper_of(gaussian(2, 4, 7), Eigen::VectorXd::Zero(4));
    // New ids before, between and after the old ones (given out of order).
    const std::vector<std::int64_t> ids = {305, 5, 155, 11, 299, 1000};
    std::vector<double> features;
    for (std::size_t i = 0; i < ids.size(); ++i) features.insert(features.end(), {0.1 * double(i), 1.0 - 0.3 * double(i)});
    const AlsModel fresh = add(old, mapper, ids, features);

    ASSERT_EQ(fresh.items(), old.items() + ids.size());
    EXPECT_TRUE(std::is_sorted(fresh.item_ids.begin(), fresh.item_ids.end()));
    EXPECT_EQ(fresh.user_ids, old.user_ids);
    EXPECT_EQ(fresh.user_factors, old.user_factors);
    EXPECT_EQ(fresh.seen_offsets, old.seen_offsets);
    // The weights stay with their seen items: explain still decomposes an
    // old user's score over the same items.
    ASSERT_FALSE(old.seen_weights.empty());
    EXPECT_EQ(fresh.seen_weights, old.seen_weights);
    {
        const std::size_t item = std::size_t(std::find(fresh.item_ids.begin(), fresh.item_ids.end(), ids[0]) -
                                             fresh.item_ids.begin());
        double sum = 0;
        for (const Scored& part : fresh.explain(0, item)) sum += part.score;
        const float score = fresh.user_factors.row(0).dot(fresh.item_factors.row(Eigen::Index(item)));
        EXPECT_NEAR(sum, score, 1e-4 * (1 + std::fabs(score)));
    }
    // Every seen item is the same item at its new index.
    ASSERT_EQ(fresh.seen_items.size(), old.seen_items.size());
    for (std::size_t j = 0; j < old.seen_items.size(); ++j)
        EXPECT_EQ(fresh.item_ids[std::size_t(fresh.seen_items[j])], old.item_ids[std::size_t(old.seen_items[j])]);
    // Old items keep factors and popularity; new ones get the prediction and 0.
    for (std::size_t i = 0; i < fresh.items(); ++i) {
        const auto at = std::find(ids.begin(), ids.end(), fresh.item_ids[i]);
        if (at == ids.end()) {
            const std::size_t o = std::size_t(std::lower_bound(old.item_ids.begin(), old.item_ids.end(), fresh.item_ids[i]) -
                                              old.item_ids.begin());
            EXPECT_EQ(fresh.item_factors.row(Eigen::Index(i)), old.item_factors.row(Eigen::Index(o)));
            EXPECT_EQ(fresh.item_popularity[i], old.item_popularity[o]);
        } else {
            float expected[4];
            mapper.predict(&features[std::size_t(at - ids.begin()) * 2], expected);
            for (int f = 0; f < 4; ++f) EXPECT_EQ(fresh.item_factors(Eigen::Index(i), f), expected[f]);
            EXPECT_EQ(fresh.item_popularity[i], 0.f);
        }
    }
    // Every user's recommendations over the whole catalogue: the old items
    // in the same order with the same scores, the seen ones still left out.
    for (bool exclude_seen : {true, false})
        for (std::int64_t user : old.user_ids) {
            const auto before = old.recommend(user, query(old.items(), exclude_seen));
            const auto after = fresh.recommend(user, query(fresh.items(), exclude_seen));
            std::vector<std::pair<std::int64_t, float>> kept, was;
            for (const Scored& s : after) {
                const std::int64_t id = fresh.item_ids[std::size_t(s.index)];
                if (std::find(ids.begin(), ids.end(), id) == ids.end()) kept.push_back({id, s.score});
            }
            for (const Scored& s : before) was.push_back({old.item_ids[std::size_t(s.index)], s.score});
            ASSERT_EQ(kept, was) << "user " << user << (exclude_seen ? " without seen items" : "");
            EXPECT_EQ(after.size(), before.size() + ids.size());
        }
    // The serialized model reads back (its checks hold) and the same.
    const auto bytes = to_bytes(fresh);
    const AlsModel read = AlsModel::deserialize(bytes.data(), bytes.size());
    EXPECT_EQ(read.item_ids, fresh.item_ids);
    EXPECT_EQ(read.seen_items, fresh.seen_items);
}

TEST(FreshItems, AFreshItemIsPlacedNextToItsPlantedTwin) {
    // Item features are a known linear image of the item factors (factors =
    // features W + b exactly, W invertible), so the ridge (tiny l2) learns the
    // inverse map; a fresh item with the features of item 70 gets 70's factors.
    const AlsModel old = small_als();
    const Eigen::MatrixXd to_features = gaussian(4, 4, 21) + 3 * Eigen::MatrixXd::Identity(4, 4);
    RowMatrix y(Eigen::Index(old.items()), 4), x(Eigen::Index(old.items()), 4);
    y = old.item_factors.cast<double>();
    x = (y.rowwise() - Eigen::RowVector4d(0.5, -1, 0, 2)) * to_features;
    const ItemFactorsModel mapper = fit(y, x, 1e-9);
    EXPECT_GT(mapper.summary.r_squared, 0.999999);
    const std::size_t twin = std::size_t(std::lower_bound(old.item_ids.begin(), old.item_ids.end(), 70) - old.item_ids.begin());
    const std::vector<double> features(x.row(Eigen::Index(twin)).data(), x.row(Eigen::Index(twin)).data() + 4);
    const AlsModel fresh = add(old, mapper, {71}, features);
    const auto neighbours = fresh.similar_items(71, 1);
    ASSERT_EQ(neighbours.size(), 1u);
    EXPECT_EQ(fresh.item_ids[std::size_t(neighbours[0].index)], 70);
    EXPECT_NEAR(neighbours[0].score, 1.0, 1e-4);
    const auto back = fresh.similar_items(70, 1);
    EXPECT_EQ(fresh.item_ids[std::size_t(back[0].index)], 71);
}

TEST(FreshItems, Errors) {
    const AlsModel old = small_als();
    const ItemFactorsModel mapper = mapper_of(gaussian(2, 4, 7), Eigen::VectorXd::Zero(4));
    expect_failure(ErrorKind::InvalidParameter, "item_id 7 is given twice",
                   [&] { add(old, mapper, {7, 8, 7}, {1, 2, 3, 4, 5, 6}); });
    expect_failure(ErrorKind::InvalidParameter, "item_id 20 is already in the model",
                   [&] { add(old, mapper, {7, 20}, {1, 2, 3, 4}); });
    expect_failure(ErrorKind::InvalidParameter, "features have 3 elements, the item_factors model takes 2",
                   [&] { add(old, mapper, {7, 8}, {1, 2, 3, 4, 5, 6}); });
    const ItemFactorsModel five = mapper_of(gaussian(2, 5, 7), Eigen::VectorXd::Zero(5));
    expect_failure(ErrorKind::InvalidParameter, "predicts 5 factors, the ALS model has 4",
                   [&] { add(old, five, {7}, {1, 2}); });
    MemoryBudget small(1000);
    expect_failure(ErrorKind::OutOfMemory, "add_items model", [&] { add(old, mapper, {7}, {1, 2}, &small); });
    // Features so large the factors overflow a float: an error, never inf.
    expect_failure(ErrorKind::DataException, "item_factors", [&] { add(old, mapper, {7}, {1e300, 1e300}); });
    // Nothing to add: the same model.
    const AlsModel same = add(old, mapper, {}, {});
    EXPECT_EQ(same.item_ids, old.item_ids);
    EXPECT_EQ(same.seen_items, old.seen_items);
}

}  // namespace
}  // namespace recsys
