// The recsys.* settings (GUCs).
#pragma once

#include <cstddef>

namespace recsys::pg {

int threads();                      // recsys.threads, at most recsys.max_threads
std::size_t max_memory_bytes();     // recsys.max_memory
std::size_t model_cache_bytes();    // recsys.model_cache_mb
bool progress();                    // recsys.progress
const char* max_memory_hint();      // how to raise recsys.max_memory

}  // namespace recsys::pg
