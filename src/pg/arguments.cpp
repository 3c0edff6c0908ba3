#include "arguments.h"

#include <algorithm>
#include <climits>

#include "memory_claim.h"

namespace recsys::pg {

namespace {

template <typename T>
ArrayView<T> array_argument(FunctionCallInfo fcinfo, int argno, const char* name, Oid element_type,
                            bool* present) {
    ArrayView<T> view;
    if (present) *present = !PG_ARGISNULL(argno);
    if (PG_ARGISNULL(argno)) return view;
    ArrayType* array = PG_GETARG_ARRAYTYPE_P(argno);
    if (ARR_ELEMTYPE(array) != element_type)
        ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH), errmsg("%s has the wrong element type", name)));
    if (ARR_NDIM(array) > 1)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR), errmsg("%s must be a one-dimensional array", name)));
    if (array_contains_nulls(array))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not contain NULL elements", name)));
    view.size = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
    view.data = reinterpret_cast<const T*>(ARR_DATA_PTR(array));
    return view;
}

}  // namespace

MemoryContext aggregate_context(FunctionCallInfo fcinfo, const char* function) {
    MemoryContext context;
    if (!AggCheckCallContext(fcinfo, &context)) elog(ERROR, "recsys: %s called as a plain function", function);
    return context;
}

void require_not_null(FunctionCallInfo fcinfo, int argno, const char* name) {
    if (PG_ARGISNULL(argno))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be NULL", name)));
}

int positive_k(FunctionCallInfo fcinfo, int argno) {
    require_not_null(fcinfo, argno, "k");
    int k = PG_GETARG_INT32(argno);
    if (k <= 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("k must be greater than 0, got %d", k)));
    return k;
}

std::size_t capped_k(int k, std::size_t available) {
    return std::max<std::size_t>(1, std::min(static_cast<std::size_t>(std::max(k, 1)), available));
}

void check_call_buffers(std::size_t count, std::size_t bytes_each, const char* what) {
    // Past SIZE_MAX is past any limit: the product saturates instead of wrapping.
    const std::size_t bytes = bytes_each != 0 && count > SIZE_MAX / bytes_each ? SIZE_MAX : count * bytes_each;
    check_call_memory(bytes, what);
}

ArrayView<std::int64_t> bigint_array(FunctionCallInfo fcinfo, int argno, const char* name, bool* present) {
    return array_argument<std::int64_t>(fcinfo, argno, name, INT8OID, present);
}

ArrayView<double> float8_array(FunctionCallInfo fcinfo, int argno, const char* name, bool* present) {
    return array_argument<double>(fcinfo, argno, name, FLOAT8OID, present);
}

ArrayView<bool> bool_array(FunctionCallInfo fcinfo, int argno, const char* name, bool* present) {
    return array_argument<bool>(fcinfo, argno, name, BOOLOID, present);
}

}  // namespace recsys::pg
