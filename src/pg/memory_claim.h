// recsys.max_memory for a whole backend: every training aggregate state
// claims the bytes it holds before it allocates them (its columns, and a
// summarizing kind's summary after each add: training_state.h), and the claims of all live states together
// (GROUP BY holds one state per group) stay under the limit. A claim lives in
// the state's memory context and is released when that context is reset or
// deleted: at the end of the statement, or on error.
#pragma once

#include <cstddef>

#include "pg_headers.h"

namespace recsys::pg {

struct MemoryClaim;

// A new, empty claim owned by `context`.
MemoryClaim* new_memory_claim(MemoryContext context);

// Grows (or shrinks) the claim to `bytes`. Over the limit with the other
// claims of this backend: ERROR 53200 naming `what`, with a hint.
void set_claim(MemoryClaim* claim, std::size_t bytes, const char* what);

std::size_t claimed_bytes(const MemoryClaim* claim);

// The bytes this claim may still grow to: the limit less every other claim.
std::size_t claimable_bytes(const MemoryClaim* claim);

// The buffers of one call (a serving or scoring function's working memory,
// freed when it returns): `bytes` must fit in the limit less every live
// claim, else ERROR 53200 naming `what`. Checked before they are allocated.
void check_call_memory(std::size_t bytes, const char* what);
// What a call may still use: the limit less every live claim.
std::size_t unclaimed_memory();

}  // namespace recsys::pg
