// The als_fit aggregate: a compact transition state (growing arrays of ids
// and weights in the aggregate's memory context), combine / serialize /
// deserialize for parallel aggregation, and the final function that trains.
#include <cfloat>
#include <cmath>
#include <cstring>

#include "../core/als.h"
#include "bridge.h"
#include "memory_claim.h"
#include "options_jsonb.h"
#include "owned.h"
#include "pg_headers.h"
#include "settings.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

constexpr const char* kFunction = "als_fit";
constexpr std::size_t kBytesPerRow = 2 * sizeof(int64) + sizeof(float);

// Trivially destructible: it lives in a memory context.
struct AlsState {
    int64* users;
    int64* items;
    float* weights;
    uint64 count;
    uint64 capacity;
    uint64 skipped;  // rows with a NULL user or item
    Jsonb* options;  // NULL for the 3-argument form
    bool options_checked;
    bool serialized;     // a partial state that a parallel worker hands over as one bytea
    MemoryClaim* claim;  // the bytes of the row arrays, against recsys.max_memory
};

// Layout of a serialized state: count, skipped, options length (0: none),
// options, users, items, weights. One bytea holds at most 1 GB.
constexpr uint64 kSerialHeader = VARHDRSZ + 3 * sizeof(uint64);

uint64 serialized_size(const AlsState* s) {
    return kSerialHeader + (s->options ? VARSIZE(s->options) : 0) + s->count * kBytesPerRow;
}

MemoryContext aggregate_context(FunctionCallInfo fcinfo, const char* what) {
    MemoryContext context;
    if (!AggCheckCallContext(fcinfo, &context)) elog(ERROR, "recsys.%s called in non-aggregate context", what);
    return context;
}

// Whether this call of the transition function builds a partial state that
// will be serialized (a worker's share of a parallel aggregate).
bool builds_serialized_state(FunctionCallInfo fcinfo) {
    return fcinfo->context && IsA(fcinfo->context, AggState) &&
           DO_AGGSPLIT_SERIALIZE(reinterpret_cast<AggState*>(fcinfo->context)->aggsplit);
}

// A worker's state must fit one bytea: say so at the row that passes it, not
// after the whole scan when the state is handed over.
void check_serializable(const AlsState* s, uint64 rows) {
    uint64 fixed = kSerialHeader + (s->options ? VARSIZE(s->options) : 0);
    uint64 most = (MaxAllocSize - fixed) / kBytesPerRow;
    if (rows > most)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("als_fit share of one parallel worker passes %llu rows, the most it can hand over "
                               "(1 GB)",
                               static_cast<unsigned long long>(most)),
                        errhint("SET max_parallel_workers_per_gather = 0 (or a larger value, so that each worker "
                                "reads less) for this query")));
}

void reserve(AlsState* s, uint64 needed, MemoryContext context) {
    if (needed <= s->capacity) return;
    if (s->serialized) check_serializable(s, needed);
    uint64 capacity = s->capacity ? s->capacity : 1024;
    while (capacity < needed) capacity *= 2;
    // Doubling must not overshoot the limit when the rows themselves fit.
    uint64 limit_rows = claimable_bytes(s->claim) / kBytesPerRow;
    if (capacity > limit_rows) capacity = needed > limit_rows ? needed : limit_rows;
    char what[96];
    snprintf(what, sizeof what, "als_fit input of %llu rows", static_cast<unsigned long long>(needed));
    set_claim(s->claim, capacity * kBytesPerRow, what);
    if (s->capacity == 0) {
        s->users = static_cast<int64*>(MemoryContextAllocHuge(context, capacity * sizeof(int64)));
        s->items = static_cast<int64*>(MemoryContextAllocHuge(context, capacity * sizeof(int64)));
        s->weights = static_cast<float*>(MemoryContextAllocHuge(context, capacity * sizeof(float)));
    } else {
        s->users = static_cast<int64*>(repalloc_huge(s->users, capacity * sizeof(int64)));
        s->items = static_cast<int64*>(repalloc_huge(s->items, capacity * sizeof(int64)));
        s->weights = static_cast<float*>(repalloc_huge(s->weights, capacity * sizeof(float)));
    }
    s->capacity = capacity;
}

// Hands the arrays of a state that is no longer needed back to the context.
void release_rows(AlsState* s) {
    if (s->capacity) {
        pfree(s->users);
        pfree(s->items);
        pfree(s->weights);
    }
    s->users = s->items = nullptr;
    s->weights = nullptr;
    s->count = s->capacity = 0;
    set_claim(s->claim, 0, "als_fit");
}

