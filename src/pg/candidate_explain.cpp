// recsys.explain(model, user_id, recommended_item_id): the score of an item
// for a user, decomposed over the user's training items by the model's kind
// (CandidateModel::explain). Rows (item_id, contribution), largest first,
// then, for a kind whose stored factors differ from the decomposition's
// exact solve (ALS), the difference as a row with a NULL item_id: the rows
// always sum to the score recommend gives.
#include <vector>

#include "../core/candidates/candidate_model.h"
#include "bridge.h"
#include "candidate_notice.h"
#include "model_source.h"
#include "owned.h"
#include "pg_headers.h"
#include "rows.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

Datum explain(FunctionCallInfo fcinfo, ModelArgument form) {
    const CandidateModel& model = typed_model<CandidateModel>(fcinfo, model_argument(fcinfo, 0, form));
    Owned<std::vector<Scored>>* parts = new_owned<std::vector<Scored>>();
    if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2)) {  // a NULL user or item has no explanation
        const std::int64_t user_id = PG_GETARG_INT64(1), item_id = PG_GETARG_INT64(2);
        const std::int64_t user = index_of(model.user_ids, user_id), item = index_of(model.item_ids, item_id);
        if (user < 0 || item < 0) {
            if (first_unknown(fcinfo))
                notice_unknown(user < 0 ? psprintf("user %lld is not in %s: explain returns no rows",
                                                   static_cast<long long>(user_id), model_label(fcinfo))
                                        : psprintf("item %lld is not in %s: explain returns no rows",
                                                   static_cast<long long>(item_id), model_label(fcinfo)));
        } else {
            guarded([&] {
                parts->reset(new std::vector<Scored>(
                    model.explain(static_cast<std::size_t>(user), static_cast<std::size_t>(item))));
            });
        }
    }
    RowWriter rows(fcinfo);
    if (!parts->value) return (Datum)0;
    for (const Scored& part : **parts) {
        const bool rest = part.index < 0;  // the part no training item holds
        Datum values[2] = {rest ? (Datum)0 : Int64GetDatum(model.item_ids[static_cast<std::size_t>(part.index)]),
                           Float4GetDatum(part.score)};
        bool nulls[2] = {rest, false};
        rows.put(values, nulls);
    }
    return (Datum)0;
}

}  // namespace

extern "C" {
RECSYS_MODEL_FUNCTION(recsys_explain, explain)
}
