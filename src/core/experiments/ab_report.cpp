// ab_compare's options and its report as JSON, with a verdict in words (ab_test.h).
#include <cmath>
#include <nlohmann/json.hpp>

#include "ab_test.h"
#include "../base/error.h"
#include "../base/json.h"

namespace recsys {

namespace {

using nlohmann::json;

std::string percent(double share) { return message_number(100 * share) + "%"; }

std::string signed_percent(double share) { return (share > 0 ? "+" : "") + percent(share); }

// Weights name variants, each of which joins the report (matching a
// weight to the variants is quadratic): no more than ab_compare compares.
void check_variant_count(std::size_t weights, const OptionSchema& schema) {
    if (weights > kAbMaxVariants)
        fail_option(schema, "weights",
                    "has " + std::to_string(weights) + " variants: ab_compare compares at most " +
                        std::to_string(kAbMaxVariants));
}

// Weights as an array weigh variants 0, 1, ... by number: the object of the same weights.
json weights_by_number(const json& array, const OptionSchema& schema) {
    if (array.empty()) fail_option(schema, "weights", "must not be empty");
    check_variant_count(array.size(), schema);
    json out = json::object();
    for (std::size_t i = 0; i < array.size(); ++i) out[std::to_string(i)] = array[i];
    return out;
}

std::vector<std::pair<std::string, double>> checked_weights(const std::string& object, const OptionSchema& schema) {
    std::vector<std::pair<std::string, double>> weights;
    double total = 0;
    const json parsed = json::parse(object);
    check_variant_count(parsed.size(), schema);
    for (const auto& [name, value] : parsed.items()) {
        const double w = value.is_number() ? value.get<double>() : NAN;
        if (!(std::isfinite(w) && w >= 0))
            fail_option(schema, "weights",
                        "gives variant " + name + " " + (value.is_number() ? message_number(w) : value.dump()) +
                            ", not a number >= 0");
        weights.emplace_back(name, w);
        total += w;
    }
    if (!std::isfinite(total)) fail_option(schema, "weights", "must add up to a finite number");
    if (!weights.empty() && !(total > 0)) fail_option(schema, "weights", "must not all be 0");
    return weights;
}

void field(JsonWriter& w, const char* key, double value) {
    w.key(key);
    w.number(value);
}

void variant_json(JsonWriter& w, const AbVariantResult& v, bool binary, double significance) {
    auto number = [&](const char* key, double value) { field(w, key, value); };
    w.begin_object();
    w.key("variant");
    w.string(v.name);
    w.key("control");
    w.boolean(v.control);
    w.key("n");
    w.integer(static_cast<long long>(v.n));
    if (binary) {
        w.key("successes");
        w.integer(static_cast<long long>(v.successes));
    }
    number("mean", v.mean);
    number("stddev", v.stddev);
    number("ci_low", v.ci_low);
    number("ci_high", v.ci_high);
    number("diff", v.diff);
    number("diff_ci_low", v.diff_ci_low);
    number("diff_ci_high", v.diff_ci_high);
    number("lift", v.lift);
    number("statistic", v.statistic);
    if (!binary) number("df", v.df);
    number("p_value", v.p_value);
    w.key("significant");
    if (std::isnan(v.p_value)) w.raw("null");
    else w.boolean(v.p_value < significance);
    number("expected_share", v.expected_share);
    number("observed_share", v.observed_share);
    w.end_object();
}

// A control given as a variant number is its decimal text. Text that is not
// a JSON object is left for the parser to report.
std::string normalize_ab_options(const std::string& text) {
    json given = json::parse(text, nullptr, false);
    if (given.is_discarded() || !given.is_object()) return text;
    auto control = given.find("control");
    if (control == given.end() || !control->is_number_integer()) return text;
    *control = std::to_string(control->get<long long>());
    return given.dump();
}

OptionSpec weights_option() {
    OptionSpec weights = object_option(
        "weights", "the expected share of each variant, for the sample-ratio-mismatch check: an array by variant "
                   "number ([0.5, 0.3, 0.2], as given to recsys.ab_bucket) or an object {\"name\": weight}");
    weights.array_too = true;
    return weights;
}

}  // namespace

AbOptions ab_options(const Options& options) {
    const OptionSchema& schema = *options.schema();
    AbOptions out;
    out.significance = options.number("significance");
    out.control = options.is_null("control") ? "" : options.string("control");
    json weights = json::parse(options.json("weights"));
    out.weights_by_number = weights.is_array();
    if (out.weights_by_number) weights = weights_by_number(weights, schema);
    out.weights = checked_weights(weights.dump(), schema);
    out.wilson = options.string("ci") == "wilson";
    out.srm_significance = options.number("srm_significance");
    return out;
}

const OptionSchema& ab_option_schema() {
    static const OptionSchema schema = {
        "ab_compare",
        {
            number_option("significance", 0.05, 1e-12, 0.5,
                          "significance level of the tests (their alpha); the intervals have confidence "
                          "1 - significance"),
            optional_string_option("control", "the control variant, a name or a number (default: the first, "
                                              "variant 0 of recsys.ab_bucket)"),
            weights_option(),
            choice_option("ci", "wilson", {"wilson", "normal"}, "the interval of a binary metric's rate"),
            number_option("srm_significance", 0.001, 0, 1,
                          "significance level of the sample-ratio-mismatch check: flagged below this p-value"),
        },
        [](const Options& options) { ab_options(options); },  // the weights, when the options are taken
        normalize_ab_options,
    };
    return schema;
}

AbOptions parse_ab_options(const std::string& text) { return ab_options(parse_options(text, ab_option_schema())); }

std::string ab_verdict(const AbReport& r) {
    const std::string level = " at the " + percent(1 - r.significance) + " level";
    std::string out;
    if (r.srm_mismatch) {
        std::string observed, expected;
        for (const AbVariantResult& v : r.variants) {
            observed += (observed.empty() ? "" : " / ") + percent(v.observed_share);
            expected += (expected.empty() ? "" : " / ") + percent(v.expected_share);
        }
        out = "Sample ratio mismatch: the variants got " + observed + " of the rows where the weights expect " +
              expected + " (chi-square p = " + message_number(r.srm_p_value) + " < " + message_number(r.srm_significance) +
              "): the assignment or the logging is broken; fix it before reading the results.";
    }
    for (const AbVariantResult& v : r.variants) {
        if (v.control) continue;
        out += (out.empty() ? "" : " ") + std::string("Variant ") + v.name + " vs control " + r.control + ": ";
        if (std::isnan(v.p_value)) {
            out += "too few rows (or no variation) to test.";
            continue;
        }
        out += std::isnan(v.lift) ? "difference " + message_number(v.diff) : "lift " + signed_percent(v.lift);
        out += " (p = " + message_number(v.p_value) + "), " + (v.p_value < r.significance ? "" : "not ") + "significant" +
               level + ".";
    }
    return out;
}

std::string ab_report_json(const AbReport& r) {
    JsonWriter w;
    w.begin_object();
    w.key("metric");
    w.string(r.binary ? "binary" : "continuous");
    w.key("test");
    w.string(r.binary ? "two-proportion z-test" : "Welch's t-test");
    field(w, "significance", r.significance);
    w.key("control");
    w.string(r.control);
    w.key("variants");
    w.begin_array();
    for (const AbVariantResult& v : r.variants) variant_json(w, v, r.binary, r.significance);
    w.end_array();
    w.key("srm");
    if (!r.has_srm) {
        w.raw("null");
    } else {
        w.begin_object();
        field(w, "chi2", r.srm_chi2);
        field(w, "df", r.srm_df);
        field(w, "p_value", r.srm_p_value);
        w.key("mismatch");
        w.boolean(r.srm_mismatch);
        w.end_object();
    }
    w.key("skipped_rows");
    w.integer(static_cast<long long>(r.skipped_rows));
    w.key("verdict");
    w.string(ab_verdict(r));
    w.end_object();
    return w.str();
}

}  // namespace recsys
