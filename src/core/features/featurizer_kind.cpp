// The featurizer as a model kind: featurizer_fit("row" jsonb [, target
// float8] [, options jsonb]) through the shared training aggregate. Its
// summary is the one-pass FeatureStats: each row is added as the host reads
// it (the row's fields are views into its jsonb), parallel workers hand
// theirs over as bytes, and the fit learns the model from the merged summary.
#include <cmath>

#include "../base/error.h"
#include "featurizer.h"

namespace recsys {

namespace {

class FeaturizerSummary : public RowSummary {
public:
    explicit FeaturizerSummary(FeatureStats stats) : stats_(std::move(stats)) {}

    void add(const TrainingRows& rows, MemoryBudget& budget) override {
        const FieldsView* objects = rows.column("row").objects();
        const ColumnView* target = rows.find("target");
        const double* targets = target ? target->float64s() : nullptr;
        for (std::size_t i = 0; i < rows.count; ++i)
            stats_.add(objects[i].fields, objects[i].count, targets ? targets[i] : NAN, budget);
    }
    void merge(RowSummary& other, MemoryBudget& budget) override {
        stats_.merge(std::move(dynamic_cast<FeaturizerSummary&>(other).stats_), budget);
    }
    void write(ByteWriter& w) const override { stats_.write(w); }
    std::size_t memory_bytes() const override { return sizeof *this + stats_.memory_bytes(); }

    const FeatureStats& stats() const { return stats_; }

    static std::unique_ptr<RowSummary> create(const TrainingRows& shape, const Options& options, MemoryBudget& budget) {
        budget.reserve(sizeof(FeaturizerSummary), "featurizer_fit summary");
        return std::make_unique<FeaturizerSummary>(FeatureStats(options, shape.find("target") != nullptr));
    }
    static std::unique_ptr<RowSummary> read(ByteReader& r, const TrainingRows& shape, const Options& options,
                                            MemoryBudget& budget) {
        FeatureStats stats = FeatureStats::read(r, options, budget);
        if (stats.has_target() != (shape.find("target") != nullptr))
            fail(ErrorKind::Corrupted, "featurizer state does not match its aggregate's target column");
        return std::make_unique<FeaturizerSummary>(std::move(stats));
    }

private:
    FeatureStats stats_;
};

std::unique_ptr<Model> fit(const TrainingRows& rows, const Options&, TrainContext& ctx) {
    return fit_featurizer(rows.summary_as<FeaturizerSummary>().stats(), ctx);
}

std::vector<ColumnSpec> featurizer_columns() {
    ColumnSpec row{"row", ColumnType::JsonObject};
    row.on_null = NullRule::SkipRow;
    // A row without a target (NULL) is one, with NaN for it; the form without
    // the column has no target at all.
    ColumnSpec target{"target", ColumnType::Float64};
    target.on_null = NullRule::UseDefault;
    target.null_value = NAN;
    target.hint = "pass NULL for a row without a target";
    target.optional = true;
    return {row, target};
}

const SummaryKind& featurizer_summary() {
    static const SummaryKind summary{FeaturizerSummary::create, FeaturizerSummary::read, 1};
    return summary;
}

}  // namespace

const ModelKind& featurizer_kind() {
    static const ModelKind kind{
        {FeaturizerModel::kKind, "featurizer_fit", &featurizer_option_schema(), featurizer_columns(),
         &featurizer_summary()},
        fit,
        read_model_as<FeaturizerModel>};
    return kind;
}

}  // namespace recsys
