// featurizer_fit(row jsonb [, target float8] [, options jsonb]) -> bytea:
// the featurizer's aggregate. Its state is the core's one-pass summary
// (FeatureStats), a C++ object owned by the aggregate's memory context (freed
// when the context goes, on error and cancel too), its bytes claimed against
// recsys.max_memory; parallel workers hand theirs over as bytes, and the
// final function fits the model from the merged summary.
#include <cmath>
#include <cstring>

#include "../core/features/featurizer.h"
#include "aggregate_options.h"
#include "arguments.h"
#include "bridge.h"
#include "jsonb_rows.h"
#include "memory_claim.h"
#include "owned.h"
#include "pg_headers.h"
#include "trained_model.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

constexpr const char* kFunction = "featurizer_fit";
// Rows between updates of the state's memory claim.
constexpr uint64 kClaimEvery = 4096;

struct FeaturizerState {
    Owned<FeatureStats>* stats;  // set on the first row
    AggregateOptions options;
    bool has_target;     // the form with a target
    MemoryClaim* claim;  // the summary's bytes
    uint64 rows_read;    // rows this state read (the claim is updated every kClaimEvery)
    RawField* fields;    // the row being read
    int capacity;        // of fields
};

FeaturizerState* state_argument(FunctionCallInfo fcinfo, int argno) {
    return PG_ARGISNULL(argno) ? nullptr : reinterpret_cast<FeaturizerState*>(PG_GETARG_POINTER(argno));
}

FeaturizerState* new_state(MemoryContext context, bool has_target) {
    auto* s = static_cast<FeaturizerState*>(MemoryContextAllocZero(context, sizeof(FeaturizerState)));
    s->stats = new_owned<FeatureStats>(context);
    s->has_target = has_target;
    s->claim = new_memory_claim(context);
    return s;
}

void update_claim(FeaturizerState* s) {
    const std::size_t bytes = guarded([&] { return (*s->stats)->memory_bytes(); });
    const uint64 rows = guarded([&] { return (*s->stats)->rows(); });
    set_claim(s->claim, bytes, psprintf("%s summary of %llu rows", kFunction, static_cast<unsigned long long>(rows)));
}

// The summary, made on the first row from the options the state took.
void create_stats(FeaturizerState* s) {
    char* text = options_text(s->options.value);
    guarded([&] { s->stats->reset(new FeatureStats(parse_options(text, featurizer_option_schema()), s->has_target)); });
    pfree(text);
}

double row_target(FunctionCallInfo fcinfo) {
    if (PG_ARGISNULL(2)) return NAN;  // a row without a target
    const double target = PG_GETARG_FLOAT8(2);
    if (!std::isfinite(target))
        ereport(ERROR,
                (errcode(ERRCODE_DATA_EXCEPTION), errmsg("%s target %g is not a finite number", kFunction, target),
                 errhint("pass NULL for a row without a target")));
    return target;
}

RawField* field_buffer(FeaturizerState* s, int count, MemoryContext context) {
    if (count > s->capacity) {
        const int capacity = count > 2 * s->capacity ? count : 2 * s->capacity;
        if (s->fields) pfree(s->fields);
        s->fields = static_cast<RawField*>(MemoryContextAlloc(context, sizeof(RawField) * capacity));
        s->capacity = capacity;
    }
    return s->fields;
}

// ---------------------------------------------------------------- a worker's state as bytes

// Layout: the header, the options (a jsonb, or nothing), the summary's bytes.
struct SerialHeader {
    uint32 version, has_target, options_checked;
    uint64 options_size, stats_size;
};
constexpr uint32 kSerialVersion = 1;

}  // namespace

