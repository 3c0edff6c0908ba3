// The co-occurrence embeddings' training aggregate,
// recsys.cooccurrence_fit(user_id bigint, item_id bigint, ts timestamptz [, options]):
// the shared aggregate over the kind's columns (its ts column is read as the
// int64 microseconds a timestamptz datum holds; see cooccurrence_model.cpp).
// The model is served by similar_items and item_vector (item_vector_functions.cpp).
#include "../core/candidates/cooccurrence.h"
#include "training_aggregate.h"

extern "C" {
RECSYS_TRAINING_AGGREGATE(recsys_cooccurrence_collect, recsys::cooccurrence_kind)
}
