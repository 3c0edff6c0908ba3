// A/B tests: assigning users to variants, and comparing the variants on a
// metric.
//
// Assignment (recsys.ab_bucket): a user's point in [0, 1) is a hash of
// (experiment, user_id), the same on every call, machine and version;
// variants take consecutive shares of [0, 1) in proportion to their weights.
// Written out so that anyone can reproduce it (53 bits of the hash):
//
//   e = splitmix64(fnv1a64(experiment's UTF-8 bytes))
//   u = (splitmix64(e XOR splitmix64(user_id)) >> 11) / 2^53
//
// (splitmix64 as in random.h: add 0x9e3779b97f4a7c15, then the SplitMix64
// finalizer). Another experiment name gives another, independent point.
//
// Comparison (recsys.ab_compare): per variant, a mergeable summary of the
// metric (count and successes for a binary metric; count, mean and the sum of
// squared deviations for a continuous one); then each variant against the
// control: a two-proportion z-test (pooled standard error; Wald interval of
// the difference) or Welch's t-test (Welch-Satterthwaite degrees of freedom),
// the lift (difference / control's mean), each variant's confidence interval
// (Wilson or normal for a rate, Student's t for a mean), and the sample-ratio-
// mismatch check: a chi-square test of the variants' counts against the
// expected shares.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../base/options.h"

namespace recsys {

// ---------------------------------------------------------------- assignment

// The user's point in [0, 1) for the experiment.
double ab_point(std::int64_t user_id, const char* experiment, std::size_t length);

// Checks weights: at least one, each finite and >= 0, not all 0. An
// InvalidParameter error naming the element otherwise.
void check_ab_weights(const double* weights, std::size_t n);

// The variant 0 .. n-1 of the point: the first whose cumulative share passes it.
int ab_variant(double point, const double* weights, std::size_t n);

// ---------------------------------------------------------------- summaries

// One variant's metric, summarized as rows arrive; two summaries merge (Chan
// et al.'s update of mean and squared deviations).
struct AbMoments {
    std::uint64_t n = 0;
    std::uint64_t successes = 0;  // binary metric: rows with true
    double mean = 0;
    double m2 = 0;  // sum of squared deviations from the mean

    void add(double x) {
        ++n;
        const double d = x - mean;
        mean += d / static_cast<double>(n);
        m2 += d * (x - mean);
    }
    void add(bool x) {
        successes += x;
        add(x ? 1.0 : 0.0);
    }
    void merge(const AbMoments& o) {
        if (o.n == 0) return;
        const double na = static_cast<double>(n), nb = static_cast<double>(o.n), total = na + nb, d = o.mean - mean;
        mean += d * nb / total;
        m2 += o.m2 + d * d * na * nb / total;
        n += o.n;
        successes += o.successes;
    }
};

// A variant as the aggregate saw it: its name (a number's decimal text for
// numbered variants) and its summary.
struct AbVariant {
    std::string name;
    bool numbered = false;
    std::int64_t number = 0;
    AbMoments moments;
};

// ---------------------------------------------------------------- options

const OptionSchema& ab_option_schema();

// The most variants one ab_compare compares (its rows', and its weights').
constexpr std::size_t kAbMaxVariants = 1000;

struct AbOptions {
    double significance = 0.05;
    std::string control;  // empty: the first variant
    // Expected share of each variant by name; empty: no SRM check. Weights
    // given as an array name variants "0", "1", ... (by_number).
    std::vector<std::pair<std::string, double>> weights;
    bool weights_by_number = false;
    bool wilson = true;  // the interval of a rate: Wilson, or normal (Wald)
    double srm_significance = 0.001;
};

// Parses ab_compare's options (JSON object text): significance, control (a name or
// a variant number), weights ([0.5, 0.3, 0.2] by variant number, or
// {"name": weight}), ci ("wilson" | "normal"), srm_significance.
AbOptions parse_ab_options(const std::string& json);
// The same, from options the shared parser read with ab_option_schema().
AbOptions ab_options(const Options& options);

// ab_compare(variant bigint | text, value float8 | bool [, options]) -> jsonb
// as a statistic over rows (statistic_kind.h): its summary is a mergeable
// AbMoments per variant (ab_kind.cpp).
struct StatisticKind;
const StatisticKind& ab_compare_kind();

// ---------------------------------------------------------------- comparison

struct AbVariantResult {
    std::string name;
    bool control = false;
    std::uint64_t n = 0, successes = 0;
    double mean = NAN, stddev = NAN, ci_low = NAN, ci_high = NAN;
    // Against the control (NaN for the control itself, or where undefined).
    double diff = NAN, diff_ci_low = NAN, diff_ci_high = NAN, lift = NAN;
    double statistic = NAN, df = NAN, p_value = NAN;
    double expected_share = NAN, observed_share = NAN;
};

struct AbReport {
    bool binary = false;
    double significance = 0.05;
    std::string control;
    std::vector<AbVariantResult> variants;  // numbered ones by number, named ones by name
    bool has_srm = false;
    double srm_chi2 = NAN, srm_df = NAN, srm_p_value = NAN;
    bool srm_mismatch = false;
    double srm_significance = 0.001;
    std::uint64_t skipped_rows = 0;
};

// Compares the variants (at least two, counting those that only have a
// weight). `binary`: a click-style metric (rows of 0/1 added as bools).
AbReport ab_compare(std::vector<AbVariant> variants, bool binary, const AbOptions& options,
                    std::uint64_t skipped_rows);

// The report as the JSON object recsys.ab_compare returns, with a verdict in words.
std::string ab_report_json(const AbReport& report);
std::string ab_verdict(const AbReport& report);

// The distributions the tests use (Boost.Math): two-sided p-value of a
// standard normal z, the standard normal's and Student's t quantiles, the
// upper tail of a chi-square.
double normal_two_sided_p(double z);
double normal_quantile(double p);
double student_t_quantile(double p, double df);
double chi_square_upper_tail(double x, double df);

}  // namespace recsys
