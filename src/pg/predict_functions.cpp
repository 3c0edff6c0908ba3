// recsys.predict(model, features float8[]) -> float8 for every kind that
// scores a feature vector (a pipeline's predict on a raw row is in
// pipeline_functions.cpp) (a probability for classifiers, a value for
// regressions). Called once per row of a scoring query: the model is looked
// up and decoded once per call site (model_argument), and a row costs the
// checks of its array and one dot product or forward pass.
#include <cmath>

#include "../core/model/model.h"
#include "../core/model/pipeline.h"
#include "bridge.h"
#include "feature_vector.h"
#include "model_source.h"
#include "pg_headers.h"

using namespace recsys;
using namespace recsys::pg;

const double* recsys::pg::elements_with_missing(ArrayType* array, int n) {
    if (!array_contains_nulls(array)) return reinterpret_cast<const double*>(ARR_DATA_PTR(array));
    auto* out = static_cast<double*>(palloc(sizeof(double) * n));
    const bits8* bitmap = ARR_NULLBITMAP(array);
    const auto* present = reinterpret_cast<const double*>(ARR_DATA_PTR(array));
    for (int i = 0; i < n; ++i) out[i] = (bitmap[i / 8] & (1 << (i % 8))) ? *present++ : NAN;
    return out;
}

const double* recsys::pg::feature_vector(FunctionCallInfo fcinfo, ArrayType* array, std::size_t expected,
                                        bool missing) {
    if (ARR_NDIM(array) > 1)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR), errmsg("features must be a one-dimensional array")));
    int n = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
    if (static_cast<std::size_t>(n) != expected)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("features has %d elements, %s was trained on %zu", n, model_description(fcinfo),
                               expected)));
    if (missing) {
        const double* x = elements_with_missing(array, n);
        for (int i = 0; i < n; ++i)
            if (std::isinf(x[i]))
                ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
                                errmsg("features[%d] is %g, not a finite number or a missing value (NULL, NaN)", i + 1,
                                       x[i])));
        return x;
    }
    if (array_contains_nulls(array)) {
        bits8* bitmap = ARR_NULLBITMAP(array);
        int first = 0;
        while (first < n && (bitmap[first / 8] & (1 << (first % 8)))) ++first;
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("features[%d] is NULL", first + 1),
                        errhint("impute missing features the way the training rows were")));
    }
    const auto* x = reinterpret_cast<const double*>(ARR_DATA_PTR(array));
    for (int i = 0; i < n; ++i)
        if (!std::isfinite(x[i]))
            ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION), errmsg("features[%d] is %g, not a finite number", i + 1,
                                                                      x[i])));
    return x;
}

namespace {

const FeatureModel& feature_model(FunctionCallInfo fcinfo, ModelHandle* handle) {
    const Model& model = ***handle;
    const auto* scoring = dynamic_cast<const FeatureModel*>(&model);
    if (dynamic_cast<const PipelineModel*>(&model))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s is a pipeline: it predicts from a raw row, not from a feature vector",
                               model_label(fcinfo)),
                        errhint("pass the row as a JSON object or a table's row: recsys.predict(model, to_jsonb(t)) "
                                "or recsys.predict(model, t)")));
    if (!scoring)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s is of kind \"%s\", which does not predict from a feature vector", model_label(fcinfo),
                               model.kind()),
                        errhint("recsys.predict takes the models of logreg_fit, linreg_fit and mlp_fit, and pipelines")));
    return *scoring;
}

Datum predict(FunctionCallInfo fcinfo, ModelArgument form) {
    if (PG_ARGISNULL(1)) PG_RETURN_NULL();  // no features, no prediction
    const FeatureModel& model = feature_model(fcinfo, model_argument(fcinfo, 0, form));
    const double* x = feature_vector(fcinfo, PG_GETARG_ARRAYTYPE_P(1), model.feature_count(), model.takes_missing());
    PG_RETURN_FLOAT8(guarded([&] { return model.predict(x); }));
}

}  // namespace

extern "C" {
RECSYS_MODEL_FUNCTION(recsys_predict, predict)
}
