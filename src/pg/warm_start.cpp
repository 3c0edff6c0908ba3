#include "warm_start.h"

#include <string>

#include "bridge.h"
#include "owned.h"

namespace recsys::pg {

namespace {

struct WarmStartContext {
    const char* function;
    const char* name;
};

void warm_start_error_context(void* arg) {
    const auto* c = static_cast<const WarmStartContext*>(arg);
    errcontext("reading model \"%s\", named by %s option \"warm_start\"", c->name, c->function);
}

}  // namespace

WarmStartArgument warm_start_argument(const ModelKind& kind, const char* options_json) {
    WarmStartArgument warm;
    const OptionSchema* schema = kind.aggregate.options;
    auto* name = new_owned<std::string>();
    guarded([&] {
        bool has_option = false;
        for (const OptionSpec& spec : schema->options) has_option = has_option || spec.name == "warm_start";
        if (!has_option) return;
        Options options = parse_options(options_json, *schema);
        if (!options.is_null("warm_start")) name->reset(new std::string(options.string("warm_start")));
    });
    if (!name->value) return warm;
    WarmStartContext context{kind.aggregate.function.c_str(), pstrdup((*name)->c_str())};
    name->release();
    ErrorContextCallback callback;
    callback.callback = warm_start_error_context;
    callback.arg = &context;
    callback.previous = error_context_stack;
    error_context_stack = &callback;
    warm.model = new_owned<std::shared_ptr<const Model>>();
    warm.id = registered_model(context.name, warm.model);
    error_context_stack = callback.previous;
    return warm;
}

void apply_warm_start(const WarmStartArgument& warm, TrainContext& ctx) {
    if (warm.model) ctx.warm_start = {**warm.model, warm.id};
}

}  // namespace recsys::pg
