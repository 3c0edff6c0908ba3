#include "jsonb_rows.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

extern "C" {
#include "utils/numeric.h"
}

namespace recsys::pg {

namespace {

// ---------------------------------------------------------------- numbers
//
// numeric's on-disk layout (PostgreSQL's numeric.c): after the varlena
// header, a 16-bit header word, then (long form) a 16-bit weight, then base
// 10000 digits, int16 each, leading and trailing zero digits stripped. The
// value is sum(d[i] * 10000^(weight - i)).
constexpr uint16 kSignMask = 0xC000, kNegative = 0x4000, kShort = 0x8000, kSpecial = 0xC000;
constexpr uint16 kNaN = 0xC000, kPositiveInfinity = 0xD000;
constexpr uint16 kShortNegative = 0x2000, kShortWeightSign = 0x0040, kShortWeightMask = 0x003F;
constexpr uint64 kExactLimit = uint64(1) << 53;  // integers up to this are exact doubles

// 10^0 .. 10^22: every one an exact double.
constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// m * 10^e when that is one correctly rounded operation on exact doubles
// (Clinger's fast path): m <= 2^53 and |e| <= 22, after moving powers of
// ten between m and e where that keeps m exact. False otherwise.
bool exact_decimal(uint64 m, int e, double* out) {
    while (e > 22 && m <= kExactLimit / 10) m *= 10, --e;
    while (e < -22 && m % 10 == 0 && m != 0) m /= 10, ++e;
    if (m > kExactLimit || e > 22 || e < -22) return false;
    *out = e >= 0 ? static_cast<double>(m) * kPowersOfTen[e] : static_cast<double>(m) / kPowersOfTen[-e];
    return true;
}

// The slow path, as numeric_float8 does it: the number's text through strtod.
double via_text(const void* numeric, std::string_view column, const char* function) {
    char* text = DatumGetCString(DirectFunctionCall1(numeric_out, PointerGetDatum(numeric)));
    errno = 0;
    double v = strtod(text, nullptr);
    if (errno == ERANGE && (v == 0 || std::isinf(v)))
        ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                        errmsg("%s column \"%.*s\": %s is out of range for double precision", function,
                               static_cast<int>(column.size()), column.data(),
                               numeric_out_sci(static_cast<Numeric>(const_cast<void*>(numeric)), 3))));
    pfree(text);
    return v;
}

[[noreturn]] void not_finite(uint16 header, std::string_view column, const char* function) {
    ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION), errmsg("%s column \"%.*s\" is %s, not a finite number", function,
                                                            static_cast<int>(column.size()), column.data(),
                                                            header == kNaN                ? "NaN"
                                                            : header == kPositiveInfinity ? "Infinity"
                                                                                          : "-Infinity")));
}

// ---------------------------------------------------------------- values

RawValue nested(const JsonbContainer* container) {
    RawValue v;
    v.type = RawValue::Type::Nested;
    v.text = JsonContainerIsArray(container) ? "array" : "object";
    return v;
}

// The value of child `index` of `container`, which starts at `offset` (of
// the container's data) and takes `length` bytes; as jsonb_util.c's
// fillJsonbValue reads it.
RawValue child_value(const JsonbContainer* container, int index, const char* base, uint32 offset, uint32 length,
                     std::string_view column, const char* function) {
    const JEntry entry = container->children[index];
    if (JBE_ISNULL(entry)) return RawValue::missing();
    if (JBE_ISSTRING(entry)) return RawValue::of_text({base + offset, length});
    if (JBE_ISNUMERIC(entry)) return RawValue::of(json_number(base + INTALIGN(offset), column, function));
    if (JBE_ISBOOL_TRUE(entry)) return RawValue::of_bool(true);
    if (JBE_ISBOOL_FALSE(entry)) return RawValue::of_bool(false);
    return nested(reinterpret_cast<const JsonbContainer*>(base + INTALIGN(offset)));
}

RawValue scalar_value(const JsonbValue& v, std::string_view column, const char* function) {
    switch (v.type) {
        case jbvNull:
            return RawValue::missing();
        case jbvString:
            return RawValue::of_text({v.val.string.val, static_cast<std::size_t>(v.val.string.len)});
        case jbvNumeric:
            return RawValue::of(json_number(v.val.numeric, column, function));
        case jbvBool:
            return RawValue::of_bool(v.val.boolean);
        case jbvBinary:
            return nested(v.val.binary.data);
        default:
            elog(ERROR, "recsys: unexpected jsonb value type %d", static_cast<int>(v.type));
    }
    pg_unreachable();
}

const char* scalar_kind(const JsonbContainer* root) {
    const JEntry entry = root->children[0];
    if (JBE_ISNULL(entry)) return "null";
    if (JBE_ISSTRING(entry)) return "a string";
    if (JBE_ISNUMERIC(entry)) return "a number";
    return "a boolean";
}

}  // namespace

