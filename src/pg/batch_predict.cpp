// recsys.batch_predict(model, features float8[]) OVER (...): recsys.predict
// of every row of a partition, computed at the partition's first row in one
// batch (k-NN's predict_many: blocks of queries per pass over
// its rows, on recsys.threads workers) and handed out row by row.
//
// Why a window function: it is the one SQL shape in which a function sees a
// whole set of rows and still returns one value per row, in the row's own
// SELECT list (SELECT id, recsys.batch_predict(m, x) OVER () FROM test), so
// a user keeps the row's other columns and needs no join back by id.
//
// Its answers are predict's, row by row: the same checks of each row's
// features (the same errors), NULL for NULL features, and predict_many
// gives exactly predict's value. Every row of a partition must name the same
// model (a different one is an error, never scored with the first row's);
// PARTITION BY the model scores several.
#include <algorithm>
#include <climits>
#include <cstring>

#include "../core/base/checked.h"
#include "../core/model/model.h"
#include "../core/neighbours/knn.h"
#include "bridge.h"
#include "feature_arguments.h"
#include "memory_claim.h"
#include "model_source.h"
#include "pg_headers.h"
#include "predict_functions.h"
#include "settings.h"

extern "C" {
#include "windowapi.h"
}

using namespace recsys;
using namespace recsys::pg;

