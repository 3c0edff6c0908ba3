// A/B tests (ab_test.h): the assignment hash as documented, bucket shares and
// independence, mergeable summaries, and the comparison against scipy's
// numbers on fixed inputs (tests/fixtures/ab_reference.json, written by
// tests/fixtures/make_ab_fixtures.py, which says how each number is computed).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "experiments/ab_test.h"
#include "base/random.h"
#include "expect_failure.h"
#include "test_support.h"

namespace recsys {
namespace {

using nlohmann::json;
using test::expect_failure;

double point(std::int64_t user, const std::string& experiment) {
    return ab_point(user, experiment.data(), experiment.size());
}

// ---------------------------------------------------------------- assignment

// The hash is the one ab_test.h documents, written out again here.
TEST(AbTest, PointIsTheDocumentedHash) {
    auto fnv1a64 = [](const std::string& s) {
        std::uint64_t h = 14695981039346656037ULL;
        for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
        return h;
    };
    for (std::int64_t user : {0LL, 1LL, -7LL, 123456789LL}) {
        for (const std::string e : {"ranker_v2", "", "thumbnails \xC3\xA9t\xC3\xA9"}) {
            const std::uint64_t h = splitmix64(splitmix64(fnv1a64(e)) ^ splitmix64(static_cast<std::uint64_t>(user)));
            EXPECT_EQ(point(user, e), static_cast<double>(h >> 11) / 9007199254740992.0);
        }
    }
}

TEST(AbTest, BucketsFollowTheWeightsAndStayPut) {
    const double weights[] = {0.5, 0.3, 0.2};
    const int users = 100000;
    std::vector<int> count(3, 0);
    for (int u = 0; u < users; ++u) {
        const int b = ab_variant(point(u, "exp"), weights, 3);
        ASSERT_TRUE(b >= 0 && b < 3);
        EXPECT_EQ(b, ab_variant(point(u, "exp"), weights, 3));
        count[static_cast<std::size_t>(b)]++;
    }
    for (int b = 0; b < 3; ++b)  // within 4 standard deviations
        EXPECT_NEAR(count[static_cast<std::size_t>(b)] / double(users), weights[b],
                    4 * std::sqrt(weights[b] * (1 - weights[b]) / users));
    // Unnormalized weights are shares of their sum; a zero weight gets no one.
    const double scaled[] = {5, 0, 3, 2};
    for (int u = 0; u < 1000; ++u) {
        const int b = ab_variant(point(u, "exp"), scaled, 4);
        EXPECT_NE(b, 1);
        EXPECT_EQ(b == 0 ? 0 : b - 1, ab_variant(point(u, "exp"), weights, 3));
    }
}

// Two experiments cross like independent coins: chi-square of the 2 x 3 table.
TEST(AbTest, ExperimentsAreIndependent) {
    const double halves[] = {1, 1}, thirds[] = {1, 1, 1};
    const int users = 60000;
    double table[2][3] = {};
    for (int u = 0; u < users; ++u)
        table[ab_variant(point(u, "a"), halves, 2)][ab_variant(point(u, "b"), thirds, 3)] += 1;
    double chi2 = 0;
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j) {
            const double row = table[i][0] + table[i][1] + table[i][2], column = table[0][j] + table[1][j];
            const double expected = row * column / users;
            chi2 += (table[i][j] - expected) * (table[i][j] - expected) / expected;
        }
    EXPECT_GT(chi_square_upper_tail(chi2, 2), 0.001) << "chi2 " << chi2;
}

TEST(AbTest, BadWeightsAreErrors) {
    expect_failure(ErrorKind::InvalidParameter, "weights must not be empty", [] { check_ab_weights(nullptr, 0); });
    const double negative[] = {1, -0.5};
    expect_failure(ErrorKind::InvalidParameter, "weights[2] is -0.5, not a finite number >= 0",
                   [&] { check_ab_weights(negative, 2); });
    const double nan[] = {NAN};
    expect_failure(ErrorKind::InvalidParameter, "weights[1] is nan", [&] { check_ab_weights(nan, 1); });
    const double zeros[] = {0, 0};
    expect_failure(ErrorKind::InvalidParameter, "weights must not all be 0", [&] { check_ab_weights(zeros, 2); });
}

// ---------------------------------------------------------------- summaries

TEST(AbTest, MomentsMergeAsIfAddedInOneGo) {
    AbMoments all, left, right;
    for (int i = 0; i < 1000; ++i) {
        const double x = std::sin(i) * 100 + 1e6;  // a large mean: the update must stay accurate
        all.add(x);
        (i % 3 ? left : right).add(x);
    }
    left.merge(right);
    EXPECT_EQ(left.n, all.n);
    EXPECT_NEAR(left.mean / all.mean, 1, 1e-14);
    EXPECT_NEAR(left.m2 / all.m2, 1, 1e-9);
    AbMoments empty;
    empty.merge(all);
    EXPECT_EQ(empty.mean, all.mean);
}

// ---------------------------------------------------------------- against scipy

json reference() {
    const std::string path = std::string(RECSYS_FIXTURES) + "/ab_reference.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path + " (tests/fixtures/make_ab_fixtures.py writes it)");
    return json::parse(in)["cases"];
}

// The variants of a fixture case, built from its formulas (make_ab_fixtures.py).
std::vector<AbVariant> variants_of(const json& c) {
    std::vector<AbVariant> out;
    for (std::size_t v = 0; v < c["n"].size(); ++v) {
        AbVariant variant;
        variant.name = std::to_string(v);
        variant.numbered = true;
        variant.number = static_cast<std::int64_t>(v);
        const int n = c["n"][v].get<int>();
        for (int i = 1; i <= n; ++i) {
            if (c["metric"] == "binary") variant.moments.add(i <= c["successes"][v].get<int>());
            else variant.moments.add(((37 * i + 11 * static_cast<int>(v)) % 101) / 10.0 * (1 + 0.25 * v) + 0.3 * v);
        }
        out.push_back(variant);
    }
    return out;
}

void expect_close(double ours, const json& expected, const std::string& what) {
    EXPECT_NEAR(ours, expected.get<double>(), 1e-9 * std::max(1.0, std::fabs(expected.get<double>())))
        << what << ": ours " << ours << ", scipy " << expected;
}

TEST(AbTest, ComparisonMatchesScipy) {
    const json cases = reference();
    for (const auto& [name, c] : cases.items()) {
        json options = {{"significance", c["alpha"]}, {"weights", c["weights"]}};
        if (c.contains("ci")) options["ci"] = c["ci"];
        const AbReport r = ab_compare(variants_of(c), c["metric"] == "binary", parse_ab_options(options.dump()), 0);
        ASSERT_EQ(r.variants.size(), c["variants"].size());
        EXPECT_EQ(r.control, "0");
        for (std::size_t v = 0; v < r.variants.size(); ++v) {
            const AbVariantResult& ours = r.variants[v];
            const json& scipy = c["variants"][v];
            const std::string at = name + " variant " + std::to_string(v) + " ";
            EXPECT_EQ(ours.n, scipy["n"].get<std::uint64_t>());
            expect_close(ours.mean, scipy["mean"], at + "mean");
            expect_close(ours.stddev, scipy["stddev"], at + "stddev");
            expect_close(ours.ci_low, scipy["ci_low"], at + "ci_low");
            expect_close(ours.ci_high, scipy["ci_high"], at + "ci_high");
            expect_close(ours.expected_share, c["srm"]["expected_share"][v], at + "expected_share");
            if (v == 0) {
                EXPECT_TRUE(ours.control);
                EXPECT_TRUE(std::isnan(ours.p_value));
                continue;
            }
            const std::pair<const char*, double> against_control[] = {
                {"diff", ours.diff},   {"diff_ci_low", ours.diff_ci_low}, {"diff_ci_high", ours.diff_ci_high},
                {"lift", ours.lift},   {"statistic", ours.statistic},     {"p_value", ours.p_value}};
            for (const auto& [key, value] : against_control) expect_close(value, scipy[key], at + key);
            if (scipy.contains("df")) expect_close(ours.df, scipy["df"], at + "df");
        }
        ASSERT_TRUE(r.has_srm);
        expect_close(r.srm_chi2, c["srm"]["chi2"], name + " srm chi2");
        expect_close(r.srm_p_value, c["srm"]["p_value"], name + " srm p_value");
    }
}

TEST(AbTest, ReportSaysWhatItFound) {
    const json c = reference()["binary"];
    AbReport r = ab_compare(variants_of(c), true, parse_ab_options(R"({"weights": [0.34, 0.33, 0.33]})"), 3);
    EXPECT_FALSE(r.srm_mismatch);
    EXPECT_EQ(ab_verdict(r),
              "Variant 1 vs control 0: lift +27.6% (p = 0.0534), not significant at the 95% level. "
              "Variant 2 vs control 0: lift -6.86% (p = 0.602), not significant at the 95% level.");
    const json doc = json::parse(ab_report_json(r));
    EXPECT_EQ(doc["metric"], "binary");
    EXPECT_EQ(doc["skipped_rows"], 3);
    EXPECT_EQ(doc["variants"][1]["successes"], 125);
    EXPECT_TRUE(doc["variants"][0]["p_value"].is_null());
    // The same counts against weights 0.8 / 0.1 / 0.1 are a sample ratio mismatch.
    r = ab_compare(variants_of(c), true, parse_ab_options(R"({"weights": [0.8, 0.1, 0.1]})"), 0);
    EXPECT_TRUE(r.srm_mismatch);
    EXPECT_TRUE(test::contains(ab_verdict(r), "Sample ratio mismatch")) << ab_verdict(r);
    // Another control: variant 1.
    r = ab_compare(variants_of(c), true, parse_ab_options(R"({"control": 1})"), 0);
    EXPECT_TRUE(r.variants[1].control);
    EXPECT_NEAR(r.variants[0].diff, 0.1 - 125.0 / 980, 1e-15);
}

TEST(AbTest, BadComparisonsAreErrors) {
    const json c = reference()["continuous"];
    std::vector<AbVariant> one = variants_of(c);
    one.resize(1);
    expect_failure(ErrorKind::InvalidParameter, "needs at least two variants, got only variant 0",
                   [&] { ab_compare(one, false, parse_ab_options("{}"), 0); });
    expect_failure(ErrorKind::InvalidParameter, "option \"control\" names variant 7, which is not one of the variants",
                   [&] { ab_compare(variants_of(c), false, parse_ab_options(R"({"control": 7})"), 0); });
    expect_failure(ErrorKind::InvalidParameter, "has no weight for variant 2",
                   [&] { ab_compare(variants_of(c), false, parse_ab_options(R"({"weights": [1, 1]})"), 0); });
    expect_failure(ErrorKind::InvalidParameter, "option \"weights\" must not be empty",
                   [] { parse_ab_options(R"({"weights": []})"); });
    expect_failure(ErrorKind::InvalidParameter, "gives variant 1 -1, not a number >= 0",
                   [] { parse_ab_options(R"({"weights": [1, -1]})"); });
    expect_failure(ErrorKind::InvalidParameter, "gives variant b \"x\", not a number >= 0",
                   [] { parse_ab_options(R"({"weights": {"a": 1, "b": "x"}})"); });
    expect_failure(ErrorKind::InvalidParameter, "unknown ab_compare option \"alfa\"",
                   [] { parse_ab_options(R"({"alfa": 0.1})"); });
    expect_failure(ErrorKind::InvalidParameter, "option \"significance\" must be between",
                   [] { parse_ab_options(R"({"significance": 0.9})"); });
}

}  // namespace
}  // namespace recsys
