// The terms of linear models (coefficients.h): names and test p-values.
#include "coefficients.h"

#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace recsys {

namespace {

// Boost reports a bad argument by NaN rather than by an exception.
using Quiet = boost::math::policies::policy<boost::math::policies::domain_error<boost::math::policies::ignore_error>,
                                            boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
                                            boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

}  // namespace

OptionSpec feature_names_option() {
    return string_list_option("feature_names",
                              "names of the features, in order, for recsys.coefficients (default x1, x2, ...)");
}

std::vector<std::string> term_names(const Options& options, std::size_t p) {
    const auto& given = options.strings("feature_names");
    std::vector<std::string> names{"intercept"};
    for (std::size_t j = 0; j < p; ++j) names.push_back(j < given.size() ? given[j] : "x" + std::to_string(j + 1));
    return names;
}

std::vector<CoefficientRow> coefficient_rows(const Options& options, double intercept, const double* coefficients,
                                             std::size_t p) {
    const auto names = term_names(options, p);
    std::vector<CoefficientRow> rows;
    if (options.boolean("fit_intercept")) rows.push_back({0, names[0], intercept});
    for (std::size_t j = 0; j < p; ++j) rows.push_back({static_cast<int>(j + 1), names[j + 1], coefficients[j]});
    return rows;
}

void check_feature_names(const Options& options, std::size_t p) {
    const std::size_t given = options.strings("feature_names").size();
    if (given != 0 && given != p)
        fail_option(*options.schema(), "feature_names",
                    "has " + std::to_string(given) + " names, the rows have " + std::to_string(p) + " features");
}

void check_stored_feature_names(const Options& options, std::size_t p) {
    const std::size_t given = options.strings("feature_names").size();
    if (given != 0 && given != p)
        fail(ErrorKind::Corrupted, "model is inconsistent: " + std::to_string(given) + " feature names for " +
                                       std::to_string(p) + " features");
}

double t_test_p_value(double t, double df) {
    if (!(df > 0) || std::isnan(t)) return NAN;
    boost::math::students_t_distribution<double, Quiet> distribution(df);
    return 2 * boost::math::cdf(boost::math::complement(distribution, std::fabs(t)));
}

double f_test_p_value(double f, double df_model, double df_residual) {
    if (!(df_model > 0) || !(df_residual > 0) || std::isnan(f)) return NAN;
    if (std::isinf(f)) return 0;
    boost::math::fisher_f_distribution<double, Quiet> distribution(df_model, df_residual);
    return boost::math::cdf(boost::math::complement(distribution, f));
}

}  // namespace recsys
