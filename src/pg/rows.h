// Results of functions: rows of a set-returning function (materialized into
// a tuplestore), real[] arrays, and jsonb made from C++ JSON text.
#pragma once

#include <cstddef>
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

// The result of a final function declared to return an array of a
// composite type (recsys.curve_point[], recsys.kaplan_meier_point[]), which
// unnest turns into rows: put each row's values in order, then take the array.
class CompositeArray {
public:
    // Room for `rows` rows of the element type, checked to have `columns` columns.
    CompositeArray(FunctionCallInfo fcinfo, int columns, std::size_t rows);
    void put(const Datum* values, const bool* nulls);
    Datum array();

private:
    Oid type_;
    TupleDesc desc_;
    Datum* elements_;
    int count_;
    int capacity_;
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
