// The linear SVM (src/core/linear/svm*): against scikit-learn's LinearSVC at
// its optimum (tests/fixtures/svm_reference.json, made by
// make_classics_fixtures.py): the primal objective, the coefficients and
// the decision values; the optimality conditions; errors and round trip.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

#include "expect_failure.h"
#include "linear/sparse_rows.h"
#include "linear/svm.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;
using nlohmann::json;

struct SvmRows {
    std::vector<char> y;  // bool storage
    std::vector<double> x;
    std::size_t p = 0;
    LabeledRows view() const { return {reinterpret_cast<const bool*>(y.data()), x.data(), y.size(), p}; }
    TrainingRows rows() const {
        TrainingRows r;
        r.count = y.size();
        r.columns.push_back({"label", ColumnType::Bool, y.data(), 1});
        r.columns.push_back({"features", ColumnType::Float64Array, x.data(), p});
        return r;
    }
};

SvmRows rows_of(const json& c) {
    SvmRows r;
    r.p = c["x"][0].size();
    for (std::size_t i = 0; i < c["x"].size(); ++i) {
        for (const json& v : c["x"][i]) r.x.push_back(v.get<double>());
        r.y.push_back(c["y"][i].get<bool>());
    }
    return r;
}

SvmModel fit(const SvmRows& r, const std::string& options) {
    static StopToken never;
    TrainContext ctx{1, nullptr, &never, nullptr};
    std::unique_ptr<Model> m = svm_kind().fit(r.rows(), parse_options(options, svm_option_schema()), ctx);
    return static_cast<SvmModel&>(*m);
}

