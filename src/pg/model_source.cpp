#include "model_source.h"

#include <algorithm>

#include "../core/model/model_cache.h"
#include "../core/model/sampled_key.h"
#include "bridge.h"
#include "rows.h"
#include "settings.h"

namespace recsys::pg {

namespace {

ModelCache cache;  // per backend

SPIPlanPtr prepared(SPIPlanPtr& plan, const char* sql) {
    if (!plan) {
        Oid types[1] = {TEXTOID};
        SPIPlanPtr p = SPI_prepare(sql, 1, types);
        if (!p) elog(ERROR, "recsys: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
        SPI_keepplan(p);
        plan = p;
    }
    return plan;
}

// Runs `plan` for `name`; false when the name has no row.
bool run_for_name(SPIPlanPtr plan, const char* name) {
    Datum values[1] = {CStringGetTextDatum(name)};
    int rc = SPI_execute_plan(plan, values, nullptr, true, 1);
    if (rc != SPI_OK_SELECT) elog(ERROR, "recsys: registry query failed: %s", SPI_result_code_string(rc));
    return SPI_processed > 0;
}

[[noreturn]] void unknown_model(const char* name) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("model \"%s\" does not exist", name),
                    errhint("save one with recsys.save_model('%s', model)", name)));
}

Datum column(int col, bool* isnull) { return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col, isnull); }

// The id of the version serving by name $1 uses: its pin (recsys.deploy,
// recsys.rollback), else its newest (latest created_at, then highest id).
// Lazy: the newest is looked up only without a pin. Every lookup by name
// goes through it, once per call site and statement.
#define RECSYS_SERVED_ID                                                                                       \
    "COALESCE((SELECT p.model_id FROM recsys.deployment_pins p WHERE p.name OPERATOR(pg_catalog.=) $1), "     \
    "(SELECT n.id FROM recsys.models n WHERE n.name OPERATOR(pg_catalog.=) $1 "                              \
    "ORDER BY n.created_at DESC, n.id DESC LIMIT 1))"

std::uint64_t decodes = 0;

// The served version of `name`, from the cache or decoded into it; returns
// its id. One query reads the row's id, row version and model: the model
// column stays a TOAST pointer, read only on a miss.
std::int64_t load_registered(const char* name, ModelHandle* handle) {
    static SPIPlanPtr served = nullptr;
    MemoryContext caller = CurrentMemoryContext;
    SPI_connect();
    prepared(served,
             "SELECT id, CAST(CAST(xmin AS pg_catalog.text) AS pg_catalog.int8), model FROM recsys.models "
             "WHERE id OPERATOR(pg_catalog.=) " RECSYS_SERVED_ID);
    if (!run_for_name(served, name)) unknown_model(name);
    bool isnull;
    ModelCache::Key key{DatumGetInt64(column(1, &isnull)), DatumGetInt64(column(2, &isnull))};
    guarded([&] { handle->reset(new std::shared_ptr<const Model>(cache.find(key))); });
    if (!**handle) {
        bytea* bytes = DatumGetByteaPP(column(3, &isnull));
        const bool by_memory = max_memory_bytes() < model_cache_bytes();
        std::size_t capacity = model_cache_capacity();
        std::size_t size = 0;
        ++decodes;
        bool cached = guarded([&] {
            auto model = load_model(reinterpret_cast<const unsigned char*>(VARDATA_ANY(bytes)),
                                    VARSIZE_ANY_EXHDR(bytes));
            size = model->memory_bytes();
            bool kept = cache.insert(key, name, model, capacity);
            handle->reset(new std::shared_ptr<const Model>(std::move(model)));
            return kept;
        });
        // Once per backend and version: a model that does not fit is read
        // and decoded again on every call, which no one wants unknowingly.
        static std::int64_t warned_id = -1;
        if (!cached && capacity > 0 && warned_id != key.first) {
            warned_id = key.first;
            size = (size + (std::size_t(1) << 20) - 1) >> 20 << 20;  // whole MB, rounded up
            const char* setting = by_memory ? "recsys.max_memory" : "recsys.model_cache_mb";
            ereport(WARNING, (errmsg("model \"%s\" (%zu MB in memory) is larger than %s (%zu MB)", name, size >> 20,
                                     setting, capacity >> 20),
                              errdetail("It is read and decoded again on every call."),
                              errhint("SET %s = %zu%s (or more) where it is served.", setting, size >> 20,
                                      by_memory ? "MB" : "")));
        }
    }
    SPI_finish();
    MemoryContextSwitchTo(caller);
    return key.first;
}

