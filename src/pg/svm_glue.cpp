// The linear SVM's training aggregate,
// recsys.svm_fit(label bool, features float8[] [, options]): the shared
// aggregate over its columns and options. Its decision values come through
// recsys.predict, its terms through recsys.coefficients.
#include "../core/linear/svm.h"
#include "training_aggregate.h"

extern "C" {
RECSYS_TRAINING_AGGREGATE(recsys_svm_collect, recsys::svm_kind)
}