TEST(Svm, EqualsLinearSvcAtTheOptimum) {
    std::ifstream in(std::string(RECSYS_FIXTURES) + "/svm_reference.json");
    ASSERT_TRUE(in.good()) << "tests/fixtures/svm_reference.json is missing";
    const json doc = json::parse(in);
    ASSERT_EQ(doc["cases"].size(), 4u);
    for (const json& c : doc["cases"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        json options = c["options"];
        options["tol"] = 1e-10;
        options["iterations"] = 100000;
        const SvmRows r = rows_of(c);
        const SvmModel m = fit(r, options.dump());
        EXPECT_TRUE(m.summary.converged);
        const double theirs = c["objective"].get<double>();
        // Ours is the optimum to 1e-10; theirs is liblinear's at its tol.
        EXPECT_LE(m.summary.objective, theirs * (1 + 1e-9));
        EXPECT_NEAR(m.summary.objective, theirs, 1e-7 * theirs);
        EXPECT_NEAR(m.summary.objective, svm_objective(r.view(), m.options, m.coefficients, m.intercept), 1e-12 * theirs);
        for (std::size_t j = 0; j < r.p; ++j)
            EXPECT_NEAR(m.coefficients[static_cast<Eigen::Index>(j)], c["coefficients"][j].get<double>(), 1e-5) << j;
        EXPECT_NEAR(m.intercept, c["intercept"].get<double>(), 1e-5);
        for (std::size_t q = 0; q < c["queries"].size(); ++q) {
            std::vector<double> x;
            for (const json& v : c["queries"][q]) x.push_back(v.get<double>());
            EXPECT_NEAR(m.predict(x.data()), c["decision"][q].get<double>(), 1e-5) << q;
        }
    }
}

// The default tol (1e-4, scikit-learn's) is close to the optimum already, and
// the fit does not depend on the row order beyond that tolerance.
TEST(Svm, DefaultToleranceAndRowOrder) {
    std::ifstream in(std::string(RECSYS_FIXTURES) + "/svm_reference.json");
    const json doc = json::parse(in);
    const json& c = doc["cases"][0];
    SvmRows r = rows_of(c), reversed = r;
    const std::size_t n = r.y.size();
    for (std::size_t i = 0; i < n; ++i) {
        reversed.y[i] = r.y[n - 1 - i];
        std::copy(r.x.begin() + static_cast<std::ptrdiff_t>((n - 1 - i) * r.p),
                  r.x.begin() + static_cast<std::ptrdiff_t>((n - i) * r.p),
                  reversed.x.begin() + static_cast<std::ptrdiff_t>(i * r.p));
    }
    const SvmModel a = fit(r, "{}"), b = fit(reversed, "{}");
    EXPECT_NEAR(a.summary.objective, c["objective"].get<double>(), 1e-4 * c["objective"].get<double>());
    EXPECT_NEAR(a.summary.objective, b.summary.objective, 1e-4 * a.summary.objective);
    EXPECT_EQ(a.coefficient_table().size(), r.p + 1);
}

// Rows of one-hot categories (3 of 30 features set a row, as UCI Adult's
// encoding) and a label from a planted rule with noise: mostly zero, so the
// solver reads them by their nonzeros, and many rows end at a bound, so
// shrinking sets them aside.
SvmRows one_hot_rows(std::size_t n) {
    SvmRows r;
    r.p = 30;
    std::uint64_t state = 12345;
    auto next = [&] {  // a small LCG: the test needs no statistical quality
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>(state >> 11) / 9007199254740992.0;
    };
    for (std::size_t i = 0; i < n; ++i) {
        double score = -0.2;
        for (std::size_t block = 0; block < 3; ++block) {
            const std::size_t level = static_cast<std::size_t>(next() * 10);
            for (std::size_t j = 0; j < 10; ++j) r.x.push_back(j == level ? 1.0 : 0.0);
            score += (static_cast<double>(level) - 4.5) / 10 * (block == 1 ? -1 : 1);
        }
        r.y.push_back(score + 0.4 * (next() - 0.5) > 0);
    }
    return r;
}

SvmModel train(const SvmRows& r, const std::string& options, SvmPath path) {
    static StopToken never;
    TrainContext ctx{1, nullptr, &never, nullptr};
    return train_svm(r.view(), parse_options(options, svm_option_schema()), ctx, TrainingSummary{}, path);
}

// Shrinking changes the path, not the optimum: both reach the same primal
// objective, for both losses, with and without the intercept, on the
// fixtures and on rows where shrinking sets most rows aside.
TEST(Svm, ShrinkingReachesTheSameOptimum) {
    std::ifstream in(std::string(RECSYS_FIXTURES) + "/svm_reference.json");
    const json doc = json::parse(in);
    std::vector<std::pair<SvmRows, json>> problems;
    for (const json& c : doc["cases"]) problems.emplace_back(rows_of(c), c["options"]);
    const SvmRows hot = one_hot_rows(3000);
    for (const char* loss : {"hinge", "squared_hinge"})
        for (bool intercept : {true, false})
            problems.emplace_back(hot, json{{"loss", loss}, {"fit_intercept", intercept}, {"C", 0.5}});
    for (auto& [r, options] : problems) {
        options["tol"] = 1e-9;
        options["iterations"] = 100000;
        SCOPED_TRACE(options.dump());
        SvmPath shrinking, plain;
        plain.shrinking = false;
        const SvmModel a = train(r, options.dump(), shrinking), b = train(r, options.dump(), plain);
        EXPECT_TRUE(a.summary.converged);
        EXPECT_TRUE(b.summary.converged);
        EXPECT_NEAR(a.summary.objective, b.summary.objective, 1e-9 * b.summary.objective);
        EXPECT_LT((a.coefficients - b.coefficients).cwiseAbs().maxCoeff(), 1e-6);
        EXPECT_NEAR(a.intercept, b.intercept, 1e-6);
        // The loss history is the dual objective: it rises to the primal optimum.
        ASSERT_FALSE(a.summary.loss.empty());
        EXPECT_NEAR(a.summary.loss.back(), a.summary.objective, 1e-6 * a.summary.objective);
        for (std::size_t k = 1; k < a.summary.loss.size(); ++k)
            EXPECT_GE(a.summary.loss[k], a.summary.loss[k - 1] - 1e-9 * a.summary.objective) << k;
    }
}

// Rows read by their nonzeros give the model dense rows give (the same
// visiting order: the same steps up to the rounding of the sums), and the
// shared rule (sparse_rows.h) picks the nonzeros for one-hot rows.
TEST(Svm, SparseAndDenseRowsGiveTheSameModel) {
    const SvmRows hot = one_hot_rows(2000);
    EXPECT_TRUE(mostly_zero(hot.x.data(), hot.y.size(), hot.p));
    for (const char* loss : {"hinge", "squared_hinge"}) {
        SCOPED_TRACE(loss);
        const std::string options = std::string(R"({"tol": 1e-9, "iterations": 100000, "loss": ")") + loss + "\"}";
        SvmPath dense, sparse, automatic;
        dense.rows = SvmPath::Rows::Dense;
        sparse.rows = SvmPath::Rows::Sparse;
        const SvmModel a = train(hot, options, dense), b = train(hot, options, sparse), c = train(hot, options, automatic);
        EXPECT_TRUE(a.summary.converged);
        EXPECT_TRUE(b.summary.converged);
        EXPECT_NEAR(a.summary.objective, b.summary.objective, 1e-10 * a.summary.objective);
        EXPECT_LT((a.coefficients - b.coefficients).cwiseAbs().maxCoeff(), 1e-7);
        EXPECT_NEAR(a.intercept, b.intercept, 1e-7);
        EXPECT_EQ(b.coefficients, c.coefficients);  // auto chose the nonzeros
        EXPECT_EQ(b.summary.iterations, c.summary.iterations);
    }
}

TEST(Svm, Errors) {
    SvmRows r;
    r.p = 1;
    r.x = {1, 2, 3};
    r.y = {1, 1, 1};
    expect_failure(ErrorKind::InvalidParameter, "both labels", [&] { fit(r, "{}"); });
    expect_failure(ErrorKind::InvalidParameter, "loss", [&] { parse_options(R"({"loss": "log"})", svm_option_schema()); });
    expect_failure(ErrorKind::InvalidParameter, "C", [&] { parse_options(R"({"C": 0})", svm_option_schema()); });
    r.y = {1, 0, 1};
    const SvmModel m = fit(r, R"({"iterations": 1})");
    EXPECT_FALSE(m.summary.converged);
    const double far[1] = {1e308};
    const SvmModel big = fit(r, R"({"C": 1000000})");
    try {
        big.predict(far);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::DataException);
    }
}

