// The training aggregate shared by every kind (training_aggregate.h): the
// state and its growth, one row read and checked against the kind's column
// specs, and the final functions. The parallel support functions are in
// training_parallel.cpp.
#include "training_aggregate.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

#include "../core/statistics/statistic_kind.h"
#include "aggregate_options.h"
#include "arguments.h"
#include "bridge.h"
#include "feature_arguments.h"
#include "jsonb_rows.h"
#include "memory_claim.h"
#include "owned.h"
#include "rows.h"
#include "settings.h"
#include "trained_model.h"
#include "training_state.h"
#include "warm_start.h"

namespace recsys::pg {

// ---------------------------------------------------------------- the state

namespace {

int column_count(const TrainingState* s) { return s->given; }

bool is_view(ColumnType type) { return type == ColumnType::JsonObject || type == ColumnType::Text; }

}  // namespace

TrainingState* new_state(MemoryContext context, const AggregateKind& kind) {
    if (kind.columns.size() > kMaxColumns) elog(ERROR, "recsys: kind %s has too many columns", kind.name.c_str());
    auto* s = static_cast<TrainingState*>(MemoryContextAllocZero(context, sizeof(TrainingState)));
    s->kind = &kind;
    s->columns = static_cast<Column*>(MemoryContextAllocZero(context, sizeof(Column) * kind.columns.size()));
    s->claim = new_memory_claim(context);
    s->what = MemoryContextStrdup(context, psprintf("%s summary", function_name(kind)));
    if (kind.summary) s->summary = new_owned<RowSummary>(context);
    return s;
}

void set_form(TrainingState* s, int given, const ColumnType* types) {
    const AggregateKind& kind = *s->kind;
    int required = 0, views = 0, objects = 0;
    for (const ColumnSpec& spec : kind.columns) required += !spec.optional;
    if (given < required || given > static_cast<int>(kind.columns.size()))
        elog(ERROR, "recsys: %s takes %d to %zu data columns, not %d", function_name(kind), required,
             kind.columns.size(), given);
    for (int c = 0; c < given; ++c) {
        const ColumnSpec& spec = kind.columns[c];
        if (types[c] != spec.type && types[c] != spec.alternative)
            elog(ERROR, "recsys: %s column %s cannot be %s", function_name(kind), spec.name,
                 column_type_name(types[c]));
        views += is_view(types[c]);
        objects += types[c] == ColumnType::JsonObject;
        s->columns[c].type = types[c];
        s->columns[c].width = types[c] == ColumnType::Float64Array ? 0 : 1;
    }
    // A view into a row's datum lives as long as the row: a summary must take it at once.
    if ((views && !kind.summary) || objects > 1)
        elog(ERROR, "recsys: %s cannot collect its jsonb or text columns", function_name(kind));
    s->given = given;
    s->batch = !kind.summary ? 0 : views ? 1 : std::max<uint64>(1, kind.summary->batch_rows);
}

uint64 row_bytes(const TrainingState* s) {
    uint64 bytes = 0;
    for (int c = 0; c < column_count(s); ++c) bytes += column_bytes_per_row(s->columns[c].type, s->columns[c].width);
    return bytes;
}

uint64 state_bytes(const TrainingState* s) {
    const uint64 summary =
        s->summary && s->summary->value ? guarded([&] { return (*s->summary)->memory_bytes(); }) : 0;
    return s->capacity * row_bytes(s) + summary + uint64(s->field_capacity) * sizeof(RawField);
}

void reserve_rows(TrainingState* s, uint64 needed, MemoryContext context) {
    if (needed <= s->capacity) return;
    if (s->serialized) check_serializable(s, needed);
    const uint64 per_row = row_bytes(s);
    // (A summarizing kind's columns hold one batch of rows.)
    uint64 capacity = s->capacity ? s->capacity : s->batch ? s->batch : 1024;
    while (capacity < needed) capacity *= 2;
    // Doubling must not overshoot the limit when the rows themselves fit.
    const uint64 others = state_bytes(s) - s->capacity * per_row;
    const uint64 claimable = claimable_bytes(s->claim);
    const uint64 limit_rows = per_row ? (claimable > others ? claimable - others : 0) / per_row : capacity;
    if (capacity > limit_rows) capacity = needed > limit_rows ? needed : limit_rows;
    char what[128];
    snprintf(what, sizeof what, "%s input of %llu rows", function_name(*s->kind),
             static_cast<unsigned long long>(needed));
    set_claim(s->claim, capacity * per_row + others, what);
    for (int c = 0; c < column_count(s); ++c) {
        Size bytes = capacity * column_bytes_per_row(s->columns[c].type, s->columns[c].width);
        if (bytes == 0) bytes = 1;
        char*& data = s->columns[c].data;
        data = static_cast<char*>(data ? repalloc_huge(data, bytes) : MemoryContextAllocHuge(context, bytes));
    }
    s->capacity = capacity;
}

void release_rows(TrainingState* s) {
    for (int c = 0; c < column_count(s); ++c) {
        if (s->columns[c].data) pfree(s->columns[c].data);
        s->columns[c].data = nullptr;
    }
    if (s->summary) s->summary->release();
    if (s->fields) pfree(s->fields);
    s->fields = nullptr;
    s->count = s->capacity = s->summarized = s->field_capacity = 0;
    set_claim(s->claim, 0, function_name(*s->kind));
}

// ---------------------------------------------------------------- the summary

TrainingRows rows_of(const TrainingState* s) {
    TrainingRows rows;
    rows.count = s->count;
    rows.skipped = s->skipped;
    for (int c = 0; c < column_count(s); ++c)
        rows.columns.push_back({s->kind->columns[c].name, s->columns[c].type, s->columns[c].data, s->columns[c].width});
    rows.summary = s->summary ? s->summary->value : nullptr;
    rows.summarized = s->summarized;
    return rows;
}

TrainingRows shape_of(const TrainingState* s) {
    TrainingRows shape = rows_of(s);
    shape.count = 0;
    return shape;
}

Options kind_options(const AggregateKind& kind, const char* text) {
    return kind.options ? parse_options(text, *kind.options) : Options();
}

void create_summary(TrainingState* s) {
    if (s->summary->value) return;
    char* text = options_text(s->options.value);
    grow_summary(s, [&](MemoryBudget& budget) {
        s->summary->reset(s->kind->summary->create(shape_of(s), kind_options(*s->kind, text), budget).release());
    });
    pfree(text);
}

void add_rows(TrainingState* s) {
    create_summary(s);
    if (s->count == 0) return;
    grow_summary(s, [&](MemoryBudget& budget) { (*s->summary)->add(rows_of(s), budget); });
    s->summarized += s->count;
    s->count = 0;
}

namespace {

// ---------------------------------------------------------------- one row

// A row's value of one column, read and checked before anything is stored,
// so that a rejected row leaves the state as it was.
struct Value {
    bool null;
    Datum datum;             // Int64, Bool
    double number;           // Float32, Float64
    const double* elements;  // Float64Array
    int length;
    FieldsView fields;       // JsonObject
    std::string_view text;   // Text
};

// "user_id 5 and item_id 77": the identifying columns of the row, for messages.
char* row_identity(const TrainingState* s, FunctionCallInfo fcinfo) {
    StringInfoData out;
    initStringInfo(&out);
    for (int c = 0; c < column_count(s); ++c) {
        const ColumnSpec& spec = s->kind->columns[c];
        if (!spec.identifies_row) continue;
        appendStringInfo(&out, "%s%s ", out.len ? " and " : "", spec.name);
        const int argno = c + 1;
        if (PG_ARGISNULL(argno)) {
            appendStringInfoString(&out, "NULL");
            continue;
        }
        switch (s->columns[c].type) {
            case ColumnType::Int64:
                appendStringInfo(&out, "%lld", static_cast<long long>(PG_GETARG_INT64(argno)));
                break;
            case ColumnType::Bool: appendStringInfoString(&out, PG_GETARG_BOOL(argno) ? "true" : "false"); break;
            case ColumnType::Text: {
                text* t = PG_GETARG_TEXT_PP(argno);
                appendBinaryStringInfo(&out, VARDATA_ANY(t), static_cast<int>(VARSIZE_ANY_EXHDR(t)));
                break;
            }
            case ColumnType::Float32:
            case ColumnType::Float64: appendStringInfo(&out, "%g", PG_GETARG_FLOAT8(argno)); break;
            default: appendStringInfoString(&out, "(a value)"); break;
        }
    }
    return out.data;
}

// " of user_id 5 and item_id 77", or "" for a kind without identifying columns.
char* of_row(const TrainingState* s, FunctionCallInfo fcinfo) {
    char* identity = row_identity(s, fcinfo);
    return identity[0] ? psprintf(" of %s", identity) : identity;
}

const char* allowed_range(const ColumnSpec& spec) {
    bool low = spec.min > -DBL_MAX, high = spec.max < DBL_MAX;
    if (low && high) return psprintf("a finite number between %g and %g", spec.min, spec.max);
    if (low) return psprintf("a finite number >= %g", spec.min);
    if (high) return psprintf("a finite number <= %g", spec.max);
    return "a finite number";
}

void check_number(const TrainingState* s, int c, double v, const char* element, FunctionCallInfo fcinfo) {
    const AggregateKind& kind = *s->kind;
    const ColumnSpec& spec = kind.columns[c];
    if (std::isfinite(v) && v >= spec.min && v <= spec.max) {
        if (s->columns[c].type != ColumnType::Float32 || std::fabs(v) <= FLT_MAX) return;
        ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
                        errmsg("%s %s %g%s is larger than a real (float4) holds", function_name(kind), spec.name, v,
                               of_row(s, fcinfo)),
                        spec.hint ? errhint("%s", spec.hint) : 0));
    }
    ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
                    errmsg("%s %s%s %g%s is not %s", function_name(kind), spec.name, element, v, of_row(s, fcinfo),
                           allowed_range(spec)),
                    spec.hint ? errhint("%s", spec.hint) : 0));
}

