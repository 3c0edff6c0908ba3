// The end of the training aggregate's final function (every model kind's,
// featurizer_fit's included): the fit runs with this backend's
// settings (recsys.threads, the memory left under recsys.max_memory, cancel
// and statement_timeout, progress NOTICEs with recsys.progress), and the
// model comes back as its bytes.
#pragma once

#include <cstdint>
#include <string>

#include "../core/model/model.h"
#include "bridge.h"
#include "memory_claim.h"
#include "owned.h"
#include "pg_headers.h"

namespace recsys::pg {

// What a fit runs with, read from the settings before any C++ object exists.
struct TrainSettings {
    const char* function;  // the aggregate ("als_fit"), named in messages
    int threads;
    bool progress;
    std::size_t limit;  // recsys.max_memory less the other live aggregates' claims
    const char* hint;   // how to raise the limit
};

// `claim`: the aggregate state's own claim (its bytes count as the input).
TrainSettings train_settings(const char* function, const MemoryClaim* claim);

// A context of these settings on the given budget and stop token.
TrainContext train_context(const TrainSettings& settings, MemoryBudget& budget, StopToken& stop);

// The model as a bytea (one too large for a bytea is an error naming
// `function`). Deletes the model (and `size`, its measure, when given).
bytea* model_bytes(Owned<Model>* model, const char* function, Owned<SerializedSize>* size = nullptr);

// Runs fit(ctx) -> std::unique_ptr<some Model> (C++ code, guarded) with
// `input_bytes` of the budget taken by the input it reads, and returns the
// model's bytes. The fit claims the model it builds in ctx.budget; its
// bytes (the bytea) are claimed there too before they are allocated.
template <typename Fit>
bytea* train_model(const TrainSettings& settings, std::uint64_t input_bytes, Fit&& fit) {
    auto* model = new_owned<Model>();
    auto* size = new_owned<SerializedSize>();
    guarded([&] {
        MemoryBudget budget(settings.limit, settings.hint);
        budget.reserve(input_bytes, (std::string(settings.function) + " input").c_str());
        StopToken stop(interrupt_pending);
        TrainContext ctx = train_context(settings, budget, stop);
        model->reset(fit(ctx).release());
        size->reset(new SerializedSize(measure_model(**model)));
        budget.reserve((*size)->total, (std::string(settings.function) + " model bytes").c_str());
    });
    return model_bytes(model, settings.function, size);
}

}  // namespace recsys::pg
