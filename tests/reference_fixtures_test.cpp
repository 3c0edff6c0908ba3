// Models against the numbers scikit-learn and statsmodels give on the same rows, stored as
// fixtures in tests/fixtures/*_reference.json (data and results together; written by
// tests/fixtures/make_reference_fixtures.py, whose header says how, with which versions, and
// which options of ours make each reference's problem). The references are optima to about
// 1e-13 (each case records its `kkt_max`), so agreement is asserted to 1e-6.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "linear/logreg.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;
using nlohmann::json;

json load_fixture(const std::string& name) {
    const std::string path = std::string(RECSYS_FIXTURES) + "/" + name;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path + " (tests/fixtures/make_reference_fixtures.py writes it)");
    return json::parse(in);
}

// The fixture's x (a list of rows) as one row-major array.
std::vector<double> row_major(const json& x, std::size_t& n, std::size_t& p) {
    n = x.size();
    p = n ? x[0].size() : 0;
    std::vector<double> out;
    out.reserve(n * p);
    for (const json& row : x) {
        EXPECT_EQ(row.size(), p);
        for (const json& v : row) out.push_back(v.get<double>());
    }
    return out;
}

// |actual - expected| <= 1e-6 max(1, |expected|): relative for large values, absolute near zero.
void expect_close(double actual, double expected, const std::string& what) {
    EXPECT_LE(std::fabs(actual - expected), 1e-6 * std::max(1.0, std::fabs(expected)))
        << what << ": ours " << actual << ", reference " << expected;
}

// ---------------------------------------------------------------- logistic regression

struct LogregReference {
    json doc;
    std::vector<double> x;
    std::vector<char> y;  // bool storage the training reads as bool
    std::size_t n = 0, p = 0;

    const json& case_named(const std::string& name) const {
        for (const json& c : doc["cases"])
            if (c["name"] == name) return c;
        throw std::runtime_error("logreg_reference.json has no case " + name);
    }
};

const LogregReference& logreg_reference() {
    static const LogregReference r = [] {
        LogregReference r;
        r.doc = load_fixture("logreg_reference.json");
        r.x = row_major(r.doc["data"]["x"], r.n, r.p);
        for (const json& v : r.doc["data"]["y"]) r.y.push_back(v.get<bool>() ? 1 : 0);
        return r;
    }();
    return r;
}

// Trains on the fixture's rows with the case's options (l1, l2, fit_intercept), a tight
// tolerance and `solver`.
LogregModel train_reference(const json& c, const std::string& solver) {
    const LogregReference& r = logreg_reference();
    const json& o = c["options"];
    Options options = parse_options(
        options_json({num("l1", o["l1"].get<double>()), num("l2", o["l2"].get<double>()),
                      flag("fit_intercept", o["fit_intercept"].get<bool>()), num("tol", 1e-12),
                      {"solver", "\"" + solver + "\""}}),
        logreg_option_schema());
    MemoryBudget unlimited;
    StopToken never;
    TrainContext ctx{2, &unlimited, &never, nullptr};
    LogregData data{reinterpret_cast<const bool*>(r.y.data()), r.x.data(), r.n, r.p};
    return train_logreg(data, options, ctx, TrainingSummary{});
}

void expect_matches(const LogregModel& m, const json& c) {
    const json& coefficients = c["coefficients"];
    ASSERT_EQ(static_cast<std::size_t>(m.coefficients.size()), coefficients.size());
    for (std::size_t j = 0; j < coefficients.size(); ++j)
        expect_close(m.coefficients[static_cast<Eigen::Index>(j)], coefficients[j].get<double>(),
                     "coefficient " + std::to_string(j));
    expect_close(m.intercept, c["intercept"].get<double>(), "intercept");
}

TEST(ReferenceLogreg, L2IsScikitLearnsOptimumWithEitherSolver) {
    const json& c = logreg_reference().case_named("l2");  // LogisticRegression(C=0.5), l2 = 1 / (C n)
    for (const char* solver : {"newton", "lbfgs"}) {
        SCOPED_TRACE(solver);
        LogregModel m = train_reference(c, solver);
        EXPECT_TRUE(m.summary.converged);
        expect_matches(m, c);
    }
}

TEST(ReferenceLogreg, L1IsScikitLearnsOptimumWithTheSameExactZeros) {
    const json& c = logreg_reference().case_named("l1");  // LogisticRegression(C=0.1, penalty='l1', solver='saga'), l1 = 1 / (C n)
    LogregModel m = train_reference(c, "owlqn");
    expect_matches(m, c);
    for (const json& j : c["zero_coefficients"])
        EXPECT_EQ(m.coefficients[j.get<Eigen::Index>()], 0.0) << "coefficient " << j;
    EXPECT_EQ(static_cast<std::size_t>((m.coefficients.array() == 0).count()), c["zero_coefficients"].size());
}

}  // namespace
}  // namespace recsys
