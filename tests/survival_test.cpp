// Survival (src/core/survival/): Kaplan–Meier by hand on a small censored
// table with ties, and against statsmodels' SurvfuncRight; Cox proportional
// hazards on a case with a closed-form optimum and against statsmodels'
// PHReg (tests/fixtures/survival_reference.json, written by
// tests/fixtures/make_survival_fixtures.py, which says how each number is computed).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/random.h"
#include "model/model_format.h"
#include "survival/coxph.h"
#include "survival/kaplan_meier.h"
#include "expect_failure.h"
#include "test_support.h"

namespace recsys {
namespace {

using nlohmann::json;
using namespace recsys::test;

json reference() {
    const std::string path = std::string(RECSYS_FIXTURES) + "/survival_reference.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path + " (tests/fixtures/make_survival_fixtures.py writes it)");
    return json::parse(in);
}

// The fixture's rows, from its formulas (make_survival_fixtures.py).
struct Data {
    std::vector<double> time, x;  // x: n x 3, row-major
    std::vector<char> event;
    std::size_t n = 0;
};

Data fixture_data(std::size_t n) {
    Data d;
    d.n = n;
    for (std::size_t i = 1; i <= n; ++i) {
        const int a = static_cast<int>(13 * i % 17), b = static_cast<int>(29 * i % 11), c = static_cast<int>(i % 2);
        d.x.insert(d.x.end(), {a / 17.0 - 0.5, b / 11.0, static_cast<double>(c)});
        d.time.push_back(1 + static_cast<double>(37 * i % 29) + 2 * b + 6 * c);
        d.event.push_back(7 * i % 5 != 0);
    }
    return d;
}

void expect_close(double ours, const json& expected, const std::string& what, double tol = 1e-9) {
    if (expected.is_null()) {
        EXPECT_TRUE(std::isnan(ours)) << what << ": ours " << ours << ", statsmodels none";
        return;
    }
    EXPECT_NEAR(ours, expected.get<double>(), tol * std::max(1.0, std::fabs(expected.get<double>())))
        << what << ": ours " << ours << ", statsmodels " << expected;
}

// ---------------------------------------------------------------- Kaplan–Meier

// Ten rows; at time 2 two events and a censoring, at 4 an event and a
// censoring (the censored still count as at risk at their own time), the
// last two censored. The numbers below are worked by hand.
TEST(KaplanMeier, SmallCensoredTableByHand) {
    const double time[] = {1, 2, 2, 2, 3, 4, 4, 5, 6, 6};
    const bool event[] = {true, true, true, false, false, true, false, true, false, false};
    const auto curve = kaplan_meier(time, event, 10, 0.05);
    ASSERT_EQ(curve.size(), 6u);
    const double times[] = {1, 2, 3, 4, 5, 6};
    const std::uint64_t at_risk[] = {10, 9, 6, 5, 3, 2}, events[] = {1, 2, 0, 1, 1, 0}, censored[] = {0, 1, 1, 1, 0, 2};
    const double survival[] = {0.9, 0.7, 0.7, 0.56, 0.56 * 2 / 3, 0.56 * 2 / 3};
    // Greenwood: the sums of d / (n (n - d)).
    const double g1 = 1.0 / 90, g2 = g1 + 2.0 / 63, g4 = g2 + 1.0 / 20, g5 = g4 + 1.0 / 6;
    const double greenwood[] = {g1, g2, g2, g4, g5, g5};
    for (std::size_t k = 0; k < curve.size(); ++k) {
        EXPECT_EQ(curve[k].time, times[k]);
        EXPECT_EQ(curve[k].at_risk, at_risk[k]) << k;
        EXPECT_EQ(curve[k].events, events[k]) << k;
        EXPECT_EQ(curve[k].censored, censored[k]) << k;
        EXPECT_NEAR(curve[k].survival, survival[k], 1e-15) << k;
        EXPECT_NEAR(curve[k].std_error, survival[k] * std::sqrt(greenwood[k]), 1e-15) << k;
        const double spread = 1.959963984540054 * std::sqrt(greenwood[k]) / -std::log(survival[k]);
        EXPECT_NEAR(curve[k].lower, std::pow(survival[k], std::exp(spread)), 1e-12) << k;
        EXPECT_NEAR(curve[k].upper, std::pow(survival[k], std::exp(-spread)), 1e-12) << k;
        EXPECT_LT(curve[k].lower, curve[k].survival);
        EXPECT_GT(curve[k].upper, curve[k].survival);
    }
    // At time 1, by the binomial: se = sqrt(0.9 * 0.1 / 10).
    EXPECT_NEAR(curve[0].std_error, std::sqrt(0.009), 1e-15);
}

// Censorings before the first event: survival 1, a band of [1, 1]; the last
// row an event: survival 0, no standard error or band after it.
TEST(KaplanMeier, EdgesOfTheCurve) {
    const double time[] = {0, 1, 2, 3};
    const bool event[] = {false, true, true, true};
    const auto curve = kaplan_meier(time, event, 4, 0.05);
    ASSERT_EQ(curve.size(), 4u);
    EXPECT_EQ(curve[0].survival, 1);
    EXPECT_EQ(curve[0].std_error, 0);
    EXPECT_EQ(curve[0].lower, 1);
    EXPECT_EQ(curve[0].upper, 1);
    EXPECT_EQ(curve[3].survival, 0);
    EXPECT_TRUE(std::isnan(curve[3].std_error));
    EXPECT_TRUE(std::isnan(curve[3].lower));
    EXPECT_TRUE(kaplan_meier(time, event, 0, 0.05).empty());
}

// A wider band at a lower significance.
TEST(KaplanMeier, SignificanceWidensTheBand) {
    const double time[] = {1, 2, 2, 3, 4, 5};
    const bool event[] = {true, true, false, true, false, true};
    const auto at95 = kaplan_meier(time, event, 6, 0.05), at99 = kaplan_meier(time, event, 6, 0.01);
    for (std::size_t k = 0; k + 1 < at95.size(); ++k) {
        EXPECT_LT(at99[k].lower, at95[k].lower) << k;
        EXPECT_GT(at99[k].upper, at95[k].upper) << k;
    }
}

// Every event time of statsmodels' SurvfuncRight on the fixture's 200 rows.
TEST(KaplanMeier, MatchesStatsmodels) {
    const json ref = reference();
    const json& km = ref["kaplan_meier"];
    const Data d = fixture_data(ref["n"].get<std::size_t>());
    std::unique_ptr<bool[]> event(new bool[d.n]);
    for (std::size_t i = 0; i < d.n; ++i) event[i] = d.event[i];
    const auto curve = kaplan_meier(d.time.data(), event.get(), d.n, 0.05);
    std::size_t k = 0;
    for (const KaplanMeierPoint& p : curve) {
        if (p.events == 0) continue;  // statsmodels lists the event times only
        ASSERT_LT(k, km["time"].size());
        const std::string at = "time " + std::to_string(p.time) + " ";
        EXPECT_EQ(p.time, km["time"][k].get<double>());
        EXPECT_EQ(p.at_risk, km["at_risk"][k].get<std::uint64_t>()) << at;
        EXPECT_EQ(p.events, km["events"][k].get<std::uint64_t>()) << at;
        expect_close(p.survival, km["survival"][k], at + "survival", 1e-12);
        expect_close(p.std_error, km["std_error"][k], at + "std_error", 1e-12);
        expect_close(p.lower, km["lower"][k], at + "lower", 1e-12);
        expect_close(p.upper, km["upper"][k], at + "upper", 1e-12);
        ++k;
    }
    EXPECT_EQ(k, km["time"].size());
}

// The aggregate's summary (kaplan_meier_kind): rows added in the host's
// batches, parallel parts merged (one handed over as bytes) give the curve of
// every row at once, on times with many distinct values (the hash table grows
// many times) and ties, -0 counted as 0.
struct KmRows {
    std::vector<double> time;
    std::unique_ptr<bool[]> event;
    std::size_t n;
};

KmRows km_rows(std::size_t n) {
    KmRows r{{}, std::unique_ptr<bool[]>(new bool[n]), n};
    SplitMix rng(7);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t u = rng.next();
        // a third of the rows on 50 whole days (ties), the rest continuous; a few at -0 and 0
        r.time.push_back(i % 3 == 0 ? static_cast<double>(u % 50) : (u >> 11) * 0x1.0p-53 * 1000);
        if (i % 1000 == 1) r.time.back() = (i % 2000 == 1) ? -0.0 : 0.0;
        r.event[i] = (u >> 7) % 3 != 0;
    }
    return r;
}

TrainingRows km_view(const KmRows& r, std::size_t begin, std::size_t end) {
    TrainingRows rows;
    rows.count = end - begin;
    rows.columns.push_back({"time", ColumnType::Float64, r.time.data() + begin, 1});
    rows.columns.push_back({"event", ColumnType::Bool, r.event.get() + begin, 1});
    return rows;
}

std::unique_ptr<RowSummary> km_summarize(const KmRows& r, std::size_t begin, std::size_t end, MemoryBudget& budget) {
    const SummaryKind& kind = *kaplan_meier_kind().aggregate.summary;
    auto s = kind.create(km_view(r, begin, begin), Options(), budget);
    for (std::size_t b = begin; b < end; b += kind.batch_rows)
        s->add(km_view(r, b, std::min(end, b + kind.batch_rows)), budget);
    return s;
}

std::vector<KaplanMeierPoint> km_curve(RowSummary& summary, std::size_t n) {
    MemoryBudget unlimited;
    kaplan_meier_count(summary, unlimited);
    TrainingRows rows;
    rows.summary = &summary;
    rows.summarized = n;
    return kaplan_meier_of(rows, parse_options("{}", *kaplan_meier_kind().aggregate.options));
}

void expect_same_curve(const std::vector<KaplanMeierPoint>& a, const std::vector<KaplanMeierPoint>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
        EXPECT_EQ(a[k].time, b[k].time) << k;
        EXPECT_EQ(a[k].at_risk, b[k].at_risk) << k;
        EXPECT_EQ(a[k].events, b[k].events) << k;
        EXPECT_EQ(a[k].censored, b[k].censored) << k;
        EXPECT_EQ(a[k].survival, b[k].survival) << k;
    }
}

