// Boosted trees and forests (src/core/trees): our traversal of XGBoost's
// saved model against XGBoost-Python's predictions, our training through the
// C API against Python's training with the same parameters (the same
// library: the same trees), planted splits, missing values, early stopping,
// cancel, memory, and the checks of a model's trees.
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "expect_failure.h"
#include "golden_models.h"
#include "trees/contributions.h"
#include "trees/tree_model.h"
#include "trees/xgboost_api.h"

namespace recsys {
namespace {

using namespace recsys::test;
using Json = nlohmann::json;

const Json& reference() {
    static const Json j = [] {
        std::ifstream in(fixture_path("tree_reference.json"));
        std::stringstream text;
        text << in.rdbuf();
        return Json::parse(text.str());
    }();
    return j;
}

const Json& reference_case(const std::string& name) {
    for (const Json& c : reference()["cases"])
        if (c["name"] == name) return c;
    throw std::runtime_error("no case " + name);
}

struct CaseData {
    std::vector<double> x, y;
    std::vector<std::int64_t> query;
    std::size_t n = 0, p = 0;
};

CaseData data_of(const Json& c) {
    CaseData d;
    d.n = c["x"].size();
    d.p = c["x"][0].size();
    for (const Json& row : c["x"])
        for (const Json& v : row) d.x.push_back(v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>());
    for (const Json& v : c["y"]) d.y.push_back(v.get<double>());
    if (!c["query"].is_null())
        for (const Json& v : c["query"]) d.query.push_back(v.get<std::int64_t>());
    return d;
}

// Our options for the case's XGBoost parameters.
std::string options_of(const Json& c) {
    const Json& p = c["params"];
    Json o = {{"objective", p["objective"]},
              {"trees", c["rounds"]},
              {"max_depth", p["max_depth"]},
              {"learning_rate", p["eta"]},
              {"l2", p["lambda"]},
              {"l1", p["alpha"]},
              {"min_child_weight", p["min_child_weight"]},
              {"subsample", p["subsample"]},
              {"colsample_bynode", p["colsample_bynode"]},
              {"seed", p["seed"]}};
    return o.dump();
}

void expect_close(double got, double want, double tol, const std::string& what) {
    EXPECT_NEAR(got, want, tol * std::max(1.0, std::fabs(want))) << what;
}

TreeModel train(const CaseData& d, const std::string& options, bool forest = false, TrainContext ctx = quiet_context()) {
    return train_trees(d.y.data(), d.x.data(), d.query.empty() ? nullptr : d.query.data(), d.n, d.p,
                       parse_options(options, forest ? forest_option_schema() : gbt_option_schema()), forest, ctx,
                       TrainingSummary{});
}

class Reference : public ::testing::TestWithParam<const char*> {};

// Python's saved model, walked by us, predicts what Python predicted.
TEST_P(Reference, TraversalEqualsXgboostPython) {
    const Json& c = reference_case(GetParam());
    const CaseData d = data_of(c);
    const TreeEnsemble e = parse_xgboost_json(c["model"].get<std::string>());
    ASSERT_EQ(e.features, d.p);
    std::vector<float> margin(e.groups);
    std::vector<double> prediction(e.groups);
    for (std::size_t i = 0; i < d.n; ++i) {
        e.margins(&d.x[i * d.p], margin.data());
        e.predict(&d.x[i * d.p], prediction.data());
        for (std::size_t g = 0; g < e.groups; ++g) {
            expect_close(margin[g], c["margin"][i * e.groups + g].get<double>(), 1e-6, "margin " + std::to_string(i));
            expect_close(prediction[g], c["prediction"][i * e.groups + g].get<double>(), 1e-6,
                         "prediction " + std::to_string(i));
        }
    }
}

// Our training through the C API, with Python's parameters, makes Python's trees.
TEST_P(Reference, TrainingEqualsXgboostPython) {
    const Json& c = reference_case(GetParam());
    const CaseData d = data_of(c);
    const TreeModel m = train(d, options_of(c));
    ASSERT_EQ(m.trees.trees.size(), parse_xgboost_json(c["model"].get<std::string>()).trees.size());
    if (is_ranking(m.trees.objective)) {
        // rank:pairwise samples pairs at random within each query: rows in
        // another order (ours are put in one order first) sample other
        // pairs. The same ranking, not the same numbers.
        double sxy = 0, sxx = 0, syy = 0, mx = 0, my = 0;
        std::vector<double> ours(d.n);
        for (std::size_t i = 0; i < d.n; ++i) {
            ours[i] = m.predict(&d.x[i * d.p]);
            mx += ours[i] / d.n;
            my += c["prediction"][i].get<double>() / d.n;
        }
        for (std::size_t i = 0; i < d.n; ++i) {
            const double a = ours[i] - mx, b = c["prediction"][i].get<double>() - my;
            sxy += a * b, sxx += a * a, syy += b * b;
        }
        EXPECT_GT(sxy / std::sqrt(sxx * syy), 0.9);
        return;
    }
    std::vector<double> prediction(m.trees.groups);
    for (std::size_t i = 0; i < d.n; ++i) {
        m.trees.predict(&d.x[i * d.p], prediction.data());
        for (std::size_t g = 0; g < m.trees.groups; ++g)
            expect_close(prediction[g], c["prediction"][i * m.trees.groups + g].get<double>(), 1e-5,
                         "prediction " + std::to_string(i));
    }
    if (m.is_multiclass()) {
        EXPECT_EQ(m.class_names(), (std::vector<std::string>{"1", "3", "5"}));
        // predict: the most probable class's value
        const double* x = &d.x[0];
        std::vector<double> p(3);
        m.class_probabilities(x, p.data());
        EXPECT_EQ(m.predict(x), m.classes[static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin())]);
        EXPECT_NEAR(p[0] + p[1] + p[2], 1, 1e-6);
    }
}

// Our TreeSHAP equals XGBoost's pred_contribs, and sums to the margin.
TEST_P(Reference, ContributionsEqualXgboostPython) {
    const Json& c = reference_case(GetParam());
    if (c["contributions"].is_null()) GTEST_SKIP() << "no contributions recorded for this case";
    const CaseData d = data_of(c);
    const TreeEnsemble e = parse_xgboost_json(c["model"].get<std::string>());
    std::vector<double> phi(d.p + 1);
    for (std::size_t i = 0; i < c["contributions"].size(); ++i) {
        tree_contributions(e, &d.x[i * d.p], phi.data());
        double sum = 0;
        for (std::size_t j = 0; j <= d.p; ++j) {
            expect_close(phi[j], c["contributions"][i][j].get<double>(), 1e-5, "contribution " + std::to_string(j));
            sum += phi[j];
        }
        expect_close(sum, c["margin"][i].get<double>(), 1e-5, "sum of row " + std::to_string(i));
    }
}

INSTANTIATE_TEST_SUITE_P(Trees, Reference, ::testing::Values("regression", "binary", "multiclass", "ranking"));

// A step at x0 = 0.3: one tree of one split with learning rate 1 finds it,
// and rows with x0 missing, all high, teach the split to send NaN right.
TEST(Trees, PlantedSplitAndMissingDirection) {
    CaseData d;
    d.p = 2;
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> u(-1, 1);
    for (int i = 0; i < 400; ++i) {
        const double x0 = u(rng);
        const bool missing = i % 10 == 0;
        d.x.push_back(missing ? std::numeric_limits<double>::quiet_NaN() : x0);
        d.x.push_back(u(rng));
        d.y.push_back(missing || x0 > 0.3 ? 5 : -5);
    }
    d.n = d.y.size();
    const TreeModel m = train(
        d, R"({"trees": 1, "max_depth": 1, "learning_rate": 1, "l2": 0, "min_child_weight": 0, "tree_method": "exact"})");
    ASSERT_EQ(m.trees.trees.size(), 1u);
    const Tree& t = m.trees.trees[0];
    ASSERT_FALSE(t.is_leaf(0));
    EXPECT_EQ(t.feature[0], 0u);
    EXPECT_NEAR(t.value[0], 0.3, 0.02);
    EXPECT_EQ(t.default_left[0], 0);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double high[] = {nan, 0.0}, low[] = {-0.5, nan};
    EXPECT_NEAR(m.predict(high), 5, 1e-5);
    EXPECT_NEAR(m.predict(low), -5, 1e-5);
}

CaseData binary_rows(std::size_t n) {
    CaseData d;
    d.p = 3;
    std::mt19937 rng(9);
    std::normal_distribution<double> g(0, 1);
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (std::size_t j = 0; j < d.p; ++j) {
            const double v = g(rng);
            d.x.push_back(v);
            s += v * (j + 1.0);
        }
        d.y.push_back(s + g(rng) * 2 > 0 ? 1 : 0);
    }
    d.n = n;
    return d;
}

