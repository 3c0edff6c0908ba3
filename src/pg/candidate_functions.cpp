// Serving functions of candidate generators, whatever their kind
// (candidates/candidate_model.h): recommend, recommend_for_items,
// recommend_all and seen_items take any CandidateModel, similar_items any
// ItemModel, item_factors and user_factors any FactorModel.
#include <algorithm>
#include <vector>

#include "../core/candidates/factor_model.h"
#include "arguments.h"
#include "bridge.h"
#include "memory_claim.h"
#include "model_source.h"
#include "owned.h"
#include "pg_headers.h"
#include "rows.h"
#include "settings.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

using Ranked = Owned<std::vector<Scored>>;

// Working bytes per element of an id list argument, beyond the argument
// itself: the copy handed to the core (8), the known indices and their
// merged, sorted copy (4 + 4 + 4), a score (4) and a selected entry (8);
// recommend_for_items adds a weight (8) and the (index, weight) history (16).
constexpr std::size_t kBytesPerCandidate = 32, kBytesPerExcluded = 24, kBytesPerHistoryItem = 56;

template <class Capability>
const Capability& model_with(FunctionCallInfo fcinfo, ModelArgument form) {
    return typed_model<Capability>(fcinfo, model_argument(fcinfo, 0, form));
}

// An id the model does not know is no error: users and items arrive between
// trainings, and one query serves many of them. But an answer that is not
// the one asked for (popular items instead of the model's, or no rows) is
// said, as a NOTICE, once per call site and model: the first such id of a
// statement. A NOTICE, not a WARNING, because it is an everyday case: a
// WARNING goes to the server log by default (log_min_messages), a line per
// new user's page view; a NOTICE goes to the client only (psql shows it,
// drivers hand it to their notice handler). Once, because a batch query
// (recommend for every user of a table) would otherwise repeat it per row.
// first_unknown is true the first time at the call site (its scratch marks
// it; a new model argument clears it), so later rows format no message.
bool first_unknown(FunctionCallInfo fcinfo) {
    void*& noticed = call_site_scratch(fcinfo);
    if (noticed) return false;
    noticed = MemoryContextAllocZero(call_site_memory(fcinfo), 1);
    return true;
}

void notice_unknown(const char* message) {
    ereport(NOTICE, (errmsg("%s", message),
                     errdetail("Later ones at this call are not reported again in this statement."),
                     errhint("A model knows the users and items of its training rows; newer ones from its next "
                             "training (recsys.retrain_als).")));
}

// The popular items as an answer: what the notice says of their score.
constexpr const char* kPopularInstead =
    "the most popular items instead, scored by their number of training users (not a model score)";

bool knows_any(const ItemModel& model, const std::int64_t* ids, int n) {
    for (int i = 0; i < n; ++i)
        if (index_of(model.item_ids, ids[i]) >= 0) return true;
    return false;
}

// Emits (item_id, score, rank) rows.
void emit_ranked(FunctionCallInfo fcinfo, const ItemModel& model, const Ranked* ranked) {
    RowWriter rows(fcinfo);
    if (!ranked->value) return;  // nothing was asked (a NULL id)
    const std::vector<Scored>& list = **ranked;
    for (std::size_t r = 0; r < list.size(); ++r) {
        Datum values[3] = {Int64GetDatum(model.item_ids[static_cast<std::size_t>(list[r].index)]),
                           Float4GetDatum(list[r].score), Int32GetDatum(static_cast<int32>(r + 1))};
        bool nulls[3] = {false, false, false};
        rows.put(values, nulls);
    }
}

void emit_factors(FunctionCallInfo fcinfo, const std::vector<std::int64_t>& ids, const FactorMatrix& factors) {
    RowWriter rows(fcinfo);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        Datum values[2] = {Int64GetDatum(ids[i]),
                           float4_array(factors.row(static_cast<Eigen::Index>(i)).data(), static_cast<int>(factors.cols()))};
        bool nulls[2] = {false, false};
        rows.put(values, nulls);
    }
}

