// The training aggregate shared by every model kind (training_aggregate.h).
//
// The state holds the kind's columns as growing arrays in the aggregate's
// memory context (trivially destructible: a memory context runs no
// destructors), claims their bytes against recsys.max_memory for the whole
// backend, and is passed between parallel workers as one bytea. The final
// function hands the columns to the kind's fit and returns the model bytes.
#include "training_aggregate.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "../core/statistics/statistic_kind.h"
#include "aggregate_options.h"
#include "arguments.h"
#include "bridge.h"
#include "memory_claim.h"
#include "owned.h"
#include "rows.h"
#include "settings.h"
#include "trained_model.h"
#include "warm_start.h"

namespace recsys::pg {

namespace {

struct Column {
    char* data;    // capacity rows
    uint32 width;  // elements per row of an array column (0 until the first row); 1 otherwise
};

struct TrainingState {
    const AggregateKind* kind;
    uint64 count;
    uint64 capacity;
    uint64 skipped;       // rows skipped by a NULL in a SkipRow column
    Column* columns;      // kind->columns.size() of them
    AggregateOptions options;  // (value null for the form without options)
    bool serialized;      // a parallel worker's partial state, handed over as one bytea
    MemoryClaim* claim;   // the bytes of the columns and summary, against recsys.max_memory
    // A summarizing kind's (RowSummary): summary_size doubles, null until
    // rows are first folded into it; `count` rows wait in the columns.
    double* summary;
    uint64 summary_size;
    uint64 summarized;    // rows folded into the summary
};

// Rows a summarizing kind's state buffers before folding them into its summary.
constexpr uint64 kSummaryBufferRows = 1024;

const char* function_name(const AggregateKind& kind) { return kind.function.c_str(); }
int column_count(const TrainingState* s) { return static_cast<int>(s->kind->columns.size()); }

bool has_rows(const TrainingState* s) { return s->count + s->summarized > 0; }
uint64 summary_bytes(const TrainingState* s) { return s->summary_size * sizeof(double); }

uint64 row_bytes(const TrainingState* s) {
    uint64 bytes = 0;
    for (int c = 0; c < column_count(s); ++c)
        bytes += column_bytes_per_row(s->kind->columns[c].type, s->columns[c].width);
    return bytes;
}

// How an internal error names these support functions (shared by every kind).
constexpr const char* kSupport = "a training aggregate's support function";

// The most data columns a kind may have (a row is read into a stack array).
constexpr int kMaxColumns = 8;

TrainingState* new_state(MemoryContext context, const AggregateKind& kind) {
    if (kind.columns.size() > kMaxColumns) elog(ERROR, "recsys: kind %s has too many columns", kind.name.c_str());
    auto* s = static_cast<TrainingState*>(MemoryContextAllocZero(context, sizeof(TrainingState)));
    s->kind = &kind;
    s->columns = static_cast<Column*>(MemoryContextAllocZero(context, sizeof(Column) * kind.columns.size()));
    for (std::size_t c = 0; c < kind.columns.size(); ++c)
        s->columns[c].width = kind.columns[c].type == ColumnType::Float64Array ? 0 : 1;
    s->claim = new_memory_claim(context);
    return s;
}

// ---------------------------------------------------------------- growth

// Layout of a serialized state: a header, the kind name, the options, then
// each column's bytes. One bytea holds at most 1 GB.
struct SerialHeader {
    uint64 count, skipped, options_size, kind_size, summary_size, summarized;
    uint32 options_checked, columns;
};

uint64 serialized_size(const TrainingState* s, uint64 rows) {
    return VARHDRSZ + sizeof(SerialHeader) + sizeof(uint32) * column_count(s) + s->kind->name.size() +
           (s->options.value ? VARSIZE(s->options.value) : 0) + summary_bytes(s) + rows * row_bytes(s);
}

// Whether this call builds a partial state that will be serialized (a
// worker's share of a parallel aggregate).
bool builds_serialized_state(FunctionCallInfo fcinfo) {
    return fcinfo->context && IsA(fcinfo->context, AggState) &&
           DO_AGGSPLIT_SERIALIZE(reinterpret_cast<AggState*>(fcinfo->context)->aggsplit);
}

// A worker's state must fit one bytea: say so at the row that passes it, not
// after the whole scan when the state is handed over.
void check_serializable(const TrainingState* s, uint64 rows) {
    if (serialized_size(s, rows) <= MaxAllocSize) return;
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("%s share of one parallel worker passes %llu rows, more than it can hand over (1 GB)",
                           function_name(*s->kind), static_cast<unsigned long long>(rows)),
                    errhint("SET max_parallel_workers_per_gather = 0 (or a larger value, so that each worker "
                            "reads less) for this query")));
}

