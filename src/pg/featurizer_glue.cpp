// The featurizer's training aggregate, recsys.featurizer_fit("row" jsonb
// [, target float8] [, options jsonb]): the shared aggregate
// (training_aggregate.h) over the featurizer's columns, options and summary
// (src/core/features/featurizer_kind.cpp). Its serving functions are in
// featurizer_functions.cpp.
#include "../core/features/featurizer.h"
#include "training_aggregate.h"

extern "C" {
RECSYS_TRAINING_AGGREGATE(recsys_featurizer_collect, recsys::featurizer_kind)
}