TEST(KaplanMeier, SummaryCountsEveryRowOnce) {
    const std::size_t n = 300000;
    const KmRows r = km_rows(n);
    const auto expected = kaplan_meier(r.time.data(), r.event.get(), n, 0.05);
    ASSERT_GT(expected.size(), n / 2);  // many distinct times
    EXPECT_EQ(expected[0].time, 0);
    MemoryBudget unlimited;
    auto whole = km_summarize(r, 0, n, unlimited);
    expect_same_curve(km_curve(*whole, n), expected);
    EXPECT_EQ(km_curve(*whole, n).size(), expected.size());  // counting twice changes nothing

    // Three parallel parts, the second handed over as bytes.
    const SummaryKind& kind = *kaplan_meier_kind().aggregate.summary;
    auto a = km_summarize(r, 0, n / 3, unlimited);
    auto b = km_summarize(r, n / 3, n / 3 + 1500, unlimited);
    auto c = km_summarize(r, n / 3 + 1500, n, unlimited);
    ByteWriter counter;
    b->write(counter);
    std::vector<unsigned char> bytes(counter.size());
    ByteWriter w(bytes.data(), bytes.size());
    b->write(w);
    ByteReader reader(bytes.data(), bytes.size());
    auto back = kind.read(reader, km_view(r, 0, 0), Options(), unlimited);
    a->merge(*back, unlimited);
    a->merge(*c, unlimited);
    expect_same_curve(km_curve(*a, n), expected);

    // Bytes that are not a summary: their number of times (8 bytes), then
    // each time (8) with its events (8) and censorings (8).
    ASSERT_GT(bytes.size(), 8 + 2 * 24u);
    ASSERT_EQ((bytes.size() - 8) % 24, 0u);
    std::vector<unsigned char> negative = bytes, repeated = bytes;
    const double minus_one = -1;
    std::memcpy(negative.data() + 8, &minus_one, sizeof minus_one);  // the first time
    std::copy_n(bytes.begin() + 8, 8, repeated.begin() + 8 + 24);  // the second time is the first
    for (const auto& [bad, message] : {std::make_pair(negative, "kaplan_meier state has a bad time or count"),
                                       std::make_pair(repeated, "kaplan_meier state repeats a time")}) {
        ByteReader in(bad.data(), bad.size());
        expect_failure(ErrorKind::Corrupted, message, [&] { kind.read(in, km_view(r, 0, 0), Options(), unlimited); });
    }
}

