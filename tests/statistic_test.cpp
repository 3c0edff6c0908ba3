// The classification statistics against hand-computed values.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "base/options.h"
#include "statistics/statistic_kind.h"

namespace recsys {
namespace {

// bool storage for the statistics, which read plain bool arrays
struct Labels {
    std::vector<char> v;
    const bool* data() const { return reinterpret_cast<const bool*>(v.data()); }
};

TEST(Auc, TiesCountHalf) {
    // positives {0.4, 0.8}, negatives {0.1, 0.4}: pairs 1 + 0.5 + 1 + 1 of 4
    std::vector<double> s = {0.1, 0.4, 0.4, 0.8};
    Labels y{{0, 1, 0, 1}};
    EXPECT_DOUBLE_EQ(auc(s.data(), y.data(), 4), 0.875);
    EXPECT_DOUBLE_EQ(ranking_loss(s.data(), y.data(), 4), 0.125);
}

TEST(Auc, PerfectReversedAndConstantScores) {
    std::vector<double> s = {1, 2, 3, 4};
    EXPECT_DOUBLE_EQ(auc(s.data(), Labels{{0, 0, 1, 1}}.data(), 4), 1.0);
    EXPECT_DOUBLE_EQ(auc(s.data(), Labels{{1, 1, 0, 0}}.data(), 4), 0.0);
    std::vector<double> same = {5, 5, 5, 5};
    EXPECT_DOUBLE_EQ(auc(same.data(), Labels{{0, 1, 0, 1}}.data(), 4), 0.5);
}

TEST(Auc, OneClassIsUndefined) {
    std::vector<double> s = {1, 2};
    EXPECT_TRUE(std::isnan(auc(s.data(), Labels{{1, 1}}.data(), 2)));
    EXPECT_TRUE(std::isnan(auc(s.data(), Labels{{0, 0}}.data(), 2)));
}

TEST(Auc, MatchesCountingPairsOnRandomScoresWithTies) {
    std::mt19937 rng(3);
    std::vector<double> s;
    Labels y;
    for (int i = 0; i < 500; ++i) {
        s.push_back(static_cast<double>(rng() % 20));  // many ties
        y.v.push_back(rng() % 3 == 0);
    }
    double pairs = 0, good = 0;
    for (std::size_t i = 0; i < s.size(); ++i)
        for (std::size_t j = 0; j < s.size(); ++j)
            if (y.v[i] && !y.v[j]) {
                pairs += 1;
                good += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
            }
    EXPECT_NEAR(auc(s.data(), y.data(), s.size()), good / pairs, 1e-12);
}

TEST(LogLoss, MeanOfTheNegativeLogLikelihoodClipped) {
    std::vector<double> p = {0.8, 0.3, 0.0};
    Labels y{{1, 0, 0}};
    EXPECT_NEAR(log_loss(p.data(), y.data(), 3), -(std::log(0.8) + std::log(0.7) + std::log1p(-1e-15)) / 3, 1e-15);
    std::vector<double> wrong = {0.0};
    EXPECT_NEAR(log_loss(wrong.data(), Labels{{1}}.data(), 1), -std::log(1e-15), 1e-9) << "clipped, not infinite";
}

TEST(ClassificationReport, CountsAndRatios) {
    Labels predicted{{0, 0, 1, 1, 0}}, actual{{0, 1, 0, 1, 1}};
    EXPECT_EQ(classification_report(predicted.data(), actual.data(), 5),
              R"({"precision":0.5,"recall":0.3333333333333333,"f1":0.4,"accuracy":0.4,)"
              R"("balanced_accuracy":0.41666666666666663,"majority_class":"positive","majority_accuracy":0.6,)"
              R"("support":{"positive":3,"negative":2},"confusion_matrix":[[1,1],[2,1]],"tp":1,"fp":1,"tn":1,"fn":2})");
}

// 95 negatives, 5 positives: a model right on 90 rows (2 of the positives)
// is below the baseline of predicting the majority, and its balanced accuracy
// says so too.
TEST(ClassificationReport, AccuracyBelowTheMajorityBaseline) {
    std::vector<char> predicted(100, 0), actual(100, 0);
    for (int i = 0; i < 5; ++i) actual[i] = 1;
    predicted[0] = predicted[1] = 1;                     // 2 positives found, 3 missed
    for (int i = 5; i < 12; ++i) predicted[i] = 1;       // 7 false alarms
    const std::string r = classification_report(reinterpret_cast<const bool*>(predicted.data()),
                                                reinterpret_cast<const bool*>(actual.data()), 100);
    EXPECT_NE(r.find(R"("accuracy":0.9,)"), std::string::npos) << r;
    EXPECT_NE(r.find(R"("majority_class":"negative","majority_accuracy":0.95,)"), std::string::npos) << r;
    const double balanced = (2.0 / 5 + 88.0 / 95) / 2;
    EXPECT_NE(r.find("\"balanced_accuracy\":" + json_number(balanced) + ","), std::string::npos) << r;
}

// One class only: balanced accuracy is that class's recall (scikit-learn's
// mean over the classes present), the baseline its share, 1.
TEST(ClassificationReport, OneClassOnly) {
    Labels predicted{{1, 0, 1}}, actual{{1, 1, 1}};
    const std::string r = classification_report(predicted.data(), actual.data(), 3);
    EXPECT_NE(r.find("\"balanced_accuracy\":" + json_number(2.0 / 3) + ","), std::string::npos) << r;
    EXPECT_NE(r.find(R"("majority_class":"positive","majority_accuracy":1,)"), std::string::npos) << r;
}

TEST(ClassificationReport, NoPredictedPositivesGiveZeroPrecision) {
    Labels predicted{{0, 0}}, actual{{1, 0}};
    std::string r = classification_report(predicted.data(), actual.data(), 2);
    EXPECT_NE(r.find(R"("precision":0,)"), std::string::npos) << r;
    EXPECT_NE(r.find(R"("f1":0,)"), std::string::npos) << r;
}

}  // namespace
}  // namespace recsys

