// Reading function arguments: checked accessors that raise one precise
// SQLSTATE each, in the manner of pgvector's small check helpers.
#pragma once

#include <cstddef>
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
// A positive k (positive_k) capped to the `available` entries it selects from (a model's
// catalogue, the candidates given): asking for more than there are returns
// what there is, so the cap changes no result, and nothing is ever sized by
// k itself (k = 2147483647 is a valid "all"). At least 1.
std::size_t capped_k(int k, std::size_t available);
// The working memory of one call, `count` entries of `bytes_each` (checked
// multiply), must fit under recsys.max_memory less the live aggregates'
// claims: else ERROR 53200 naming `what`. Called before anything is
// allocated for the entries (memory_claim.h: check_call_memory).
void check_call_buffers(std::size_t count, std::size_t bytes_each, const char* what);
// NULL array argument gives {nullptr, 0} with *present = false.
ArrayView<std::int64_t> bigint_array(FunctionCallInfo fcinfo, int argno, const char* name, bool* present = nullptr);
ArrayView<double> float8_array(FunctionCallInfo fcinfo, int argno, const char* name, bool* present = nullptr);
ArrayView<bool> bool_array(FunctionCallInfo fcinfo, int argno, const char* name, bool* present = nullptr);

}  // namespace recsys::pg
