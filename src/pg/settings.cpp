#include "settings.h"

#include <cstdio>

#include "../core/parallel.h"
#include "pg_headers.h"

extern "C" {
PG_MODULE_MAGIC;
void _PG_init(void);
}

namespace {

int threads_setting = 1;
int max_memory_kb = 2 * 1024 * 1024;  // 2 GB: room for 10 million interactions at 64 factors
int model_cache_mb = 1024;
bool verbose_setting = false;
char max_memory_hint_text[256];

}  // namespace

namespace recsys::pg {

int threads() { return threads_setting; }
std::size_t max_memory_bytes() { return static_cast<std::size_t>(max_memory_kb) * 1024; }
std::size_t model_cache_bytes() { return static_cast<std::size_t>(model_cache_mb) << 20; }
bool verbose() { return verbose_setting; }
const char* max_memory_hint() {
    snprintf(max_memory_hint_text, sizeof max_memory_hint_text,
             "recsys.max_memory is %d MB: raise it (SET recsys.max_memory = '4GB') or train on fewer rows",
             max_memory_kb / 1024);
    return max_memory_hint_text;
}

}  // namespace recsys::pg

void _PG_init(void) {
    threads_setting = recsys::available_cores();
    DefineCustomIntVariable("recsys.threads", "Worker threads used by recsys training.",
                            "Defaults to the number of cores available.", &threads_setting, threads_setting, 1, 256,
                            PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("recsys.max_memory", "Memory a recsys training may use (input rows and model).",
                            "Exceeding it is an error (SQLSTATE 53200), not an out-of-memory server.", &max_memory_kb,
                            max_memory_kb, 1024, INT_MAX, PGC_USERSET, GUC_UNIT_KB, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("recsys.model_cache_mb", "Size of each backend's cache of deserialized models.",
                            "Least recently used models are dropped first; 0 disables the cache.", &model_cache_mb,
                            model_cache_mb, 0, INT_MAX / 2, PGC_USERSET, GUC_UNIT_MB, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("recsys.verbose", "Report training progress as NOTICEs.", nullptr, &verbose_setting, false,
                             PGC_USERSET, 0, nullptr, nullptr, nullptr);
    MarkGUCPrefixReserved("recsys");
}