// The model a call site used last, kept for the rest of the query (in
// fn_mcxt) with the key of the argument it came from (a name, or the model
// bytes: sampled_key.h), so that recommend(m.model, user) or
// predict('ranker', features) over many rows looks the model up and decodes
// it once. A new argument value replaces it.
struct CallSiteModel {
    unsigned char* key;  // sampled_key_size(size) bytes of the argument
    std::size_t size;    // the argument's whole size
    const void* argument;  // where the argument's value was when the model was loaded
    ModelHandle* model;
    MemoryContext scratch_memory;  // call_site_memory(), made on first use
    void* scratch;
    char* name;              // the registry name it came by (null: bytes), for model_label
    std::int64_t version;    // and the version that name served
};

CallSiteModel* call_site(FunctionCallInfo fcinfo) {
    auto* site = static_cast<CallSiteModel*>(fcinfo->flinfo->fn_extra);
    if (!site) elog(ERROR, "recsys: call site scratch asked for before its model");
    return site;
}

// Whether argument `argno` of the call is a constant in the query's plan
// (a literal, a custom plan's parameter value).
bool constant_argument(FmgrInfo* flinfo, int argno) {
    if (!flinfo->fn_expr) return false;
    List* args;
    if (IsA(flinfo->fn_expr, FuncExpr)) args = reinterpret_cast<FuncExpr*>(flinfo->fn_expr)->args;
    else if (IsA(flinfo->fn_expr, WindowFunc)) args = reinterpret_cast<WindowFunc*>(flinfo->fn_expr)->args;
    else return false;
    return argno < list_length(args) && IsA(list_nth(args, argno), Const);
}

}  // namespace

ModelHandle* model_argument(FunctionCallInfo fcinfo, int argno, ModelArgument form) {
    return model_argument_value(fcinfo, argno, PG_GETARG_DATUM(argno), PG_ARGISNULL(argno), form);
}

ModelHandle* model_argument_value(FunctionCallInfo fcinfo, int argno, Datum value_datum, bool isnull,
                                  ModelArgument form) {
    if (isnull) ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("model must not be NULL")));
    // The key is the argument as it came: a model stored out of line (a
    // table's model column) is known by its TOAST pointer, which stands for
    // the same value for the whole query, so that a join of many rows with a
    // model column neither fetches nor decompresses the model again per row.
    // A pointer into memory (indirect, expanded) says nothing: detoasted.
    auto* raw = reinterpret_cast<struct varlena*>(DatumGetPointer(value_datum));
    struct varlena* arg =
        VARATT_IS_EXTERNAL(raw) && !VARATT_IS_EXTERNAL_ONDISK(raw) ? pg_detoast_datum_packed(raw) : raw;
    const auto* bytes = reinterpret_cast<const unsigned char*>(arg);
    const std::size_t size = VARSIZE_ANY(arg);
    auto* site = static_cast<CallSiteModel*>(fcinfo->flinfo->fn_extra);
    // A constant of the query is the same value for all its rows: its
    // address is enough. Any other argument is compared, since a new value
    // can come at the address of one seen before: whole up to 64 KB, else by
    // its sampled key (24 KB of the first and last 4 KB, which end with the
    // model's CRC-32, and chunks spread between), so that a model computed in
    // the query (a CTE's als_fit) costs per row what a model by name costs,
    // not a pass over its 33 MB. Why a sample is enough, and safe against a
    // forged value: sampled_key.h.
    if (site && site->key && site->size == size &&
        ((site->argument == arg && constant_argument(fcinfo->flinfo, argno)) ||
         matches_sampled_key(bytes, size, site->key)))
        return site->model;

    MemoryContext query = fcinfo->flinfo->fn_mcxt;
    if (!site) {
        site = static_cast<CallSiteModel*>(MemoryContextAllocZero(query, sizeof(CallSiteModel)));
        site->model = new_owned<std::shared_ptr<const Model>>(query);
        fcinfo->flinfo->fn_extra = site;
    }
    if (site->key) pfree(site->key);
    site->key = nullptr;  // until the new model is in place
    site->scratch = nullptr;
    if (site->scratch_memory) MemoryContextReset(site->scratch_memory);
    struct varlena* value = pg_detoast_datum_packed(arg);
    if (site->name) pfree(site->name);
    site->name = nullptr;
    if (form == ModelArgument::Name) {
        char* name = text_to_cstring(reinterpret_cast<text*>(value));
        site->version = load_registered(name, site->model);
        site->name = MemoryContextStrdup(query, name);
    } else {
        const auto* data = reinterpret_cast<const unsigned char*>(VARDATA_ANY(value));
        const std::size_t data_size = VARSIZE_ANY_EXHDR(value);
        guarded([&] { site->model->reset(new std::shared_ptr<const Model>(load_model(data, data_size))); });
    }
    auto* key = static_cast<unsigned char*>(MemoryContextAlloc(query, sampled_key_size(size)));
    write_sampled_key(bytes, size, key);
    site->key = key;
    site->size = size;
    site->argument = arg;
    return site->model;
}

