// recsys.item_vector(model, item_id) -> real[]: the vector an item model
// keeps for an item (ALS's and BPR's item factors, the co-occurrence
// embedding), for use as ranker features. NULL for an unknown item (or a
// NULL item_id); 22023 for a model without item vectors (item neighbours).
#include "../core/candidates/candidate_model.h"
#include "model_source.h"
#include "pg_headers.h"
#include "rows.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

Datum item_vector(FunctionCallInfo fcinfo, ModelArgument form) {
    const ItemModel& model = typed_model<ItemModel>(fcinfo, model_argument(fcinfo, 0, form));
    if (PG_ARGISNULL(1)) PG_RETURN_NULL();
    const std::int64_t index = index_of(model.item_ids, PG_GETARG_INT64(1));
    if (index < 0) PG_RETURN_NULL();
    const float* vector = model.item_vector(static_cast<std::size_t>(index));
    if (!vector || model.dimensions() == 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s keeps no item vectors", model_description(fcinfo)),
                        errhint("item_vector reads models with item factors or embeddings: als, bpr, cooccurrence")));
    return float4_array(vector, static_cast<int>(model.dimensions()));
}

}  // namespace

extern "C" {
RECSYS_MODEL_FUNCTION(recsys_item_vector, item_vector)
}
