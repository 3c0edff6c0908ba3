#include "statistic_kind.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "../base/error.h"
#include "../base/json.h"
#include "../experiments/ab_test.h"
#include "../model/model_kind.h"
#include "../survival/kaplan_meier.h"

namespace recsys {

double auc(const double* scores, const bool* labels, std::size_t n) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
    // The sum of the positives' ranks (1-based, ties at their mean rank).
    double positives = 0, rank_sum = 0;
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        double tied_positives = 0;
        for (; j < n && scores[order[j]] == scores[order[i]]; ++j) tied_positives += labels[order[j]];
        rank_sum += tied_positives * (static_cast<double>(i + 1 + j) / 2);  // mean of ranks i+1 .. j
        positives += tied_positives;
        i = j;
    }
    const double negatives = static_cast<double>(n) - positives;
    if (positives == 0 || negatives == 0) return NAN;
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

double log_loss(const double* p, const bool* labels, std::size_t n) {
    constexpr double eps = 1e-15;
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double q = std::clamp(p[i], eps, 1 - eps);
        sum -= labels[i] ? std::log(q) : std::log1p(-q);
    }
    return n ? sum / static_cast<double>(n) : NAN;
}

double ranking_loss(const double* scores, const bool* labels, std::size_t n) { return 1 - auc(scores, labels, n); }

std::string classification_report(const bool* predicted, const bool* labels, std::size_t n) {
    std::uint64_t tp = 0, fp = 0, tn = 0, fn = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (predicted[i]) (labels[i] ? tp : fp)++;
        else (labels[i] ? fn : tn)++;
    }
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };  // scikit-learn's zero_division=0
    const double precision = ratio(tp, tp + fp), recall = ratio(tp, tp + fn);
    JsonWriter w;
    w.begin_object();
    w.key("precision");
    w.number(precision);
    w.key("recall");
    w.number(recall);
    w.key("f1");
    w.number(ratio(2 * precision * recall, precision + recall));
    w.key("accuracy");
    w.number(ratio(tp + tn, static_cast<double>(n)));
    // The mean of the recalls of the classes present (scikit-learn's
    // balanced_accuracy_score), and the accuracy of always predicting the most
    // frequent class (DummyClassifier's most_frequent; negative on a tie): an
    // accuracy below it is worse than predicting the majority.
    const double positives = static_cast<double>(tp + fn), negatives = static_cast<double>(tn + fp);
    w.key("balanced_accuracy");
    w.number(ratio((positives > 0 ? recall : 0) + (negatives > 0 ? ratio(tn, negatives) : 0),
                   (positives > 0) + (negatives > 0)));
    w.key("majority_class");
    w.string(positives > negatives ? "positive" : "negative");
    w.key("majority_accuracy");
    w.number(ratio(std::max(positives, negatives), static_cast<double>(n)));
    w.key("support");
    w.begin_object();
    w.key("positive");
    w.integer(static_cast<long long>(tp + fn));
    w.key("negative");
    w.integer(static_cast<long long>(tn + fp));
    w.end_object();
    w.key("confusion_matrix");  // rows: actual negative, positive; columns: predicted negative, positive
    w.begin_array();
    for (auto row : {std::pair<std::uint64_t, std::uint64_t>{tn, fp}, {fn, tp}}) {
        w.begin_array();
        w.integer(static_cast<long long>(row.first));
        w.integer(static_cast<long long>(row.second));
        w.end_array();
    }
    w.end_array();
    w.key("tp");
    w.integer(static_cast<long long>(tp));
    w.key("fp");
    w.integer(static_cast<long long>(fp));
    w.key("tn");
    w.integer(static_cast<long long>(tn));
    w.key("fn");
    w.integer(static_cast<long long>(fn));
    w.end_object();
    return w.str();
}

namespace {

// Calls point(threshold, true positives, false positives) after each group of
// equal scores, from the highest score down.
template <typename Point>
void sweep_thresholds(const double* scores, const bool* labels, std::size_t n, Point&& point) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    double tp = 0, fp = 0;
    for (std::size_t i = 0; i < n;) {
        const double threshold = scores[order[i]];
        for (; i < n && scores[order[i]] == threshold; ++i) (labels[order[i]] ? tp : fp) += 1;
        point(threshold, tp, fp);
    }
}

double positives_of(const bool* labels, std::size_t n) {
    double p = 0;
    for (std::size_t i = 0; i < n; ++i) p += labels[i];
    return p;
}

}  // namespace

std::vector<CurvePoint> roc_curve(const double* scores, const bool* labels, std::size_t n) {
    const double positives = positives_of(labels, n), negatives = static_cast<double>(n) - positives;
    std::vector<CurvePoint> out;
    if (positives == 0 || negatives == 0) return out;
    out.push_back({INFINITY, 0, 0});
    sweep_thresholds(scores, labels, n, [&](double t, double tp, double fp) {
        out.push_back({t, fp / negatives, tp / positives});
    });
    return out;
}

std::vector<CurvePoint> precision_recall_curve(const double* scores, const bool* labels, std::size_t n) {
    const double positives = positives_of(labels, n);
    std::vector<CurvePoint> out;
    if (positives == 0) return out;
    sweep_thresholds(scores, labels, n, [&](double t, double tp, double fp) {
        out.push_back({t, tp / positives, tp / (tp + fp)});
    });
    return out;
}

