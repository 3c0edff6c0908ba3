// Logistic regression's training aggregate,
// recsys.logreg_fit(label bool, features float8[] [, options]): the shared
// aggregate over its columns and options. It predicts through recsys.predict.
#include "../core/linear/logreg.h"
#include "training_aggregate.h"

extern "C" {
RECSYS_TRAINING_AGGREGATE(recsys_logreg_collect, recsys::logreg_kind)
}