// recommend(model, user_id, k, exclude_seen, candidates, exclude)
Datum recommend(FunctionCallInfo fcinfo, ModelArgument form) {
    int k = positive_k(fcinfo, 2);
    require_not_null(fcinfo, 3, "exclude_seen");
    bool exclude_seen = PG_GETARG_BOOL(3);
    bool has_candidates, has_exclude;
    auto candidates = bigint_array(fcinfo, 4, "candidates", &has_candidates);
    auto exclude = bigint_array(fcinfo, 5, "exclude", &has_exclude);
    check_call_buffers(static_cast<std::size_t>(candidates.size) * kBytesPerCandidate +
                           static_cast<std::size_t>(exclude.size) * kBytesPerExcluded,
                       1, "recsys.recommend's candidates and exclude");
    const CandidateModel& model = model_with<CandidateModel>(fcinfo, form);
    Ranked* ranked = new_owned<std::vector<Scored>>();
    if (!PG_ARGISNULL(1)) {  // a NULL user has no recommendations
        std::int64_t user = PG_GETARG_INT64(1);
        if (has_candidates && !knows_any(model, candidates.data, candidates.size)) {
            if (first_unknown(fcinfo))
                notice_unknown(psprintf("candidates has no item of %s: recommend returns no rows", model_label(fcinfo)));
        } else if (index_of(model.user_ids, user) < 0 && first_unknown(fcinfo)) {
            notice_unknown(psprintf("user %lld is not in %s: recommend returns %s", static_cast<long long>(user),
                                    model_label(fcinfo), kPopularInstead));
        }
        guarded([&] {
            std::vector<std::int64_t> candidate_ids(candidates.data, candidates.data + candidates.size);
            std::vector<std::int64_t> excluded_ids(exclude.data, exclude.data + exclude.size);
            CandidateQuery q;
            q.k = capped_k(k, model.items());
            q.exclude_seen = exclude_seen;
            q.candidates = has_candidates ? &candidate_ids : nullptr;
            q.exclude = has_exclude ? &excluded_ids : nullptr;
            ranked->reset(new std::vector<Scored>(model.recommend(user, q)));
        });
    }
    emit_ranked(fcinfo, model, ranked);
    return (Datum)0;
}

// recommend_for_items(model, item_ids, weights, k, exclude_seen)
Datum recommend_for_items(FunctionCallInfo fcinfo, ModelArgument form) {
    require_not_null(fcinfo, 1, "item_ids");
    auto items = bigint_array(fcinfo, 1, "item_ids");
    bool has_weights;
    auto weights = float8_array(fcinfo, 2, "weights", &has_weights);
    int k = positive_k(fcinfo, 3);
    require_not_null(fcinfo, 4, "exclude_seen");
    bool exclude_seen = PG_GETARG_BOOL(4);
    check_call_buffers(static_cast<std::size_t>(items.size), kBytesPerHistoryItem, "recsys.recommend_for_items's item_ids");
    const CandidateModel& model = model_with<CandidateModel>(fcinfo, form);
    if (!knows_any(model, items.data, items.size) && first_unknown(fcinfo))
        notice_unknown(psprintf("item_ids has no item of %s: recommend_for_items returns %s", model_label(fcinfo),
                                kPopularInstead));
    Ranked* ranked = new_owned<std::vector<Scored>>();
    guarded([&] {
        std::vector<std::int64_t> item_list(items.data, items.data + items.size);
        std::vector<double> weight_list;
        if (has_weights) weight_list.assign(weights.data, weights.data + weights.size);
        CandidateQuery q;
        q.k = capped_k(k, model.items());
        q.exclude_seen = exclude_seen;
        ranked->reset(new std::vector<Scored>(model.recommend_for_items(item_list, weight_list, q)));
    });
    emit_ranked(fcinfo, model, ranked);
    return (Datum)0;
}

// similar_items(model, item_id, k)
Datum similar_items(FunctionCallInfo fcinfo, ModelArgument form) {
    int k = positive_k(fcinfo, 2);
    const ItemModel& model = model_with<ItemModel>(fcinfo, form);
    Ranked* ranked = new_owned<std::vector<Scored>>();
    if (!PG_ARGISNULL(1)) {
        std::int64_t item = PG_GETARG_INT64(1);
        if (index_of(model.item_ids, item) < 0 && first_unknown(fcinfo))
            notice_unknown(psprintf("item %lld is not in %s: similar_items returns no rows",
                                    static_cast<long long>(item), model_label(fcinfo)));
        guarded([&] { ranked->reset(new std::vector<Scored>(model.similar_items(item, capped_k(k, model.items())))); });
    }
    emit_ranked(fcinfo, model, ranked);
    return (Datum)0;
}

