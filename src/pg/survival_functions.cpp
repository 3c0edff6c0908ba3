// The serving side of a Cox model (src/core/survival/coxph.h), each in the
// two forms of every model function (RECSYS_MODEL_FUNCTION: the bytes, or a
// registry name through the per-backend cache):
//   recsys.baseline_hazard(model) -> table(time, cumulative_hazard): the
//     Breslow baseline cumulative hazard H0(t) at features 0, one row per
//     event time of the training rows;
//   recsys.survival_curve(model, features) -> table(time, cumulative_hazard,
//     survival): S(t | x) = exp(-H0(t) * exp(x . beta)) at those times; NULL
//     features give no rows.
#include <vector>

#include "../core/survival/coxph.h"
#include "bridge.h"
#include "feature_arguments.h"
#include "model_source.h"
#include "owned.h"
#include "pg_headers.h"
#include "rows.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

Datum baseline_hazard(FunctionCallInfo fcinfo, ModelArgument form) {
    const CoxModel& model = typed_model<CoxModel>(fcinfo, model_argument(fcinfo, 0, form));
    RowWriter rows(fcinfo);
    for (std::size_t k = 0; k < model.baseline_time.size(); ++k) {
        bool nulls[2] = {false, false};
        Datum values[2] = {Float8GetDatum(model.baseline_time[k]), Float8GetDatum(model.baseline_hazard[k])};
        rows.put(values, nulls);
    }
    return (Datum)0;
}

Datum survival_curve(FunctionCallInfo fcinfo, ModelArgument form) {
    const CoxModel& model = typed_model<CoxModel>(fcinfo, model_argument(fcinfo, 0, form));
    RowWriter rows(fcinfo);
    if (PG_ARGISNULL(1)) return (Datum)0;  // no features, no curve
    const double* x = checked_features(fcinfo, PG_GETARG_ARRAYTYPE_P(1), model.feature_count());
    auto* curve = new_owned<std::vector<SurvivalPoint>>();
    guarded([&] { curve->reset(new std::vector<SurvivalPoint>(model.survival_curve(x))); });
    for (const SurvivalPoint& p : **curve) {
        bool nulls[3] = {false, false, false};
        Datum values[3] = {Float8GetDatum(p.time), Float8GetDatum(p.cumulative_hazard), Float8GetDatum(p.survival)};
        rows.put(values, nulls);
    }
    curve->release();
    return (Datum)0;
}

}  // namespace

extern "C" {
RECSYS_MODEL_FUNCTION(recsys_baseline_hazard, baseline_hazard)
RECSYS_MODEL_FUNCTION(recsys_survival_curve, survival_curve)
}
