// ALS's training aggregate, recsys.als_fit(user_id, item_id, weight [, options]):
// the shared aggregate (training_aggregate.h) over ALS's columns and options.
// Its serving functions are in als_functions.cpp.
#include "../core/als/als_kind.h"
#include "training_aggregate.h"

extern "C" {
RECSYS_TRAINING_AGGREGATE(recsys_als_collect, recsys::als_kind)
}
