// The model argument of a function: a registry name (text: the version the
// name serves, pinned or newest, through the per-backend cache) or the model
// bytes (bytea).
// Each SQL form has its own C entry point (RECSYS_MODEL_FUNCTION), so that
// nothing depends on the call expression being available.
#pragma once

#include <cstdint>
#include <memory>

#include "../core/model/model.h"
#include "../core/model/model_cache.h"
#include "bridge.h"
#include "owned.h"
#include "pg_headers.h"

namespace recsys::pg {

using ModelHandle = Owned<std::shared_ptr<const Model>>;

enum class ModelArgument { Bytes, Name };

// Never NULL; raises 22004 for a NULL argument and 42704 for an unknown name.
ModelHandle* model_argument(FunctionCallInfo fcinfo, int argno, ModelArgument form);
// The same for a value the caller read itself (a window function's argument
// in another row of its partition: WinGetFuncArgInPartition).
ModelHandle* model_argument_value(FunctionCallInfo fcinfo, int argno, Datum value, bool isnull, ModelArgument form);

// What a function keeps at its call site for the model of its last call
// (buffers sized for it, pointers into it): null at first, set by the
// function to memory from call_site_memory(), and cleared (that memory freed)
// when the model argument changes, so that it never outlives its model.
// Both after model_argument.
void*& call_site_scratch(FunctionCallInfo fcinfo);
MemoryContext call_site_memory(FunctionCallInfo fcinfo);

// How messages name that model (palloc'd): `model "ranker" (version 12)`
// for a name, `the model argument` for bytes. model_description adds the
// kind to the latter (`the model argument (kind "logreg")`), for messages
// that do not say it otherwise. Both after model_argument.
char* model_label(FunctionCallInfo fcinfo);
char* model_description(FunctionCallInfo fcinfo);

// The model of that argument as kind T (model_argument's handle), or 22023
// naming it: `model "ranker" (version 12) is of kind "logreg", expected "als"`.
template <typename T>
const T& typed_model(FunctionCallInfo fcinfo, ModelHandle* handle) {
    const Model& model = ***handle;
    if (const auto* typed = dynamic_cast<const T*>(&model)) return *typed;
    const char* label = model_label(fcinfo);
    return guarded([&]() -> const T& { return model_as<T>(model, label); });
}

// The registry row serving by `name` uses (its pinned version, else its
// newest): its bytes (detoasted, in the current memory context). Raises 42704
// for an unknown name.
bytea* registered_model_bytes(const char* name);

// The same version through this backend's cache, into `handle`; returns its id.
std::int64_t registered_model(const char* name, ModelHandle* handle);

// The id of that version (recsys.serving_version). Raises 42704 for an unknown name.
std::int64_t served_version(const char* name);

// This backend's cache of registry models, and how many times a registry
// model was decoded (a miss, or a model too large to keep).
const ModelCache& backend_model_cache();
// Its capacity: recsys.model_cache_mb, or recsys.max_memory when lower.
std::size_t model_cache_capacity();
std::uint64_t registry_decodes();

}  // namespace recsys::pg

// Defines the two C entry points of a function whose first argument is a
// model: SYMBOL for the bytea form and SYMBOL_by_name for the text form,
// both calling IMPL(fcinfo, form).
#define RECSYS_MODEL_FUNCTION(SYMBOL, IMPL)                                                      \
    RECSYS_FUNCTION(SYMBOL) { return IMPL(fcinfo, recsys::pg::ModelArgument::Bytes); }           \
    RECSYS_FUNCTION(SYMBOL##_by_name) { return IMPL(fcinfo, recsys::pg::ModelArgument::Name); }