void reserve(TrainingState* s, uint64 needed, MemoryContext context) {
    if (needed <= s->capacity) return;
    if (s->serialized) check_serializable(s, needed);
    const uint64 per_row = row_bytes(s);
    uint64 capacity = s->capacity ? s->capacity : 1024;
    while (capacity < needed) capacity *= 2;
    // Doubling must not overshoot the limit when the rows themselves fit.
    const uint64 claimable = claimable_bytes(s->claim);
    uint64 limit_rows = per_row ? (claimable > summary_bytes(s) ? claimable - summary_bytes(s) : 0) / per_row : capacity;
    if (capacity > limit_rows) capacity = needed > limit_rows ? needed : limit_rows;
    char what[128];
    snprintf(what, sizeof what, "%s input of %llu rows", function_name(*s->kind),
             static_cast<unsigned long long>(needed));
    set_claim(s->claim, capacity * per_row + summary_bytes(s), what);
    for (int c = 0; c < column_count(s); ++c) {
        Size bytes = capacity * column_bytes_per_row(s->kind->columns[c].type, s->columns[c].width);
        if (bytes == 0) bytes = 1;
        char*& data = s->columns[c].data;
        data = static_cast<char*>(data ? repalloc_huge(data, bytes) : MemoryContextAllocHuge(context, bytes));
    }
    s->capacity = capacity;
}

// Hands the columns of a state that is no longer needed back to the context.
void release_rows(TrainingState* s) {
    for (int c = 0; c < column_count(s); ++c) {
        if (s->columns[c].data) pfree(s->columns[c].data);
        s->columns[c].data = nullptr;
    }
    if (s->summary) pfree(s->summary);
    s->summary = nullptr;
    s->count = s->capacity = s->summary_size = s->summarized = 0;
    set_claim(s->claim, 0, function_name(*s->kind));
}

// ---------------------------------------------------------------- summary

// The columns (and summary) as the core sees them.
TrainingRows rows_of(const TrainingState* s) {
    TrainingRows rows;
    rows.count = s->count;
    rows.skipped = s->skipped;
    for (int c = 0; c < column_count(s); ++c)
        rows.columns.push_back({s->kind->columns[c].type, s->columns[c].data, s->columns[c].width});
    rows.summary = s->summary;
    rows.summary_size = s->summary_size;
    rows.summarized = s->summarized;
    return rows;
}

// The shape of a state's rows, without rows (for RowSummary's size and merge).
TrainingRows shape_of(const TrainingState* s) {
    TrainingRows shape = rows_of(s);
    shape.count = 0;
    return shape;
}

// Creates a summarizing kind's (zeroed) summary once the rows' widths are known.
void create_summary(TrainingState* s, MemoryContext context) {
    if (s->summary) return;
    const uint64 size = guarded([&] { return s->kind->summary->size(shape_of(s)); });
    char what[128];
    snprintf(what, sizeof what, "%s summary of %llu numbers", function_name(*s->kind),
             static_cast<unsigned long long>(size));
    set_claim(s->claim, s->capacity * row_bytes(s) + size * sizeof(double), what);
    s->summary = static_cast<double*>(MemoryContextAllocHuge(context, size * sizeof(double)));
    memset(s->summary, 0, size * sizeof(double));
    s->summary_size = size;
}

