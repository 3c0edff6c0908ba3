// The training aggregate of item features -> item factors (fresh items),
// recsys.item_factors_fit(factors float8[], features float8[] [, options]):
// the shared aggregate over its columns and options. recsys.add_items
// (fresh_items_glue.cpp) places new items with the model.
#include "../core/candidates/item_factors.h"
#include "training_aggregate.h"

extern "C" {
RECSYS_TRAINING_AGGREGATE(recsys_item_factors_collect, recsys::item_factors_kind)
}