Value read_array(const TrainingState* s, int c, FunctionCallInfo fcinfo) {
    const ColumnSpec& spec = s->kind->columns[c];
    const Column& column = s->columns[c];
    ArrayType* array = PG_GETARG_ARRAYTYPE_P(c + 1);
    const char* fn = function_name(*s->kind);
    if (ARR_NDIM(array) > 1)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("%s %s must be a one-dimensional array%s", fn, spec.name, of_row(s, fcinfo))));
    int length = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
    if (length == 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s %s must not be empty%s", fn, spec.name, of_row(s, fcinfo))));
    if (array_contains_nulls(array) && !spec.missing_allowed) {
        bits8* bitmap = ARR_NULLBITMAP(array);
        int first = 0;
        while (first < length && (bitmap[first / 8] & (1 << (first % 8)))) ++first;
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s %s[%d] is NULL%s", fn, spec.name, first + 1, of_row(s, fcinfo)),
                        errhint("impute missing features first (for example with coalesce)")));
    }
    if (column.width != 0 && static_cast<uint32>(length) != column.width)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s %s has %d elements%s, where the rows before had %u", fn, spec.name, length,
                               of_row(s, fcinfo), column.width),
                        errhint("every row's %s must have the same length", spec.name)));
    const double* elements = spec.missing_allowed ? elements_with_missing(array, length)
                                                  : reinterpret_cast<const double*>(ARR_DATA_PTR(array));
    for (int i = 0; i < length; ++i)
        if (!(std::isfinite(elements[i]) && elements[i] >= spec.min && elements[i] <= spec.max) &&
            !(spec.missing_allowed && std::isnan(elements[i])))
            check_number(s, c, elements[i], psprintf("[%d]", i + 1), fcinfo);
    Value v{};
    v.elements = elements;
    v.length = length;
    return v;
}

