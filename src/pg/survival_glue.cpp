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
#include "rows.h"
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
    CompositeArray points(fcinfo, kColumns, curve.size());
    for (const KaplanMeierPoint& p : curve) {
        bool nulls[kColumns] = {};
        const Datum values[kColumns] = {Float8GetDatum(p.time),
                                        Int64GetDatum(static_cast<int64>(p.at_risk)),
                                        Int64GetDatum(static_cast<int64>(p.events)),
                                        Int64GetDatum(static_cast<int64>(p.censored)),
                                        Float8GetDatum(p.survival),
                                        nullable(p.std_error, nulls[5]),
                                        nullable(p.lower, nulls[6]),
                                        nullable(p.upper, nulls[7])};
        points.put(values, nulls);
    }
    return points.array();
}

}  // namespace

extern "C" {

RECSYS_TRAINING_AGGREGATE(recsys_coxph_collect, recsys::coxph_kind)
RECSYS_STATISTIC_AGGREGATE(recsys_kaplan_meier_collect, "kaplan_meier")

RECSYS_FUNCTION(recsys_kaplan_meier_final) {
    TrainingState* s = finished_state(fcinfo);
    if (!s) PG_RETURN_NULL();
    grow_summary(s, [&](MemoryBudget& budget) { kaplan_meier_count(**s->summary, budget); });
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
