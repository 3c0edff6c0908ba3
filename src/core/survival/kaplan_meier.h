// Kaplan–Meier: the survival curve of (time, event) rows, as the aggregate
// recsys.kaplan_meier(time, event [, options]) returns it, one point per
// distinct time (an event's or a censoring's, as R's survfit): the rows still
// at risk, the events and censorings at that time, the product-limit
// survival, its Greenwood standard error, and a pointwise confidence band on
// the log(-log) scale (R's conf.type = "log-log", lifelines' default), of
// confidence 1 - significance.
//
// The aggregate keeps a summary, not the rows: the counts of events and
// censorings per distinct time, which parallel workers merge exactly, so a
// parallel plan gives the serial curve. The counts are kept in a hash table
// (a row costs a hash and a probe, not a search) and sorted by time once,
// for the curve (kaplan_meier_count).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../statistics/statistic_kind.h"

namespace recsys {

// The rows that end at one time: how many with an event, how many censored.
struct TimeCounts {
    double time;
    std::uint64_t events, censored;
};

struct KaplanMeierPoint {
    double time;
    std::uint64_t at_risk, events, censored;
    double survival;   // S(t), after this time's events
    double std_error;  // Greenwood's; NaN once no row is left at risk (S = 0)
    double lower, upper;  // the log(-log) band; [1, 1] before the first event, NaN with the error
};

// The curve of counts sorted by time, ascending and distinct.
std::vector<KaplanMeierPoint> kaplan_meier(const std::vector<TimeCounts>& counts, double significance);
// The curve of n rows (tests).
std::vector<KaplanMeierPoint> kaplan_meier(const double* time, const bool* event, std::size_t n,
                                           double significance);

// The aggregate's statistic (its result is the curve, built by the glue's
// final from kaplan_meier_of), and the curve of its collected rows.
const StatisticKind& kaplan_meier_kind();
// The summary's times must be sorted first (kaplan_meier_count).
std::vector<KaplanMeierPoint> kaplan_meier_of(const TrainingRows& rows, const Options& options);
// Sorts the summary's counts by time (memory claimed in budget).
void kaplan_meier_count(RowSummary& summary, MemoryBudget& budget);
// The distinct times of its collected rows: the points of its curve.
std::size_t kaplan_meier_times(const TrainingRows& rows);

}  // namespace recsys
