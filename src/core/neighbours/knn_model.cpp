// k-NN as a model kind (knn.h): options, columns, the fit (the rows in their
// canonical order), the derived state, and the payload.
//
// Payload layout, version 1 (little-endian):
//   u32 payload version, u64 rows n, u64 features p, u8 with_ids,
//   f64[] rows (n x p, row-major, canonical order; unit rows for cosine),
//   f64[] targets (n), i64[] ids (n, strictly increasing),
//   string options (JSON), common training summary (model.h)
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <numeric>

#include "knn.h"
#include "../base/checked.h"

namespace recsys {

namespace {

constexpr std::uint32_t kPayloadVersion = 1;
constexpr std::size_t kMaxFeatures = std::size_t(1) << 20;

using Clock = std::chrono::steady_clock;

std::vector<ColumnSpec> knn_columns() {
    ColumnSpec target{"target", ColumnType::Float64};
    target.hint = "impute or drop rows with a non-finite target first";
    ColumnSpec id{"id", ColumnType::Int64};
    id.on_null = NullRule::Reject;
    id.optional = true;
    return {target, features_column(), id};
}

// The canonical order of the collected rows: by id, or by (features, target).
std::vector<std::size_t> canonical_order(const double* x, const double* y, const std::int64_t* ids, std::size_t n,
                                         std::size_t p) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    if (ids) {
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });
        for (std::size_t i = 1; i < n; ++i)
            if (ids[order[i]] == ids[order[i - 1]])
                fail(ErrorKind::InvalidParameter,
                     "knn_fit id " + std::to_string(ids[order[i]]) + " appears in more than one row",
                     "the id names a training row in knn_neighbors: give each row its own (a primary key)");
        return order;
    }
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const double *xa = x + a * p, *xb = x + b * p;
        for (std::size_t j = 0; j < p; ++j)
            if (xa[j] != xb[j]) return xa[j] < xb[j];
        return y[a] < y[b];
    });
    return order;
}

std::unique_ptr<Model> fit(const TrainingRows& collected, const Options& options, TrainContext& ctx) {
    const auto started = Clock::now();
    ContextResources resources(ctx);
    const std::size_t n = collected.count;
    const ColumnView& features = collected.column("features");
    const std::size_t p = features.width;
    const double* x = features.arrays();
    const double* y = collected.column("target").float64s();
    const ColumnView* id_column = collected.find("id");
    const std::int64_t* ids = id_column ? id_column->int64s() : nullptr;
    if (static_cast<std::size_t>(options.integer("neighbors")) > n)
        fail_option(*options.schema(), "neighbors",
                    "is " + std::to_string(options.integer("neighbors")) + " but there are only " + std::to_string(n) +
                        " training rows");

    // The model holds the rows: claimed before they are copied.
    const std::size_t row_bytes = checked_mul(checked_add(p, 4, "knn_fit row", ErrorKind::InvalidParameter),
                                              sizeof(double), "knn_fit row", ErrorKind::InvalidParameter);
    resources.budget.reserve(checked_mul(n, row_bytes, "knn_fit model", ErrorKind::InvalidParameter), "knn_fit model");
    const std::vector<std::size_t> order = canonical_order(x, y, ids, n, p);
    resources.stop.check();

    auto model = std::make_unique<KnnModel>();
    model->options = options;
    model->with_ids = ids != nullptr;
    model->rows.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p));
    model->targets.resize(n);
    model->ids.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t from = order[i];
        std::copy(x + from * p, x + (from + 1) * p, model->rows.row(static_cast<Eigen::Index>(i)).data());
        model->targets[i] = y[from];
        model->ids[i] = ids ? ids[from] : static_cast<std::int64_t>(i + 1);
        if (i % 65536 == 0) resources.stop.check();
    }
    if (options.string("metric") == "cosine") {  // before derive(): the rows are stored unit
        const Eigen::VectorXd norms = model->rows.rowwise().norm();
        for (Eigen::Index i = 0; i < norms.size(); ++i)
            if (norms[i] > 0) model->rows.row(i) /= norms[i];
    }
    model->derive(ErrorKind::DataException);
    model->summary = collected_summary(collected);
    model->summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return model;
}

std::string shortest_text(double v) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, result.ptr);
}

}  // namespace

const OptionSchema& knn_option_schema() {
    static const OptionSchema schema = {
        "knn_fit",
        {
            integer_option("neighbors", 5, 1, 100000, "the k of k-NN: neighbours that vote or are averaged "
                                                       "(scikit-learn's n_neighbors)"),
            choice_option("task", "classification", {"classification", "regression"},
                          "classification: the neighbours vote for a class (a distinct target value); "
                          "regression: their targets are averaged"),
            choice_option("weights", "uniform", {"uniform", "distance"},
                          "uniform: each neighbour counts 1; distance: 1 / its distance"),
            choice_option("metric", "euclidean", {"euclidean", "cosine"}, "the distance between feature vectors"),
        },
        nullptr,
    };
    return schema;
}

const ModelKind& knn_kind() {
    static const ModelKind kind{
        {KnnModel::kKind, "knn_fit", &knn_option_schema(), knn_columns()}, fit, read_model_as<KnnModel>};
    return kind;
}