// Folds the buffered rows into the summary; the buffer is reused.
void fold_rows(TrainingState* s, MemoryContext context) {
    create_summary(s, context);
    if (s->count == 0) return;
    const TrainingRows rows = rows_of(s);
    guarded([&] { s->kind->summary->fold(rows, s->summary); });
    s->summarized += s->count;
    s->count = 0;
}

// ---------------------------------------------------------------- one row

// A row's value of one column, read and checked before anything is stored,
// so that a rejected row leaves the state as it was.
struct Value {
    bool null;
    Datum datum;        // Int64, Bool
    double number;      // Float32, Float64
    const double* elements;  // Float64Array
    int length;
};

// "user_id 5 and item_id 77": the identifying columns of the row, for messages.
char* row_identity(const AggregateKind& kind, FunctionCallInfo fcinfo) {
    StringInfoData out;
    initStringInfo(&out);
    for (std::size_t c = 0; c < kind.columns.size(); ++c) {
        const ColumnSpec& spec = kind.columns[c];
        if (!spec.identifies_row) continue;
        appendStringInfo(&out, "%s%s ", out.len ? " and " : "", spec.name);
        int argno = static_cast<int>(c) + 1;
        if (PG_ARGISNULL(argno))
            appendStringInfoString(&out, "NULL");
        else if (spec.type == ColumnType::Int64)
            appendStringInfo(&out, "%lld", static_cast<long long>(PG_GETARG_INT64(argno)));
        else if (spec.type == ColumnType::Bool)
            appendStringInfoString(&out, PG_GETARG_BOOL(argno) ? "true" : "false");
        else
            appendStringInfo(&out, "%g", PG_GETARG_FLOAT8(argno));
    }
    return out.data;
}

// " of user_id 5 and item_id 77", or "" for a kind without identifying columns.
char* of_row(const AggregateKind& kind, FunctionCallInfo fcinfo) {
    char* identity = row_identity(kind, fcinfo);
    return identity[0] ? psprintf(" of %s", identity) : identity;
}

const char* allowed_range(const ColumnSpec& spec) {
    bool low = spec.min > -DBL_MAX, high = spec.max < DBL_MAX;
    if (low && high) return psprintf("a finite number between %g and %g", spec.min, spec.max);
    if (low) return psprintf("a finite number >= %g", spec.min);
    if (high) return psprintf("a finite number <= %g", spec.max);
    return "a finite number";
}

void check_number(const AggregateKind& kind, const ColumnSpec& spec, double v, const char* element,
                  FunctionCallInfo fcinfo) {
    if (std::isfinite(v) && v >= spec.min && v <= spec.max) {
        if (spec.type != ColumnType::Float32 || std::fabs(v) <= FLT_MAX) return;
        ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
                        errmsg("%s %s %g%s is larger than a real (float4) holds", function_name(kind), spec.name, v,
                               of_row(kind, fcinfo)),
                        spec.hint ? errhint("%s", spec.hint) : 0));
    }
    ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
                    errmsg("%s %s%s %g%s is not %s", function_name(kind), spec.name, element, v, of_row(kind, fcinfo),
                           allowed_range(spec)),
                    spec.hint ? errhint("%s", spec.hint) : 0));
}

Value read_array(const AggregateKind& kind, const ColumnSpec& spec, const Column& column, int argno,
                 FunctionCallInfo fcinfo) {
    ArrayType* array = PG_GETARG_ARRAYTYPE_P(argno);
    const char* fn = function_name(kind);
    if (ARR_NDIM(array) > 1)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("%s %s must be a one-dimensional array%s", fn, spec.name, of_row(kind, fcinfo))));
    int length = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
    if (length == 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s %s must not be empty%s", fn, spec.name, of_row(kind, fcinfo))));
    if (array_contains_nulls(array)) {
        bits8* bitmap = ARR_NULLBITMAP(array);
        int first = 0;
        while (first < length && (bitmap[first / 8] & (1 << (first % 8)))) ++first;
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s %s[%d] is NULL%s", fn, spec.name, first + 1, of_row(kind, fcinfo)),
                        errhint("impute missing features first (for example with coalesce)")));
    }
    if (column.width != 0 && static_cast<uint32>(length) != column.width)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s %s has %d elements%s, where the rows before had %u", fn, spec.name, length,
                               of_row(kind, fcinfo), column.width),
                        errhint("every row's %s must have the same length", spec.name)));
    const auto* elements = reinterpret_cast<const double*>(ARR_DATA_PTR(array));
    for (int i = 0; i < length; ++i)
        if (!(std::isfinite(elements[i]) && elements[i] >= spec.min && elements[i] <= spec.max))
            check_number(kind, spec, elements[i], psprintf("[%d]", i + 1), fcinfo);
    return {false, 0, 0, elements, length};
}

