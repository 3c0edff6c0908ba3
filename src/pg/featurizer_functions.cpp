// A featurizer applied to rows (a featurizer_fit model, or a pipeline's):
//   recsys.transform(featurizer, row jsonb or a table's row, training bool) -> float8[]
//   recsys.feature_names(featurizer) -> text[], aligned with transform's output
//   recsys.impute(featurizer, row jsonb) -> jsonb, the row with its holes filled
// Called once per row of a query: the model is looked up once per call site
// and a row costs its key lookups and the result.
#include "../core/features/featurizer.h"
#include "arguments.h"
#include "bridge.h"
#include "featurizer_site.h"
#include "model_source.h"
#include "pg_headers.h"
#include "rows.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

Datum transform(FunctionCallInfo fcinfo, ModelArgument form) {
    const FeaturizerSite& site = featurizer_site(fcinfo, form, "transform");
    if (PG_ARGISNULL(1)) PG_RETURN_NULL();  // no row, no features
    require_not_null(fcinfo, 2, "training");
    const bool training = PG_GETARG_BOOL(2);
    read_site_row(site, fcinfo, "transform");
    ArrayType* out = new_float8_array(site.features);
    auto* x = reinterpret_cast<double*>(ARR_DATA_PTR(out));
    if (site.features > 0) guarded([&] { site.featurizer->transform(site.values, x, training); });
    PG_RETURN_ARRAYTYPE_P(out);
}

Datum feature_names(FunctionCallInfo fcinfo, ModelArgument form) {
    const FeaturizerSite& site = featurizer_site(fcinfo, form, "feature_names");
    const std::vector<std::string>& names = site.featurizer->feature_names();
    Datum* elements = static_cast<Datum*>(palloc(sizeof(Datum) * (names.size() + 1)));
    for (std::size_t i = 0; i < names.size(); ++i)
        elements[i] = PointerGetDatum(cstring_to_text_with_len(names[i].data(), static_cast<int>(names[i].size())));
    PG_RETURN_ARRAYTYPE_P(construct_array(elements, static_cast<int>(names.size()), TEXTOID, -1, false, TYPALIGN_INT));
}

Datum impute(FunctionCallInfo fcinfo, ModelArgument form) {
    const FeaturizerSite& site = featurizer_site(fcinfo, form, "impute");
    if (PG_ARGISNULL(1)) PG_RETURN_NULL();
    read_site_row(site, fcinfo, "impute");
    Datum filled = jsonb_from([&] { return site.featurizer->imputed_json(site.values); });
    return DirectFunctionCall2(jsonb_concat, PG_GETARG_DATUM(1), filled);
}

}  // namespace

extern "C" {
RECSYS_MODEL_FUNCTION(recsys_transform, transform)
RECSYS_MODEL_FUNCTION(recsys_feature_names, feature_names)
RECSYS_MODEL_FUNCTION(recsys_impute, impute)
}
