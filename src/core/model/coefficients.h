// Models whose prediction is a linear function of the features (linear and
// logistic regression): recsys.coefficients lists their terms, with the
// standard errors and tests where the model has them.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "model.h"
#include "../base/options.h"

namespace recsys {

// One term of a linear model. Feature 0 is the intercept; NaN is "not
// available" (a penalized fit has no standard errors).
struct CoefficientRow {
    int feature;
    std::string name;
    double coefficient;
    double std_error = NAN, t_stat = NAN, p_value = NAN;
};

class LinearModel : public FeatureModel {
public:
    virtual std::vector<CoefficientRow> coefficient_table() const = 0;
};

// The option `feature_names` every linear kind takes.
OptionSpec feature_names_option();

// Names of the intercept and the p features: "intercept", then the option
// feature_names (which must have p names) or x1, x2, ...
std::vector<std::string> term_names(const Options& options, std::size_t p);

// The terms of a model with these options (feature_names, fit_intercept),
// without tests: the intercept (left out without one), then each feature.
std::vector<CoefficientRow> coefficient_rows(const Options& options, double intercept, const double* coefficients,
                                             std::size_t p);

// Checks feature_names against the p features the rows have (an
// InvalidParameter error naming the option otherwise).
void check_feature_names(const Options& options, std::size_t p);
// The same of a model just read: a Corrupted error if its stored
// feature_names do not name its p features.
void check_stored_feature_names(const Options& options, std::size_t p);

// The two-sided p-value of a t statistic with `df` degrees of freedom, and
// the upper tail of an F statistic (NaN where undefined).
double t_test_p_value(double t, double df);
double f_test_p_value(double f, double df_model, double df_residual);

}  // namespace recsys
