// Rows as composite values (a table's row: recsys.transform('f', h) FROM
// houses h), read into the featurizer's RawValues (featurizer.h) without
// building JSON: the values are the ones to_jsonb(row) would give, so a
// featurizer fitted on to_jsonb rows serves table rows alike.
//   boolean                       -> a boolean
//   smallint, integer, bigint,
//   real, double precision,
//   numeric                       -> a number (NaN and the infinities are errors)
//   text, varchar, char(n), name  -> a string
//   an array, a composite         -> nested (the featurizer's error)
// A column of another type that the featurizer reads is an error (42804)
// naming it; columns the featurizer does not know are not read.
#pragma once

#include <string_view>

#include "../core/features/featurizer.h"
#include "pg_headers.h"

namespace recsys::pg {

struct RecordLayout;  // where each of the featurizer's columns is in a row type

// The value of each of `count` named columns of `row` into `values` (Missing
// for SQL NULL or a column the row type lacks). `layout` is built on the
// first row in `memory` and rebuilt when the row type changes.
void read_record_values(HeapTupleHeader row, RecordLayout*& layout, MemoryContext memory,
                        const std::string_view* names, int count, RawValue* values, const char* function);

}  // namespace recsys::pg
