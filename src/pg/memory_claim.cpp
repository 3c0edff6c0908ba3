#include "memory_claim.h"

#include <cstdio>

#include "settings.h"

namespace recsys::pg {

struct MemoryClaim {
    MemoryContextCallback release;
    std::size_t bytes;
};

namespace {

std::size_t backend_claimed = 0;  // the sum of every live claim

void release(void* arg) {
    auto* claim = static_cast<MemoryClaim*>(arg);
    backend_claimed -= claim->bytes;
    claim->bytes = 0;
}

unsigned long long megabytes(std::size_t bytes) { return (bytes + (std::size_t(1) << 20) - 1) >> 20; }

// The limit less `others` (the claims that are not the one asking).
std::size_t unclaimed(std::size_t others) {
    std::size_t limit = max_memory_bytes();
    return others < limit ? limit - others : 0;
}

[[noreturn]] void over_limit(const char* what, std::size_t others, const char* hint) {
    ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY),
                    errmsg("%s passes the memory limit of %llu MB", what, megabytes(max_memory_bytes())),
                    others > 0 ? errdetail("Other recsys aggregates of this backend (one per group of a GROUP "
                                           "BY) hold %llu MB.",
                                           megabytes(others))
                               : 0,
                    errhint("%s", hint)));
    pg_unreachable();
}

}  // namespace

MemoryClaim* new_memory_claim(MemoryContext context) {
    auto* claim = static_cast<MemoryClaim*>(MemoryContextAllocZero(context, sizeof(MemoryClaim)));
    claim->release.func = release;
    claim->release.arg = claim;
    MemoryContextRegisterResetCallback(context, &claim->release);
    return claim;
}

std::size_t claimed_bytes(const MemoryClaim* claim) { return claim->bytes; }

std::size_t claimable_bytes(const MemoryClaim* claim) { return unclaimed(backend_claimed - claim->bytes); }

void set_claim(MemoryClaim* claim, std::size_t bytes, const char* what) {
    if (bytes > claimable_bytes(claim)) over_limit(what, backend_claimed - claim->bytes, max_memory_hint());
    backend_claimed += bytes - claim->bytes;
    claim->bytes = bytes;
}

std::size_t unclaimed_memory() { return unclaimed(backend_claimed); }

void check_call_memory(std::size_t bytes, const char* what) {
    if (bytes <= unclaimed_memory()) return;
    char hint[256];
    snprintf(hint, sizeof hint,
             "recsys.max_memory is %llu MB: raise it (SET recsys.max_memory = '4GB', at most "
             "recsys.max_memory_ceiling) or pass fewer elements (%llu MB asked)",
             megabytes(max_memory_bytes()), megabytes(bytes));
    over_limit(what, backend_claimed, hint);
}

}  // namespace recsys::pg