// The summary claims its memory before it grows: a small budget is an
// OutOfMemory error naming kaplan_meier, not an allocation.
TEST(KaplanMeier, SummaryClaimsItsMemory) {
    const KmRows r = km_rows(200000);
    MemoryBudget small(1 << 20);
    try {
        km_summarize(r, 0, r.n, small);
        FAIL() << "200,000 distinct times fit in 1 MB";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::OutOfMemory);
        EXPECT_NE(std::string(e.what()).find("kaplan_meier"), std::string::npos) << e.what();
    }
}

// ---------------------------------------------------------------- Cox

CoxModel train(const SurvivalRows& rows, const std::vector<OptionArg>& options, StopToken* stop = nullptr) {
    MemoryBudget unlimited;
    StopToken never;
    TrainContext ctx{1, &unlimited, stop ? stop : &never, nullptr};
    return train_coxph(rows, parse_options(options_json(options), coxph_option_schema()), ctx, TrainingSummary{});
}

struct Rows {
    std::vector<double> time, x;
    std::unique_ptr<bool[]> event;
    std::size_t n, p;
    SurvivalRows view() const { return {time.data(), event.get(), x.data(), n, p}; }
};

Rows rows_of(const Data& d, std::size_t n) {
    Rows r{std::vector<double>(d.time.begin(), d.time.begin() + static_cast<long>(n)),
           std::vector<double>(d.x.begin(), d.x.begin() + static_cast<long>(3 * n)), std::unique_ptr<bool[]>(new bool[n]),
           n, 3};
    for (std::size_t i = 0; i < n; ++i) r.event[i] = d.event[i];
    return r;
}

