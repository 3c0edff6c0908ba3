// What every training shares: the thread count, the memory budget, the stop
// token, progress reports, and the summary a model keeps of its training.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "../base/memory_budget.h"
#include "../base/stop.h"

namespace recsys {

// Per-iteration progress: (iteration from 1, loss, seconds since start).
using ProgressFn = std::function<void(int, double, double)>;
// A problem of the training data that does not stop the fit but makes the
// model useless as it stands (a bandit's log without a click): (message,
// hint), raised by the host as a WARNING.
using WarningFn = std::function<void(const std::string&, const std::string&)>;

class Model;

// The trained model a kind's "warm_start" option names, which the host reads
// (from its registry) before the fit: the model and its registry id.
struct WarmStart {
    std::shared_ptr<const Model> model;
    std::int64_t id = 0;
};

struct TrainContext {
    int threads = 1;
    MemoryBudget* budget = nullptr;  // null: unlimited
    StopToken* stop = nullptr;       // null: never stops
    ProgressFn progress;             // called on the calling thread only
    WarningFn warn = {};             // likewise; null: none is reported
    // Lets an ALS half-step solve in the eigenbasis of its Gram matrix where
    // that is cheaper (same solves, rotated; see GramForm in als_gram.h).
    // Tests turn it off to compare.
    bool diagonal_gram = true;
    // Set by the host when the options name a model to start from.
    WarmStart warm_start = {};
};

// A context's budget and stop token, or, where it has none, an unlimited
// budget and a token that never stops.
class ContextResources {
    MemoryBudget unlimited_;
    StopToken never_;

public:
    explicit ContextResources(const TrainContext& ctx)
        : budget(ctx.budget ? *ctx.budget : unlimited_), stop(ctx.stop ? *ctx.stop : never_) {}
    ContextResources(const ContextResources&) = delete;
    ContextResources& operator=(const ContextResources&) = delete;
    MemoryBudget& budget;
    StopToken& stop;
};

// The part of a training summary every kind has (model_info's "training").
struct TrainingSummary {
    std::uint64_t rows = 0;          // input rows aggregated
    std::uint64_t skipped_rows = 0;  // rows skipped (a NULL where the kind skips)
    std::vector<double> loss;        // after each iteration
    double seconds = 0;
    int threads = 1;
};

}  // namespace recsys
