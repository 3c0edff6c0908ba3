// Results of functions: rows of a set-returning function (materialized into
// a tuplestore), real[] arrays, and jsonb made from C++ JSON text.
#pragma once

#include <string>

#include "bridge.h"
#include "owned.h"
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

// A float8[] of n elements to fill in place (ARR_DATA_PTR); {} for n = 0.
ArrayType* new_float8_array(int n);

// The JSON text that `make` returns (C++, run guarded), as a jsonb Datum.
template <typename Make>
Datum jsonb_from(Make&& make) {
    auto* json = new_owned<std::string>();
    guarded([&] { json->reset(new std::string(make())); });
    Datum result = DirectFunctionCall1(jsonb_in, CStringGetDatum((*json)->c_str()));
    json->release();
    return result;
}

}  // namespace recsys::pg