// Two groups (x = 1, x = 0), two rows each. At time 1 an event in each
// (tied), at time 2 an event (x = 1) and a censoring (x = 0). With u = e^beta,
// Breslow: log PL = 2 beta - 3 log(u + 1) - 2 log 2, whose derivative
// 2 - 3 u / (u + 1) vanishes at u = 2: beta = log 2, information
// 3 u / (u + 1)^2 = 2/3, log PL = -3 log 3; the baseline hazard adds
// 2 / (2u + 2) = 1/3 at time 1 and 1 / (u + 1) = 1/3 at time 2.
TEST(Coxph, TwoGroupsClosedForm) {
    const double time[] = {1, 1, 2, 2}, x[] = {1, 0, 1, 0};
    const bool event[] = {true, true, true, false};
    const CoxModel m = train({time, event, x, 4, 1}, {});
    EXPECT_TRUE(m.summary.converged);
    EXPECT_NEAR(m.coefficients[0], std::log(2.0), 1e-12);
    EXPECT_NEAR(m.std_errors[0], std::sqrt(1.5), 1e-8);
    EXPECT_NEAR(m.summary.log_likelihood, -3 * std::log(3.0), 1e-12);
    ASSERT_EQ(m.baseline_time, (std::vector<double>{1, 2}));
    EXPECT_NEAR(m.baseline_hazard[0], 1.0 / 3, 1e-10);
    EXPECT_NEAR(m.baseline_hazard[1], 2.0 / 3, 1e-10);
    const double one = 1;
    EXPECT_NEAR(m.predict(&one), 2, 1e-9);  // the relative hazard of x = 1
    const auto curve = m.survival_curve(&one);
    EXPECT_NEAR(curve[1].survival, std::exp(-4.0 / 3), 1e-9);
    const auto table = m.coefficient_table();
    ASSERT_EQ(table.size(), 1u);
    EXPECT_EQ(table[0].name, "x1");
    EXPECT_NEAR(table[0].t_stat, std::log(2.0) / std::sqrt(1.5), 1e-8);
}

// The gradient and information of the partial likelihood against central
// finite differences, on the fixture's rows (many ties).
TEST(Coxph, DerivativesMatchFiniteDifferences) {
    const Rows r = rows_of(fixture_data(200), 200);
    const Eigen::Vector3d beta(0.3, -1.2, 0.5);
    const PartialLikelihood at = breslow_partial_likelihood(r.view(), beta);
    const double h = 1e-5;
    for (int j = 0; j < 3; ++j) {
        Eigen::Vector3d up = beta, down = beta;
        up[j] += h;
        down[j] -= h;
        const PartialLikelihood u = breslow_partial_likelihood(r.view(), up), d = breslow_partial_likelihood(r.view(), down);
        EXPECT_NEAR(at.gradient[j], (u.log_likelihood - d.log_likelihood) / (2 * h), 1e-5) << j;
        for (int k = 0; k < 3; ++k)
            EXPECT_NEAR(at.information(j, k), -(u.gradient[k] - d.gradient[k]) / (2 * h), 1e-5) << j << "," << k;
    }
}