void*& call_site_scratch(FunctionCallInfo fcinfo) { return call_site(fcinfo)->scratch; }

char* model_label(FunctionCallInfo fcinfo) {
    const CallSiteModel* site = call_site(fcinfo);
    if (!site->name) return pstrdup("the model argument");
    return psprintf("model \"%s\" (version %lld)", site->name, static_cast<long long>(site->version));
}

char* model_description(FunctionCallInfo fcinfo) {
    const CallSiteModel* site = call_site(fcinfo);
    if (site->name) return model_label(fcinfo);
    return psprintf("the model argument (kind \"%s\")", (**site->model)->kind());
}

MemoryContext call_site_memory(FunctionCallInfo fcinfo) {
    CallSiteModel* site = call_site(fcinfo);
    if (!site->scratch_memory)
        site->scratch_memory = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "recsys call site", ALLOCSET_SMALL_SIZES);
    return site->scratch_memory;
}

const ModelCache& backend_model_cache() { return cache; }
// The cache never holds more than recsys.max_memory either: a session that
// lowered it serves from fewer decoded models.
std::size_t model_cache_capacity() { return std::min(model_cache_bytes(), max_memory_bytes()); }
std::uint64_t registry_decodes() { return decodes; }

std::int64_t registered_model(const char* name, ModelHandle* handle) { return load_registered(name, handle); }

std::int64_t served_version(const char* name) {
    static SPIPlanPtr served_id = nullptr;
    SPI_connect();
    prepared(served_id, "SELECT " RECSYS_SERVED_ID);
    bool isnull = true;
    Datum id = run_for_name(served_id, name) ? column(1, &isnull) : 0;
    if (isnull) unknown_model(name);
    SPI_finish();
    return DatumGetInt64(id);
}

bytea* registered_model_bytes(const char* name) {
    static SPIPlanPtr served_bytes = nullptr;
    MemoryContext caller = CurrentMemoryContext;
    SPI_connect();
    prepared(served_bytes, "SELECT model FROM recsys.models WHERE id OPERATOR(pg_catalog.=) " RECSYS_SERVED_ID);
    if (!run_for_name(served_bytes, name)) unknown_model(name);
    bool isnull;
    Datum d = column(1, &isnull);
    MemoryContext spi = MemoryContextSwitchTo(caller);
    bytea* copy = DatumGetByteaPCopy(d);
    MemoryContextSwitchTo(spi);
    SPI_finish();
    return copy;
}

}  // namespace recsys::pg

extern "C" {

// recsys.validate_model(model bytea): model_info of bytes that the kind's
// reader loads in full (what save_model stores), else the reader's error.
RECSYS_FUNCTION(recsys_validate_model) {
    bytea* bytes = PG_GETARG_BYTEA_PP(0);
    const auto* data = reinterpret_cast<const unsigned char*>(VARDATA_ANY(bytes));
    const std::size_t size = VARSIZE_ANY_EXHDR(bytes);
    return recsys::pg::jsonb_from([&] {
        recsys::load_model(data, size);
        return recsys::model_info_json(data, size);
    });
}

}  // extern "C"
