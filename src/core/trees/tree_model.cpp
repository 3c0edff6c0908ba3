// Boosted trees and forests as model kinds: options, columns, prediction,
// payload, and gbt_fit(target, features [, query], options), forest_fit.
//
// Payload layout, version 1 (little-endian):
//   u32 payload version, string XGBoost JSON model, f64[] class values
//   (multi-class; else none), string options (JSON), common training
//   summary (model.h), i64 rounds, i64 best round, f64 validation rows,
//   string metric
#include "tree_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "../base/json.h"

namespace recsys {

namespace {

constexpr std::uint32_t kPayloadVersion = 1;
// Largest XGBoost JSON a model may carry (a bytea holds 1 GB).
constexpr std::size_t kMaxJsonBytes = std::size_t(1) << 30;

const std::vector<std::string> kMetrics = {"auto", "rmse", "mae", "logloss", "error", "auc", "mlogloss", "merror",
                                           "ndcg", "map"};

// Which metrics fit which objectives.
bool metric_fits(const std::string& metric, TreeObjective o) {
    if (metric == "auto") return true;
    switch (o) {
        case TreeObjective::SquaredError: return metric == "rmse" || metric == "mae";
        case TreeObjective::Logistic: return metric == "logloss" || metric == "error" || metric == "auc";
        case TreeObjective::Softprob: return metric == "mlogloss" || metric == "merror";
        default: return metric == "ndcg" || metric == "map" || metric == "auc";
    }
}

void check_options(const Options& o) {
    TreeObjective objective;
    objective_from_name(o.string("objective"), objective);
    if (!metric_fits(o.string("eval_metric"), objective))
        fail_option(*o.schema(), "eval_metric",
                    "\"" + o.string("eval_metric") + "\" does not measure the objective \"" + o.string("objective") + "\"");
}

std::vector<OptionSpec> tree_options(bool forest) {
    std::vector<std::string> objectives = {"reg:squarederror", "binary:logistic", "multi:softprob"};
    if (!forest) objectives.insert(objectives.end(), {"rank:pairwise", "rank:ndcg"});
    std::vector<OptionSpec> specs = {
        choice_option("objective", "reg:squarederror", objectives,
                      forest ? "XGBoost's objective: regression, binary (target 0 or 1) or multi-class (each target "
                               "value a class)"
                             : "XGBoost's objective: regression, binary (target 0 or 1), multi-class (each target value "
                               "a class), or ranking within each query"),
        integer_option("trees", 100, 1, 100000,
                       forest ? "trees of the forest (XGBoost's num_parallel_tree, in one round)"
                              : "boosting rounds (XGBoost's num_boost_round; scikit-learn's n_estimators)"),
        integer_option("max_depth", 6, 1, 30, "deepest split level of a tree"),
        number_option("min_child_weight", 1, 0, 1e9, "least hessian (rows, for squared error) a child must have"),
        number_option("min_split_loss", 0, 0, 1e9, "least loss reduction a split must make (XGBoost's gamma)"),
        number_option("subsample", forest ? 0.8 : 1, 1e-6, 1, "fraction of rows each tree sees"),
        number_option("colsample_bynode", forest ? 0.8 : 1, 1e-6, 1, "fraction of features each split considers"),
        number_option("l2", forest ? 1e-5 : 1, 0, 1e9, "L2 penalty on leaf values (XGBoost's lambda)"),
        number_option("l1", 0, 0, 1e9, "L1 penalty on leaf values (XGBoost's alpha)"),
        choice_option("tree_method", "hist", {"hist", "approx", "exact"},
                      "XGBoost's split finding: histograms of max_bin bins, or exact"),
        integer_option("max_bin", 256, 2, 65536, "histogram bins per feature (hist and approx)"),
        integer_option("seed", 0, 0, 2147483647, "seed of the row and feature sampling and of the held-out rows"),
        choice_option("eval_metric", "auto", kMetrics,
                      "XGBoost's metric reported per round and of early stopping; auto: the objective's own"),
    };
    if (!forest) {
        specs.insert(specs.begin() + 2,
                     number_option("learning_rate", 0.3, 1e-9, 1, "shrinkage of each round's trees (XGBoost's eta)"));
        specs.push_back(integer_option("early_stopping_rounds", 0, 0, 1000000,
                                       "stop when the held-out metric has not improved for this many rounds (0: off)"));
        specs.push_back(number_option("validation_fraction", 0.1, 1e-6, 0.99,
                                      "rows (queries, for ranking) held out for early_stopping_rounds"));
    }
    return specs;
}

std::vector<ColumnSpec> tree_columns(bool ranking) {
    ColumnSpec target{"target", ColumnType::Float64};
    target.on_null = NullRule::SkipRow;
    ColumnSpec features = features_column();
    features.missing_allowed = true;
    features.hint = "NULL and NaN elements are missing values; infinities are not";
    std::vector<ColumnSpec> columns = {target, features};
    if (ranking) {
        ColumnSpec query{"query", ColumnType::Int64};
        query.on_null = NullRule::SkipRow;
        query.optional = true;
        columns.push_back(query);
    }
    return columns;
}

std::unique_ptr<Model> fit_trees(const TrainingRows& rows, const Options& options, TrainContext& ctx, bool forest) {
    const ColumnView& features = rows.column("features");
    const ColumnView* query = rows.find("query");
    return std::make_unique<TreeModel>(train_trees(rows.column("target").float64s(), features.arrays(),
                                                   query ? query->int64s() : nullptr, rows.count, features.width,
                                                   options, forest, ctx, collected_summary(rows)));
}

std::unique_ptr<Model> fit_gbt(const TrainingRows& rows, const Options& options, TrainContext& ctx) {
    return fit_trees(rows, options, ctx, false);
}
std::unique_ptr<Model> fit_forest(const TrainingRows& rows, const Options& options, TrainContext& ctx) {
    return fit_trees(rows, options, ctx, true);
}

std::shared_ptr<const Model> read_gbt(const Envelope& e) {
    return std::make_shared<TreeModel>(TreeModel::read(e, "gbt", gbt_option_schema()));
}
std::shared_ptr<const Model> read_forest(const Envelope& e) {
    return std::make_shared<TreeModel>(TreeModel::read(e, "forest", forest_option_schema()));
}

// "3" for 3, "0.5" for 0.5: the shortest text that reads back as the value.
std::string class_label(double v) {
    char text[32];
    for (int digits = 6; digits <= 17; ++digits) {
        std::snprintf(text, sizeof text, "%.*g", digits, v);
        if (std::strtod(text, nullptr) == v) break;
    }
    return text;
}

std::vector<std::string> labels_of(const std::vector<double>& classes) {
    std::vector<std::string> out;
    for (double v : classes) out.push_back(class_label(v));
    return out;
}

}  // namespace

const OptionSchema& gbt_option_schema() {
    static const OptionSchema schema = {"gbt_fit", tree_options(false), check_options};
    return schema;
}

const OptionSchema& forest_option_schema() {
    static const OptionSchema schema = {"forest_fit", tree_options(true), check_options};
    return schema;
}

const ModelKind& gbt_kind() {
    static const ModelKind kind{{"gbt", "gbt_fit", &gbt_option_schema(), tree_columns(true)}, fit_gbt, read_gbt};
    return kind;
}

const ModelKind& forest_kind() {
    static const ModelKind kind{
        {"forest", "forest_fit", &forest_option_schema(), tree_columns(false)}, fit_forest, read_forest};
    return kind;
}

// The predictions of x, finite, or a DataException (leaves whose sum overflows).
std::vector<double> TreeModel::finite_predictions(const double* x) const {
    std::vector<double> out(trees.groups);
    trees.predict(x, out.data());
    for (double v : out)
        if (!std::isfinite(v)) fail_score_overflow(kind_);
    return out;
}

double TreeModel::predict(const double* x) const {
    const std::vector<double> out = finite_predictions(x);
    if (!is_multiclass()) return out[0];
    return classes[static_cast<std::size_t>(std::max_element(out.begin(), out.end()) - out.begin())];
}

void TreeModel::name_classes() {
    if (is_multiclass()) class_labels = labels_of(classes);
    if (trees.objective == TreeObjective::Logistic) class_labels = {"0", "1"};
}

const std::vector<std::string>& TreeModel::class_names() const {
    if (class_labels.empty())
        fail(ErrorKind::InvalidParameter, std::string("the ") + kind_ + " model is not a classifier (objective " +
                                              objective_name(trees.objective) + ")");
    return class_labels;
}

void TreeModel::class_probabilities(const double* x, double* out) const {
    class_names();
    const std::vector<double> p = finite_predictions(x);
    if (is_multiclass()) {
        std::copy(p.begin(), p.end(), out);
        return;
    }
    out[1] = p[0];
    out[0] = 1 - p[0];
}

std::size_t TreeModel::memory_bytes() const {
    return sizeof(*this) + xgboost_json.size() + trees.node_count() * 22 + classes.size() * 40;
}

std::string TreeModel::metadata_json() const {
    JsonWriter dimensions;
    dimensions.begin_object();
    dimensions.key("features");
    dimensions.integer(static_cast<long long>(feature_count()));
    dimensions.key("trees");
    dimensions.integer(static_cast<long long>(trees.trees.size()));
    dimensions.key("nodes");
    dimensions.integer(static_cast<long long>(trees.node_count()));
    dimensions.key("classes");
    dimensions.integer(static_cast<long long>(class_labels.size()));
    dimensions.end_object();
    std::string training = training_summary_json(summary, [&](JsonWriter& w) {
        w.key("rounds");
        w.integer(summary.rounds);
        w.key("best_round");
        w.integer(summary.best_round);
        w.key("validation_rows");
        w.number(summary.validation_rows);
        w.key("metric");
        w.string(summary.metric);
    });
    return model_metadata_json(options.to_json(), dimensions.str(), training);
}

void TreeModel::write_payload(ByteWriter& w) const {
    w.pod<std::uint32_t>(kPayloadVersion);
    w.string(xgboost_json);
    w.array(classes.data(), classes.size());
    write_options(w, options);
    write_training_summary(w, summary);
    w.pod<std::int64_t>(summary.rounds);
    w.pod<std::int64_t>(summary.best_round);
    w.pod<double>(summary.validation_rows);
    w.string(summary.metric);
}

TreeModel TreeModel::read(const Envelope& env, const char* kind, const OptionSchema& schema) {
    ByteReader r(env.payload, env.payload_size);
    read_payload_version(r, kind, kPayloadVersion);
    TreeModel m;
    m.kind_ = kind;
    m.xgboost_json = r.string(kMaxJsonBytes, "XGBoost model");
    m.trees = parse_xgboost_json(m.xgboost_json);
    r.array<double>(m.classes, kMaxJsonBytes, "classes");
    m.options = read_options(r, schema);
    TreeObjective objective;
    if (!objective_from_name(m.options.string("objective"), objective) || objective != m.trees.objective)
        fail(ErrorKind::Corrupted, "model is inconsistent: its options' objective is not its trees'");
    const bool forest = std::string(kind) == "forest";
    if (forest ? m.trees.trees.size() != m.trees.parallel_trees * m.trees.groups ||
                     m.trees.parallel_trees != static_cast<std::size_t>(m.options.integer("trees"))
               : m.trees.parallel_trees != 1 ||
                     m.trees.trees.size() > static_cast<std::size_t>(m.options.integer("trees")) * m.trees.groups)
        fail(ErrorKind::Corrupted, std::string("model is inconsistent: its trees are not those of a ") + kind + " model");
    if (m.is_multiclass() ? m.classes.size() != m.trees.groups : !m.classes.empty())
        fail(ErrorKind::Corrupted, "model is inconsistent: class count");
    for (std::size_t c = 0; c < m.classes.size(); ++c)
        if (!std::isfinite(m.classes[c]) || (c > 0 && !(m.classes[c - 1] < m.classes[c])))
            fail(ErrorKind::Corrupted, "model is inconsistent: class values not finite and increasing");
    m.name_classes();
    static_cast<TrainingSummary&>(m.summary) = read_training_summary(r);
    m.summary.rounds = r.pod<std::int64_t>("rounds");
    m.summary.best_round = r.pod<std::int64_t>("best round");
    m.summary.validation_rows = r.pod<double>("validation rows");
    m.summary.metric = r.string(256, "metric");
    if (r.remaining() != 0) fail(ErrorKind::Corrupted, "model is inconsistent: trailing bytes after the payload");
    return m;
}

}  // namespace recsys