// Reads column c of the row; null = true when the row is to be skipped.
Value read_value(const AggregateKind& kind, const Column& column, int c, FunctionCallInfo fcinfo) {
    const ColumnSpec& spec = kind.columns[c];
    const int argno = c + 1;
    Value v{};
    if (PG_ARGISNULL(argno)) {
        if (spec.on_null == NullRule::SkipRow) return {true, 0, 0, nullptr, 0};
        if (spec.on_null == NullRule::Reject)
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                            errmsg("%s %s must not be NULL%s", function_name(kind), spec.name, of_row(kind, fcinfo))));
        v.number = spec.null_value;
        v.datum = spec.type == ColumnType::Bool ? BoolGetDatum(spec.null_value != 0)
                                                : Int64GetDatum(static_cast<int64>(spec.null_value));
        return v;
    }
    switch (spec.type) {
        case ColumnType::Int64:
        case ColumnType::Bool: v.datum = PG_GETARG_DATUM(argno); break;
        case ColumnType::Float32:
        case ColumnType::Float64:
            v.number = PG_GETARG_FLOAT8(argno);
            check_number(kind, spec, v.number, "", fcinfo);
            break;
        case ColumnType::Float64Array: return read_array(kind, spec, column, argno, fcinfo);
    }
    return v;
}

void store(TrainingState* s, int c, const Value& v) {
    char* row = s->columns[c].data;
    const uint64 i = s->count;
    switch (s->kind->columns[c].type) {
        case ColumnType::Int64: reinterpret_cast<int64*>(row)[i] = DatumGetInt64(v.datum); break;
        case ColumnType::Bool: reinterpret_cast<bool*>(row)[i] = DatumGetBool(v.datum); break;
        case ColumnType::Float32: reinterpret_cast<float*>(row)[i] = static_cast<float>(v.number); break;
        case ColumnType::Float64: reinterpret_cast<double*>(row)[i] = v.number; break;
        case ColumnType::Float64Array:
            memcpy(row + i * s->columns[c].width * sizeof(double), v.elements, v.length * sizeof(double));
            break;
    }
}

// ---------------------------------------------------------------- combine

void append(TrainingState* to, const TrainingState* from, MemoryContext context) {
    to->skipped += from->skipped;
    if (!has_rows(from)) return;
    for (int c = 0; c < column_count(to); ++c) {
        uint32 a = to->columns[c].width, b = from->columns[c].width;
        if (a != b && !has_rows(to)) {  // no rows yet: take the other's widths
            release_rows(to);
            for (int k = 0; k < column_count(to); ++k) to->columns[k].width = from->columns[k].width;
            break;
        }
        if (a != b)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("%s %s has %u elements in some rows and %u in others", function_name(*to->kind),
                                   to->kind->columns[c].name, b, a),
                            errhint("every row's %s must have the same length", to->kind->columns[c].name)));
    }
    reserve(to, to->count + from->count, context);
    for (int c = 0; c < column_count(to); ++c) {
        uint64 bytes = column_bytes_per_row(to->kind->columns[c].type, to->columns[c].width);
        if (from->count) memcpy(to->columns[c].data + to->count * bytes, from->columns[c].data, from->count * bytes);
    }
    to->count += from->count;
    if (from->summary) {
        create_summary(to, context);
        const TrainingRows shape = shape_of(to);
        guarded([&] { to->kind->summary->merge(to->summary, from->summary, shape); });
        to->summarized += from->summarized;
    }
    if (to->kind->summary && to->count >= kSummaryBufferRows) fold_rows(to, context);
}

