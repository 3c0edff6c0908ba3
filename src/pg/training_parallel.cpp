// The shared training aggregate across parallel workers: a worker's state
// as one bytea (serialize, deserialize) and two states as one (combine),
// for every kind: its buffered rows as they are, its summary through the
// kind's write, read and merge.
#include <cstring>

#include "arguments.h"
#include "bridge.h"
#include "training_state.h"

namespace recsys::pg {

namespace {

// Layout of a serialized state: this header, each given column's width and
// type, the kind's name, the options (a jsonb), the summary's bytes, then
// each column's rows. One bytea holds at most 1 GB.
struct SerialHeader {
    uint64 count, skipped, options_size, kind_size, summary_size, summarized;
    uint32 options_checked, columns;
};

struct SerialColumn {
    uint32 width, type;
};

uint64 fixed_size(const TrainingState* s) {
    return VARHDRSZ + sizeof(SerialHeader) + sizeof(SerialColumn) * s->given + s->kind->name.size() +
           (s->options.value ? VARSIZE(s->options.value) : 0);
}

[[noreturn]] void invalid() { elog(ERROR, "recsys: invalid partial state of a training aggregate"); }

// Adds b's rows and summary to a (both of one kind and form).
void append(TrainingState* to, TrainingState* from, MemoryContext context) {
    to->skipped += from->skipped;
    if (!has_rows(from)) return;
    for (int c = 0; c < to->given; ++c) {
        const uint32 a = to->columns[c].width, b = from->columns[c].width;
        if (to->columns[c].type != from->columns[c].type) invalid();
        if (a != b && !has_rows(to)) {  // no rows yet: take the other's widths
            release_rows(to);
            for (int k = 0; k < to->given; ++k) to->columns[k].width = from->columns[k].width;
            break;
        }
        if (a != b)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("%s %s has %u elements in some rows and %u in others", function_name(*to->kind),
                                   to->kind->columns[c].name, b, a),
                            errhint("every row's %s must have the same length", to->kind->columns[c].name)));
    }
    reserve_rows(to, to->count + from->count, context);
    for (int c = 0; c < to->given; ++c) {
        const uint64 bytes = column_bytes_per_row(to->columns[c].type, to->columns[c].width);
        if (from->count) memcpy(to->columns[c].data + to->count * bytes, from->columns[c].data, from->count * bytes);
    }
    to->count += from->count;
    if (from->summary && from->summary->value) {
        if (!to->summary->value) {  // take the other's whole (owned by its holder, wherever it lives)
            set_claim(from->claim, 0, from->what);
            grow_summary(to, [&](MemoryBudget& budget) {
                budget.reserve(from->summary->value->memory_bytes(), to->what);
                to->summary->value = from->summary->value;
                from->summary->value = nullptr;
            });
        } else {
            grow_summary(to, [&](MemoryBudget& budget) { (*to->summary)->merge(**from->summary, budget); });
        }
        to->summarized += from->summarized;
    }
    if (to->batch && to->count >= to->batch) add_rows(to);
}

}  // namespace

void check_serializable(const TrainingState* s, uint64 rows) {
    if (fixed_size(s) + rows * row_bytes(s) <= MaxAllocSize) return;
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("%s share of one parallel worker passes %llu rows, more than it can hand over (1 GB)",
                           function_name(*s->kind), static_cast<unsigned long long>(rows)),
                    errhint("SET max_parallel_workers_per_gather = 0 (or a larger value, so that each worker "
                            "reads less) for this query")));
}

}  // namespace recsys::pg

using namespace recsys;
using namespace recsys::pg;

extern "C" {

RECSYS_FUNCTION(recsys_training_combine) {
    MemoryContext context = aggregate_context(fcinfo, kSupport);
    auto* a = reinterpret_cast<TrainingState*>(PG_ARGISNULL(0) ? nullptr : PG_GETARG_POINTER(0));
    auto* b = reinterpret_cast<TrainingState*>(PG_ARGISNULL(1) ? nullptr : PG_GETARG_POINTER(1));
    if (!b) PG_RETURN_POINTER(a);
    if (!a) {
        a = new_state(context, *b->kind);
        ColumnType types[kMaxColumns];
        for (int c = 0; c < b->given; ++c) types[c] = b->columns[c].type;
        set_form(a, b->given, types);
    }
    if (a->kind != b->kind || a->given != b->given) invalid();
    combine_options(a->options, b->options, function_name(*a->kind), context);
    append(a, b, context);
    // b is a worker's deserialized state, read once: its rows are now in a.
    release_rows(b);
    PG_RETURN_POINTER(a);
}

RECSYS_FUNCTION(recsys_training_serialize) {
    aggregate_context(fcinfo, kSupport);
    auto* s = reinterpret_cast<TrainingState*>(PG_GETARG_POINTER(0));
    check_serializable(s, s->count);  // (checked as rows came; a combined state too)
    for (int c = 0; c < s->given; ++c)  // (views into rows gone by: added to the summary at once)
        if (s->count && (s->columns[c].type == ColumnType::JsonObject || s->columns[c].type == ColumnType::Text))
            elog(ERROR, "recsys: %s holds rows it cannot hand over", function_name(*s->kind));
    const RowSummary* summary = s->summary ? s->summary->value : nullptr;
    const uint64 summary_size = summary ? guarded([&] {
        ByteWriter counter;
        summary->write(counter);
        return static_cast<uint64>(counter.size());
    })
                                        : 0;
    const uint64 size = fixed_size(s) + summary_size + s->count * row_bytes(s);
    if (size > MaxAllocSize)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("%s summary of one parallel worker is larger than it can hand over (1 GB)",
                               function_name(*s->kind)),
                        errhint("SET max_parallel_workers_per_gather = 0 for this query")));
    bytea* out = static_cast<bytea*>(palloc(size));
    SET_VARSIZE(out, size);
    char* p = VARDATA(out);
    const SerialHeader h{s->count,
                         s->skipped,
                         s->options.value ? VARSIZE(s->options.value) : 0,
                         s->kind->name.size(),
                         summary_size,
                         s->summarized,
                         s->options.checked,
                         static_cast<uint32>(s->given)};
    memcpy(p, &h, sizeof h), p += sizeof h;
    for (int c = 0; c < s->given; ++c) {
        const SerialColumn column{s->columns[c].width, static_cast<uint32>(s->columns[c].type)};
        memcpy(p, &column, sizeof column), p += sizeof column;
    }
    memcpy(p, s->kind->name.data(), h.kind_size), p += h.kind_size;
    if (h.options_size) memcpy(p, s->options.value, h.options_size), p += h.options_size;
    if (summary_size)
        guarded([&] {
            ByteWriter w(reinterpret_cast<unsigned char*>(p), summary_size);
            summary->write(w);
            if (w.size() != summary_size) fail(ErrorKind::Internal, "a summary changed size while written");
        });
    p += summary_size;
    for (int c = 0; c < s->given; ++c) {
        const uint64 bytes = s->count * column_bytes_per_row(s->columns[c].type, s->columns[c].width);
        if (bytes) memcpy(p, s->columns[c].data, bytes), p += bytes;
    }
    PG_RETURN_BYTEA_P(out);
}

