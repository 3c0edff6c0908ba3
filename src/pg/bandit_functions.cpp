// The bandit (src/core/experiments/bandit.h): its training aggregate
// recsys.bandit_fit(item_id bigint, shown bigint, clicked bigint [, options]),
// recsys.explore (a page sampled from candidates) and recsys.bandit_items
// (what the model believes of each item).
#include <cmath>
#include <vector>

#include "../core/experiments/bandit.h"
#include "arguments.h"
#include "bridge.h"
#include "model_source.h"
#include "owned.h"
#include "pg_headers.h"
#include "rows.h"
#include "training_aggregate.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

// explore(model, item_ids, scores, k, epsilon, seed)
Datum explore_page(FunctionCallInfo fcinfo, ModelArgument form) {
    require_not_null(fcinfo, 1, "item_ids");
    int k = positive_k(fcinfo, 3);
    require_not_null(fcinfo, 4, "epsilon");
    require_not_null(fcinfo, 5, "seed");
    bool has_scores;
    auto items = bigint_array(fcinfo, 1, "item_ids");
    auto scores = float8_array(fcinfo, 2, "scores", &has_scores);
    if (has_scores && scores.size != items.size)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("item_ids has %d elements and scores %d: they must pair up", items.size, scores.size)));
    // Per candidate: its sorted copy (8), its draw and score (32), two
    // pointers (16), a position (8) and a slot of the page (40).
    check_call_buffers(static_cast<std::size_t>(items.size), 104, "recsys.explore's candidates");
    const BanditModel& model = typed_model<BanditModel>(fcinfo, model_argument(fcinfo, 0, form));
    ExploreRequest request;
    request.items = items.data;
    request.scores = has_scores ? scores.data : nullptr;
    request.n = static_cast<std::size_t>(items.size);
    request.k = static_cast<int>(capped_k(k, request.n));
    request.epsilon = PG_GETARG_FLOAT8(4);
    request.seed = static_cast<std::uint64_t>(PG_GETARG_INT64(5));
    using Page = std::vector<ExploreSlot>;
    auto* page = new_owned<Page>();
    guarded([&] { page->reset(new Page(explore(model, request))); });
    RowWriter rows(fcinfo);
    for (const ExploreSlot& slot : **page) {
        Datum values[5] = {Int64GetDatum(slot.item), Int32GetDatum(slot.rank), Float8GetDatum(slot.score),
                           Float8GetDatum(slot.sample), BoolGetDatum(slot.explored)};
        bool nulls[5] = {false, false, std::isnan(slot.score), false, false};
        rows.put(values, nulls);
    }
    page->release();
    return (Datum)0;
}

// bandit_items(model): (item_id, shows, clicks, alpha, beta, mean, fresh)
Datum bandit_items(FunctionCallInfo fcinfo, ModelArgument form) {
    const BanditModel& model = typed_model<BanditModel>(fcinfo, model_argument(fcinfo, 0, form));
    RowWriter rows(fcinfo);
    for (std::size_t i = 0; i < model.counts.items.size(); ++i) {
        const auto at = static_cast<std::ptrdiff_t>(i);
        const double a = model.alpha(at), b = model.beta(at);
        Datum values[7] = {Int64GetDatum(model.counts.items[i]),
                           Int64GetDatum(static_cast<int64>(model.counts.shows[i])),
                           Int64GetDatum(static_cast<int64>(model.counts.clicks[i])),
                           Float8GetDatum(a),
                           Float8GetDatum(b),
                           Float8GetDatum(a / (a + b)),
                           BoolGetDatum(model.fresh(at))};
        bool nulls[7] = {false, false, false, false, false, false, false};
        rows.put(values, nulls);
    }
    return (Datum)0;
}

}  // namespace

extern "C" {
RECSYS_TRAINING_AGGREGATE(recsys_bandit_collect, recsys::bandit_kind)
RECSYS_MODEL_FUNCTION(recsys_explore, explore_page)
RECSYS_MODEL_FUNCTION(recsys_bandit_items, bandit_items)
}
