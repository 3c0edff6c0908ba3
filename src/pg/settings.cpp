#include "settings.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>

#include "../core/base/parallel.h"
#include "pg_headers.h"

namespace {

int max_threads_setting = 1;
int threads_setting = 1;
// recsys.max_memory defaults to 2 GB (room for 10 million interactions at 64
// factors), under a ceiling of half the machine's memory.
int max_memory_ceiling_kb = INT_MAX;
int max_memory_kb = 2 * 1024 * 1024;
// Every backend keeps the models it serves: 256 MB holds a 200,000-user,
// 100,000-video model at 64 factors (100 MB), and 100 serving connections
// then hold at most 25 GB (README: sizing the model cache). The ceiling is
// an eighth of the machine's memory.
int max_model_cache_mb = INT_MAX / 2;
int model_cache_mb = 256;
bool progress_setting = false;
char max_memory_hint_text[256];

// A session's value above its ceiling is refused when set; the effective
// value is still the smaller of the two, as a superuser may lower the ceiling
// under values already set.
bool under_ceiling(int value, int ceiling, const char* name, const char* ceiling_name, int unit_per_mb) {
    if (value <= ceiling) return true;
    GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
    GUC_check_errmsg("%s cannot be above %s (%d MB)", name, ceiling_name, ceiling / unit_per_mb);
    GUC_check_errhint("a superuser sets %s (postgresql.conf or ALTER SYSTEM); a session may only lower %s below it",
                      ceiling_name, name);
    return false;
}

bool check_max_memory(int* value, void**, GucSource) {
    return under_ceiling(*value, max_memory_ceiling_kb, "recsys.max_memory", "recsys.max_memory_ceiling", 1024);
}

bool check_model_cache(int* value, void**, GucSource) {
    return under_ceiling(*value, max_model_cache_mb, "recsys.model_cache_mb", "recsys.max_model_cache_mb", 1);
}

int kilobytes_clamped(std::size_t bytes) { return static_cast<int>(std::min<std::size_t>(bytes >> 10, INT_MAX)); }

}  // namespace

namespace recsys::pg {

MachineLimits machine_limits() {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    const std::size_t memory = pages > 0 && page > 0 ? static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) : 0;
    return {recsys::available_cores(), memory};
}

int threads() { return std::min(threads_setting, max_threads_setting); }
std::size_t max_memory_bytes() {
    return static_cast<std::size_t>(std::min(max_memory_kb, max_memory_ceiling_kb)) * 1024;
}
std::size_t model_cache_bytes() {
    return static_cast<std::size_t>(std::min(model_cache_mb, max_model_cache_mb)) << 20;
}
bool progress() { return progress_setting; }
const char* max_memory_hint() {
    snprintf(max_memory_hint_text, sizeof max_memory_hint_text,
             "recsys.max_memory is %zu MB: raise it (SET recsys.max_memory = '4GB', at most recsys.max_memory_ceiling) "
             "or train on fewer rows",
             max_memory_bytes() >> 20);
    return max_memory_hint_text;
}

void define_settings(const MachineLimits& machine) {
    // The ceilings first: each default below follows its ceiling (a value set
    // in postgresql.conf is already in place once the variable is defined).
    max_threads_setting = machine.cores;
    DefineCustomIntVariable("recsys.max_threads", "Most worker threads one recsys call may use (superuser only).",
                            "Defaults to the cores this server may use (CPU affinity and cgroup quota). "
                            "recsys.threads above it is lowered to it.",
                            &max_threads_setting, max_threads_setting, 1, 1024, PGC_SUSET, 0, nullptr, nullptr,
                            nullptr);
    threads_setting = max_threads_setting;
    DefineCustomIntVariable("recsys.threads", "Worker threads used by recsys training and batch scoring.",
                            "Defaults to recsys.max_threads, and never exceeds it.", &threads_setting,
                            threads_setting, 1, 1024, PGC_USERSET, 0, nullptr, nullptr, nullptr);

    if (machine.memory_bytes) max_memory_ceiling_kb = std::max(1024, kilobytes_clamped(machine.memory_bytes / 2));
    DefineCustomIntVariable("recsys.max_memory_ceiling",
                            "Most memory recsys.max_memory may allow a backend (superuser only).",
                            "Defaults to half of this machine's memory. A session may set recsys.max_memory up to it.",
                            &max_memory_ceiling_kb, max_memory_ceiling_kb, 1024, INT_MAX, PGC_SUSET, GUC_UNIT_KB,
                            nullptr, nullptr, nullptr);
    max_memory_kb = std::min(max_memory_kb, max_memory_ceiling_kb);
    DefineCustomIntVariable("recsys.max_memory", "Memory the recsys functions of a backend may use.",
                            "Input rows, summaries and models of every live aggregate together, and the buffers of "
                            "one call; exceeding it is an error (SQLSTATE 53200), not an out-of-memory server. At "
                            "most recsys.max_memory_ceiling.",
                            &max_memory_kb, max_memory_kb, 1024, INT_MAX, PGC_USERSET, GUC_UNIT_KB, check_max_memory,
                            nullptr, nullptr);

    if (machine.memory_bytes)
        max_model_cache_mb = static_cast<int>(std::min<std::size_t>(machine.memory_bytes / 8 >> 20, INT_MAX / 2));
    DefineCustomIntVariable("recsys.max_model_cache_mb",
                            "Most memory recsys.model_cache_mb may allow each backend (superuser only).",
                            "Defaults to an eighth of this machine's memory.", &max_model_cache_mb, max_model_cache_mb,
                            0, INT_MAX / 2, PGC_SUSET, GUC_UNIT_MB, nullptr, nullptr, nullptr);
    model_cache_mb = std::min(model_cache_mb, max_model_cache_mb);
    DefineCustomIntVariable("recsys.model_cache_mb", "Size of each backend's cache of deserialized models.",
                            "Least recently used models are dropped first; 0 disables the cache. At most "
                            "recsys.max_model_cache_mb.",
                            &model_cache_mb, model_cache_mb, 0, INT_MAX / 2, PGC_USERSET, GUC_UNIT_MB,
                            check_model_cache, nullptr, nullptr);
    DefineCustomBoolVariable("recsys.progress", "Report training progress as NOTICEs.", nullptr, &progress_setting,
                             false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    MarkGUCPrefixReserved("recsys");
}

}  // namespace recsys::pg
