// Training boosted trees and forests with XGBoost (tree_model.h): targets
// into XGBoost's labels, rows held out for early stopping, the memory
// claimed before XGBoost allocates, one round at a time with a stop check
// between rounds, and the saved model parsed and checked like a stored one.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "tree_model.h"
#include "xgboost_api.h"
#include "../base/checked.h"
#include "../base/json.h"
#include "../linear/binary_labels.h"
#include "../model/row_order.h"

namespace recsys {

namespace {

using Clock = std::chrono::steady_clock;

// Most classes of a multi-class model.
constexpr std::size_t kMaxClasses = 1000;

struct Labels {
    std::vector<float> values;   // XGBoost's label of each row
    std::vector<double> classes; // multi-class: the target value of each class
};

Labels labels_for(TreeObjective objective, const double* y, std::size_t n, const char* function) {
    Labels out;
    out.values.resize(n);
    if (objective == TreeObjective::Softprob) {
        out.classes.assign(y, y + n);
        std::sort(out.classes.begin(), out.classes.end());
        out.classes.erase(std::unique(out.classes.begin(), out.classes.end()), out.classes.end());
        if (out.classes.size() < 2)
            fail(ErrorKind::InvalidParameter, std::string(function) + " target has a single value",
                 "multi:softprob needs at least two classes");
        if (out.classes.size() > kMaxClasses)
            fail(ErrorKind::InvalidParameter,
                 std::string(function) + " target has " + std::to_string(out.classes.size()) +
                     " distinct values, over the " + std::to_string(kMaxClasses) + " classes multi:softprob takes",
                 "is the target a class? use reg:squarederror for a number");
        for (std::size_t i = 0; i < n; ++i)
            out.values[i] = static_cast<float>(
                std::lower_bound(out.classes.begin(), out.classes.end(), y[i]) - out.classes.begin());
        return out;
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (objective == TreeObjective::Logistic && y[i] != 0 && y[i] != 1)
            fail(ErrorKind::InvalidParameter,
                 std::string(function) + " target " + json_number(y[i]) + " is neither 0 nor 1",
                 "binary:logistic takes targets 0 and 1; multi:softprob takes any classes");
        if (is_ranking(objective) && !(y[i] >= 0 && y[i] <= 31))
            fail(ErrorKind::InvalidParameter,
                 std::string(function) + " target " + json_number(y[i]) + " is not a relevance between 0 and 31",
                 "ranking targets are relevance grades: 0 (not relevant) up to 31");
        if (std::fabs(y[i]) > 3.4e38)
            fail(ErrorKind::InvalidParameter, std::string(function) + " target " + json_number(y[i]) + " is beyond a float");
        out.values[i] = static_cast<float>(y[i]);
    }
    return out;
}

// The rows of one matrix (train or validation): their features as float32,
// labels and query groups.
struct Part {
    std::vector<std::size_t> rows;
    std::vector<float> x, labels;
    std::vector<unsigned> groups;
};

void fill_part(Part& part, const double* x, std::size_t p, const Labels& labels, const std::int64_t* query) {
    part.x.resize(part.rows.size() * p);
    part.labels.resize(part.rows.size());
    for (std::size_t k = 0; k < part.rows.size(); ++k) {
        const std::size_t i = part.rows[k];
        for (std::size_t j = 0; j < p; ++j) part.x[k * p + j] = static_cast<float>(x[i * p + j]);
        part.labels[k] = labels.values[i];
        if (query && (k == 0 || query[i] != query[part.rows[k - 1]])) part.groups.push_back(0);
        if (query) part.groups.back()++;
    }
}

// XGBoost's memory for n rows of p features, an estimate: the float copy,
// its matrix (8 bytes an entry) and histogram index, gradients and
// predictions per output group, the histograms of a tree level, and the
// trees (their nodes, with the JSON text and its parse).
std::size_t training_bytes(std::size_t n, std::size_t p, std::size_t groups, std::size_t trees,
                           const Options& o) {
    const char* what = "gbt_fit memory estimate";
    const auto kind = ErrorKind::InvalidParameter;
    const std::size_t depth = static_cast<std::size_t>(o.integer("max_depth"));
    const std::size_t level = std::min<std::size_t>(std::size_t(1) << std::min<std::size_t>(depth, 30), n + 1);
    const std::size_t nodes = std::min(checked_mul(level, 2, what, kind), checked_mul(n, 2, what, kind) + 1);
    std::size_t bytes = checked_mul(n, p, 16, what, kind);
    bytes = checked_add(bytes, checked_mul(n, groups, 24, what, kind), what, kind);
    bytes = checked_add(bytes, checked_mul(checked_mul(level, p, 32, what, kind),
                                           static_cast<std::size_t>(o.integer("max_bin")), what, kind),
                        what, kind);
    return checked_add(bytes, checked_mul(checked_mul(trees, groups, nodes, what, kind), 300, what, kind), what, kind);
}

std::string text(double v) { return json_number(v); }

void set_parameters(xgb::Booster& b, const Options& o, TreeObjective objective, std::size_t classes, bool forest,
                    int threads) {
    b.set("objective", objective_name(objective));
    if (classes) b.set("num_class", std::to_string(classes));
    b.set("verbosity", "0");
    b.set("nthread", std::to_string(std::max(threads, 1)));
    b.set("max_depth", std::to_string(o.integer("max_depth")));
    b.set("min_child_weight", text(o.number("min_child_weight")));
    b.set("gamma", text(o.number("min_split_loss")));
    b.set("subsample", text(o.number("subsample")));
    b.set("colsample_bynode", text(o.number("colsample_bynode")));
    b.set("lambda", text(o.number("l2")));
    b.set("alpha", text(o.number("l1")));
    b.set("tree_method", o.string("tree_method"));
    b.set("max_bin", std::to_string(o.integer("max_bin")));
    b.set("seed", std::to_string(o.integer("seed")));
    if (o.string("eval_metric") != "auto") b.set("eval_metric", o.string("eval_metric"));
    if (forest) {
        b.set("eta", "1");
        b.set("num_parallel_tree", std::to_string(o.integer("trees")));
    } else {
        b.set("eta", text(o.number("learning_rate")));
    }
}

// The metric XGBoost reports in an evaluation text ("[0]\ttrain-rmse:1.5"): "rmse".
std::string metric_name(const std::string& evaluation) {
    const std::size_t dash = evaluation.find('-'), colon = evaluation.find(':', dash);
    if (dash == std::string::npos || colon == std::string::npos) return "";
    return evaluation.substr(dash + 1, colon - dash - 1);
}

bool maximized(const std::string& metric) {
    return metric.rfind("auc", 0) == 0 || metric.rfind("ndcg", 0) == 0 || metric.rfind("map", 0) == 0;
}

}  // namespace

TreeModel train_trees(const double* y, const double* x, const std::int64_t* query, std::size_t n, std::size_t p,
                      const Options& options, bool forest, TrainContext& ctx, TrainingSummary summary) {
    const auto start = Clock::now();
    ContextResources res(ctx);
    const char* function = forest ? "forest_fit" : "gbt_fit";
    TreeObjective objective;
    objective_from_name(options.string("objective"), objective);
    if (is_ranking(objective) && !query)
        fail(ErrorKind::InvalidParameter, std::string(function) + " objective " + options.string("objective") +
                                              " ranks rows within queries: pass the query column",
             "gbt_fit(target, features, query, options)");
    if (!is_ranking(objective) && query)
        fail(ErrorKind::InvalidParameter, std::string(function) + " query column is used by the rank: objectives only",
             "drop the query argument, or use objective rank:pairwise or rank:ndcg");
    if (n == 0) fail(ErrorKind::InvalidParameter, std::string(function) + " has no rows to train on");
    const Labels labels = labels_for(objective, y, n, function);
    const std::size_t groups = std::max<std::size_t>(labels.classes.size(), 1);
    const std::size_t rounds = forest ? 1 : static_cast<std::size_t>(options.integer("trees"));
    res.budget.reserve(training_bytes(n, p, groups, static_cast<std::size_t>(options.integer("trees")), options),
                       forest ? "forest_fit XGBoost training (an estimate)" : "gbt_fit XGBoost training (an estimate)");

    // Rows in one order whatever order they came in (a parallel plan's
    // workers hand them over in another): by query (ranking), then by a hash
    // of the row's target and features (model/row_order.h). Then split into
    // train and held-out rows by a hash of the row's values (of its query,
    // for ranking) and the seed.
    const std::vector<std::size_t> order = canonical_row_order(y, x, query, n, p, res.stop);
    const std::size_t patience = forest ? 0 : static_cast<std::size_t>(options.integer("early_stopping_rounds"));
    const auto seed = static_cast<std::uint64_t>(options.integer("seed"));
    Part train, valid;
    for (std::size_t i : order) {
        const bool held = patience > 0 &&
                          (query ? keep_negative(reinterpret_cast<const double*>(&query[i]), 1, seed,
                                                 options.number("validation_fraction"))
                                 : keep_negative(x + i * p, p, seed, options.number("validation_fraction")));
        (held ? valid : train).rows.push_back(i);
    }
    if (train.rows.empty() || (patience > 0 && valid.rows.empty()))
        fail(ErrorKind::InvalidParameter,
             std::string(function) + " has too few rows for validation_fraction " + text(options.number("validation_fraction")),
             "train on more rows, or change validation_fraction");
    fill_part(train, x, p, labels, query);
    fill_part(valid, x, p, labels, query);

    xgb::DMatrix dtrain(train.x.data(), train.rows.size(), p);
    dtrain.set_labels(train.labels);
    if (query) dtrain.set_groups(train.groups);
    std::unique_ptr<xgb::DMatrix> dvalid;
    std::vector<const xgb::DMatrix*> sets{&dtrain};
    std::vector<std::string> names{"train"};
    if (patience > 0) {
        dvalid = std::make_unique<xgb::DMatrix>(valid.x.data(), valid.rows.size(), p);
        dvalid->set_labels(valid.labels);
        if (query) dvalid->set_groups(valid.groups);
        sets.push_back(dvalid.get());
        names.push_back("valid");
    }
    xgb::Booster booster(sets);
    set_parameters(booster, options, objective, labels.classes.size(), forest, ctx.threads);
    // The history records one metric a round: the held-out rows' when
    // stopping early (the training rows are then not evaluated: that would
    // be a pass over most rows per round for a number nobody sees), else
    // the training rows'.
    const std::vector<const xgb::DMatrix*> evaluated{sets.back()};
    const std::vector<std::string> evaluated_names{names.back()};

    TreeModel m;
    m.kind_ = forest ? "forest" : "gbt";
    static_cast<TrainingSummary&>(m.summary) = summary;
    m.summary.threads = ctx.threads;
    m.summary.validation_rows = static_cast<double>(valid.rows.size());
    double best = 0;
    std::size_t best_round = 0;
    for (std::size_t round = 0; round < rounds; ++round) {
        res.stop.check();
        booster.update(static_cast<int>(round), dtrain);
        const std::string evaluation = booster.evaluate(static_cast<int>(round), evaluated, evaluated_names);
        m.summary.metric = metric_name(evaluation);
        const double loss = xgb::metric_of(evaluation, evaluated_names.back());
        m.summary.loss.push_back(loss);
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        if (ctx.progress) ctx.progress(static_cast<int>(round + 1), loss, seconds);
        if (round == 0 || (maximized(m.summary.metric) ? loss > best : loss < best)) {
            best = loss;
            best_round = round;
        }
        if (patience > 0 && round - best_round >= patience) break;
    }
    res.stop.check();
    const std::size_t kept = patience > 0 ? best_round + 1 : m.summary.loss.size();
    if (kept < m.summary.loss.size()) booster.keep_rounds(static_cast<int>(kept));
    m.summary.rounds = static_cast<std::int64_t>(kept);
    m.summary.best_round = static_cast<std::int64_t>(patience > 0 ? best_round + 1 : kept);

    m.options = options;
    m.xgboost_json = booster.json();
    m.trees = parse_xgboost_json(m.xgboost_json);
    m.classes = labels.classes;
    m.name_classes();
    m.summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return m;
}

}  // namespace recsys
