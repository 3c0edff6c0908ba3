// The recsys.* settings (GUCs). Resources have two levels: a ceiling that
// only a superuser sets (recsys.max_threads, recsys.max_memory_ceiling,
// recsys.max_model_cache_mb), with a default from the machine, and the value
// a session uses (recsys.threads, recsys.max_memory, recsys.model_cache_mb),
// which any role may lower but never raise above its ceiling.
#pragma once

#include <cstddef>

namespace recsys::pg {

// What the machine gives this server: the defaults of the ceilings.
struct MachineLimits {
    int cores;                  // CPU affinity and cgroup quota
    std::size_t memory_bytes;   // physical memory (0 when unknown)
};
MachineLimits machine_limits();

// Defines every recsys.* setting (once, from _PG_init).
void define_settings(const MachineLimits& machine);

int threads();                      // recsys.threads, at most recsys.max_threads
std::size_t max_memory_bytes();     // recsys.max_memory, at most recsys.max_memory_ceiling
std::size_t model_cache_bytes();    // recsys.model_cache_mb, at most recsys.max_model_cache_mb
bool progress();                    // recsys.progress
const char* max_memory_hint();      // how to raise recsys.max_memory

}  // namespace recsys::pg