TEST(Trees, EarlyStoppingKeepsTheBestRounds) {
    const CaseData d = binary_rows(2000);
    const TreeModel m = train(d, R"({"objective": "binary:logistic", "trees": 2000, "learning_rate": 0.5,
                                     "early_stopping_rounds": 5, "eval_metric": "logloss"})");
    EXPECT_LT(m.summary.loss.size(), 2000u);
    EXPECT_EQ(m.summary.rounds, m.summary.best_round);
    EXPECT_EQ(m.trees.trees.size(), static_cast<std::size_t>(m.summary.rounds));
    EXPECT_EQ(m.summary.loss.size(), static_cast<std::size_t>(m.summary.best_round) + 5);
    EXPECT_GT(m.summary.validation_rows, 100);
    EXPECT_EQ(m.summary.metric, "logloss");
    for (double l : m.summary.loss) EXPECT_GE(l, m.summary.loss[static_cast<std::size_t>(m.summary.best_round - 1)]);
}

TEST(Trees, ForestIsOneRoundOfParallelTrees) {
    const CaseData d = binary_rows(500);
    const TreeModel m = train(d, R"({"objective": "binary:logistic", "trees": 50})", true);
    EXPECT_EQ(std::string(m.kind()), "forest");
    EXPECT_EQ(m.trees.trees.size(), 50u);
    EXPECT_EQ(m.summary.rounds, 1);
    // better than chance on its own rows
    int right = 0;
    for (std::size_t i = 0; i < d.n; ++i) right += (m.predict(&d.x[i * d.p]) > 0.5) == (d.y[i] == 1);
    EXPECT_GT(right, 400);
    EXPECT_EQ(m.class_names(), (std::vector<std::string>{"0", "1"}));
}

