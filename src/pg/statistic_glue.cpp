// The statistics over rows: auc(score, label), logloss(p, label),
// ranking_loss(score, label), classification_report(predicted, label), and
// the curves roc_curve(score, label), precision_recall_curve(score, label),
// calibration_curve(p, label [, options]). Their rows are collected by the
// shared aggregate; the math is in src/core/statistics/statistic_kind.cpp.
#include "training_aggregate.h"

extern "C" {
RECSYS_STATISTIC_AGGREGATE(recsys_auc_collect, "auc")
RECSYS_STATISTIC_AGGREGATE(recsys_logloss_collect, "logloss")
RECSYS_STATISTIC_AGGREGATE(recsys_ranking_loss_collect, "ranking_loss")
RECSYS_STATISTIC_AGGREGATE(recsys_classification_report_collect, "classification_report")
RECSYS_STATISTIC_AGGREGATE(recsys_roc_curve_collect, "roc_curve")
RECSYS_STATISTIC_AGGREGATE(recsys_precision_recall_curve_collect, "precision_recall_curve")
RECSYS_STATISTIC_AGGREGATE(recsys_calibration_curve_collect, "calibration_curve")
}
