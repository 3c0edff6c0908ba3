// A/B tests (src/core/experiments/ab_test.h): recsys.ab_bucket, and the aggregate
// recsys.ab_compare(variant, value [, options]) -> jsonb over a binary
// (bool) or continuous (float8) metric, by numbered (bigint) or named (text)
// variant. Its state is a small summary per variant (count, mean, squared
// deviations, successes), merged across parallel workers; the statistics are
// computed by the core in the final function.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "../core/experiments/ab_test.h"
#include "aggregate_options.h"
#include "arguments.h"
#include "bridge.h"
#include "pg_headers.h"
#include "rows.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

constexpr const char* kFunction = "ab_compare";
constexpr int kMaxVariants = 1000;

// One variant's summary. Plain data in the aggregate's memory context.
struct Slot {
    int64 number;  // a numbered variant
    char* name;    // a named variant's text (null for a numbered one)
    uint32 name_size;
    AbMoments moments;
};

struct AbState {
    bool binary, named;
    int count, capacity;
    Slot* slots;
    uint64 skipped;  // rows with a NULL variant or value
    AggregateOptions options;
};

AbState* new_state(MemoryContext context, bool binary, bool named) {
    auto* s = static_cast<AbState*>(MemoryContextAllocZero(context, sizeof(AbState)));
    s->binary = binary;
    s->named = named;
    return s;
}

// The slot of a variant, added if new.
Slot* slot_of(AbState* s, int64 number, const char* name, uint32 name_size, MemoryContext context) {
    for (int i = 0; i < s->count; ++i) {
        Slot& slot = s->slots[i];
        if (s->named ? slot.name_size == name_size && memcmp(slot.name, name, name_size) == 0 : slot.number == number)
            return &slot;
    }
    if (s->count == kMaxVariants)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("ab_compare compares at most %d variants", kMaxVariants),
                        errhint("is the first argument the variant (e.g. recsys.ab_bucket(...)), not the user?")));
    if (s->count == s->capacity) {
        int capacity = s->capacity ? 2 * s->capacity : 4;
        Size bytes = sizeof(Slot) * static_cast<Size>(capacity);
        s->slots = static_cast<Slot*>(s->slots ? repalloc(s->slots, bytes) : MemoryContextAlloc(context, bytes));
        s->capacity = capacity;
    }
    Slot& slot = s->slots[s->count++];
    slot = Slot{};
    slot.number = number;
    slot.name_size = name_size;
    if (s->named) {
        slot.name = static_cast<char*>(MemoryContextAlloc(context, name_size + 1));
        memcpy(slot.name, name, name_size);
        slot.name[name_size] = '\0';
    }
    return &slot;
}

// The options of a row: checked on the first row, the same value on every other.
void take_ab_options(AggregateOptions& o, FunctionCallInfo fcinfo, int argno, MemoryContext context) {
    if (argno >= PG_NARGS()) {
        o.checked = true;
        return;
    }
    if (PG_ARGISNULL(argno))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("ab_compare options must not be NULL"),
                        errhint("use '{}' for the defaults")));
    AggregateOptions row{PG_GETARG_JSONB_P(argno), true};
    if (!o.checked) {
        char* text = options_text(row.value);
        guarded([&] { parse_ab_options(text); });
        pfree(text);
    }
    combine_options(o, row, kFunction, context);  // copies the first, compares the others
}

