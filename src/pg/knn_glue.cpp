// k-nearest neighbours: the training aggregate
// recsys.knn_fit(target float8, features float8[] [, id bigint] [, options])
// and recsys.knn_neighbors(model, features, k) -> table(row, distance,
// target), the k nearest training rows of a feature vector, nearest first.
// The model predicts through recsys.predict, and (classification) through
// predict_class and predict_proba.
#include <vector>

#include "../core/neighbours/knn.h"
#include "arguments.h"
#include "feature_arguments.h"
#include "model_source.h"
#include "owned.h"
#include "rows.h"
#include "training_aggregate.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

Datum knn_neighbors(FunctionCallInfo fcinfo, ModelArgument form) {
    const KnnModel& model = typed_model<KnnModel>(fcinfo, model_argument(fcinfo, 0, form));
    require_not_null(fcinfo, 1, "features");
    require_not_null(fcinfo, 2, "k");
    const double* x = checked_features(fcinfo, PG_GETARG_ARRAYTYPE_P(1), model.feature_count());
    const std::size_t k = capped_k(positive_k(fcinfo, 2), model.row_count());
    check_call_buffers(k, sizeof(Neighbour), "knn_neighbors");
    using Found = std::vector<Neighbour>;
    auto* found = new_owned<Found>();
    guarded([&] { found->reset(new Found(model.nearest(x, k))); });
    RowWriter rows(fcinfo);
    for (const Neighbour& n : **found) {
        bool nulls[3] = {false, false, false};
        Datum values[3] = {Int64GetDatum(model.ids[n.position]), Float8GetDatum(n.distance),
                           Float8GetDatum(model.targets[n.position])};
        rows.put(values, nulls);
    }
    found->release();
    return (Datum)0;
}

}  // namespace

extern "C" {
RECSYS_TRAINING_AGGREGATE(recsys_knn_collect, recsys::knn_kind)
RECSYS_MODEL_FUNCTION(recsys_knn_neighbors, knn_neighbors)
}