// A jsonb object row read in place into the state's field buffer (grown, claimed first).
FieldsView read_object(TrainingState* s, int argno, FunctionCallInfo fcinfo, MemoryContext context) {
    const char* fn = function_name(*s->kind);
    JsonbContainer* object = row_object(PG_GETARG_JSONB_P(argno), fn);
    const uint32 size = JsonContainerSize(object);
    if (size > s->field_capacity) {
        const uint32 capacity = size > 2 * s->field_capacity ? size : 2 * s->field_capacity;
        set_claim(s->claim, state_bytes(s) + uint64(capacity - s->field_capacity) * sizeof(RawField), s->what);
        if (s->fields) pfree(s->fields);
        s->fields = nullptr;
        s->fields = static_cast<RawField*>(MemoryContextAllocHuge(context, sizeof(RawField) * capacity));
        s->field_capacity = capacity;
    }
    const int count = read_row_fields(object, s->fields, fn);
    return {s->fields, static_cast<std::size_t>(count)};
}

// Reads column c of the row; null = true when the row is to be skipped.
Value read_value(TrainingState* s, int c, FunctionCallInfo fcinfo, MemoryContext context) {
    const ColumnSpec& spec = s->kind->columns[c];
    const ColumnType type = s->columns[c].type;
    const int argno = c + 1;
    Value v{};
    if (PG_ARGISNULL(argno)) {
        if (spec.on_null == NullRule::SkipRow) {
            v.null = true;
            return v;
        }
        if (spec.on_null == NullRule::Reject)
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                            errmsg("%s %s must not be NULL%s", function_name(*s->kind), spec.name, of_row(s, fcinfo))));
        v.number = spec.null_value;
        v.datum = type == ColumnType::Bool ? BoolGetDatum(spec.null_value != 0)
                                           : Int64GetDatum(static_cast<int64>(spec.null_value));
        return v;
    }
    switch (type) {
        case ColumnType::Int64:
        case ColumnType::Bool: v.datum = PG_GETARG_DATUM(argno); break;
        case ColumnType::Float32:
        case ColumnType::Float64:
            v.number = PG_GETARG_FLOAT8(argno);
            check_number(s, c, v.number, "", fcinfo);
            break;
        case ColumnType::Float64Array: return read_array(s, c, fcinfo);
        case ColumnType::JsonObject: v.fields = read_object(s, argno, fcinfo, context); break;
        case ColumnType::Text: {
            text* t = PG_GETARG_TEXT_PP(argno);
            v.text = std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
            break;
        }
    }
    return v;
}

