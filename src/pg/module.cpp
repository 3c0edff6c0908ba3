// The library's entry: PostgreSQL's magic block and _PG_init, which runs
// once when a backend loads recsys.so.
#include <cstdlib>

#include <malloc.h>

#include "bridge.h"
#include "pg_headers.h"
#include "settings.h"

extern "C" {
PG_MODULE_MAGIC;
void _PG_init(void);
}

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
    // (Reading the machine's cores and memory is C++: inside the bridge.)
    const recsys::pg::MachineLimits machine = recsys::pg::guarded([] { return recsys::pg::machine_limits(); });
    recsys::pg::define_settings(machine);
}