// Validates the options once per aggregate (so a typo fails on the first row,
// not after collecting millions).
void validate_options(Jsonb* options) {
    JsonbOptions raw = read_jsonb_options(options, kFunction);
    guarded([&] { parse_options(to_raw_options(raw), als_option_specs(), kFunction); });
}

bool same_options(const Jsonb* a, const Jsonb* b) {
    if (!a || !b) return a == b;
    return VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
}

[[noreturn]] void options_differ() {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("als_fit options differ between rows of one aggregate"),
                    errhint("pass the same options value for every row, e.g. a constant")));
}

AlsState* new_state(MemoryContext context) {
    auto* s = static_cast<AlsState*>(MemoryContextAllocZero(context, sizeof(AlsState)));
    s->claim = new_memory_claim(context);
    return s;
}

void append(AlsState* to, const AlsState* from, MemoryContext context) {
    reserve(to, to->count + from->count, context);
    memcpy(to->users + to->count, from->users, from->count * sizeof(int64));
    memcpy(to->items + to->count, from->items, from->count * sizeof(int64));
    memcpy(to->weights + to->count, from->weights, from->count * sizeof(float));
    to->count += from->count;
    to->skipped += from->skipped;
}

}  // namespace

extern "C" {

PG_FUNCTION_INFO_V1(recsys_als_collect);
PG_FUNCTION_INFO_V1(recsys_als_combine);
PG_FUNCTION_INFO_V1(recsys_als_serialize);
PG_FUNCTION_INFO_V1(recsys_als_deserialize);
PG_FUNCTION_INFO_V1(recsys_als_train);

Datum recsys_als_collect(PG_FUNCTION_ARGS) {
    MemoryContext context = aggregate_context(fcinfo, "als_collect");
    AlsState* s = reinterpret_cast<AlsState*>(PG_ARGISNULL(0) ? nullptr : PG_GETARG_POINTER(0));
    if (!s) {
        s = new_state(context);
        s->serialized = builds_serialized_state(fcinfo);
    }

    if (PG_NARGS() > 4) {
        if (PG_ARGISNULL(4))
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("als_fit options must not be NULL"),
                            errhint("use '{}' for the defaults")));
        Jsonb* options = PG_GETARG_JSONB_P(4);
        if (!s->options_checked) {
            validate_options(options);
            MemoryContext old = MemoryContextSwitchTo(context);
            s->options = reinterpret_cast<Jsonb*>(PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(4)));
            MemoryContextSwitchTo(old);
            s->options_checked = true;
        } else if (!same_options(s->options, options)) {
            options_differ();
        }
    } else {
        s->options_checked = true;
    }

    if (PG_ARGISNULL(1) || PG_ARGISNULL(2)) {
        s->skipped++;
        PG_RETURN_POINTER(s);
    }
    int64 user = PG_GETARG_INT64(1), item = PG_GETARG_INT64(2);
    double weight = PG_ARGISNULL(3) ? 1.0 : PG_GETARG_FLOAT8(3);
    if (!std::isfinite(weight) || weight < 0 || weight > FLT_MAX)
        ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
                        errmsg("als_fit weight %g of user %lld and item %lld is not a finite number >= 0", weight,
                               static_cast<long long>(user), static_cast<long long>(item)),
                        errhint("weights are interaction strengths (counts, minutes watched): filter or clamp them")));
    reserve(s, s->count + 1, context);
    s->users[s->count] = user;
    s->items[s->count] = item;
    s->weights[s->count] = static_cast<float>(weight);
    s->count++;
    PG_RETURN_POINTER(s);
}

Datum recsys_als_combine(PG_FUNCTION_ARGS) {
    MemoryContext context = aggregate_context(fcinfo, "als_combine");
    AlsState* a = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<AlsState*>(PG_GETARG_POINTER(0));
    AlsState* b = PG_ARGISNULL(1) ? nullptr : reinterpret_cast<AlsState*>(PG_GETARG_POINTER(1));
    if (!b) PG_RETURN_POINTER(a);
    if (!a) {
        a = new_state(context);
        if (b->options) {
            MemoryContext old = MemoryContextSwitchTo(context);
            a->options = reinterpret_cast<Jsonb*>(pg_detoast_datum_copy(reinterpret_cast<struct varlena*>(b->options)));
            MemoryContextSwitchTo(old);
        }
        a->options_checked = b->options_checked;
    } else if (a->options_checked && b->options_checked && !same_options(a->options, b->options)) {
        options_differ();
    } else if (!a->options_checked) {
        a->options = b->options;  // b's copy lives in the same aggregate context
        a->options_checked = b->options_checked;
    }
    append(a, b, context);
    // b is a worker's deserialized state, read once: its rows are now in a.
    release_rows(b);
    PG_RETURN_POINTER(a);
}

