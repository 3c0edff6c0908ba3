// The A/B comparison, recsys.ab_compare(variant bigint | text, value float8 |
// bool [, options jsonb]) -> jsonb: the shared aggregate
// (training_aggregate.h) over ab_compare's columns, options and summary
// (src/core/experiments/ab_kind.cpp), with the jsonb final of a statistic.
#include "training_aggregate.h"

extern "C" {
RECSYS_STATISTIC_AGGREGATE(recsys_ab_collect, "ab_compare")
}