void store(TrainingState* s, int c, const Value& v) {
    char* row = s->columns[c].data;
    const uint64 i = s->count;
    switch (s->columns[c].type) {
        case ColumnType::Int64: reinterpret_cast<int64*>(row)[i] = DatumGetInt64(v.datum); break;
        case ColumnType::Bool: reinterpret_cast<bool*>(row)[i] = DatumGetBool(v.datum); break;
        case ColumnType::Float32: reinterpret_cast<float*>(row)[i] = static_cast<float>(v.number); break;
        case ColumnType::Float64: reinterpret_cast<double*>(row)[i] = v.number; break;
        case ColumnType::Float64Array:
            memcpy(row + i * s->columns[c].width * sizeof(double), v.elements, v.length * sizeof(double));
            break;
        case ColumnType::JsonObject: reinterpret_cast<FieldsView*>(row)[i] = v.fields; break;
        case ColumnType::Text: reinterpret_cast<std::string_view*>(row)[i] = v.text; break;
    }
}

// The SQL type of an argument of each column type.
Oid sql_type(ColumnType type) {
    switch (type) {
        case ColumnType::Int64: return INT8OID;
        case ColumnType::Float32:
        case ColumnType::Float64: return FLOAT8OID;
        case ColumnType::Bool: return BOOLOID;
        case ColumnType::Float64Array: return FLOAT8ARRAYOID;
        case ColumnType::JsonObject: return JSONBOID;
        case ColumnType::Text: return TEXTOID;
    }
    return InvalidOid;
}

// Whether argument `argno` of the call is of the SQL type of column spec.
bool of_column_type(FunctionCallInfo fcinfo, int argno, const ColumnSpec& spec) {
    const Oid type = get_fn_expr_argtype(fcinfo->flinfo, argno);
    return type == sql_type(spec.type) || type == sql_type(spec.alternative);
}

// The form of the aggregate this call is: its data columns (the optional
// ones last) and their types, then its options or none. Past the required
// columns, the last argument is the options unless it has the type of the
// column at its place: featurizer_fit(row, target) and
// featurizer_fit(row, options) differ by that type only.
void take_form(TrainingState* s, FunctionCallInfo fcinfo) {
    const AggregateKind& kind = *s->kind;
    int required = 0;
    for (const ColumnSpec& spec : kind.columns) required += !spec.optional;
    const int arguments = PG_NARGS() - 1;
    const bool options = kind.options && arguments > required &&
                         (arguments > static_cast<int>(kind.columns.size()) ||
                          !of_column_type(fcinfo, arguments, kind.columns[arguments - 1]));
    const int given = options ? arguments - 1 : arguments;
    ColumnType types[kMaxColumns];
    for (int c = 0; c < given && c < static_cast<int>(kind.columns.size()); ++c) {
        const ColumnSpec& spec = kind.columns[c];
        types[c] = spec.type;
        if (spec.alternative != spec.type && get_fn_expr_argtype(fcinfo->flinfo, c + 1) == sql_type(spec.alternative))
            types[c] = spec.alternative;
    }
    set_form(s, given, types);
}

}  // namespace

