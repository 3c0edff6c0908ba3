// recsys.options(kind text DEFAULT NULL) -> table(kind, option, type,
// default_value, minimum, maximum, choices, description): every option of
// every kind (or of one), read from the kinds' schemas (core/model/option_table.h).
#include <string>
#include <vector>

#include "../core/model/option_table.h"
#include "bridge.h"
#include "owned.h"
#include "pg_headers.h"
#include "rows.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

// One row as text and numbers, made in C++ before any PostgreSQL call.
struct OptionRow {
    std::string kind, option, type, default_value, description;
    bool has_range = false;
    double minimum = 0, maximum = 0;
    std::vector<std::string> choices;
};
using Table = std::vector<OptionRow>;

Table option_rows(const std::optional<std::string>& kind) {
    Table table;
    for (const OptionTableRow& row : option_table(kind)) {
        const OptionSpec& s = *row.spec;
        table.push_back({row.kind, s.name, option_type_name(s), option_default_text(s), s.help, option_has_range(s),
                         s.min, s.max, s.choices});
    }
    return table;
}

Datum text_datum(const std::string& s) {
    return PointerGetDatum(cstring_to_text_with_len(s.data(), static_cast<int>(s.size())));
}

Datum text_array(const std::vector<std::string>& strings) {
    Datum* elements = static_cast<Datum*>(palloc(sizeof(Datum) * (strings.size() + 1)));
    for (std::size_t i = 0; i < strings.size(); ++i) elements[i] = text_datum(strings[i]);
    return PointerGetDatum(
        construct_array(elements, static_cast<int>(strings.size()), TEXTOID, -1, false, TYPALIGN_INT));
}

}  // namespace

extern "C" {

RECSYS_FUNCTION(recsys_options) {
    const char* kind = PG_ARGISNULL(0) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(0));
    auto* table = new_owned<Table>();
    guarded([&] {
        table->reset(new Table(option_rows(kind ? std::optional<std::string>(kind) : std::nullopt)));
    });
    RowWriter rows(fcinfo);
    for (const OptionRow& row : **table) {
        bool nulls[8] = {false, false, false, row.default_value.empty(), !row.has_range, !row.has_range,
                         row.choices.empty(), false};
        Datum values[8] = {text_datum(row.kind),
                           text_datum(row.option),
                           text_datum(row.type),
                           nulls[3] ? (Datum)0 : text_datum(row.default_value),
                           Float8GetDatum(row.minimum),
                           Float8GetDatum(row.maximum),
                           nulls[6] ? (Datum)0 : text_array(row.choices),
                           text_datum(row.description)};
        rows.put(values, nulls);
    }
    table->release();
    return (Datum)0;
}

}  // extern "C"
