// Rows as JSON objects (jsonb), read into the featurizer's RawValues
// (featurizer.h) in place: names and strings point into the jsonb, numbers
// are decoded from jsonb's numeric format directly, and nothing is
// allocated per value. Errors (ereport) name the SQL function and the column.
#pragma once

#include <string_view>

#include "../core/features/featurizer.h"
#include "pg_headers.h"

namespace recsys::pg {

// The row's top-level object. An array or a scalar is an error (22023)
// saying that the row must be a JSON object.
JsonbContainer* row_object(Jsonb* row, const char* function);

// JSON text parsed as jsonb, where an argument may come as text (an untyped
// literal resolves to a text parameter). Text that is not JSON is an error
// (22P02 from the parser) saying `what` must be JSON, with `hint`.
Jsonb* jsonb_from_text(text* value, const char* what, const char* hint);

// A row given as JSON text (the form an untyped literal takes), parsed.
// Text that is not JSON is an error (22P02) naming `function`, with a hint
// on the forms a row takes (and, for predict, a feature vector).
Jsonb* row_from_text(text* row, const char* function);

// Every top-level pair of the object into `fields` (room for
// JsonContainerSize(object) of them); returns how many. JSON null is Missing.
int read_row_fields(JsonbContainer* object, RawField* fields, const char* function);

// The value of each of `count` names (Missing for an absent key or null).
void read_row_values(JsonbContainer* object, const std::string_view* names, int count, RawValue* values,
                     const char* function);

// A jsonb number as the double numeric_float8 gives, without its detour
// through text where the value allows (an exact fast path); NaN and the
// infinities, and a value outside double's range, are errors naming `column`.
double json_number(const void* numeric, std::string_view column, const char* function);

}  // namespace recsys::pg
