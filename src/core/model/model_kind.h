// A model kind: what the shared layers need to know of one algorithm. The
// training aggregate collects the kind's columns and validates its options,
// then calls its fit; loading a model dispatches on the kind name in the
// envelope to its read. Nothing else in the shared code names a kind.
//
// Adding a kind: its math in src/core/<kind>*.cpp, a ModelKind returned by a
// function of its own (e.g. logreg_kind()), one line in model_kind.cpp's
// list, and a short glue file in src/pg (README: "Adding a model kind").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model.h"
#include "model_format.h"
#include "../base/options.h"
#include "train_context.h"
#include "training_rows.h"

namespace recsys {

struct ModelKind {
    // name: the model's kind ("als"); function: its aggregate "<name>_fit";
    // options: its schema; columns: the aggregate's data arguments.
    AggregateKind aggregate;
    // Trains on the collected rows (a summarizing kind: on rows.summary),
    // reading each column by its name (rows.column("user_id").int64s()).
    // Rows skipped by the host are in rows.skipped. Null for a read-only
    // kind, one made otherwise (a pipeline, put together from two models):
    // its aggregate then has no columns and no options, and the host never
    // collects rows for it.
    std::unique_ptr<Model> (*fit)(const TrainingRows& rows, const Options& options, TrainContext& ctx);
    // Reads a model of this kind (the envelope is verified; its payload is the kind's).
    std::shared_ptr<const Model> (*read)(const Envelope& envelope);
};

// The summary of what the host collected: rows (skipped ones included) and
// skipped rows, the start of every kind's TrainingSummary.
inline TrainingSummary collected_summary(const TrainingRows& rows) {
    TrainingSummary summary;
    summary.rows = rows.count + rows.summarized + rows.skipped;
    summary.skipped_rows = rows.skipped;
    return summary;
}

// A ModelKind's read for a model class M with a static M::read(envelope).
template <class M>
std::shared_ptr<const Model> read_model_as(const Envelope& envelope) {
    return std::make_shared<M>(M::read(envelope));
}

// The kind named `name`; an InvalidInput error for a kind this version does not know.
const ModelKind& model_kind(const std::string& name);

// Every kind, in a fixed order.
const std::vector<const ModelKind*>& model_kinds();

}  // namespace recsys
