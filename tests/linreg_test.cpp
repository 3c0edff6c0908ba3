// Linear regression: an exactly solvable OLS, statsmodels' and
// scikit-learn's numbers (tests/fixtures/*_reference.json, made by
// tests/fixtures/make_reference_fixtures.py), the summary folded in pieces
// and merged equals the summary of all rows at once, errors, and the payload.
#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "base/error.h"
#include "linear/linreg.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;
using json = nlohmann::json;

struct Data {
    std::vector<double> y, x;  // x: n x p, row-major
    std::size_t p;
    std::size_t n() const { return y.size(); }
};

// The rows [begin, end) as the aggregate hands them to a RowSummary.
TrainingRows rows_of(const Data& d, std::size_t begin, std::size_t end) {
    TrainingRows rows;
    rows.count = end - begin;
    rows.columns.push_back({"y", ColumnType::Float64, d.y.data() + begin, 1});
    rows.columns.push_back({"features", ColumnType::Float64Array, d.x.data() + begin * d.p, d.p});
    return rows;
}

// The summary of the rows, added `pieces` rows at a time.
std::unique_ptr<RowSummary> summarize(const Data& d, std::size_t begin, std::size_t end, std::size_t pieces) {
    MemoryBudget unlimited;
    auto s = linreg_summary().create(rows_of(d, 0, 0), Options(), unlimited);
    for (std::size_t i = begin; i < end; i += pieces) s->add(rows_of(d, i, std::min(end, i + pieces)), unlimited);
    return s;
}

// The summary's factor: n, then R.
const double* factor_of(const Data& d, const RowSummary& summary) {
    TrainingRows rows = rows_of(d, 0, 0);
    rows.summary = &summary;
    std::size_t p = 0;
    const double* factor = linreg_factor(rows, &p);
    EXPECT_EQ(p, d.p);
    return factor;
}

LinregModel fit(const Data& d, const std::string& options, const RowSummary& summary) {
    MemoryBudget unlimited;
    StopToken never;
    TrainContext ctx{1, &unlimited, &never, nullptr};
    return fit_linreg(factor_of(d, summary), d.p, parse_options(options, linreg_option_schema()), ctx,
                      TrainingSummary{});
}

LinregModel fit(const Data& d, const std::string& options = "{}") {
    return fit(d, options, *summarize(d, 0, d.n(), 1000));
}

Data generated(std::size_t n, std::size_t p, std::uint32_t seed, double noise) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0, 1);
    Data d{{}, {}, p};
    for (std::size_t i = 0; i < n; ++i) {
        double y = 3;
        for (std::size_t j = 0; j < p; ++j) {
            double v = normal(rng) * (j + 1);
            d.x.push_back(v);
            y += (j % 2 ? -1.0 : 2.0) * v;
        }
        d.y.push_back(y + noise * normal(rng));
    }
    return d;
}

json fixture(const char* name) {
    std::ifstream in(std::string(RECSYS_FIXTURES) + "/" + name);
    return json::parse(in);
}

Data fixture_data(const json& f) {
    Data d{{}, {}, f["data"]["x"][0].size()};
    for (const auto& row : f["data"]["x"])
        for (double v : row) d.x.push_back(v);
    for (double v : f["data"]["y"]) d.y.push_back(v);
    return d;
}

void expect_relative(double actual, double expected, double tolerance, const std::string& what) {
    EXPECT_LE(std::fabs(actual - expected), tolerance * std::max(std::fabs(expected), 1e-300))
        << what << ": " << actual << " vs " << expected;
}

TEST(Linreg, ExactlyLinearDataIsSolvedExactly) {
    Data d = generated(500, 4, 1, 0.0);
    LinregModel m = fit(d);
    EXPECT_NEAR(m.intercept, 3, 1e-12);
    for (int j = 0; j < 4; ++j) EXPECT_NEAR(m.coefficients(j), j % 2 ? -1.0 : 2.0, 1e-12) << j;
    EXPECT_NEAR(m.statistics.r_squared, 1, 1e-12);
    EXPECT_LT(m.statistics.residual_std_error, 1e-12);
    EXPECT_EQ(m.statistics.df_residual, 495);
    EXPECT_EQ(m.summary.solver, "qr");
}

TEST(Linreg, OlsEqualsStatsmodels) {
    json f = fixture("ols_reference.json");
    Data d = fixture_data(f);
    for (const json& c : f["cases"]) {
        const bool intercept = c["fit_intercept"];
        LinregModel m = fit(d, intercept ? "{}" : "{\"fit_intercept\": false}");
        auto table = m.coefficient_table();
        ASSERT_EQ(table.size(), c["params"].size());
        for (std::size_t j = 0; j < table.size(); ++j) {
            const std::string term = "term " + std::to_string(table[j].feature);
            expect_relative(table[j].coefficient, c["params"][j], 1e-8, term + " coefficient");
            expect_relative(table[j].std_error, c["bse"][j], 1e-8, term + " std error");
            expect_relative(table[j].t_stat, c["tvalues"][j], 1e-8, term + " t");
            expect_relative(table[j].p_value, c["pvalues"][j], 1e-6, term + " p-value");
        }
        const LinregStatistics& s = m.statistics;
        expect_relative(s.r_squared, c["rsquared"], 1e-10, "R^2");
        expect_relative(s.adj_r_squared, c["rsquared_adj"], 1e-10, "adjusted R^2");
        expect_relative(s.f_statistic, c["fvalue"], 1e-8, "F");
        expect_relative(s.f_p_value, c["f_pvalue"], 1e-6, "F p-value");
        expect_relative(s.residual_std_error, c["residual_std_error"], 1e-10, "residual std error");
        expect_relative(s.condition_number, c["condition_number"], 1e-8, "condition number");
        EXPECT_EQ(s.df_residual, c["df_resid"].get<double>());
        EXPECT_EQ(s.df_model, c["df_model"].get<double>());
    }
}