Datum recsys_als_serialize(PG_FUNCTION_ARGS) {
    aggregate_context(fcinfo, "als_serialize");
    auto* s = reinterpret_cast<AlsState*>(PG_GETARG_POINTER(0));
    uint64 options_size = s->options ? VARSIZE(s->options) : 0;
    check_serializable(s, s->count);  // (checked as rows came; a combined state too)
    uint64 size = serialized_size(s);
    bytea* out = static_cast<bytea*>(palloc(size));
    SET_VARSIZE(out, size);
    char* p = VARDATA(out);
    uint64 header[3] = {s->count, s->skipped, options_size | (s->options_checked ? (uint64(1) << 63) : 0)};
    memcpy(p, header, sizeof header), p += sizeof header;
    if (options_size) memcpy(p, s->options, options_size), p += options_size;
    memcpy(p, s->users, s->count * sizeof(int64)), p += s->count * sizeof(int64);
    memcpy(p, s->items, s->count * sizeof(int64)), p += s->count * sizeof(int64);
    memcpy(p, s->weights, s->count * sizeof(float));
    PG_RETURN_BYTEA_P(out);
}

Datum recsys_als_deserialize(PG_FUNCTION_ARGS) {
    MemoryContext context = aggregate_context(fcinfo, "als_deserialize");
    bytea* in = PG_GETARG_BYTEA_PP(0);
    const char* p = VARDATA_ANY(in);
    uint64 size = VARSIZE_ANY_EXHDR(in);
    uint64 header[3];
    if (size < sizeof header) elog(ERROR, "recsys: invalid als_fit partial state");
    memcpy(header, p, sizeof header), p += sizeof header;
    uint64 options_size = header[2] & ~(uint64(1) << 63);
    if (size != sizeof header + options_size + header[0] * kBytesPerRow)
        elog(ERROR, "recsys: invalid als_fit partial state");
    AlsState* s = new_state(context);
    s->skipped = header[1];
    s->options_checked = (header[2] >> 63) != 0;
    if (options_size) {
        s->options = static_cast<Jsonb*>(MemoryContextAlloc(context, options_size));
        memcpy(s->options, p, options_size), p += options_size;
    }
    reserve(s, header[0], context);
    s->count = header[0];
    memcpy(s->users, p, s->count * sizeof(int64)), p += s->count * sizeof(int64);
    memcpy(s->items, p, s->count * sizeof(int64)), p += s->count * sizeof(int64);
    memcpy(s->weights, p, s->count * sizeof(float));
    PG_RETURN_POINTER(s);
}

Datum recsys_als_train(PG_FUNCTION_ARGS) {
    aggregate_context(fcinfo, "als_train");
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    auto* s = reinterpret_cast<AlsState*>(PG_GETARG_POINTER(0));
    if (s->count == 0) PG_RETURN_NULL();

    JsonbOptions raw{nullptr, 0};
    if (s->options) raw = read_jsonb_options(s->options, kFunction);
    int threads = recsys::pg::threads();
    bool report = progress();
    std::size_t limit = claimable_bytes(s->claim);  // the limit less the other live states
    const char* hint = max_memory_hint();

    auto* model = new_owned<AlsModel>();
    guarded([&] {
        MemoryBudget budget(limit, hint);
        budget.reserve(s->count * kBytesPerRow, "als_fit input");
        StopToken stop(interrupt_pending);
        TrainContext ctx;
        ctx.threads = threads;
        ctx.budget = &budget;
        ctx.stop = &stop;
        if (report)
            ctx.progress = [](int iteration, double loss, double seconds) {
                call_postgres([&] {
                    ereport(NOTICE, (errmsg("als_fit iteration %d: loss %.6g, %.2f s", iteration, loss, seconds)));
                });
            };
        TrainingSummary summary;
        summary.rows = s->count + s->skipped;
        summary.skipped_rows = s->skipped;
        Options options = parse_options(to_raw_options(raw), als_option_specs(), kFunction);
        model->reset(new AlsModel(train_als(s->users, s->items, s->weights, s->count, options, summary, ctx)));
    });
    std::size_t size = guarded([&] { return (*model)->serialized_size(); });
    if (size + VARHDRSZ > MaxAllocSize)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("als_fit model of %zu MB is larger than a bytea can hold (1 GB)", size >> 20),
                        errhint("use fewer factors, or train separate models per segment (GROUP BY)")));
    bytea* out = static_cast<bytea*>(palloc(size + VARHDRSZ));
    SET_VARSIZE(out, size + VARHDRSZ);
    guarded([&] { (*model)->serialize(reinterpret_cast<unsigned char*>(VARDATA(out)), size); });
    model->release();
    PG_RETURN_BYTEA_P(out);
}

}  // extern "C"