TrainingState* finished_state(FunctionCallInfo fcinfo) {
    aggregate_context(fcinfo, kSupport);
    auto* s = reinterpret_cast<TrainingState*>(PG_ARGISNULL(0) ? nullptr : PG_GETARG_POINTER(0));
    if (!s || !has_rows(s)) return nullptr;
    if (s->kind->summary) add_rows(s);
    return s;
}

Datum collect_row(FunctionCallInfo fcinfo, const AggregateKind& kind) {
    MemoryContext context = aggregate_context(fcinfo, kSupport);
    auto* s = reinterpret_cast<TrainingState*>(PG_ARGISNULL(0) ? nullptr : PG_GETARG_POINTER(0));
    if (!s) {
        s = new_state(context, kind);
        s->serialized = builds_serialized_state(fcinfo);
        take_form(s, fcinfo);
    }
    const int columns = column_count(s);
    take_options(s->options, fcinfo, columns + 1, function_name(kind), kind.options, context);

    Value values[kMaxColumns];
    for (int c = 0; c < columns; ++c) {
        values[c] = read_value(s, c, fcinfo, context);
        if (values[c].null) {
            s->skipped++;
            PG_RETURN_POINTER(s);
        }
    }
    for (int c = 0; c < columns; ++c)
        if (s->columns[c].type == ColumnType::Float64Array && s->columns[c].width == 0) {
            release_rows(s);  // (no rows yet: the arrays are allocated again at the row's width)
            s->columns[c].width = static_cast<uint32>(values[c].length);
        }
    reserve_rows(s, s->count + 1, context);
    for (int c = 0; c < columns; ++c) store(s, c, values[c]);
    s->count++;
    if (s->batch && s->count >= s->batch) add_rows(s);
    PG_RETURN_POINTER(s);
}

bool builds_serialized_state(FunctionCallInfo fcinfo) {
    return fcinfo->context && IsA(fcinfo->context, AggState) &&
           DO_AGGSPLIT_SERIALIZE(reinterpret_cast<AggState*>(fcinfo->context)->aggsplit);
}

const AggregateKind& statistic_aggregate(const char* name) {
    return *guarded([&] { return &statistic_kind(name).aggregate; });
}

}  // namespace recsys::pg

using namespace recsys;
using namespace recsys::pg;

extern "C" {

RECSYS_FUNCTION(recsys_training_final) {
    TrainingState* s = finished_state(fcinfo);
    if (!s) PG_RETURN_NULL();
    const ModelKind& kind = guarded([&]() -> const ModelKind& { return model_kind(s->kind->name); });
    // (A read-only kind trains otherwise; only a forged partial state names one.)
    if (!kind.fit || !kind.aggregate.options) elog(ERROR, "recsys: invalid partial state of a training aggregate");
    char* options = options_text(s->options.value);
    const WarmStartArgument warm = warm_start_argument(kind, options);
    bytea* out = train_model(train_settings(function_name(*s->kind), s->claim), state_bytes(s), [&](TrainContext& ctx) {
        apply_warm_start(warm, ctx);
        return kind.fit(rows_of(s), parse_options(options, *kind.aggregate.options), ctx);
    });
    PG_RETURN_BYTEA_P(out);
}

// The finals of the statistics: a number (NULL where undefined) or a jsonb
// (a curve's: curve_functions.cpp).

RECSYS_FUNCTION(recsys_statistic_number) {
    TrainingState* s = finished_state(fcinfo);
    if (!s) PG_RETURN_NULL();
    char* text = options_text(s->options.value);
    const double value = guarded([&] {
        const StatisticKind& kind = statistic_kind(s->kind->name);
        return kind.number(rows_of(s), kind_options(kind.aggregate, text));
    });
    if (std::isnan(value)) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(value);
}

RECSYS_FUNCTION(recsys_statistic_json) {
    TrainingState* s = finished_state(fcinfo);
    if (!s) PG_RETURN_NULL();
    char* text = options_text(s->options.value);
    return jsonb_from([&] {
        const StatisticKind& kind = statistic_kind(s->kind->name);
        return kind.json(rows_of(s), kind_options(kind.aggregate, text));
    });
}

}  // extern "C"
