// ROC, precision-recall and calibration curves as rows (threshold, x, y),
// from arrays of scores and labels (array_agg of a query), for a BI tool to
// plot. The math is in src/core/statistics/statistic_kind.cpp.
#include <cmath>
#include <vector>

#include "../core/statistics/statistic_kind.h"
#include "arguments.h"
#include "bridge.h"
#include "owned.h"
#include "pg_headers.h"
#include "rows.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

using Curve = std::vector<CurvePoint>;

Datum emit_curve(FunctionCallInfo fcinfo, Curve (*compute)(const double*, const bool*, std::size_t, int)) {
    require_not_null(fcinfo, 0, "scores");
    require_not_null(fcinfo, 1, "labels");
    auto scores = float8_array(fcinfo, 0, "scores");
    auto labels = bool_array(fcinfo, 1, "labels");
    if (scores.size != labels.size)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("scores has %d elements and labels %d: they must pair up", scores.size, labels.size)));
    for (int i = 0; i < scores.size; ++i)
        if (!std::isfinite(scores.data[i]))
            ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
                            errmsg("scores[%d] is %g, not a finite number", i + 1, scores.data[i])));
    // Per point: the sort of the sweep or of the bins (16) and a point of
    // the curve (24, in a vector that grows by doubling: 48).
    check_call_buffers(static_cast<std::size_t>(scores.size), 64, "the points of a curve");
    int bins = PG_NARGS() > 2 && !PG_ARGISNULL(2) ? PG_GETARG_INT32(2) : 10;
    auto* curve = new_owned<Curve>();
    guarded([&] {
        curve->reset(new Curve(compute(scores.data, labels.data, static_cast<std::size_t>(scores.size), bins)));
    });
    RowWriter rows(fcinfo);
    for (const CurvePoint& point : **curve) {
        Datum values[3] = {Float8GetDatum(point.threshold), Float8GetDatum(point.x), Float8GetDatum(point.y)};
        bool nulls[3] = {false, false, false};
        rows.put(values, nulls);
    }
    curve->release();
    return (Datum)0;
}

Curve roc(const double* s, const bool* l, std::size_t n, int) { return roc_curve(s, l, n); }
Curve pr(const double* s, const bool* l, std::size_t n, int) { return precision_recall_curve(s, l, n); }

}  // namespace

extern "C" {

RECSYS_FUNCTION(recsys_roc_curve) { return emit_curve(fcinfo, roc); }
RECSYS_FUNCTION(recsys_precision_recall_curve) { return emit_curve(fcinfo, pr); }
RECSYS_FUNCTION(recsys_calibration_curve) {
    require_not_null(fcinfo, 2, "bins");
    return emit_curve(fcinfo, calibration_curve);
}

}  // extern "C"
