// Linear regression's training aggregate,
// recsys.linreg_fit(y float8, features float8[] [, options]): the shared
// aggregate over its columns and options, keeping the kind's summary of the
// rows rather than the rows (RowSummary). It predicts through recsys.predict
// and lists its terms through recsys.coefficients.
#include "../core/linear/linreg.h"
#include "training_aggregate.h"

extern "C" {
RECSYS_TRAINING_AGGREGATE(recsys_linreg_collect, recsys::linreg_kind)
}