namespace {

// A partition's answers, scored at its first row (in its local memory).
struct Scored {
    bool ready;
    double* answers;  // per row of the partition
    bool* missing;    // per row: NULL features, a NULL answer
};

// Argument `argno` in row `row` of the partition; the value lives until the
// next fetch (it may point into the fetched tuple).
Datum argument_in_row(WindowObject window, int argno, std::int64_t row, bool* isnull) {
    bool out = false;
    return WinGetFuncArgInPartition(window, argno, static_cast<int>(row), WINDOW_SEEK_HEAD, false, isnull, &out);
}

std::size_t bytes_of(std::size_t count, std::size_t size) {
    return guarded([&] { return checked_mul(count, size, "batch_predict partition", ErrorKind::OutOfMemory); });
}

// predict of n rows (row-major) into out: by the kind's batched form where
// it has one (k-NN), else row by row, checking `stop` every 256 rows. Each
// answer is what predict gives the row.
void predict_many(const FeatureModel& model, const double* x, std::size_t n, double* out, int threads,
                  MemoryBudget& budget, StopToken& stop) {
    if (const auto* knn = dynamic_cast<const KnnModel*>(&model))
        return knn->predict_many(x, n, out, threads, budget, stop);
    const std::size_t p = model.feature_count();
    for (std::size_t i = 0; i < n; ++i) {
        if (i % 256 == 0) stop.check();
        out[i] = model.predict(x + i * p);
    }
}

// Reads every row's features (checked as predict checks them) into one
// matrix, scores it, and keeps each row's answer. Claimed under
// recsys.max_memory: 9 bytes a row for the answers, 8 per feature and row
// while scoring, and what the kind's predict_many reserves.
void score_partition(FunctionCallInfo fcinfo, WindowObject window, ModelArgument form, Scored* scored) {
    const std::int64_t rows = WinGetPartitionRowCount(window);
    if (rows > INT_MAX)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("batch_predict's partition has %lld rows, over %d", static_cast<long long>(rows),
                               INT_MAX),
                        errhint("split the rows with PARTITION BY")));
    const auto n = static_cast<std::size_t>(rows);
    MemoryContext partition = GetMemoryChunkContext(scored);
    MemoryClaim* claim = new_memory_claim(partition);
    const std::size_t keep = bytes_of(n, sizeof(double) + sizeof(bool));
    set_claim(claim, keep, "batch_predict's answers");
    auto* answers = static_cast<double*>(MemoryContextAllocHuge(partition, std::max<std::size_t>(n, 1) * sizeof(double)));
    auto* missing = static_cast<bool*>(MemoryContextAllocHuge(partition, std::max<std::size_t>(n, 1)));
    // The feature matrix (freed once scored), and each row's detoasted arguments (reset per row).
    MemoryContext work = AllocSetContextCreate(partition, "recsys batch_predict", ALLOCSET_DEFAULT_SIZES);
    MemoryContext row_memory = AllocSetContextCreate(work, "recsys batch_predict row", ALLOCSET_SMALL_SIZES);

    const Model* first = nullptr;  // the model of the first row with features
    std::int64_t first_row = 0;
    const FeatureModel* model = nullptr;
    std::size_t p = 0, count = 0;  // features per row, rows with features
    double* x = nullptr;
    for (std::int64_t row = 0; row < rows; ++row) {
        if ((row & 255) == 0) CHECK_FOR_INTERRUPTS();
        MemoryContextReset(row_memory);
        MemoryContext caller = MemoryContextSwitchTo(row_memory);
        bool null = false;
        argument_in_row(window, 1, row, &null);
        missing[row] = null;
        if (null) {  // no features, no prediction (and, as predict, no look at the model)
            MemoryContextSwitchTo(caller);
            continue;
        }
        const Datum model_value = argument_in_row(window, 0, row, &null);
        ModelHandle* handle = model_argument_value(fcinfo, 0, model_value, null, form);
        const Model* current = (**handle).get();
        if (!first) {
            // Pinned for the partition: the call site's cache frees a model when another row
            // brings another one, and the next could then be decoded at the freed address and
            // pass for the first.
            auto* pinned = new_owned<std::shared_ptr<const Model>>(work);
            guarded([&] { pinned->reset(new std::shared_ptr<const Model>(**handle)); });
            model = &feature_model(fcinfo, handle);
            first = current;
            first_row = row;
            p = model->feature_count();
            const std::size_t matrix = bytes_of(n, bytes_of(p, sizeof(double)));
            const std::size_t scoring = guarded([&] {
                return checked_add(checked_add(keep, matrix, "batch_predict", ErrorKind::OutOfMemory),
                                   n * sizeof(double), "batch_predict", ErrorKind::OutOfMemory);
            });
            set_claim(claim, scoring,
                      "batch_predict's feature vectors");
            x = static_cast<double*>(MemoryContextAllocHuge(work, std::max<std::size_t>(matrix, 1)));
        } else if (current != first) {
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("batch_predict's model differs within a partition: row %lld has another model "
                                   "than row %lld",
                                   static_cast<long long>(row + 1), static_cast<long long>(first_row + 1)),
                            errdetail("A partition is scored at once, by one model."),
                            errhint("score each model over its own rows: OVER (PARTITION BY the model column)")));
        }
        const Datum features = argument_in_row(window, 1, row, &null);
        const double* v = checked_features(fcinfo, DatumGetArrayTypeP(features), p, model->takes_missing());
        std::memcpy(x + count * p, v, p * sizeof(double));
        ++count;
        MemoryContextSwitchTo(caller);
    }
    if (count > 0) {
        auto* out = static_cast<double*>(MemoryContextAllocHuge(work, count * sizeof(double)));
        const int workers = threads();
        const std::size_t available = std::max<std::size_t>(unclaimed_memory(), 1);
        guarded([&] {
            StopToken stop(interrupt_pending);
            MemoryBudget budget(available, max_memory_hint());
            predict_many(*model, x, count, out, workers, budget, stop);
        });
        for (std::size_t row = 0, next = 0; row < n; ++row)
            if (!missing[row]) answers[row] = out[next++];
    }
    MemoryContextDelete(work);
    set_claim(claim, keep, "batch_predict's answers");
    scored->answers = answers;
    scored->missing = missing;
    scored->ready = true;
}

Datum batch_predict(FunctionCallInfo fcinfo, ModelArgument form) {
    WindowObject window = PG_WINDOW_OBJECT();
    auto* scored = static_cast<Scored*>(WinGetPartitionLocalMemory(window, sizeof(Scored)));
    if (!scored->ready) score_partition(fcinfo, window, form, scored);
    const std::int64_t row = WinGetCurrentPosition(window);
    if (scored->missing[row]) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(scored->answers[row]);
}

}  // namespace

extern "C" {
RECSYS_MODEL_FUNCTION(recsys_batch_predict, batch_predict)
}
