// A/B test assignment (src/core/experiments/ab_test.h): recsys.ab_bucket.
// The comparison, recsys.ab_compare, is the shared aggregate (ab_glue.cpp).
#include "../core/experiments/ab_test.h"
#include "arguments.h"
#include "bridge.h"
#include "pg_headers.h"

using namespace recsys;
using namespace recsys::pg;

extern "C" {

// ab_bucket(user_id, experiment, weights): a NULL user has no bucket.
RECSYS_FUNCTION(recsys_ab_bucket) {
    require_not_null(fcinfo, 1, "experiment");
    require_not_null(fcinfo, 2, "weights");
    text* experiment = PG_GETARG_TEXT_PP(1);
    if (VARSIZE_ANY_EXHDR(experiment) == 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("experiment must not be empty"),
                        errhint("name the experiment: its name keeps its buckets apart from other experiments'")));
    auto weights = float8_array(fcinfo, 2, "weights");
    guarded([&] { check_ab_weights(weights.data, static_cast<std::size_t>(weights.size)); });
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const double point = ab_point(PG_GETARG_INT64(0), VARDATA_ANY(experiment), VARSIZE_ANY_EXHDR(experiment));
    PG_RETURN_INT32(ab_variant(point, weights.data, static_cast<std::size_t>(weights.size)));
}

}  // extern "C"