TEST(Coxph, MatchesStatsmodelsPHReg) {
    const json ref = reference();
    const json& cox = ref["coxph"];
    const Rows r = rows_of(fixture_data(ref["n"].get<std::size_t>()), ref["n"].get<std::size_t>());
    const CoxModel m = train(r.view(), {});
    EXPECT_TRUE(m.summary.converged);
    const auto table = m.coefficient_table();
    for (int j = 0; j < 3; ++j) {
        const std::string at = "x" + std::to_string(j + 1) + " ";
        expect_close(m.coefficients[j], cox["coefficients"][j], at + "coefficient", 1e-7);
        expect_close(m.std_errors[j], cox["std_errors"][j], at + "std_error", 1e-7);
        expect_close(table[static_cast<std::size_t>(j)].t_stat, cox["z"][j], at + "z", 1e-7);
        expect_close(table[static_cast<std::size_t>(j)].p_value, cox["p_values"][j], at + "p", 1e-6);
    }
    expect_close(m.summary.log_likelihood, cox["log_likelihood"], "log likelihood", 1e-12);
    ASSERT_EQ(m.baseline_time.size(), cox["baseline_time"].size());
    for (std::size_t k = 0; k < m.baseline_time.size(); ++k) {
        EXPECT_EQ(m.baseline_time[k], cox["baseline_time"][k].get<double>());
        expect_close(m.baseline_hazard[k], cox["baseline_cumulative_hazard"][k], "baseline " + std::to_string(k), 1e-6);
    }
}

TEST(Coxph, L2MatchesThePenalizedOptimum) {
    const json ref = reference();
    const json& cox = ref["coxph_l2"];
    const Rows r = rows_of(fixture_data(ref["n"].get<std::size_t>()), ref["n"].get<std::size_t>());
    const CoxModel m = train(r.view(), {num("l2", cox["l2"].get<double>())});
    EXPECT_TRUE(m.summary.converged);
    for (int j = 0; j < 3; ++j) expect_close(m.coefficients[j], cox["coefficients"][j], "coefficient", 1e-7);
    expect_close(m.summary.log_likelihood, cox["log_likelihood"], "log likelihood", 1e-10);
    EXPECT_TRUE(std::isnan(m.std_errors[0]));  // a penalized fit has no standard errors
}

TEST(Coxph, RowOrderDoesNotMatter) {
    const Data d = fixture_data(120);
    Rows forward = rows_of(d, 120), backward = rows_of(d, 120);
    for (std::size_t i = 0; i < 120; ++i) {
        const std::size_t k = 119 - i;
        backward.time[i] = forward.time[k];
        backward.event[i] = forward.event[k];
        for (int j = 0; j < 3; ++j) backward.x[3 * i + j] = forward.x[3 * k + j];
    }
    const CoxModel a = train(forward.view(), {}), b = train(backward.view(), {});
    EXPECT_TRUE(a.coefficients == b.coefficients);  // bit for bit: ties are summed in one order
    EXPECT_EQ(a.baseline_hazard, b.baseline_hazard);
}

TEST(Coxph, Errors) {
    const double time[] = {1, 2}, x[] = {1, 0};
    const bool censored[] = {false, false};
    expect_failure(ErrorKind::InvalidParameter, "at least one event", [&] { train({time, censored, x, 2, 1}, {}); });
    const bool event[] = {true, true};
    expect_failure(ErrorKind::InvalidParameter, "at least one feature", [&] { train({time, event, x, 2, 0}, {}); });
    const double constant[] = {1, 0, 1, 1};  // the first feature is 1 in both rows
    expect_failure(ErrorKind::InvalidParameter, "feature 1 has the same value in every row",
                   [&] { train({time, event, constant, 2, 2}, {}); });
    MemoryBudget tiny(1000);
    StopToken never;
    TrainContext ctx{1, &tiny, &never, nullptr};
    const Rows r = rows_of(fixture_data(200), 200);
    expect_failure(ErrorKind::OutOfMemory, "coxph_fit", [&] {
        train_coxph(r.view(), parse_options("{}", coxph_option_schema()), ctx, TrainingSummary{});
    });
    StopToken stop([] { return true; });
    EXPECT_THROW(train(r.view(), {}, &stop), Cancelled);
}

TEST(Coxph, PayloadRoundTripIsExact) {
    const Rows r = rows_of(fixture_data(100), 100);
    const CoxModel m = train(r.view(), {{"feature_names", "[\"tenure\", \"rating\", \"night\"]"}});
    const std::vector<unsigned char> bytes = to_bytes(m);
    const std::shared_ptr<const Model> back = load_model(bytes.data(), bytes.size());
    const auto& typed = model_as<CoxModel>(*back);
    EXPECT_TRUE(typed.coefficients == m.coefficients);
    EXPECT_EQ(typed.baseline_hazard, m.baseline_hazard);
    EXPECT_EQ(typed.metadata_json(), m.metadata_json());
    EXPECT_EQ(to_bytes(typed), bytes);
    EXPECT_EQ(typed.coefficient_table()[1].name, "rating");
}

}  // namespace
}  // namespace recsys