TEST(Svm, RoundTrip) {
    SvmRows r;
    r.p = 2;
    r.x = {0, 1, 1, 0, 2, 2, -1, -2};
    r.y = {1, 0, 1, 0};
    const SvmModel m = fit(r, R"({"loss": "hinge", "feature_names": ["a", "b"]})");
    const auto bytes = to_bytes(m);
    const auto again = load_model(bytes.data(), bytes.size());
    EXPECT_EQ(to_bytes(*again), bytes);
    const auto& back = model_as<SvmModel>(*again);
    EXPECT_EQ(back.coefficient_table()[2].name, "b");
}

// The payload head svm and logreg share (linear_decision.h) writes what
// each wrote before: the golden svm model reads and writes back byte for
// byte. The golden logreg model was saved before its max_iterations option
// was renamed iterations, so it writes back under today's name (as before
// the shared head, too); what it writes then is a fixed point.
TEST(Svm, GoldenLinearModelsWriteBackByteForByte) {
    for (const char* name : {"svm_v1.model", "logreg_v1.model"}) {
        SCOPED_TRACE(name);
        std::ifstream in(std::string(RECSYS_FIXTURES) + "/" + name, std::ios::binary);
        ASSERT_TRUE(in.good());
        const std::vector<unsigned char> stored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto model = load_model(stored.data(), stored.size());
        const auto again = to_bytes(*model);
        if (std::string(name) == "svm_v1.model") EXPECT_EQ(again, stored);
        const auto reloaded = load_model(again.data(), again.size());
        EXPECT_EQ(to_bytes(*reloaded), again);
    }
}

}  // namespace
}  // namespace recsys
