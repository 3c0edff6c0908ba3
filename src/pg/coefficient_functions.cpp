// recsys.coefficients(model) -> table(feature, name, coefficient, std_error,
// t_stat, p_value): the terms of any linear model kind (LinearModel), or of
// a pipeline's linear estimator named by its featurizer's features; the
// intercept as feature 0; what a fit does not have is NULL.
#include <cmath>

#include "../core/model/coefficients.h"
#include "../core/model/pipeline.h"
#include "bridge.h"
#include "model_source.h"
#include "owned.h"
#include "pg_headers.h"
#include "rows.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

Datum number_or_null(double v, bool* null) {
    *null = std::isnan(v);
    return Float8GetDatum(*null ? 0 : v);
}

Datum coefficients(FunctionCallInfo fcinfo, ModelArgument form) {
    const Model& model = ***model_argument(fcinfo, 0, form);
    const char* label = model_label(fcinfo);
    using Table = std::vector<CoefficientRow>;
    auto* table = new_owned<Table>();
    guarded([&] { table->reset(new Table(model_coefficients(model, label))); });
    RowWriter rows(fcinfo);
    for (const CoefficientRow& row : **table) {
        bool nulls[6] = {false, false, false, false, false, false};
        Datum values[6] = {Int32GetDatum(row.feature),
                           CStringGetTextDatum(row.name.c_str()),
                           number_or_null(row.coefficient, &nulls[2]),
                           number_or_null(row.std_error, &nulls[3]),
                           number_or_null(row.t_stat, &nulls[4]),
                           number_or_null(row.p_value, &nulls[5])};
        rows.put(values, nulls);
    }
    table->release();
    return (Datum)0;
}

}  // namespace

extern "C" {
RECSYS_MODEL_FUNCTION(recsys_coefficients, coefficients)
}