TEST(Linreg, PenalizedFitsEqualScikitLearn) {
    json f = fixture("elasticnet_reference.json");
    Data d = fixture_data(f);
    for (const json& c : f["cases"]) {
        LinregModel m = fit(d, c["options"].dump());
        const std::string name = c["name"];
        EXPECT_NEAR(m.intercept, c["intercept"].get<double>(), 1e-8) << name;
        for (std::size_t j = 0; j < c["coefficients"].size(); ++j)
            EXPECT_NEAR(m.coefficients(static_cast<Eigen::Index>(j)), c["coefficients"][j].get<double>(), 1e-8)
                << name << " coefficient " << j;
        for (int j : c["zero_coefficients"]) EXPECT_EQ(m.coefficients(j), 0.0) << name << " coefficient " << j;
        EXPECT_TRUE(m.summary.converged) << name;
        EXPECT_TRUE(std::isnan(m.std_errors(1))) << name;
    }
}

TEST(Linreg, SummaryFoldedInPiecesAndMergedEqualsOneFold) {
    Data d = generated(5000, 6, 2, 0.5);
    const LinregModel whole = fit(d, "{}", *summarize(d, 0, d.n(), d.n()));
    // Three partial states, added in different pieces, merged as a parallel plan does.
    auto merged = summarize(d, 0, 1700, 7);
    auto second = summarize(d, 1700, 3000, 513), third = summarize(d, 3000, 5000, 1);
    MemoryBudget unlimited;
    merged->merge(*second, unlimited);
    merged->merge(*third, unlimited);
    EXPECT_EQ(factor_of(d, *merged)[0], 5000);
    const LinregModel parts = fit(d, "{}", *merged);
    expect_relative(parts.intercept, whole.intercept, 1e-12, "intercept");
    for (Eigen::Index j = 0; j < 6; ++j) {
        expect_relative(parts.coefficients(j), whole.coefficients(j), 1e-12, "coefficient");
        expect_relative(parts.std_errors(j + 1), whole.std_errors(j + 1), 1e-12, "std error");
    }
}

TEST(Linreg, RidgeSolvesItsNormalEquations) {
    Data d = generated(300, 3, 3, 1.0);
    const double l2 = 0.5;
    LinregModel m = fit(d, "{\"l2\": 0.5}");
    // (Xc' Xc / n + l2 I) beta = Xc' yc / n on the centered data, in long double.
    const auto n = static_cast<Eigen::Index>(d.n());
    Eigen::MatrixXd x = Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        d.x.data(), n, 3);
    Eigen::VectorXd y = Eigen::Map<Eigen::VectorXd>(d.y.data(), n);
    x.rowwise() -= x.colwise().mean();
    y.array() -= y.mean();
    Eigen::MatrixXd a = x.transpose() * x / static_cast<double>(n) + l2 * Eigen::MatrixXd::Identity(3, 3);
    Eigen::VectorXd beta = a.ldlt().solve(x.transpose() * y / static_cast<double>(n));
    for (Eigen::Index j = 0; j < 3; ++j) EXPECT_NEAR(m.coefficients(j), beta(j), 1e-10);
    EXPECT_EQ(m.summary.solver, "ridge");
}

TEST(Linreg, CollinearAndTooFewRowsAreErrors) {
    Data d = generated(100, 2, 4, 1.0);
    for (std::size_t i = 0; i < d.n(); ++i) d.x[i * 2 + 1] = 3 * d.x[i * 2];  // x2 = 3 x1
    expect_error(error_from([&] { fit(d, "{\"feature_names\": [\"size\", \"area\"]}"); }, "collinear"),
                 ErrorKind::DataException,
                 "linreg_fit features[2] (area) is a linear combination of the intercept and the features before it",
                 "drop it (collinear features have no unique least-squares coefficients), or fit with \"l2\" > 0 "
                 "(ridge)");
    EXPECT_NO_THROW(fit(d, "{\"l2\": 0.1}"));  // ridge is defined
    Data few = generated(2, 2, 5, 1.0);
    expect_error(error_from([&] { fit(few); }, "too few rows"), ErrorKind::DataException,
                 "linreg_fit has 2 rows: least squares with 3 terms needs at least 3",
                 "train on more rows, or fit with \"l2\" > 0 (ridge)");
    Data named = generated(50, 2, 6, 1.0);
    Error e = error_from([&] { fit(named, "{\"feature_names\": [\"a\"]}"); }, "names");
    EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
    EXPECT_EQ(std::string(e.what()), "linreg_fit option \"feature_names\" has 1 names, the rows have 2 features");
}

TEST(Linreg, PayloadRoundTripIsExact) {
    Data d = generated(400, 3, 7, 1.0);
    LinregModel m = fit(d, "{\"feature_names\": [\"a\", \"b\", \"c\"]}");
    std::vector<unsigned char> bytes = to_bytes(m);
    std::shared_ptr<const Model> back = load_model(bytes.data(), bytes.size());
    const auto& typed = model_as<LinregModel>(*back);
    EXPECT_TRUE(typed.coefficients == m.coefficients);
    EXPECT_TRUE(typed.std_errors == m.std_errors);
    EXPECT_EQ(typed.metadata_json(), m.metadata_json());
    EXPECT_EQ(typed.coefficient_table()[2].name, "b");
    EXPECT_EQ(to_bytes(typed), bytes);
    EXPECT_EQ(typed.predict(&d.x[0]), m.predict(&d.x[0]));
}

}  // namespace
}  // namespace recsys
