// The fully connected ranker's training aggregate,
// recsys.mlp_fit(label bool, features float8[] [, options]): the shared
// aggregate over its columns and options. It predicts through recsys.predict.
#include "../core/network/mlp.h"
#include "training_aggregate.h"

extern "C" {
RECSYS_TRAINING_AGGREGATE(recsys_mlp_collect, recsys::mlp_kind)
}
