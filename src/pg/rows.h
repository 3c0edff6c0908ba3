// Rows of a set-returning function, materialized into a tuplestore.
#pragma once

#include "pg_headers.h"

namespace recsys::pg {

class RowWriter {
public:
    explicit RowWriter(FunctionCallInfo fcinfo);
    void put(Datum* values, bool* nulls);

private:
    Tuplestorestate* store_;
    TupleDesc desc_;
};

// A real[] of n floats.
Datum float4_array(const float* values, int n);

}  // namespace recsys::pg