TEST(Trees, ThreadsGiveTheSameModel) {
    const CaseData d = binary_rows(3000);
    TrainContext two = quiet_context();
    two.threads = 2;
    EXPECT_EQ(train(d, R"({"objective": "binary:logistic", "trees": 20})").xgboost_json,
              train(d, R"({"objective": "binary:logistic", "trees": 20})", false, two).xgboost_json);
}

TEST(Trees, Errors) {
    CaseData d = binary_rows(100);
    d.y[7] = 2;
    expect_failure(ErrorKind::InvalidParameter, "gbt_fit target 2 is neither 0 nor 1",
                   [&] { train(d, R"({"objective": "binary:logistic"})"); });
    expect_failure(ErrorKind::InvalidParameter, "pass the query column",
                   [&] { train(d, R"({"objective": "rank:pairwise"})"); });
    expect_failure(ErrorKind::InvalidParameter, "\"mlogloss\" does not measure",
                   [&] { train(d, R"({"eval_metric": "mlogloss"})"); });
    std::fill(d.y.begin(), d.y.end(), 4);
    expect_failure(ErrorKind::InvalidParameter, "target has a single value",
                   [&] { train(d, R"({"objective": "multi:softprob"})"); });
}

TEST(Trees, MemoryIsClaimedBeforeTraining) {
    const CaseData d = binary_rows(1000);
    MemoryBudget small(100000);
    TrainContext ctx = quiet_context();
    ctx.budget = &small;
    expect_failure(ErrorKind::OutOfMemory, "gbt_fit XGBoost training (an estimate) needs",
                   [&] { train(d, "{}", false, ctx); });
}