// ---------------------------------------------------------------- final

// The state a final function works on, or null for no rows (the result is NULL then).
TrainingState* finished_state(FunctionCallInfo fcinfo) {
    aggregate_context(fcinfo, kSupport);
    auto* s = reinterpret_cast<TrainingState*>(PG_ARGISNULL(0) ? nullptr : PG_GETARG_POINTER(0));
    return s && has_rows(s) ? s : nullptr;
}

}  // namespace

Datum collect_row(FunctionCallInfo fcinfo, const AggregateKind& kind) {
    MemoryContext context = aggregate_context(fcinfo, kSupport);
    auto* s = reinterpret_cast<TrainingState*>(PG_ARGISNULL(0) ? nullptr : PG_GETARG_POINTER(0));
    if (!s) {
        s = new_state(context, kind);
        s->serialized = builds_serialized_state(fcinfo);
    }
    const int columns = column_count(s);
    take_options(s->options, fcinfo, columns + 1, function_name(kind), kind.options, context);

    Value values[kMaxColumns];
    for (int c = 0; c < columns; ++c) {
        values[c] = read_value(kind, s->columns[c], c, fcinfo);
        if (values[c].null) {
            s->skipped++;
            PG_RETURN_POINTER(s);
        }
    }
    for (int c = 0; c < columns; ++c)
        if (kind.columns[c].type == ColumnType::Float64Array && s->columns[c].width == 0) {
            release_rows(s);  // (no rows yet: the arrays are allocated again at the row's width)
            s->columns[c].width = static_cast<uint32>(values[c].length);
        }
    reserve(s, s->count + 1, context);
    for (int c = 0; c < columns; ++c) store(s, c, values[c]);
    s->count++;
    if (kind.summary && s->count >= kSummaryBufferRows) fold_rows(s, context);
    PG_RETURN_POINTER(s);
}

const AggregateKind& statistic_aggregate(const char* name) {
    return *guarded([&] { return &statistic_kind(name).aggregate; });
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
    if (!a) a = new_state(context, *b->kind);
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
    const uint64 size = serialized_size(s, s->count);
    bytea* out = static_cast<bytea*>(palloc(size));
    SET_VARSIZE(out, size);
    char* p = VARDATA(out);
    SerialHeader h{s->count,
                   s->skipped,
                   s->options.value ? VARSIZE(s->options.value) : 0,
                   s->kind->name.size(),
                   s->summary_size,
                   s->summarized,
                   s->options.checked,
                   static_cast<uint32>(column_count(s))};
    memcpy(p, &h, sizeof h), p += sizeof h;
    for (int c = 0; c < column_count(s); ++c) memcpy(p, &s->columns[c].width, sizeof(uint32)), p += sizeof(uint32);
    memcpy(p, s->kind->name.data(), h.kind_size), p += h.kind_size;
    if (h.options_size) memcpy(p, s->options.value, h.options_size), p += h.options_size;
    if (h.summary_size) memcpy(p, s->summary, summary_bytes(s)), p += summary_bytes(s);
    for (int c = 0; c < column_count(s); ++c) {
        uint64 bytes = s->count * column_bytes_per_row(s->kind->columns[c].type, s->columns[c].width);
        if (bytes) memcpy(p, s->columns[c].data, bytes), p += bytes;
    }
    PG_RETURN_BYTEA_P(out);
}

