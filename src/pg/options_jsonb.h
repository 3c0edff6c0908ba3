// Turns a jsonb options object into the core's RawOption list.
#pragma once

#include <vector>

#include "../core/options.h"
#include "pg_headers.h"

namespace recsys::pg {

// PostgreSQL side: reads the object into plain palloc'd entries (may ereport:
// 22023 when it is not an object).
struct JsonbOptions {
    struct Entry {
        char* key;
        RawOption::Kind kind;
        double number;
        bool boolean;
    };
    Entry* entries;
    int count;
};
JsonbOptions read_jsonb_options(Jsonb* options, const char* function);

// C++ side (call inside guarded()): the core's representation.
std::vector<RawOption> to_raw_options(const JsonbOptions& options);

}  // namespace recsys::pg
