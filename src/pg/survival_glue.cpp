// Survival: the transition functions of recsys.coxph_fit(time, event,
// features [, options]) and of recsys.kaplan_meier(time, event [, options])
// over the shared aggregate (training_aggregate.h), and kaplan_meier's
// final, the curve as an array of recsys.kaplan_meier_point that unnest
// turns into rows:
//   SELECT (unnest(recsys.kaplan_meier(days, churned))).* FROM drivers;
// The math is in src/core/survival/.
#include <cmath>
#include <vector>

#include "../core/survival/coxph.h"
#include "../core/survival/kaplan_meier.h"
#include "memory_claim.h"
#include "owned.h"
#include "pg_headers.h"
#include "training_aggregate.h"
#include "training_state.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

using Curve = std::vector<KaplanMeierPoint>;

// Per point of the curve (one per distinct time): its entry (64), its
// Datum (8), its tuple (~96) and its copy in the array (~96).
constexpr std::size_t kBytesPerPoint = 64 + 8 + 96 + 96;
constexpr int kColumns = 8;

Datum nullable(double v, bool& null) {
    null = std::isnan(v);
    return Float8GetDatum(null ? 0 : v);
}

// The points as an array of the final's declared element type.
Datum curve_array(FunctionCallInfo fcinfo, const Curve& curve) {
    const Oid point_type = get_element_type(get_func_rettype(fcinfo->flinfo->fn_oid));
    if (!OidIsValid(point_type)) elog(ERROR, "recsys: kaplan_meier's final function must return an array");
    if (curve.empty()) return PointerGetDatum(construct_empty_array(point_type));
    TupleDesc desc = lookup_rowtype_tupdesc_copy(point_type, -1);
    if (desc->natts != kColumns) elog(ERROR, "recsys: %s must have %d columns", format_type_be(point_type), kColumns);
    const int n = static_cast<int>(curve.size());
    Datum* points = static_cast<Datum*>(palloc(sizeof(Datum) * static_cast<Size>(n)));
    for (int i = 0; i < n; ++i) {
        const KaplanMeierPoint& p = curve[static_cast<std::size_t>(i)];
        bool nulls[kColumns] = {};
        Datum values[kColumns] = {Float8GetDatum(p.time),
                                  Int64GetDatum(static_cast<int64>(p.at_risk)),
                                  Int64GetDatum(static_cast<int64>(p.events)),
                                  Int64GetDatum(static_cast<int64>(p.censored)),
                                  Float8GetDatum(p.survival),
                                  nullable(p.std_error, nulls[5]),
                                  nullable(p.lower, nulls[6]),
                                  nullable(p.upper, nulls[7])};
        points[i] = HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
    }
    int16 length;
    bool by_value;
    char align;
    get_typlenbyvalalign(point_type, &length, &by_value, &align);
    return PointerGetDatum(construct_array(points, n, point_type, length, by_value, align));
}

}  // namespace

extern "C" {

RECSYS_TRAINING_AGGREGATE(recsys_coxph_collect, recsys::coxph_kind)
RECSYS_STATISTIC_AGGREGATE(recsys_kaplan_meier_collect, "kaplan_meier")

RECSYS_FUNCTION(recsys_kaplan_meier_final) {
    TrainingState* s = finished_state(fcinfo);
    if (!s) PG_RETURN_NULL();
    const std::size_t times = guarded([&] { return kaplan_meier_times(rows_of(s)); });
    // The curve is the aggregate's own: its claim grows by it, beside the counts.
    set_claim(s->claim, claimed_bytes(s->claim) + (times + 1) * kBytesPerPoint, "kaplan_meier's curve");
    char* text = options_text(s->options.value);
    auto* curve = new_owned<Curve>();
    guarded([&] {
        curve->reset(new Curve(kaplan_meier_of(rows_of(s), kind_options(kaplan_meier_kind().aggregate, text))));
    });
    Datum result = curve_array(fcinfo, **curve);
    curve->release();
    return result;
}

}  // extern "C"