TEST(Trees, CancelStopsBetweenRounds) {
    const CaseData d = binary_rows(1000);
    int polls = 0;
    StopToken stop([&] { return ++polls > 3; });
    TrainContext ctx = quiet_context();
    ctx.stop = &stop;
    EXPECT_THROW(train(d, R"({"trees": 1000})", false, ctx), Cancelled);
    EXPECT_EQ(polls, 4);
}

TEST(Trees, ImportanceCountsSplits) {
    const Json& c = reference_case("regression");
    const TreeEnsemble e = parse_xgboost_json(c["model"].get<std::string>());
    const auto importance = feature_importance(e);
    ASSERT_EQ(importance.size(), e.features);
    double splits = 0;
    for (const Tree& t : e.trees)
        for (std::size_t node = 0; node < t.size(); ++node) splits += !t.is_leaf(node);
    double weights = 0;
    for (const auto& f : importance) weights += f.weight;
    EXPECT_EQ(weights, splits);
    // y = 2 x0 - x1^2 + noise: x0 gains most, x2 and x3 are noise
    EXPECT_GT(importance[0].gain, importance[2].gain);
    EXPECT_GT(importance[0].gain, importance[3].gain);
}

TEST(Trees, XgboostErrorsNameWhatFailed) {
    const std::vector<float> x = {1, 2, 3, 4};
    xgb::DMatrix m(x.data(), 2, 2);
    xgb::Booster b({&m});
    expect_failure(ErrorKind::InvalidParameter, "XGBoost failed to ", [&] {
        b.set("objective", "no:such");
        b.update(0, m);
    });
}

// ---------------------------------------------------------------- the reader's checks

std::string tiny_model() { return reference_case("regression")["model"].get<std::string>(); }

void expect_corrupt(const std::function<void(Json&)>& edit, const std::string& fragment) {
    Json j = Json::parse(tiny_model());
    edit(j);
    expect_failure(ErrorKind::Corrupted, fragment, [&] { parse_xgboost_json(j.dump()); });
}

Json& tree0(Json& j) { return j["learner"]["gradient_booster"]["model"]["trees"][0]; }

TEST(Trees, ReaderRefusesWhatIsNotATree) {
    expect_failure(ErrorKind::Corrupted, "not valid JSON", [] { parse_xgboost_json("{\"learner\":"); });
    expect_corrupt([](Json& j) { tree0(j)["left_children"][0] = 1000; }, "child index out of range");
    expect_corrupt([](Json& j) { tree0(j)["left_children"][0] = 0; }, "do not form a tree");
    expect_corrupt([](Json& j) { tree0(j)["split_indices"][0] = 4; }, "beyond num_feature");
    expect_corrupt([](Json& j) { tree0(j)["split_conditions"].erase(0); }, "num_nodes");
    expect_corrupt([](Json& j) { tree0(j)["split_conditions"][0] = 1e300; }, "beyond a float");
    expect_corrupt([](Json& j) { tree0(j)["split_type"][0] = 1; }, "categorical");
    expect_corrupt([](Json& j) { j["learner"]["objective"]["name"] = "reg:gamma"; }, "objective");
    expect_corrupt([](Json& j) { j["learner"]["learner_model_param"]["num_class"] = "3"; }, "num_class");
    expect_corrupt([](Json& j) { j["learner"]["gradient_booster"]["model"]["tree_info"][0] = 1; }, "tree_info");
    expect_corrupt([](Json& j) { j["learner"]["learner_model_param"]["num_feature"] = "x"; }, "num_feature");
    expect_corrupt([](Json& j) { j["learner"]["gradient_booster"]["name"] = "gblinear"; }, "gbtree");
}

}  // namespace
}  // namespace recsys