Datum collect(FunctionCallInfo fcinfo, bool binary, bool named) {
    MemoryContext context = aggregate_context(fcinfo, kFunction);
    auto* s = reinterpret_cast<AbState*>(PG_ARGISNULL(0) ? nullptr : PG_GETARG_POINTER(0));
    if (!s) s = new_state(context, binary, named);
    take_ab_options(s->options, fcinfo, 3, context);
    if (PG_ARGISNULL(1) || PG_ARGISNULL(2)) {
        s->skipped++;
        PG_RETURN_POINTER(s);
    }
    int64 number = 0;
    const char* name = nullptr;
    uint32 name_size = 0;
    if (named) {
        text* t = PG_GETARG_TEXT_PP(1);
        name = VARDATA_ANY(t);
        name_size = VARSIZE_ANY_EXHDR(t);
    } else {
        number = PG_GETARG_INT64(1);
    }
    if (binary) {
        slot_of(s, number, name, name_size, context)->moments.add(static_cast<bool>(PG_GETARG_BOOL(2)));
        PG_RETURN_POINTER(s);
    }
    const double value = PG_GETARG_FLOAT8(2);
    if (!std::isfinite(value)) {
        char* variant = named ? pnstrdup(name, name_size) : psprintf("%lld", static_cast<long long>(number));
        ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
                        errmsg("ab_compare value %g of variant %s is not a finite number", value, variant),
                        errhint("leave such rows out, or pass NULL: a NULL value skips its row")));
    }
    slot_of(s, number, name, name_size, context)->moments.add(value);
    PG_RETURN_POINTER(s);
}

// ---------------------------------------------------------------- parallel

struct SerialHeader {
    uint8 binary, named, options_checked;
    uint32 count;
    uint64 skipped, options_size;
};

template <typename T>
void put(char*& p, const T& v) {
    memcpy(p, &v, sizeof v);
    p += sizeof v;
}

struct Reader {
    const char* p;
    const char* end;
    void take(void* out, Size n) {
        if (static_cast<Size>(end - p) < n) elog(ERROR, "recsys: invalid partial state of ab_compare");
        memcpy(out, p, n);
        p += n;
    }
};

}  // namespace

extern "C" {

// ab_bucket(user_id, experiment, weights): a NULL user has no bucket.
RECSYS_FUNCTION(recsys_ab_bucket) {
    require_not_null(fcinfo, 1, "experiment");
    require_not_null(fcinfo, 2, "weights");
    text* experiment = PG_GETARG_TEXT_PP(1);
    if (VARSIZE_ANY_EXHDR(experiment) == 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("experiment must not be empty"),
                        errhint("name the experiment: its name keeps its buckets apart from other experiments'")));
    auto weights = float8_array(fcinfo, 2, "weights");
    guarded([&] { check_ab_weights(weights.data, static_cast<std::size_t>(weights.size)); });
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const double point = ab_point(PG_GETARG_INT64(0), VARDATA_ANY(experiment), VARSIZE_ANY_EXHDR(experiment));
    PG_RETURN_INT32(ab_variant(point, weights.data, static_cast<std::size_t>(weights.size)));
}

RECSYS_FUNCTION(recsys_ab_collect_number) { return collect(fcinfo, false, false); }
RECSYS_FUNCTION(recsys_ab_collect_named_number) { return collect(fcinfo, false, true); }
RECSYS_FUNCTION(recsys_ab_collect_click) { return collect(fcinfo, true, false); }
RECSYS_FUNCTION(recsys_ab_collect_named_click) { return collect(fcinfo, true, true); }

RECSYS_FUNCTION(recsys_ab_combine) {
    MemoryContext context = aggregate_context(fcinfo, kFunction);
    auto* a = reinterpret_cast<AbState*>(PG_ARGISNULL(0) ? nullptr : PG_GETARG_POINTER(0));
    auto* b = reinterpret_cast<AbState*>(PG_ARGISNULL(1) ? nullptr : PG_GETARG_POINTER(1));
    if (!b) PG_RETURN_POINTER(a);
    if (!a) a = new_state(context, b->binary, b->named);
    combine_options(a->options, b->options, kFunction, context);
    a->skipped += b->skipped;
    for (int i = 0; i < b->count; ++i) {
        const Slot& from = b->slots[i];
        slot_of(a, from.number, from.name, from.name_size, context)->moments.merge(from.moments);
    }
    PG_RETURN_POINTER(a);
}

