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
#include "feature_arguments.h"
#include "model_source.h"
#include "pg_headers.h"
#include "predict_functions.h"

using namespace recsys;
using namespace recsys::pg;

const FeatureModel& recsys::pg::feature_model(FunctionCallInfo fcinfo, ModelHandle* handle) {
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
                        errhint("recsys.predict takes the models of logreg_fit, linreg_fit, mlp_fit, gbt_fit, forest_fit, knn_fit, svm_fit and coxph_fit, and pipelines")));
    return *scoring;
}

namespace {

Datum predict(FunctionCallInfo fcinfo, ModelArgument form) {
    if (PG_ARGISNULL(1)) PG_RETURN_NULL();  // no features, no prediction
    const FeatureModel& model = feature_model(fcinfo, model_argument(fcinfo, 0, form));
    const double* x = checked_features(fcinfo, PG_GETARG_ARRAYTYPE_P(1), model.feature_count(), model.takes_missing());
    PG_RETURN_FLOAT8(guarded([&] { return model.predict(x); }));
}

}  // namespace

extern "C" {
RECSYS_MODEL_FUNCTION(recsys_predict, predict)
}
