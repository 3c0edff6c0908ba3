// The final of the curve aggregates (roc_curve, precision_recall_curve,
// calibration_curve): the curve of the rows collected by the shared aggregate
// (training_aggregate.h), as an array of recsys.curve_point (threshold, x, y)
// that unnest turns into rows a BI tool plots:
//   SELECT (unnest(recsys.roc_curve(p, watched))).* FROM scored;
// The math is in src/core/statistics/statistic_kind.cpp.
#include <vector>

#include "../core/statistics/statistic_kind.h"
#include "aggregate_options.h"
#include "memory_claim.h"
#include "bridge.h"
#include "owned.h"
#include "pg_headers.h"
#include "rows.h"
#include "training_state.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

using Curve = std::vector<CurvePoint>;

// Per row: the sort of the sweep or of the bins (16) and, per point of the
// curve (at most one per row, and a first one): its entry in a vector that
// grows by doubling (48), its Datum (8), its tuple (64) and its element of
// the array (64).
constexpr std::size_t kBytesPerRow = 16 + 48 + 8 + 64 + 64;

// The points as an array of the final function's element type (its declared
// result, recsys.curve_point[]).
Datum curve_array(FunctionCallInfo fcinfo, const Curve& curve) {
    CompositeArray points(fcinfo, 3, curve.size());
    for (const CurvePoint& p : curve) {
        const Datum values[3] = {Float8GetDatum(p.threshold), Float8GetDatum(p.x), Float8GetDatum(p.y)};
        const bool nulls[3] = {false, false, false};
        points.put(values, nulls);
    }
    return points.array();
}

}  // namespace

extern "C" {

RECSYS_FUNCTION(recsys_statistic_curve) {
    TrainingState* s = finished_state(fcinfo);
    if (!s) PG_RETURN_NULL();
    // The curve is the aggregate's own: its claim grows by it, beside the rows.
    char what[128];
    snprintf(what, sizeof what, "%s's curve of %llu rows", function_name(*s->kind),
             static_cast<unsigned long long>(s->count));
    set_claim(s->claim, claimed_bytes(s->claim) + (static_cast<std::size_t>(s->count) + 1) * kBytesPerRow, what);
    char* text = options_text(s->options.value);
    auto* curve = new_owned<Curve>();
    guarded([&] {
        const StatisticKind& kind = statistic_kind(s->kind->name);
        curve->reset(new Curve(kind.curve(rows_of(s), kind_options(kind.aggregate, text))));
    });
    Datum result = curve_array(fcinfo, **curve);
    curve->release();
    return result;
}

}  // extern "C"