double json_number(const void* numeric, std::string_view column, const char* function) {
    const char* data = VARDATA_ANY(numeric);
    const std::size_t size = VARSIZE_ANY_EXHDR(numeric);
    uint16 header;
    memcpy(&header, data, sizeof header);
    if ((header & kSignMask) == kSpecial) not_finite(header, column, function);
    bool negative;
    int weight;
    const char* digits;
    if ((header & kSignMask) == kShort) {
        negative = (header & kShortNegative) != 0;
        weight = (header & kShortWeightSign ? ~static_cast<int>(kShortWeightMask) : 0) | (header & kShortWeightMask);
        digits = data + sizeof(uint16);
    } else {
        int16 long_weight;
        memcpy(&long_weight, data + sizeof(uint16), sizeof long_weight);
        negative = (header & kSignMask) == kNegative;
        weight = long_weight;
        digits = data + 2 * sizeof(uint16);
    }
    const int ndigits = static_cast<int>((data + size - digits) / sizeof(int16));
    if (ndigits == 0) return 0;
    if (ndigits <= 4) {  // at most 16 decimal digits: maybe below 2^53
        uint64 m = 0;
        for (int i = 0; i < ndigits; ++i) {
            int16 d;
            memcpy(&d, digits + i * sizeof(int16), sizeof d);
            m = m * 10000 + static_cast<uint64>(d);
        }
        double v;
        if (exact_decimal(m, 4 * (weight - (ndigits - 1)), &v)) return negative ? -v : v;
    }
    return via_text(numeric, column, function);
}

JsonbContainer* row_object(Jsonb* row, const char* function) {
    JsonbContainer* root = &row->root;
    if (JsonContainerIsObject(root)) return root;
    const char* what = JsonContainerIsScalar(root) ? scalar_kind(root) : "an array";
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s row must be a JSON object, not %s", function, what),
             errhint("pass a row as an object of its columns, e.g. to_jsonb(t) - 'price'")));
    pg_unreachable();
}

Jsonb* jsonb_from_text(text* value, const char* what, const char* hint) {
    char* json = text_to_cstring(value);
    MemoryContext context = CurrentMemoryContext;
    Jsonb* volatile parsed = nullptr;
    ErrorData* volatile error = nullptr;
    PG_TRY();
    {
        parsed = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(context);
        error = CopyErrorData();
        FlushErrorState();
    }
    PG_END_TRY();
    pfree(json);
    if (!error) return parsed;
    // Only malformed JSON is the caller's text (cancel, out of memory: as they came).
    if (ERRCODE_TO_CATEGORY(error->sqlerrcode) != ERRCODE_DATA_EXCEPTION) ReThrowError(error);
    ereport(ERROR, (errcode(error->sqlerrcode), errmsg("%s must be JSON: %s", what, error->message),
                    error->detail ? errdetail("%s", error->detail) : 0, errhint("%s", hint)));
    pg_unreachable();
}

Jsonb* row_from_text(text* row, const char* function) {
    return jsonb_from_text(row, psprintf("%s row", function),
                           strcmp(function, "predict") == 0
                               ? "a row is a JSON object ('{\"rooms\": 3}') or a table's row; a feature vector is "
                                 "a float8[]: add ::float8[] to an array literal"
                               : "a row is a JSON object ('{\"rooms\": 3}') or a table's row");
}

int read_row_fields(JsonbContainer* object, RawField* fields, const char* function) {
    // Keys are children 0 .. n-1, their values n .. 2n-1; each child's data
    // follows the previous one's (JBE_ADVANCE_OFFSET).
    const int n = static_cast<int>(JsonContainerSize(object));
    const char* base = reinterpret_cast<const char*>(&object->children[2 * n]);
    uint32 offset = 0;
    for (int i = 0; i < n; ++i) {
        const uint32 start = offset;
        JBE_ADVANCE_OFFSET(offset, object->children[i]);
        fields[i].name = std::string_view(base + start, offset - start);
    }
    for (int i = 0; i < n; ++i) {
        const uint32 start = offset;
        JBE_ADVANCE_OFFSET(offset, object->children[n + i]);
        fields[i].value = child_value(object, n + i, base, start, offset - start, fields[i].name, function);
    }
    return n;
}

void read_row_values(JsonbContainer* object, const std::string_view* names, int count, RawValue* values,
                     const char* function) {
    JsonbValue found;
    for (int c = 0; c < count; ++c) {
        const std::string_view name = names[c];
        values[c] = getKeyJsonValueFromContainer(object, name.data(), static_cast<int>(name.size()), &found)
                        ? scalar_value(found, name, function)
                        : RawValue::missing();
    }
}

}  // namespace recsys::pg
