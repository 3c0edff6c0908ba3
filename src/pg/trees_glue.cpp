// Boosted trees' and forests' training aggregates,
// recsys.gbt_fit(target, features [, query], options) and
// recsys.forest_fit(target, features [, options]): the shared aggregate over
// their columns and options. They predict through recsys.predict.
#include "../core/trees/tree_model.h"
#include "training_aggregate.h"

extern "C" {
RECSYS_TRAINING_AGGREGATE(recsys_gbt_collect, recsys::gbt_kind)
RECSYS_TRAINING_AGGREGATE(recsys_forest_collect, recsys::forest_kind)
}
