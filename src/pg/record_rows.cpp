#include "record_rows.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "jsonb_rows.h"

extern "C" {
#include "common/shortest_dec.h"
#include "utils/typcache.h"
}

namespace recsys::pg {

enum class Reader : std::uint8_t { Absent, Boolean, Int2, Int4, Int8, Float4, Float8, Numeric, Text, Name, Array, Composite };

struct RecordLayout {
    Oid type;
    int32 typmod;
    TypeCacheEntry* entry;  // a named row type's (type cache entries live as long as the backend)
    uint64 identifier;    // its tupDesc_identifier when built: it changes with the row type (ALTER TABLE)
    TupleDesc desc;       // a copy
    int count;            // the featurizer's columns
    int* attribute;       // per featurizer column: its index in the row, or -1
    Reader* reader;       // per featurizer column
    Datum* datums;        // one row, deformed
    bool* nulls;
};

namespace {

// Whether the row type is still the one `layout` was built for; an anonymous
// record type (RECORDOID, typmod) never changes.
bool same_row_type(const RecordLayout* layout, Oid type, int32 typmod) {
    return layout->type == type && layout->typmod == typmod &&
           (!layout->entry || layout->entry->tupDesc_identifier == layout->identifier);
}

Reader reader_of(Form_pg_attribute attribute, std::string_view column, const char* function) {
    const Oid base = getBaseType(attribute->atttypid);
    switch (base) {
        case BOOLOID: return Reader::Boolean;
        case INT2OID: return Reader::Int2;
        case INT4OID: return Reader::Int4;
        case INT8OID: return Reader::Int8;
        case FLOAT4OID: return Reader::Float4;
        case FLOAT8OID: return Reader::Float8;
        case NUMERICOID: return Reader::Numeric;
        case TEXTOID: case VARCHAROID: case BPCHAROID: return Reader::Text;
        case NAMEOID: return Reader::Name;
        default: break;
    }
    if (OidIsValid(get_element_type(base))) return Reader::Array;
    if (type_is_rowtype(base)) return Reader::Composite;
    ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                    errmsg("%s column \"%.*s\" is of type %s, which a row is not read from", function,
                           static_cast<int>(column.size()), column.data(), format_type_be(attribute->atttypid)),
                    errdetail("A row's columns are read as numbers, booleans and text."),
                    errhint("cast the column in the query (a view or a subquery), or pass to_jsonb(row)")));
    pg_unreachable();
}

RecordLayout* build_layout(HeapTupleHeader row, MemoryContext memory, const std::string_view* names, int count,
                           const char* function) {
    const Oid type = HeapTupleHeaderGetTypeId(row);
    const int32 typmod = HeapTupleHeaderGetTypMod(row);
    TupleDesc desc = lookup_rowtype_tupdesc(type, typmod);
    auto* layout = static_cast<RecordLayout*>(MemoryContextAllocZero(memory, sizeof(RecordLayout)));
    layout->type = type;
    layout->typmod = typmod;
    layout->entry = type == RECORDOID ? nullptr : lookup_type_cache(type, TYPECACHE_TUPDESC);
    layout->identifier = layout->entry ? layout->entry->tupDesc_identifier : 0;
    MemoryContext caller = MemoryContextSwitchTo(memory);
    layout->desc = CreateTupleDescCopy(desc);
    MemoryContextSwitchTo(caller);
    layout->count = count;
    layout->attribute = static_cast<int*>(MemoryContextAlloc(memory, sizeof(int) * (count + 1)));
    layout->reader = static_cast<Reader*>(MemoryContextAlloc(memory, sizeof(Reader) * (count + 1)));
    layout->datums = static_cast<Datum*>(MemoryContextAlloc(memory, sizeof(Datum) * (desc->natts + 1)));
    layout->nulls = static_cast<bool*>(MemoryContextAlloc(memory, sizeof(bool) * (desc->natts + 1)));
    for (int c = 0; c < count; ++c) {
        layout->attribute[c] = -1;
        layout->reader[c] = Reader::Absent;
        for (int a = 0; a < desc->natts; ++a) {
            Form_pg_attribute attribute = TupleDescAttr(desc, a);
            const char* name = NameStr(attribute->attname);
            if (attribute->attisdropped || names[c].size() != strlen(name) ||
                memcmp(name, names[c].data(), names[c].size()) != 0)
                continue;
            layout->attribute[c] = a;
            layout->reader[c] = reader_of(attribute, names[c], function);
            break;
        }
    }
    ReleaseTupleDesc(desc);
    return layout;
}

