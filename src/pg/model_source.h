// The model argument of a function: a registry name (text: that name's
// newest version, through the per-backend cache) or the model bytes (bytea).
#pragma once

#include <memory>

#include "../core/model.h"
#include "owned.h"
#include "pg_headers.h"

namespace recsys::pg {

using ModelHandle = Owned<std::shared_ptr<const Model>>;

// Never NULL; raises 22004 for a NULL argument and 42704 for an unknown name.
ModelHandle* model_argument(FunctionCallInfo fcinfo, int argno);

// The newest registry row of `name`: its bytes (detoasted, in the current
// memory context). Raises 42704 for an unknown name.
bytea* registered_model_bytes(const char* name);

}  // namespace recsys::pg