// recommend_all(model, k, exclude_seen): blocks of users, scored by one
// matrix product each, emitted block by block.
Datum recommend_all(FunctionCallInfo fcinfo, ModelArgument form) {
    int k = positive_k(fcinfo, 1);
    require_not_null(fcinfo, 2, "exclude_seen");
    bool exclude_seen = PG_GETARG_BOOL(2);
    const CandidateModel& model = model_with<CandidateModel>(fcinfo, form);
    RowWriter rows(fcinfo);
    struct Block {
        std::vector<Scored> ranked;
        std::vector<std::size_t> counts;
    };
    Owned<Block>* block = new_owned<Block>();
    guarded([&] { block->reset(new Block()); });
    const int workers = recsys::pg::threads();
    // Users per round: at most 16384 between interrupt checks, and at most
    // about 4 million selected entries (32 MB) held at once whatever k is,
    // twice (the selection and its copy in user order), under
    // recsys.max_memory; a single user's entries at least.
    const std::size_t per_user = capped_k(k, model.items());
    const std::size_t entry_bytes = 2 * sizeof(Scored);
    check_call_buffers(per_user, entry_bytes, "recsys.recommend_all's selection of one user");
    const std::size_t entries = std::min<std::size_t>(std::size_t(1) << 22, unclaimed_memory() / entry_bytes);
    const std::size_t block_users = std::clamp<std::size_t>(entries / per_user, 1, 16384);
    for (std::size_t begin = 0; begin < model.users(); begin += block_users) {
        std::size_t end = std::min(model.users(), begin + block_users);
        guarded([&] {
            StopToken stop(interrupt_pending);
            model.recommend_users(begin, end, per_user, exclude_seen, workers, stop, (*block)->ranked,
                                  (*block)->counts);
        });
        std::size_t pos = 0;
        for (std::size_t u = begin; u < end; ++u) {
            std::size_t n = (*block)->counts[u - begin];
            for (std::size_t r = 0; r < n; ++r, ++pos) {
                const Scored& s = (*block)->ranked[pos];
                Datum values[4] = {Int64GetDatum(model.user_ids[u]),
                                   Int64GetDatum(model.item_ids[static_cast<std::size_t>(s.index)]),
                                   Float4GetDatum(s.score), Int32GetDatum(static_cast<int32>(r + 1))};
                bool nulls[4] = {false, false, false, false};
                rows.put(values, nulls);
            }
        }
        CHECK_FOR_INTERRUPTS();
    }
    return (Datum)0;
}

Datum item_factors(FunctionCallInfo fcinfo, ModelArgument form) {
    const FactorModel& model = model_with<FactorModel>(fcinfo, form);
    emit_factors(fcinfo, model.item_ids, model.item_factors);
    return (Datum)0;
}

Datum user_factors(FunctionCallInfo fcinfo, ModelArgument form) {
    const FactorModel& model = model_with<FactorModel>(fcinfo, form);
    emit_factors(fcinfo, model.user_ids, model.user_factors);
    return (Datum)0;
}

// seen_items(model): the (user_id, item_id) pairs the model was trained on,
// the items exclude_seen leaves out for each user; users and, within a user,
// items in ascending index order. Nothing is allocated for them but the
// result rows, which PostgreSQL's tuplestore keeps under work_mem and spills
// to disk beyond it, so there is no buffer to claim under recsys.max_memory.
// The reader has checked that the offsets ascend, end at the items' count
// and index the catalogue (als_model.cpp), so every index below is in range.
Datum seen_items(FunctionCallInfo fcinfo, ModelArgument form) {
    const CandidateModel& model = model_with<CandidateModel>(fcinfo, form);
    RowWriter rows(fcinfo);
    for (std::size_t u = 0; u < model.users(); ++u) {
        for (std::uint64_t j = model.seen_offsets[u]; j < model.seen_offsets[u + 1]; ++j) {
            Datum values[2] = {Int64GetDatum(model.user_ids[u]),
                               Int64GetDatum(model.item_ids[static_cast<std::size_t>(model.seen_items[j])])};
            bool nulls[2] = {false, false};
            rows.put(values, nulls);
        }
        CHECK_FOR_INTERRUPTS();
    }
    return (Datum)0;
}

}  // namespace

extern "C" {
RECSYS_MODEL_FUNCTION(recsys_recommend, recommend)
RECSYS_MODEL_FUNCTION(recsys_recommend_for_items, recommend_for_items)
RECSYS_MODEL_FUNCTION(recsys_similar_items, similar_items)
RECSYS_MODEL_FUNCTION(recsys_recommend_all, recommend_all)
RECSYS_MODEL_FUNCTION(recsys_item_factors, item_factors)
RECSYS_MODEL_FUNCTION(recsys_user_factors, user_factors)
RECSYS_MODEL_FUNCTION(recsys_seen_items, seen_items)
}  // extern "C"
