// ALS as a model kind: als_fit(user_id bigint, item_id bigint, weight float8 [, options]).
#include "als_kind.h"

#include "als.h"

namespace recsys {

namespace {

std::unique_ptr<Model> fit(const TrainingRows& rows, const Options& options, TrainContext& ctx) {
    TrainingSummary summary;
    summary.rows = rows.count + rows.skipped;
    summary.skipped_rows = rows.skipped;
    return std::make_unique<AlsModel>(train_als(rows.column("user_id").int64s(), rows.column("item_id").int64s(),
                                                rows.column("weight").float32s(), rows.count, options, summary, ctx));
}

std::shared_ptr<const Model> read(const Envelope& envelope) {
    return std::make_shared<AlsModel>(AlsModel::read(envelope));
}

ColumnSpec id_column(const char* name) {
    ColumnSpec c{name, ColumnType::Int64};
    c.on_null = NullRule::SkipRow;
    c.identifies_row = true;
    return c;
}

ColumnSpec weight_column() {
    ColumnSpec c{"weight", ColumnType::Float32};
    c.on_null = NullRule::UseDefault;  // a NULL weight counts as 1
    c.null_value = 1;
    c.min = 0;
    c.hint = "weights are interaction strengths (counts, minutes watched): filter or clamp them";
    return c;
}

}  // namespace

std::vector<ColumnSpec> interaction_columns() { return {id_column("user_id"), id_column("item_id"), weight_column()}; }

const ModelKind& als_kind() {
    static const ModelKind kind{
        {AlsModel::kKind, "als_fit", &als_option_schema(), interaction_columns()},
        fit,
        read,
    };
    return kind;
}

}  // namespace recsys