RECSYS_FUNCTION(recsys_training_deserialize) {
    MemoryContext context = aggregate_context(fcinfo, kSupport);
    bytea* in = PG_GETARG_BYTEA_PP(0);
    const char* p = VARDATA_ANY(in);
    const char* end = p + VARSIZE_ANY_EXHDR(in);
    SerialHeader h;
    if (end - p < static_cast<ptrdiff_t>(sizeof h)) invalid();
    memcpy(&h, p, sizeof h), p += sizeof h;
    if (h.kind_size > 64 || h.columns > kMaxColumns ||
        static_cast<uint64>(end - p) < h.columns * sizeof(SerialColumn) + h.kind_size)
        invalid();
    SerialColumn columns[kMaxColumns];
    memcpy(columns, p, h.columns * sizeof(SerialColumn)), p += h.columns * sizeof(SerialColumn);
    char name[65];
    memcpy(name, p, h.kind_size), name[h.kind_size] = '\0', p += h.kind_size;
    const AggregateKind* kind = guarded([&] { return &aggregate_kind(name); });
    // (Every collecting kind has columns; a read-only model kind has none.)
    if (h.columns > kind->columns.size() || h.columns == 0) invalid();
    TrainingState* s = new_state(context, *kind);
    ColumnType types[kMaxColumns];
    for (uint32 c = 0; c < h.columns; ++c) {
        if (columns[c].type > static_cast<uint32>(ColumnType::Text)) invalid();
        types[c] = static_cast<ColumnType>(columns[c].type);
    }
    set_form(s, static_cast<int>(h.columns), types);
    for (uint32 c = 0; c < h.columns; ++c) {
        if (types[c] != ColumnType::Float64Array && columns[c].width != 1) invalid();
        s->columns[c].width = columns[c].width;
    }
    const uint64 left = static_cast<uint64>(end - p);
    if (h.options_size > left || h.summary_size > left - h.options_size) invalid();
    const uint64 rows_left = left - h.options_size - h.summary_size;
    if (h.count && row_bytes(s) && h.count > rows_left / row_bytes(s)) invalid();
    if (rows_left != h.count * row_bytes(s)) invalid();
    if (h.summary_size && !kind->summary) invalid();
    for (uint32 c = 0; c < h.columns; ++c)
        if (h.count && types[c] == ColumnType::Float64Array && columns[c].width == 0) invalid();
    s->skipped = h.skipped;
    s->options.checked = h.options_checked != 0;
    if (h.options_size) {
        if (h.options_size < VARHDRSZ + sizeof(uint32)) invalid();
        s->options.value = static_cast<Jsonb*>(MemoryContextAlloc(context, h.options_size));
        memcpy(s->options.value, p, h.options_size), p += h.options_size;
        if (VARSIZE(s->options.value) != h.options_size) invalid();
    }
    if (h.summary_size) {
        char* text = options_text(s->options.value);
        grow_summary(s, [&](MemoryBudget& budget) {
            ByteReader r(reinterpret_cast<const unsigned char*>(p), h.summary_size);
            s->summary->reset(kind->summary->read(r, shape_of(s), kind_options(*kind, text), budget).release());
            if (r.remaining() != 0) fail(ErrorKind::Corrupted, "a training aggregate's summary has trailing bytes");
        });
        pfree(text);
        s->summarized = h.summarized;
        p += h.summary_size;
    }
    for (uint32 c = 0; c < h.columns; ++c)
        if (h.count && (types[c] == ColumnType::JsonObject || types[c] == ColumnType::Text)) invalid();
    reserve_rows(s, h.count, context);
    for (uint32 c = 0; c < h.columns; ++c) {
        const uint64 bytes = h.count * column_bytes_per_row(types[c], s->columns[c].width);
        if (bytes) memcpy(s->columns[c].data, p, bytes), p += bytes;
    }
    s->count = h.count;
    PG_RETURN_POINTER(s);
}

}  // extern "C"
