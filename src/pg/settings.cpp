#include "settings.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <malloc.h>

#include "../core/parallel.h"
#include "pg_headers.h"

extern "C" {
PG_MODULE_MAGIC;
void _PG_init(void);
}

namespace {

int max_threads_setting = 1;
int threads_setting = 1;
int max_memory_kb = 2 * 1024 * 1024;  // 2 GB: room for 10 million interactions at 64 factors
// Every backend keeps the models it serves: 256 MB holds a 200,000-user,
// 100,000-video model at 64 factors (100 MB), and 100 serving connections
// then hold at most 25 GB (README: sizing the model cache).
int model_cache_mb = 256;
bool progress_setting = false;
char max_memory_hint_text[256];

}  // namespace

namespace recsys::pg {

int threads() { return std::min(threads_setting, max_threads_setting); }
std::size_t max_memory_bytes() { return static_cast<std::size_t>(max_memory_kb) * 1024; }
std::size_t model_cache_bytes() { return static_cast<std::size_t>(model_cache_mb) << 20; }
bool progress() { return progress_setting; }
const char* max_memory_hint() {
    snprintf(max_memory_hint_text, sizeof max_memory_hint_text,
             "recsys.max_memory is %d MB: raise it (SET recsys.max_memory = '4GB') or train on fewer rows",
             max_memory_kb / 1024);
    return max_memory_hint_text;
}

}  // namespace recsys::pg

void _PG_init(void) {
    // A served model is large and lives until the next version replaces it;
    // its memory must then go back to the system, or a serving backend keeps
    // the high-water mark of two versions for good. glibc gives a block above
    // its mmap threshold a mapping of its own, unmapped on free, but raises the
    // threshold to the size of each such block freed (up to 32 MB), after which
    // a model's matrices come from the heap and stay. A fixed threshold (which
    // MALLOC_MMAP_THRESHOLD_ in the server's environment overrides) keeps them
    // mapped.
    if (!getenv("MALLOC_MMAP_THRESHOLD_")) mallopt(M_MMAP_THRESHOLD, 4 << 20);
    // The ceiling first: the default of recsys.threads follows it (a value set
    // in postgresql.conf is already in place once the variable is defined).
    max_threads_setting = recsys::available_cores();
    DefineCustomIntVariable("recsys.max_threads", "Most worker threads one recsys call may use (superuser only).",
                            "Defaults to the cores this server may use (CPU affinity and cgroup quota). "
                            "recsys.threads above it is lowered to it.",
                            &max_threads_setting, max_threads_setting, 1, 1024, PGC_SUSET, 0, nullptr, nullptr,
                            nullptr);
    threads_setting = max_threads_setting;
    DefineCustomIntVariable("recsys.threads", "Worker threads used by recsys training and batch scoring.",
                            "Defaults to recsys.max_threads, and never exceeds it.", &threads_setting,
                            threads_setting, 1, 1024, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("recsys.max_memory", "Memory the recsys training aggregates of a backend may use.",
                            "Input rows and models of every live aggregate together; exceeding it is an error "
                            "(SQLSTATE 53200), not an out-of-memory server.",
                            &max_memory_kb, max_memory_kb, 1024, INT_MAX, PGC_USERSET, GUC_UNIT_KB, nullptr, nullptr,
                            nullptr);
    DefineCustomIntVariable("recsys.model_cache_mb", "Size of each backend's cache of deserialized models.",
                            "Least recently used models are dropped first; 0 disables the cache.", &model_cache_mb,
                            model_cache_mb, 0, INT_MAX / 2, PGC_USERSET, GUC_UNIT_MB, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("recsys.progress", "Report training progress as NOTICEs.", nullptr, &progress_setting,
                             false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    MarkGUCPrefixReserved("recsys");
}