void free_layout(RecordLayout* layout) {
    FreeTupleDesc(layout->desc);
    pfree(layout->attribute);
    pfree(layout->reader);
    pfree(layout->datums);
    pfree(layout->nulls);
    pfree(layout);
}

[[noreturn]] void not_finite(double v, std::string_view column, const char* function) {
    ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
                    errmsg("%s column \"%.*s\" is %s, not a finite number", function, static_cast<int>(column.size()),
                           column.data(), std::isnan(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity")));
}

double finite(double v, std::string_view column, const char* function) {
    if (!std::isfinite(v)) not_finite(v, column, function);
    return v;
}

// A real as to_jsonb gives it: its shortest decimal (float4out's), read as
// a double -- 0.1 rather than the float's 0.100000001490116.
double real_value(float v, std::string_view column, const char* function) {
    if (!std::isfinite(v)) not_finite(v, column, function);
    char text[FLOAT_SHORTEST_DECIMAL_LEN + 1];
    float_to_shortest_decimal_buf(v, text);
    return strtod(text, nullptr);
}

std::string_view text_of(Datum d) {
    auto* value = pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(d)));
    return {VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)};
}

RawValue nested(const char* what) {
    RawValue v;
    v.type = RawValue::Type::Nested;
    v.text = what;
    return v;
}

RawValue value_of(Reader reader, Datum d, std::string_view column, const char* function) {
    switch (reader) {
        case Reader::Boolean: return RawValue::of_bool(DatumGetBool(d));
        case Reader::Int2: return RawValue::of(DatumGetInt16(d));
        case Reader::Int4: return RawValue::of(DatumGetInt32(d));
        case Reader::Int8: return RawValue::of(static_cast<double>(DatumGetInt64(d)));
        case Reader::Float4: return RawValue::of(real_value(DatumGetFloat4(d), column, function));
        case Reader::Float8: return RawValue::of(finite(DatumGetFloat8(d), column, function));
        case Reader::Numeric:
            return RawValue::of(json_number(pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(d))),
                                            column, function));
        case Reader::Text: return RawValue::of_text(text_of(d));
        case Reader::Name: {
            const char* name = NameStr(*DatumGetName(d));
            return RawValue::of_text({name, strlen(name)});
        }
        case Reader::Array: return nested("array");
        case Reader::Composite: return nested("object");
        case Reader::Absent: break;
    }
    return RawValue::missing();
}

}  // namespace

void read_record_values(HeapTupleHeader row, RecordLayout*& layout, MemoryContext memory,
                        const std::string_view* names, int count, RawValue* values, const char* function) {
    const Oid type = HeapTupleHeaderGetTypeId(row);
    const int32 typmod = HeapTupleHeaderGetTypMod(row);
    if (!layout || !same_row_type(layout, type, typmod)) {
        // one layout per call site, not one per change of row type; null
        // while the new one is built, which may fail (an unreadable column)
        if (layout) free_layout(layout);
        layout = nullptr;
        layout = build_layout(row, memory, names, count, function);
    }
    HeapTupleData tuple;
    tuple.t_len = HeapTupleHeaderGetDatumLength(row);
    ItemPointerSetInvalid(&tuple.t_self);
    tuple.t_tableOid = InvalidOid;
    tuple.t_data = row;
    heap_deform_tuple(&tuple, layout->desc, layout->datums, layout->nulls);
    for (int c = 0; c < count; ++c) {
        const int a = layout->attribute[c];
        values[c] = a < 0 || layout->nulls[a] ? RawValue::missing()
                                              : value_of(layout->reader[c], layout->datums[a], names[c], function);
    }
}

}  // namespace recsys::pg