RECSYS_FUNCTION(recsys_ab_serialize) {
    aggregate_context(fcinfo, kFunction);
    auto* s = reinterpret_cast<AbState*>(PG_GETARG_POINTER(0));
    SerialHeader h{s->binary, s->named, s->options.checked, static_cast<uint32>(s->count), s->skipped,
                   s->options.value ? VARSIZE(s->options.value) : 0};
    Size size = VARHDRSZ + sizeof h + h.options_size;
    for (int i = 0; i < s->count; ++i) size += sizeof(int64) + sizeof(uint32) + s->slots[i].name_size + sizeof(AbMoments);
    bytea* out = static_cast<bytea*>(palloc(size));
    SET_VARSIZE(out, size);
    char* p = VARDATA(out);
    put(p, h);
    if (h.options_size) memcpy(p, s->options.value, h.options_size), p += h.options_size;
    for (int i = 0; i < s->count; ++i) {
        const Slot& slot = s->slots[i];
        put(p, slot.number);
        put(p, slot.name_size);
        if (slot.name_size) memcpy(p, slot.name, slot.name_size), p += slot.name_size;
        put(p, slot.moments);
    }
    PG_RETURN_BYTEA_P(out);
}

RECSYS_FUNCTION(recsys_ab_deserialize) {
    MemoryContext context = aggregate_context(fcinfo, kFunction);
    bytea* in = PG_GETARG_BYTEA_PP(0);
    Reader r{VARDATA_ANY(in), VARDATA_ANY(in) + VARSIZE_ANY_EXHDR(in)};
    SerialHeader h;
    r.take(&h, sizeof h);
    if (h.count > kMaxVariants || h.options_size > static_cast<Size>(r.end - r.p))
        elog(ERROR, "recsys: invalid partial state of ab_compare");
    AbState* s = new_state(context, h.binary, h.named);
    s->skipped = h.skipped;
    s->options.checked = h.options_checked;
    if (h.options_size) {
        s->options.value = static_cast<Jsonb*>(MemoryContextAlloc(context, h.options_size));
        r.take(s->options.value, h.options_size);
    }
    for (uint32 i = 0; i < h.count; ++i) {
        int64 number;
        uint32 name_size;
        r.take(&number, sizeof number);
        r.take(&name_size, sizeof name_size);
        if (name_size > static_cast<Size>(r.end - r.p)) elog(ERROR, "recsys: invalid partial state of ab_compare");
        const char* name = r.p;
        r.p += name_size;
        AbMoments moments;
        r.take(&moments, sizeof moments);
        slot_of(s, number, name, name_size, context)->moments.merge(moments);
    }
    if (r.p != r.end) elog(ERROR, "recsys: invalid partial state of ab_compare");
    PG_RETURN_POINTER(s);
}

// The report as jsonb; NULL when no row had both a variant and a value.
RECSYS_FUNCTION(recsys_ab_final) {
    aggregate_context(fcinfo, kFunction);
    auto* s = reinterpret_cast<AbState*>(PG_ARGISNULL(0) ? nullptr : PG_GETARG_POINTER(0));
    if (!s || s->count == 0) PG_RETURN_NULL();
    char* options = options_text(s->options.value);
    return jsonb_from([&] {
        std::vector<AbVariant> variants(static_cast<std::size_t>(s->count));
        for (int i = 0; i < s->count; ++i) {
            const Slot& slot = s->slots[i];
            AbVariant& v = variants[static_cast<std::size_t>(i)];
            v.numbered = !s->named;
            v.number = slot.number;
            v.name = s->named ? std::string(slot.name, slot.name_size) : std::to_string(slot.number);
            v.moments = slot.moments;
        }
        return ab_report_json(ab_compare(std::move(variants), s->binary, parse_ab_options(options), s->skipped));
    });
}

}  // extern "C"