extern "C" {

// (state, row [, target], [options]): the forms have 1, 2 or 3 arguments.
RECSYS_FUNCTION(recsys_featurizer_collect) {
    MemoryContext context = aggregate_context(fcinfo, kFunction);
    const bool has_target = PG_NARGS() == 4;
    FeaturizerState* s = state_argument(fcinfo, 0);
    if (!s) s = new_state(context, has_target);
    take_options(s->options, fcinfo, PG_NARGS() == 2 ? 2 : PG_NARGS() - 1, kFunction, &featurizer_option_schema(),
                 context);
    if (!s->stats->value) create_stats(s);
    CHECK_FOR_INTERRUPTS();
    if (PG_ARGISNULL(1)) PG_RETURN_POINTER(s);  // no row
    const double target = has_target ? row_target(fcinfo) : NAN;
    JsonbContainer* object = row_object(PG_GETARG_JSONB_P(1), kFunction);
    RawField* fields = field_buffer(s, static_cast<int>(JsonContainerSize(object)), context);
    const int count = read_row_fields(object, fields, kFunction);
    guarded([&] { (*s->stats)->add(fields, count, target); });
    if (s->rows_read++ % kClaimEvery == 0) update_claim(s);
    PG_RETURN_POINTER(s);
}

RECSYS_FUNCTION(recsys_featurizer_combine) {
    MemoryContext context = aggregate_context(fcinfo, kFunction);
    FeaturizerState* a = state_argument(fcinfo, 0);
    FeaturizerState* b = state_argument(fcinfo, 1);
    if (!b || !b->stats->value) {
        if (!a) PG_RETURN_NULL();
        PG_RETURN_POINTER(a);
    }
    if (!a) a = new_state(context, b->has_target);
    combine_options(a->options, b->options, kFunction, context);
    if (!a->stats->value) {  // take b's summary whole (b may live in a shorter context)
        a->stats->value = b->stats->value;
        b->stats->value = nullptr;
    } else {
        guarded([&] { (*a->stats)->merge(std::move(**b->stats)); });
        b->stats->release();
    }
    set_claim(b->claim, 0, kFunction);
    update_claim(a);
    PG_RETURN_POINTER(a);
}

RECSYS_FUNCTION(recsys_featurizer_serialize) {
    aggregate_context(fcinfo, kFunction);
    FeaturizerState* s = state_argument(fcinfo, 0);
    SerialHeader h{kSerialVersion, s->has_target, s->options.checked, s->options.value ? VARSIZE(s->options.value) : 0,
                   0};
    if (s->stats->value)
        h.stats_size = guarded([&] {
            ByteWriter counter;
            (*s->stats)->write(counter);
            return counter.size();
        });
    const uint64 size = VARHDRSZ + sizeof h + h.options_size + h.stats_size;
    if (size > MaxAllocSize)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("%s summary of one parallel worker is larger than it can hand over (1 GB)", kFunction),
                        errhint("SET max_parallel_workers_per_gather = 0 for this query, or lower sample_rows or "
                                "max_levels")));
    bytea* out = static_cast<bytea*>(palloc(size));
    SET_VARSIZE(out, size);
    char* p = VARDATA(out);
    memcpy(p, &h, sizeof h), p += sizeof h;
    if (h.options_size) memcpy(p, s->options.value, h.options_size), p += h.options_size;
    if (h.stats_size)
        guarded([&] {
            ByteWriter w(reinterpret_cast<unsigned char*>(p), h.stats_size);
            (*s->stats)->write(w);
            if (w.size() != h.stats_size) fail(ErrorKind::Internal, "featurizer summary changed size while written");
        });
    PG_RETURN_BYTEA_P(out);
}

RECSYS_FUNCTION(recsys_featurizer_deserialize) {
    MemoryContext context = aggregate_context(fcinfo, kFunction);
    bytea* in = PG_GETARG_BYTEA_PP(0);
    const char* p = VARDATA_ANY(in);
    const uint64 size = VARSIZE_ANY_EXHDR(in);
    SerialHeader h;
    auto invalid = [] { elog(ERROR, "recsys: invalid partial state of %s", kFunction); };
    if (size < sizeof h) invalid();
    memcpy(&h, p, sizeof h), p += sizeof h;
    if (h.version != kSerialVersion || h.options_size > size - sizeof h ||
        h.stats_size != size - sizeof h - h.options_size)
        invalid();
    FeaturizerState* s = new_state(context, h.has_target != 0);
    s->options.checked = h.options_checked != 0;
    if (h.options_size) {
        if (h.options_size < VARHDRSZ + sizeof(uint32)) invalid();
        s->options.value = static_cast<Jsonb*>(MemoryContextAlloc(context, h.options_size));
        memcpy(s->options.value, p, h.options_size), p += h.options_size;
        if (VARSIZE(s->options.value) != h.options_size) invalid();
    }
    if (h.stats_size) {
        char* text = options_text(s->options.value);
        guarded([&] {
            ByteReader r(reinterpret_cast<const unsigned char*>(p), h.stats_size);
            s->stats->reset(new FeatureStats(FeatureStats::read(r, parse_options(text, featurizer_option_schema()))));
            if (r.remaining() != 0) fail(ErrorKind::Corrupted, "featurizer summary has trailing bytes");
        });
        pfree(text);
        update_claim(s);
    }
    PG_RETURN_POINTER(s);
}

RECSYS_FUNCTION(recsys_featurizer_final) {
    aggregate_context(fcinfo, kFunction);
    FeaturizerState* s = state_argument(fcinfo, 0);
    if (!s || !s->stats->value || guarded([&] { return (*s->stats)->rows(); }) == 0) PG_RETURN_NULL();
    update_claim(s);
    const FeatureStats& stats = **s->stats;
    bytea* out = train_model(train_settings(kFunction, s->claim), claimed_bytes(s->claim),
                             [&](TrainContext& ctx) { return fit_featurizer(stats, ctx); });
    PG_RETURN_BYTEA_P(out);
}

}  // extern "C"
