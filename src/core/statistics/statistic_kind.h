// Statistics over rows, computed by aggregates that collect rows through the
// same host code as training (training_rows.h): auc, logloss, ranking_loss,
// classification_report, the curves, and ab_compare (experiments/ab_test.h). A statistic returns a number
// (NaN where it is undefined: the host returns NULL), a JSON object or a curve.
#pragma once

#include <string>
#include <vector>

#include "../model/training_rows.h"

namespace recsys {

// Curves as points a BI tool plots: (threshold, x, y).
struct CurvePoint {
    double threshold, x, y;
};

// `options`: the aggregate's, parsed with its schema (empty without one).
// One of the three results is set, or none for a statistic whose glue has a
// final of its own (kaplan_meier: survival/kaplan_meier.h).
struct StatisticKind {
    AggregateKind aggregate;
    double (*number)(const TrainingRows& rows, const Options& options);     // a float8 statistic
    std::string (*json)(const TrainingRows& rows, const Options& options);  // a jsonb statistic
    std::vector<CurvePoint> (*curve)(const TrainingRows& rows, const Options& options);  // a curve
};

const StatisticKind& statistic_kind(const std::string& name);
const std::vector<const StatisticKind*>& statistic_kinds();

// The statistics themselves, on plain arrays (tests call these).
// Area under the ROC curve: the probability that a random positive scores
// above a random negative, ties counted half. NaN without both classes.
double auc(const double* scores, const bool* labels, std::size_t n);
// Mean log loss of probabilities p (clipped to [1e-15, 1 - 1e-15] as scikit-learn).
double log_loss(const double* p, const bool* labels, std::size_t n);
// The fraction of (positive, negative) pairs ordered wrongly, ties counted
// half: 1 - auc. NaN without both classes.
double ranking_loss(const double* scores, const bool* labels, std::size_t n);
// Precision, recall, F1, accuracy, support and the confusion matrix of
// predicted against actual labels, as a JSON object.
std::string classification_report(const bool* predicted, const bool* labels, std::size_t n);

// The curves (roc_curve, precision_recall_curve, calibration_curve aggregates).
// ROC: x = false positive rate, y = true positive rate, one point per
// distinct score from the highest down, after a first (inf, 0, 0). Empty
// without both classes.
std::vector<CurvePoint> roc_curve(const double* scores, const bool* labels, std::size_t n);
// Precision-recall: x = recall, y = precision, one point per distinct score
// from the highest down. Empty without positives.
std::vector<CurvePoint> precision_recall_curve(const double* scores, const bool* labels, std::size_t n);
// Calibration (reliability): `bins` equal-width bins of p in [0, 1]; per
// non-empty bin, threshold = its upper edge, x = the mean predicted p,
// y = the fraction of positives.
std::vector<CurvePoint> calibration_curve(const double* p, const bool* labels, std::size_t n, int bins);

}  // namespace recsys
