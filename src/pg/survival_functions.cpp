// recsys.baseline_hazard(model bytea) -> table(time, cumulative_hazard): the
// Breslow baseline cumulative hazard H0(t) at features 0 that a coxph model
// keeps, one row per event time of its training rows. recsys.survival_curve
// (64_survival.sql) projects new features with it: S(t | x) = exp(-H0(t) *
// recsys.predict(model, x)). The name forms of both are SQL over the bytes
// of the version the name serves (64_survival.sql).
#include <vector>

#include "../core/survival/coxph.h"
#include "bridge.h"
#include "model_source.h"
#include "pg_headers.h"
#include "rows.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

Datum baseline_hazard(FunctionCallInfo fcinfo) {
    const CoxModel& model = typed_model<CoxModel>(fcinfo, model_argument(fcinfo, 0, ModelArgument::Bytes));
    RowWriter rows(fcinfo);
    for (std::size_t k = 0; k < model.baseline_time.size(); ++k) {
        bool nulls[2] = {false, false};
        Datum values[2] = {Float8GetDatum(model.baseline_time[k]), Float8GetDatum(model.baseline_hazard[k])};
        rows.put(values, nulls);
    }
    return (Datum)0;
}

}  // namespace

extern "C" {
RECSYS_FUNCTION(recsys_baseline_hazard) { return baseline_hazard(fcinfo); }
}
