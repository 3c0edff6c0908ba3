// The model a training aggregate's options name in "warm_start" (a kind whose
// option schema has it: ALS): read from the registry before the fit, by the
// lookup serving by name makes (the pinned version, else the newest) and
// through this backend's model cache; the fit finds it in its TrainContext.
#pragma once

#include <cstdint>

#include "../core/model/model_kind.h"
#include "model_source.h"

namespace recsys::pg {

struct WarmStartArgument {
    ModelHandle* model = nullptr;  // null: no warm start
    std::int64_t id = 0;           // its registry row
};

// Raises 42704 for an unknown name, with the option in the error's context.
WarmStartArgument warm_start_argument(const ModelKind& kind, const char* options_json);

// Hands it to the fit (call inside the fit's guarded code).
void apply_warm_start(const WarmStartArgument& warm, TrainContext& ctx);

}  // namespace recsys::pg
