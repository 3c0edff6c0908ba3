// model_info(bytea) and model_info(name): what a model is, as jsonb.
#include <string>

#include "../core/base/json.h"
#include "../core/model/model.h"
#include "bridge.h"
#include "model_source.h"
#include "owned.h"
#include "pg_headers.h"
#include "rows.h"
#include "settings.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

Datum info_of(bytea* bytes) {
    return jsonb_from([&] {
        return model_info_json(reinterpret_cast<const unsigned char*>(VARDATA_ANY(bytes)), VARSIZE_ANY_EXHDR(bytes));
    });
}

std::string cache_stats_json(std::size_t capacity) {
    const ModelCache& cache = backend_model_cache();
    JsonWriter w;
    w.begin_object();
    w.key("capacity_bytes");
    w.integer(static_cast<long long>(capacity));
    w.key("bytes");
    w.integer(static_cast<long long>(cache.bytes()));
    w.key("hits");
    w.integer(static_cast<long long>(cache.counters().hits));
    w.key("misses");
    w.integer(static_cast<long long>(cache.counters().misses));
    w.key("decodes");
    w.integer(static_cast<long long>(registry_decodes()));
    w.key("evictions");
    w.integer(static_cast<long long>(cache.counters().evictions));
    w.key("entries");
    w.begin_array();
    for (const auto& e : cache.entries()) {
        w.begin_object();
        w.key("model_id");
        w.integer(e.key.first);
        w.key("name");
        w.string(e.name);
        w.key("bytes");
        w.integer(static_cast<long long>(e.bytes));
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.str();
}

}  // namespace

extern "C" {

RECSYS_FUNCTION(recsys_model_info) { return info_of(PG_GETARG_BYTEA_PP(0)); }

RECSYS_FUNCTION(recsys_model_info_by_name) {
    return info_of(registered_model_bytes(text_to_cstring(PG_GETARG_TEXT_PP(0))));
}

RECSYS_FUNCTION(recsys_model_cache_stats) {
    std::size_t capacity = model_cache_capacity();
    return jsonb_from([&] { return cache_stats_json(capacity); });
}

}  // extern "C"
