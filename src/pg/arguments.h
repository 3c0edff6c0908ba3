// Reading function arguments: checked accessors that raise one precise
// SQLSTATE each, in the manner of pgvector's small check helpers.
#pragma once

#include <cstdint>

#include "pg_headers.h"

namespace recsys::pg {

// A one-dimensional array without NULL elements, viewed in place.
template <typename T>
struct ArrayView {
    const T* data = nullptr;
    int size = 0;
};

// The memory of the aggregate an aggregate support function runs for; an
// internal error naming `function` when it is called as a plain function.
MemoryContext aggregate_context(FunctionCallInfo fcinfo, const char* function);
// The argument must not be NULL: 22004 naming it otherwise.
void require_not_null(FunctionCallInfo fcinfo, int argno, const char* name);
// k must be positive: 22023 otherwise.
int positive_k(FunctionCallInfo fcinfo, int argno);
// NULL array argument gives {nullptr, 0} with *present = false.
ArrayView<std::int64_t> bigint_array(FunctionCallInfo fcinfo, int argno, const char* name, bool* present = nullptr);
ArrayView<double> float8_array(FunctionCallInfo fcinfo, int argno, const char* name, bool* present = nullptr);
ArrayView<bool> bool_array(FunctionCallInfo fcinfo, int argno, const char* name, bool* present = nullptr);

}  // namespace recsys::pg