RECSYS_FUNCTION(recsys_training_deserialize) {
    MemoryContext context = aggregate_context(fcinfo, kSupport);
    bytea* in = PG_GETARG_BYTEA_PP(0);
    const char* p = VARDATA_ANY(in);
    const char* end = p + VARSIZE_ANY_EXHDR(in);
    auto invalid = [] { elog(ERROR, "recsys: invalid partial state of a training aggregate"); };
    SerialHeader h;
    if (end - p < static_cast<ptrdiff_t>(sizeof h)) invalid();
    memcpy(&h, p, sizeof h), p += sizeof h;
    if (h.kind_size > 64 || static_cast<uint64>(end - p) < h.columns * sizeof(uint32) + h.kind_size) invalid();
    const uint32* widths = reinterpret_cast<const uint32*>(p);
    p += h.columns * sizeof(uint32);
    char name[65];
    memcpy(name, p, h.kind_size), name[h.kind_size] = '\0', p += h.kind_size;
    const AggregateKind* kind = guarded([&] { return &aggregate_kind(name); });
    // (Every collecting kind has columns; a read-only model kind has none.)
    if (kind->columns.size() != h.columns || h.columns == 0) invalid();
    TrainingState* s = new_state(context, *kind);
    for (uint32 c = 0; c < h.columns; ++c) memcpy(&s->columns[c].width, widths + c, sizeof(uint32));
    const uint64 left = static_cast<uint64>(end - p);
    if (h.options_size > left || h.summary_size > (left - h.options_size) / sizeof(double)) invalid();
    const uint64 summary_size = h.summary_size * sizeof(double);
    if (h.count && row_bytes(s) && h.count > (left - h.options_size - summary_size) / row_bytes(s)) invalid();
    if (left != h.options_size + summary_size + h.count * row_bytes(s)) invalid();
    if (h.summary_size && !kind->summary) invalid();
    s->skipped = h.skipped;
    s->options.checked = h.options_checked != 0;
    if (h.options_size) {
        s->options.value = static_cast<Jsonb*>(MemoryContextAlloc(context, h.options_size));
        memcpy(s->options.value, p, h.options_size), p += h.options_size;
    }
    if (h.summary_size) {
        create_summary(s, context);
        if (s->summary_size != h.summary_size) invalid();
        memcpy(s->summary, p, summary_size), p += summary_size;
        s->summarized = h.summarized;
    }
    reserve(s, h.count, context);
    for (uint32 c = 0; c < h.columns; ++c) {
        uint64 bytes = h.count * column_bytes_per_row(kind->columns[c].type, s->columns[c].width);
        if (bytes) memcpy(s->columns[c].data, p, bytes), p += bytes;
    }
    s->count = h.count;
    PG_RETURN_POINTER(s);
}

RECSYS_FUNCTION(recsys_training_final) {
    TrainingState* s = finished_state(fcinfo);
    if (!s) PG_RETURN_NULL();
    if (s->kind->summary) fold_rows(s, aggregate_context(fcinfo, kSupport));
    const ModelKind& kind = guarded([&]() -> const ModelKind& { return model_kind(s->kind->name); });
    // (A read-only kind trains otherwise; only a forged partial state names one.)
    if (!kind.fit || !kind.aggregate.options) elog(ERROR, "recsys: invalid partial state of a training aggregate");
    char* options = options_text(s->options.value);
    const WarmStartArgument warm = warm_start_argument(kind, options);
    const uint64 input_bytes = s->count * row_bytes(s) + summary_bytes(s);
    bytea* out = train_model(train_settings(function_name(*s->kind), s->claim), input_bytes, [&](TrainContext& ctx) {
        apply_warm_start(warm, ctx);
        return kind.fit(rows_of(s), parse_options(options, *kind.aggregate.options), ctx);
    });
    PG_RETURN_BYTEA_P(out);
}

// The finals of the statistics: a number (NULL where undefined) or a jsonb.

RECSYS_FUNCTION(recsys_statistic_number) {
    TrainingState* s = finished_state(fcinfo);
    if (!s) PG_RETURN_NULL();
    double value = guarded([&] { return statistic_kind(s->kind->name).number(rows_of(s)); });
    if (std::isnan(value)) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(value);
}

RECSYS_FUNCTION(recsys_statistic_json) {
    TrainingState* s = finished_state(fcinfo);
    if (!s) PG_RETURN_NULL();
    return jsonb_from([&] { return statistic_kind(s->kind->name).json(rows_of(s)); });
}

}  // extern "C"