void KnnModel::derive(ErrorKind kind) {
    const std::size_t n = row_count();
    squared_norms = rows.rowwise().squaredNorm();
    if (!squared_norms.allFinite())
        fail(kind, kind == ErrorKind::Corrupted ? "model is inconsistent: a row's norm overflows"
                                                : "knn_fit features are too large: a row's squared norm overflows",
             "rescale the features");
    metric = options.string("metric") == "cosine" ? KnnMetric::Cosine : KnnMetric::Euclidean;
    weighting = options.string("weights") == "distance" ? KnnWeights::Distance : KnnWeights::Uniform;
    classification = options.string("task") == "classification";
    neighbour_count = static_cast<std::size_t>(options.integer("neighbors"));
    class_values.clear();
    names.clear();
    row_class.clear();
    if (!classifies()) return;
    class_values = targets;
    std::sort(class_values.begin(), class_values.end());
    class_values.erase(std::unique(class_values.begin(), class_values.end()), class_values.end());
    if (class_values.size() > kKnnMaxClasses)
        fail(kind == ErrorKind::Corrupted ? kind : ErrorKind::InvalidParameter,
             "knn_fit target has " + std::to_string(class_values.size()) + " distinct values, over the " +
                 std::to_string(kKnnMaxClasses) + " classes a classification takes",
             "a continuous target is a regression: {\"task\": \"regression\"}");
    for (double v : class_values) names.push_back(shortest_text(v));
    row_class.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        row_class[i] = static_cast<std::uint32_t>(
            std::lower_bound(class_values.begin(), class_values.end(), targets[i]) - class_values.begin());
}

std::size_t KnnModel::memory_bytes() const {
    const std::size_t n = row_count();
    return sizeof(*this) + n * (feature_count() + 4) * sizeof(double) + class_values.size() * 48;
}

std::string KnnModel::metadata_json() const {
    JsonWriter dimensions;
    dimensions.begin_object();
    dimensions.key("rows");
    dimensions.integer(static_cast<long long>(row_count()));
    dimensions.key("features");
    dimensions.integer(static_cast<long long>(feature_count()));
    dimensions.key("classes");
    dimensions.integer(static_cast<long long>(class_values.size()));
    dimensions.key("row_ids");
    dimensions.string(with_ids ? "id" : "position");
    dimensions.end_object();
    return model_metadata_json(options.to_json(), dimensions.str(), training_summary_json(summary));
}

void KnnModel::write_payload(ByteWriter& w) const {
    w.pod<std::uint32_t>(kPayloadVersion);
    w.pod<std::uint64_t>(row_count());
    w.pod<std::uint64_t>(feature_count());
    w.pod<std::uint8_t>(with_ids ? 1 : 0);
    w.array(rows.data(), row_count() * feature_count());
    w.array(targets.data(), targets.size());
    w.array(ids.data(), ids.size());
    write_options(w, options);
    write_training_summary(w, summary);
}

KnnModel KnnModel::read(const Envelope& env) {
    ByteReader r(env.payload, env.payload_size);
    read_payload_version(r, kKind, kPayloadVersion);
    KnnModel m;
    const auto n = r.pod<std::uint64_t>("rows");
    const auto p = r.pod<std::uint64_t>("features");
    const auto with_ids = r.pod<std::uint8_t>("with_ids");
    if (n == 0 || p == 0 || p > kMaxFeatures || with_ids > 1)
        fail(ErrorKind::Corrupted, "model is inconsistent: rows, features or row ids");
    const std::size_t cells = checked_mul(static_cast<std::size_t>(n), static_cast<std::size_t>(p), "knn rows");
    std::vector<double> values;
    r.array<double>(values, cells, "rows");
    if (values.size() != cells) fail(ErrorKind::Corrupted, "model is inconsistent: row values");
    m.rows = Eigen::Map<const RowMatrix>(values.data(), static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p));
    r.array<double>(m.targets, static_cast<std::size_t>(n), "targets");
    r.array<std::int64_t>(m.ids, static_cast<std::size_t>(n), "ids");
    if (m.targets.size() != n || m.ids.size() != n) fail(ErrorKind::Corrupted, "model is inconsistent: row count");
    if (!m.rows.allFinite() || !std::all_of(m.targets.begin(), m.targets.end(), [](double v) { return std::isfinite(v); }))
        fail(ErrorKind::Corrupted, "model is inconsistent: non-finite rows or targets");
    for (std::size_t i = 1; i < n; ++i)
        if (m.ids[i] <= m.ids[i - 1]) fail(ErrorKind::Corrupted, "model is inconsistent: row ids out of order");
    m.with_ids = with_ids == 1;
    m.options = read_options(r, knn_option_schema());
    if (static_cast<std::uint64_t>(m.options.integer("neighbors")) > n)
        fail(ErrorKind::Corrupted, "model is inconsistent: more neighbours than rows");
    m.summary = read_training_summary(r);
    if (r.remaining() != 0) fail(ErrorKind::Corrupted, "model is inconsistent: trailing bytes after the payload");
    m.derive(ErrorKind::Corrupted);
    return m;
}

}  // namespace recsys
