// BPR's training aggregate, recsys.bpr_fit(user_id, item_id, weight [, options]):
// the shared aggregate (training_aggregate.h) over BPR's columns and
// options. It is served by the candidate functions (candidate_functions.cpp).
#include "../core/candidates/bpr.h"
#include "training_aggregate.h"

extern "C" {
RECSYS_TRAINING_AGGREGATE(recsys_bpr_collect, recsys::bpr_kind)
}
