#include "trained_model.h"

#include "settings.h"

namespace recsys::pg {

namespace {

void report_progress(const char* function, int iteration, double loss, double seconds) {
    call_postgres(
        [&] { ereport(NOTICE, (errmsg("%s iteration %d: loss %.6g, %.2f s", function, iteration, loss, seconds))); });
}

void report_warning(const std::string& message, const std::string& hint) {
    call_postgres(
        [&] { ereport(WARNING, (errmsg("%s", message.c_str()), hint.empty() ? 0 : errhint("%s", hint.c_str()))); });
}

}  // namespace

TrainSettings train_settings(const char* function, const MemoryClaim* claim) {
    return {function, threads(), progress(), claimable_bytes(claim), max_memory_hint()};
}

TrainContext train_context(const TrainSettings& settings, MemoryBudget& budget, StopToken& stop) {
    TrainContext ctx;
    ctx.threads = settings.threads;
    ctx.budget = &budget;
    ctx.stop = &stop;
    const char* function = settings.function;
    if (settings.progress)
        ctx.progress = [function](int iteration, double loss, double seconds) {
            report_progress(function, iteration, loss, seconds);
        };
    ctx.warn = report_warning;
    return ctx;
}

bytea* model_bytes(Owned<Model>* model, const char* function, Owned<SerializedSize>* size) {
    if (!size) {
        size = new_owned<SerializedSize>();
        guarded([&] { size->reset(new SerializedSize(measure_model(**model))); });
    }
    if ((*size)->total + VARHDRSZ > MaxAllocSize)
        ereport(ERROR,
                (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                 errmsg("%s model of %zu MB is larger than a bytea can hold (1 GB)", function, (*size)->total >> 20),
                 errhint("train a smaller model, or separate models per segment (GROUP BY)")));
    bytea* out = static_cast<bytea*>(palloc((*size)->total + VARHDRSZ));
    SET_VARSIZE(out, (*size)->total + VARHDRSZ);
    guarded([&] { serialize_model(**model, **size, reinterpret_cast<unsigned char*>(VARDATA(out))); });
    model->release();
    size->release();
    return out;
}

}  // namespace recsys::pg
