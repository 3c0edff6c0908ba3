// Item neighbours' training aggregate, recsys.itemknn_fit(user_id, item_id,
// weight [, options]): the shared aggregate (training_aggregate.h) over the
// kind's columns and options. Serving (recommend, recommend_for_items,
// similar_items, recommend_all, explain) is candidate_functions.cpp's, for
// every candidate generator.
#include "../core/candidates/itemknn_model.h"
#include "training_aggregate.h"

extern "C" {
RECSYS_TRAINING_AGGREGATE(recsys_itemknn_collect, recsys::itemknn_kind)
}
