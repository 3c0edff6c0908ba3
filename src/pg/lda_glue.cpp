// Linear discriminant analysis: the training aggregate
// recsys.lda_fit(class text, features float8[] [, options]) (a summarizing
// kind: per-class moments, merged between parallel workers) and
// recsys.lda_transform(model, features) -> float8[], the features projected
// on the discriminant directions. Its classes come through predict_class and
// predict_proba (class_functions.cpp).
#include "../core/discriminant/lda.h"
#include "arguments.h"
#include "feature_arguments.h"
#include "model_source.h"
#include "rows.h"
#include "training_aggregate.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

Datum lda_transform(FunctionCallInfo fcinfo, ModelArgument form) {
    if (PG_ARGISNULL(1)) PG_RETURN_NULL();
    const LdaModel& model = typed_model<LdaModel>(fcinfo, model_argument(fcinfo, 0, form));
    const double* x = checked_features(fcinfo, PG_GETARG_ARRAYTYPE_P(1), model.feature_count());
    ArrayType* result = new_float8_array(static_cast<int>(model.components()));
    auto* out = reinterpret_cast<double*>(ARR_DATA_PTR(result));
    guarded([&] { model.transform(x, out); });
    PG_RETURN_ARRAYTYPE_P(result);
}

}  // namespace

extern "C" {
RECSYS_TRAINING_AGGREGATE(recsys_lda_collect, recsys::lda_kind)
RECSYS_MODEL_FUNCTION(recsys_lda_transform, lda_transform)
}