std::vector<CurvePoint> calibration_curve(const double* p, const bool* labels, std::size_t n, int bins) {
    if (bins < 1) fail(ErrorKind::InvalidParameter, "bins must be at least 1, got " + std::to_string(bins));
    // Only the bins that hold a point become rows, so the work and memory
    // follow the points, not `bins` (which a caller may set to 2^31 - 1).
    std::vector<std::pair<std::size_t, std::size_t>> bin_of(n);  // (bin, point)
    const std::size_t last = static_cast<std::size_t>(bins) - 1;
    for (std::size_t i = 0; i < n; ++i) {
        if (!(p[i] >= 0 && p[i] <= 1))
            fail(ErrorKind::DataException, "p " + json_number(p[i]) + " is not a probability in [0, 1]");
        bin_of[i] = {std::min(last, static_cast<std::size_t>(p[i] * bins)), i};
    }
    std::sort(bin_of.begin(), bin_of.end());
    std::vector<CurvePoint> out;
    for (std::size_t i = 0; i < n;) {
        const std::size_t b = bin_of[i].first;
        double count = 0, sum_p = 0, positive = 0;
        for (; i < n && bin_of[i].first == b; ++i) {
            count += 1;
            sum_p += p[bin_of[i].second];
            positive += labels[bin_of[i].second];
        }
        out.push_back({static_cast<double>(b + 1) / bins, sum_p / count, positive / count});
    }
    return out;
}

namespace {

ColumnSpec column(const char* name, ColumnType type, double min = -std::numeric_limits<double>::max(),
                  double max = std::numeric_limits<double>::max()) {
    ColumnSpec c{name, type};
    c.on_null = NullRule::SkipRow;  // a NULL score or label leaves the row out, as avg() does
    c.min = min;
    c.max = max;
    return c;
}

double auc_of(const TrainingRows& r, const Options&) {
    return auc(r.column("score").float64s(), r.column("label").bools(), r.count);
}
double log_loss_of(const TrainingRows& r, const Options&) {
    return log_loss(r.column("p").float64s(), r.column("label").bools(), r.count);
}
double ranking_loss_of(const TrainingRows& r, const Options&) {
    return ranking_loss(r.column("score").float64s(), r.column("label").bools(), r.count);
}
std::string report_of(const TrainingRows& r, const Options&) {
    return classification_report(r.column("predicted").bools(), r.column("label").bools(), r.count);
}

std::vector<CurvePoint> roc_of(const TrainingRows& r, const Options&) {
    return roc_curve(r.column("score").float64s(), r.column("label").bools(), r.count);
}
std::vector<CurvePoint> precision_recall_of(const TrainingRows& r, const Options&) {
    return precision_recall_curve(r.column("score").float64s(), r.column("label").bools(), r.count);
}
std::vector<CurvePoint> calibration_of(const TrainingRows& r, const Options& options) {
    return calibration_curve(r.column("p").float64s(), r.column("label").bools(), r.count,
                             static_cast<int>(options.integer("bins")));
}

// calibration_curve's one option. Rows are binned by sorting, so the work and
// memory follow the rows, whatever the bins.
const OptionSchema& calibration_option_schema() {
    static const OptionSchema schema{
        "calibration_curve",
        {integer_option("bins", 10, 1, std::numeric_limits<std::int32_t>::max(),
                        "equal-width bins of p in [0, 1]; a point per bin that holds a row")},
        nullptr};
    return schema;
}

}  // namespace

const std::vector<const StatisticKind*>& statistic_kinds() {
    const auto scored = [] { return std::vector<ColumnSpec>{column("score", ColumnType::Float64), column("label", ColumnType::Bool)}; };
    const auto probability = [] {
        return std::vector<ColumnSpec>{column("p", ColumnType::Float64, 0, 1), column("label", ColumnType::Bool)};
    };
    static const StatisticKind auc_kind{{"auc", "auc", nullptr, scored()}, auc_of, nullptr, nullptr};
    static const StatisticKind log_loss_kind{{"logloss", "logloss", nullptr, probability()}, log_loss_of, nullptr,
                                             nullptr};
    static const StatisticKind ranking_loss_kind{{"ranking_loss", "ranking_loss", nullptr, scored()}, ranking_loss_of,
                                                 nullptr, nullptr};
    static const StatisticKind report_kind{
        {"classification_report", "classification_report", nullptr,
         {column("predicted", ColumnType::Bool), column("label", ColumnType::Bool)}},
        nullptr, report_of, nullptr};
    static const StatisticKind roc_kind{{"roc_curve", "roc_curve", nullptr, scored()}, nullptr, nullptr, roc_of};
    static const StatisticKind precision_recall_kind{
        {"precision_recall_curve", "precision_recall_curve", nullptr, scored()}, nullptr, nullptr, precision_recall_of};
    static const StatisticKind calibration_kind{
        {"calibration_curve", "calibration_curve", &calibration_option_schema(), probability()}, nullptr, nullptr,
        calibration_of};
    static const std::vector<const StatisticKind*> kinds = {
        &auc_kind, &log_loss_kind, &ranking_loss_kind, &report_kind, &roc_kind, &precision_recall_kind,
        &calibration_kind, &ab_compare_kind(), &kaplan_meier_kind()};
    return kinds;
}

const StatisticKind& statistic_kind(const std::string& name) {
    for (const StatisticKind* kind : statistic_kinds())
        if (kind->aggregate.name == name) return *kind;
    fail(ErrorKind::InvalidInput, "unknown statistic \"" + name + "\"");
}

std::vector<const AggregateKind*> aggregate_kinds() {
    std::vector<const AggregateKind*> kinds;
    for (const ModelKind* kind : model_kinds()) kinds.push_back(&kind->aggregate);
    for (const StatisticKind* kind : statistic_kinds()) kinds.push_back(&kind->aggregate);
    return kinds;
}

const AggregateKind& aggregate_kind(const std::string& name) {
    for (const ModelKind* kind : model_kinds())
        if (kind->aggregate.name == name) return kind->aggregate;
    return statistic_kind(name).aggregate;
}

}  // namespace recsys