namespace recsys {
namespace {

TEST(Curves, RocAndPrecisionRecallByHand) {
    std::vector<double> s = {0.1, 0.4, 0.4, 0.8};
    Labels y{{0, 1, 0, 1}};
    std::vector<CurvePoint> roc = roc_curve(s.data(), y.data(), 4);
    ASSERT_EQ(roc.size(), 4u);
    EXPECT_TRUE(std::isinf(roc[0].threshold));
    EXPECT_EQ(roc[1].threshold, 0.8);
    EXPECT_DOUBLE_EQ(roc[1].x, 0);
    EXPECT_DOUBLE_EQ(roc[1].y, 0.5);
    EXPECT_DOUBLE_EQ(roc[2].x, 0.5);
    EXPECT_DOUBLE_EQ(roc[2].y, 1);
    // the trapezoids under the ROC curve add up to the AUC
    double area = 0;
    for (std::size_t i = 1; i < roc.size(); ++i) area += (roc[i].x - roc[i - 1].x) * (roc[i].y + roc[i - 1].y) / 2;
    EXPECT_DOUBLE_EQ(area, auc(s.data(), y.data(), 4));
    std::vector<CurvePoint> pr = precision_recall_curve(s.data(), y.data(), 4);
    ASSERT_EQ(pr.size(), 3u);
    EXPECT_DOUBLE_EQ(pr[1].x, 1);
    EXPECT_DOUBLE_EQ(pr[1].y, 2.0 / 3);
    EXPECT_TRUE(roc_curve(s.data(), Labels{{1, 1, 1, 1}}.data(), 4).empty());
}

TEST(Curves, CalibrationBinsByHand) {
    std::vector<double> p = {0.1, 0.15, 0.4, 0.8, 0.95, 1.0};
    Labels y{{0, 1, 0, 1, 1, 1}};
    std::vector<CurvePoint> c = calibration_curve(p.data(), y.data(), 6, 4);
    ASSERT_EQ(c.size(), 3u);
    EXPECT_DOUBLE_EQ(c[0].x, 0.125);
    EXPECT_DOUBLE_EQ(c[0].y, 0.5);
    EXPECT_DOUBLE_EQ(c[2].threshold, 1.0);
    EXPECT_DOUBLE_EQ(c[2].x, (0.8 + 0.95 + 1.0) / 3) << "p = 1 falls in the last bin";
}

// The curve aggregates (roc_curve, precision_recall_curve, calibration_curve)
// are statistic kinds whose result is a curve: the same points as the array
// functions above, from the rows the aggregate collected, by the columns the
// kind declares; calibration's bins come from its options.
TrainingRows rows_of(const StatisticKind& kind, const std::vector<double>& values, const Labels& labels) {
    TrainingRows rows;
    rows.count = values.size();
    for (const ColumnSpec& spec : kind.aggregate.columns)
        rows.columns.push_back({spec.name, spec.type,
                                spec.type == ColumnType::Bool ? static_cast<const void*>(labels.data())
                                                              : static_cast<const void*>(values.data()),
                                1});
    return rows;
}

void expect_same_curve(const std::vector<CurvePoint>& got, const std::vector<CurvePoint>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].threshold, want[i].threshold) << i;
        EXPECT_EQ(got[i].x, want[i].x) << i;
        EXPECT_EQ(got[i].y, want[i].y) << i;
    }
}

TEST(Curves, TheCurveKindsGiveTheCurvesOfTheirRows) {
    std::vector<double> s = {0.1, 0.4, 0.4, 0.8, 0.95, 1.0};
    Labels y{{0, 1, 0, 1, 1, 1}};
    const StatisticKind& roc = statistic_kind("roc_curve");
    const StatisticKind& pr = statistic_kind("precision_recall_curve");
    const StatisticKind& calibration = statistic_kind("calibration_curve");
    for (const StatisticKind* kind : {&roc, &pr, &calibration}) {
        EXPECT_NE(kind->curve, nullptr) << kind->aggregate.name;
        EXPECT_EQ(kind->number, nullptr) << kind->aggregate.name;
        EXPECT_EQ(kind->json, nullptr) << kind->aggregate.name;
    }
    expect_same_curve(roc.curve(rows_of(roc, s, y), Options()), roc_curve(s.data(), y.data(), s.size()));
    expect_same_curve(pr.curve(rows_of(pr, s, y), Options()), precision_recall_curve(s.data(), y.data(), s.size()));
    const OptionSchema& schema = *calibration.aggregate.options;
    expect_same_curve(calibration.curve(rows_of(calibration, s, y), parse_options("{}", schema)),
                      calibration_curve(s.data(), y.data(), s.size(), 10));
    expect_same_curve(calibration.curve(rows_of(calibration, s, y), parse_options("{\"bins\": 4}", schema)),
                      calibration_curve(s.data(), y.data(), s.size(), 4));
    EXPECT_THROW(parse_options("{\"bins\": 0}", schema), Error);
}

// (kaplan_meier has none: its glue's final builds its rows, survival/kaplan_meier.h.)
TEST(StatisticKinds, EachHasExactlyOneResult) {
    for (const StatisticKind* kind : statistic_kinds())
        EXPECT_EQ((kind->number != nullptr) + (kind->json != nullptr) + (kind->curve != nullptr),
                  kind->aggregate.name == "kaplan_meier" ? 0 : 1)
            << kind->aggregate.name;
}

}  // namespace
}  // namespace recsys
