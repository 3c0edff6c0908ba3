// The statistics of an A/B comparison (ab_test.h): per-variant intervals,
// tests against the control, and the sample-ratio-mismatch check.
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <stdexcept>
#include <string>

#include "ab_test.h"
#include "../model/coefficients.h"
#include "../base/error.h"

namespace recsys {

namespace {

// Boost reports a bad argument by NaN rather than by an exception.
using Quiet = boost::math::policies::policy<boost::math::policies::domain_error<boost::math::policies::ignore_error>,
                                            boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
                                            boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

bool before(const AbVariant& a, const AbVariant& b) {
    if (a.numbered != b.numbered) return a.numbered;
    return a.numbered ? a.number < b.number : a.name < b.name;
}

// The whole decimal number `name` is, or false.
bool parse_number(const std::string& name, std::int64_t& out) {
    std::size_t used = 0;
    try {
        out = std::stoll(name, &used);
    } catch (const std::exception&) {
        return false;
    }
    return used == name.size() && std::to_string(out) == name;
}

// The variants with a weight but no rows join with an empty summary; every
// variant with rows needs a weight when weights are given.
void add_weighted_variants(std::vector<AbVariant>& variants, const AbOptions& options) {
    // (One aggregate's variants are all numbers or all names.)
    const bool numbered = variants.empty() ? options.weights_by_number : variants[0].numbered;
    for (const auto& [name, weight] : options.weights) {
        bool seen = false;
        for (const AbVariant& v : variants) seen = seen || v.name == name;
        if (seen) continue;
        AbVariant v;
        v.name = name;
        v.numbered = numbered;
        if (numbered && !parse_number(name, v.number))
            fail_option(ab_option_schema(), "weights",
                        "names variant \"" + name + "\", but the variants are numbers");
        variants.push_back(v);
    }
    if (options.weights.empty()) return;
    for (const AbVariant& v : variants) {
        if (options.weights_by_number && !v.numbered)
            fail_option(ab_option_schema(), "weights",
                        "is an array, which weighs variants 0, 1, ... by number, but variant \"" + v.name +
                            "\" is a name: give an object {\"" + v.name + "\": weight, ...}");
        bool weighted = false;
        for (const auto& w : options.weights) weighted = weighted || w.first == v.name;
        if (!weighted)
            fail_option(ab_option_schema(), "weights",
                        "has no weight for variant " + v.name + ", which has " + std::to_string(v.moments.n) +
                            " rows");
    }
}

double weight_of(const AbOptions& options, const std::string& name) {
    for (const auto& w : options.weights)
        if (w.first == name) return w.second;
    return NAN;
}

void describe_rate(AbVariantResult& r, const AbMoments& m, double z, bool wilson) {
    const double n = static_cast<double>(m.n);
    r.successes = m.successes;
    if (m.n == 0) return;
    const double p = static_cast<double>(m.successes) / n;
    r.mean = p;
    r.stddev = std::sqrt(p * (1 - p));
    if (wilson) {
        const double z2 = z * z, denominator = 1 + z2 / n;
        const double center = (p + z2 / (2 * n)) / denominator;
        const double half = z / denominator * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        r.ci_low = center - half;
        r.ci_high = center + half;
    } else {
        const double half = z * std::sqrt(p * (1 - p) / n);
        r.ci_low = p - half;
        r.ci_high = p + half;
    }
}

void describe_mean(AbVariantResult& r, const AbMoments& m, double significance) {
    if (m.n == 0) return;
    r.mean = m.mean;
    if (m.n < 2) return;
    const double n = static_cast<double>(m.n);
    r.stddev = std::sqrt(m.m2 / (n - 1));
    const double half = student_t_quantile(1 - significance / 2, n - 1) * r.stddev / std::sqrt(n);
    r.ci_low = m.mean - half;
    r.ci_high = m.mean + half;
}

// Two-proportion z-test (pooled) and the Wald interval of the difference.
void test_rates(AbVariantResult& r, const AbMoments& v, const AbMoments& c, double z) {
    if (v.n == 0 || c.n == 0) return;
    const double nv = static_cast<double>(v.n), nc = static_cast<double>(c.n);
    const double pv = static_cast<double>(v.successes) / nv, pc = static_cast<double>(c.successes) / nc;
    const double pooled = static_cast<double>(v.successes + c.successes) / (nv + nc);
    const double se_pooled = std::sqrt(pooled * (1 - pooled) * (1 / nv + 1 / nc));
    const double se = std::sqrt(pv * (1 - pv) / nv + pc * (1 - pc) / nc);
    r.diff = pv - pc;
    r.diff_ci_low = r.diff - z * se;
    r.diff_ci_high = r.diff + z * se;
    r.statistic = se_pooled > 0 ? r.diff / se_pooled : NAN;
    r.p_value = normal_two_sided_p(r.statistic);
    r.lift = pc > 0 ? r.diff / pc : NAN;
}

// Welch's t-test and the interval of the difference of the means.
void test_means(AbVariantResult& r, const AbMoments& v, const AbMoments& c, double significance) {
    if (v.n == 0 || c.n == 0) return;
    r.diff = v.mean - c.mean;
    r.lift = c.mean != 0 ? r.diff / c.mean : NAN;
    if (v.n < 2 || c.n < 2) return;
    const double nv = static_cast<double>(v.n), nc = static_cast<double>(c.n);
    const double a = v.m2 / (nv - 1) / nv, b = c.m2 / (nc - 1) / nc;  // squared standard errors
    const double se = std::sqrt(a + b);
    if (!(se > 0)) return;
    r.df = (a + b) * (a + b) / (a * a / (nv - 1) + b * b / (nc - 1));
    r.statistic = r.diff / se;
    r.p_value = t_test_p_value(r.statistic, r.df);
    const double half = student_t_quantile(1 - significance / 2, r.df) * se;
    r.diff_ci_low = r.diff - half;
    r.diff_ci_high = r.diff + half;
}

void check_sample_ratio(AbReport& report, const std::vector<AbVariant>& variants, const AbOptions& options) {
    double total_rows = 0, total_weight = 0;
    for (const AbVariant& v : variants) {
        total_rows += static_cast<double>(v.moments.n);
        total_weight += weight_of(options, v.name);
    }
    double chi2 = 0, cells = 0;
    for (std::size_t i = 0; i < variants.size(); ++i) {
        const double share = weight_of(options, variants[i].name) / total_weight;
        const double observed = static_cast<double>(variants[i].moments.n);
        report.variants[i].expected_share = share;
        report.variants[i].observed_share = total_rows > 0 ? observed / total_rows : NAN;
        if (share > 0) {
            const double expected = total_rows * share;
            chi2 += (observed - expected) * (observed - expected) / expected;
            cells += 1;
        } else if (observed > 0) {
            chi2 = INFINITY;  // rows where none were expected
        }
    }
    if (cells < 2 || total_rows == 0) return;
    report.has_srm = true;
    report.srm_chi2 = chi2;
    report.srm_df = cells - 1;
    report.srm_p_value = chi_square_upper_tail(chi2, cells - 1);
    report.srm_mismatch = report.srm_p_value < options.srm_significance;
}

}  // namespace

double normal_two_sided_p(double z) {
    if (std::isnan(z)) return NAN;
    boost::math::normal_distribution<double, Quiet> normal;
    return 2 * boost::math::cdf(boost::math::complement(normal, std::fabs(z)));
}

double normal_quantile(double p) {
    boost::math::normal_distribution<double, Quiet> normal;
    return boost::math::quantile(normal, p);
}

double student_t_quantile(double p, double df) {
    if (!(df > 0)) return NAN;
    boost::math::students_t_distribution<double, Quiet> t(df);
    return boost::math::quantile(t, p);
}

double chi_square_upper_tail(double x, double df) {
    if (!(df > 0) || std::isnan(x)) return NAN;
    if (std::isinf(x)) return 0;
    boost::math::chi_squared_distribution<double, Quiet> chi2(df);
    return boost::math::cdf(boost::math::complement(chi2, x));
}

AbReport ab_compare(std::vector<AbVariant> variants, bool binary, const AbOptions& options,
                    std::uint64_t skipped_rows) {
    add_weighted_variants(variants, options);
    std::sort(variants.begin(), variants.end(), before);
    if (variants.size() < 2)
        fail(ErrorKind::InvalidParameter,
             "ab_compare needs at least two variants, got " +
                 (variants.empty() ? std::string("none") : "only variant " + variants[0].name),
             "compare the rows of every variant in one aggregate (a GROUP BY variant splits them)");
    AbReport report;
    report.binary = binary;
    report.significance = options.significance;
    report.srm_significance = options.srm_significance;
    report.skipped_rows = skipped_rows;
    report.control = options.control.empty() ? variants[0].name : options.control;
    std::size_t control = variants.size();
    for (std::size_t i = 0; i < variants.size(); ++i)
        if (variants[i].name == report.control) control = i;
    if (control == variants.size()) {
        std::string names;
        for (const AbVariant& v : variants) names += (names.empty() ? "" : ", ") + v.name;
        fail_option(ab_option_schema(), "control",
                    "names variant " + report.control + ", which is not one of the variants (" + names + ")");
    }

    const double z = normal_quantile(1 - options.significance / 2);
    report.variants.resize(variants.size());
    for (std::size_t i = 0; i < variants.size(); ++i) {
        AbVariantResult& r = report.variants[i];
        const AbMoments& m = variants[i].moments;
        r.name = variants[i].name;
        r.n = m.n;
        r.control = i == control;
        if (binary) describe_rate(r, m, z, options.wilson);
        else describe_mean(r, m, options.significance);
        if (r.control) continue;
        if (binary) test_rates(r, m, variants[control].moments, z);
        else test_means(r, m, variants[control].moments, options.significance);
    }
    if (!options.weights.empty()) check_sample_ratio(report, variants, options);
    return report;
}

}  // namespace recsys
