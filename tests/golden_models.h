// The golden saved models, one of every kind (tests/fixtures/<kind>_v1.model),
// how they were made, and the inputs their recorded predictions are of.
//
// The fixtures were written once by golden_models_test.cpp with
// RECSYS_WRITE_GOLDEN=1 and are committed: a reader must keep reading these
// very bytes and predicting the same from them. The builders below stay so
// that the fuzz test (model_fuzz_test.cpp) and a new fixture can be made the
// same way; never regenerate a fixture to make its test pass.
#pragma once

#include <deque>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "experiments/bandit.h"
#include "features/featurizer.h"
#include "linear/linreg.h"
#include "linear/logreg.h"
#include "model/pipeline.h"
#include "network/mlp.h"
#include "survival/coxph.h"
#include "neighbours/knn.h"
#include "discriminant/lda.h"
#include "linear/svm.h"
#include "candidates/item_factors.h"
#include "candidates/bpr.h"
#include "trees/contributions.h"
#include "trees/tree_model.h"
#include "candidates/cooccurrence.h"
#include "candidates/itemknn_model.h"
#include "raw_table.h"
#include "test_support.h"

namespace recsys {
namespace test {

using Bytes = std::vector<unsigned char>;

inline std::string fixture_path(const std::string& name) { return std::string(RECSYS_FIXTURES) + "/" + name; }

inline Bytes read_fixture(const std::string& name) {
    std::ifstream in(fixture_path(name), std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// ---------------------------------------------------------------- feature models

// Three features; the estimators' golden predictions are of kFeatureRows.
constexpr std::size_t kGoldenFeatures = 3;
const std::vector<std::vector<double>> kFeatureRows = {{0, 0, 0}, {1.5, -0.25, 2}, {-3, 4, 0.125}};

inline TrainContext quiet_context() {
    static MemoryBudget unlimited;
    static StopToken never;
    return TrainContext{1, &unlimited, &never, nullptr};
}

inline LogregModel golden_logreg() {
    const LabeledData d = logistic_rows(300, kGoldenFeatures, 3, -0.5, 11);
    TrainContext ctx = quiet_context();
    LogregModel m = train_logreg(
        d.view(), parse_options(R"({"l2": 0.01, "feature_names": ["age", "visits", "minutes"]})", logreg_option_schema()),
        ctx, TrainingSummary{});
    m.summary.seconds = 0;
    return m;
}

inline LinregModel golden_linreg() {
    std::mt19937 rng(12);
    std::normal_distribution<double> normal(0, 1);
    std::vector<double> y, x;
    for (int i = 0; i < 200; ++i) {
        double target = 3;
        for (std::size_t j = 0; j < kGoldenFeatures; ++j) {
            const double v = normal(rng) * static_cast<double>(j + 1);
            x.push_back(v);
            target += (j % 2 ? -1.0 : 2.0) * v;
        }
        y.push_back(target + 0.5 * normal(rng));
    }
    TrainingRows rows;
    rows.count = y.size();
    rows.columns.push_back({"y", ColumnType::Float64, y.data(), 1});
    rows.columns.push_back({"features", ColumnType::Float64Array, x.data(), kGoldenFeatures});
    MemoryBudget unlimited;
    TrainingRows shape = rows;
    shape.count = 0;
    const std::unique_ptr<RowSummary> summary = linreg_summary().create(shape, Options(), unlimited);
    summary->add(rows, unlimited);
    shape.summary = summary.get();
    std::size_t p = 0;
    const double* factor = linreg_factor(shape, &p);
    TrainContext ctx = quiet_context();
    LinregModel m = fit_linreg(factor, p, parse_options("{}", linreg_option_schema()), ctx, TrainingSummary{});
    m.summary.seconds = 0;
    return m;
}

inline MlpModel golden_mlp() {
    const LabeledData d = logistic_rows(300, kGoldenFeatures, 3, 0.25, 13);
    TrainContext ctx = quiet_context();
    MlpModel m = train_mlp(
        d.view(), parse_options(R"({"hidden_layers": [5, 3], "epochs": 30, "batch_size": 50, "seed": 3})", mlp_option_schema()),
        ctx, TrainingSummary{});
    m.summary.seconds = 0;
    return m;
}

// ---------------------------------------------------------------- trees

// Rows of kGoldenFeatures features, every 7th value missing (NaN), and a
// target of `classes` values (0: a number).
inline std::vector<double> golden_tree_rows(std::size_t n, int classes, std::vector<double>& y) {
    std::mt19937 rng(21);
    std::normal_distribution<double> g(0, 1);
    std::vector<double> x;
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (std::size_t j = 0; j < kGoldenFeatures; ++j) {
            const double v = g(rng);
            x.push_back((i * kGoldenFeatures + j) % 7 == 3 ? std::nan("") : v);
            s += v * (1.0 + j);
        }
        s += g(rng);
        y.push_back(classes == 0 ? s : classes == 2 ? (s > 0) : (s < -1 ? 2 : s < 1 ? 4 : 8));
    }
    return x;
}

// A tree model trained on golden_tree_rows(300, classes).
inline TreeModel golden_tree_model(int classes, const char* options, bool forest) {
    std::vector<double> y;
    const std::vector<double> x = golden_tree_rows(300, classes, y);
    TrainContext ctx = quiet_context();
    TreeModel m = train_trees(y.data(), x.data(), nullptr, y.size(), kGoldenFeatures,
                              parse_options(options, forest ? forest_option_schema() : gbt_option_schema()), forest,
                              ctx, TrainingSummary{});
    m.summary.seconds = 0;
    return m;
}

// Binary gradient-boosted trees with missing values.
inline TreeModel golden_gbt() {
    return golden_tree_model(2, R"({"objective": "binary:logistic", "trees": 8, "max_depth": 3})", false);
}

// A multi-class forest (classes 2, 4, 8).
inline TreeModel golden_forest() {
    return golden_tree_model(3, R"({"objective": "multi:softprob", "trees": 4, "max_depth": 3, "seed": 2})", true);
}

// ---------------------------------------------------------------- featurizer

// Rows of raw fields for the featurizer: a column of each kind and of each
// imputer, scaler and encoder a column can have, with holes.
inline RawTable golden_rows() {
    RawTable t;
    std::mt19937 rng(21);
    std::normal_distribution<double> normal(0, 1);
    const char* const cities[] = {"north", "south", "east", "west"};
    for (int i = 0; i < 80; ++i) {
        std::vector<RawField> row;
        const double age = 40 + 12 * normal(rng);
        const double income = 1000 + 30 * age + 200 * normal(rng);
        if (i % 5 != 0) row.push_back({"age", RawValue::of(age)});
        if (i % 7 != 0) row.push_back({"income", RawValue::of(income)});
        if (i % 3 != 0) row.push_back({"rooms", RawValue::of(static_cast<double>(1 + i % 6))});
        if (i % 4 != 1) row.push_back({"member", RawValue::of_bool(i % 3 == 0)});
        row.push_back({"city", RawValue::of_text(t.keep(cities[i % 4]))});
        row.push_back({"zip_id", RawValue::of(static_cast<double>(100 + i % 9))});
        if (i % 6 != 0) row.push_back({"tag", RawValue::of_text(t.keep("t" + std::to_string(i % 11)))});
        row.push_back({"note", RawValue::of_text(t.keep("n" + std::to_string(i)))});
        row.push_back({"blank", RawValue::missing()});
        t.rows.push_back(std::move(row));
        t.targets.push_back(0.01 * income + (i % 4 == 0 ? 5 : 0) + normal(rng));
    }
    return t;
}

constexpr const char* kGoldenFeaturizerOptions = R"({"columns": {
    "age": {"impute": "regression", "scale": "minmax"},
    "income": {"impute": "knn", "neighbors": 3, "scale": "robust"},
    "rooms": {"impute": "median"},
    "zip_id": {"encode": "target"},
    "tag": {"encode": "hash", "buckets": 4, "impute": "constant", "fill_value": "none"},
    "note": {"type": "ignore"}},
  "sample_rows": 100, "folds": 3})";

inline std::shared_ptr<const FeaturizerModel> golden_featurizer() {
    const RawTable t = golden_rows();
    FeatureStats stats(parse_options(kGoldenFeaturizerOptions, featurizer_option_schema()), true);
    for (std::size_t i = 0; i < t.rows.size(); ++i) stats.add(t.rows[i].data(), t.rows[i].size(), t.targets[i]);
    TrainContext ctx = quiet_context();
    return fit_featurizer(stats, ctx);
}

// A row's values in the model's column order (Missing where the row has none).
inline std::vector<RawValue> values_in_order(const FeaturizerModel& m, const std::vector<RawField>& row) {
    std::vector<RawValue> values(m.column_count());
    for (std::size_t c = 0; c < m.column_count(); ++c)
        for (const RawField& f : row)
            if (f.name == m.column_name(c)) values[c] = f.value;
    return values;
}

// The rows the featurizer's and the pipeline's golden outputs are of: all
// holes, a full row, a row of unseen levels and a boolean hole.
inline std::vector<std::vector<RawField>> golden_queries() {
    return {
        {},
        {{"age", RawValue::of(35)}, {"income", RawValue::of(2100)}, {"rooms", RawValue::of(3)},
         {"member", RawValue::of_bool(true)}, {"city", RawValue::of_text("south")}, {"zip_id", RawValue::of(104)},
         {"tag", RawValue::of_text("t3")}},
        {{"age", RawValue::of(61.5)}, {"city", RawValue::of_text("mars")}, {"zip_id", RawValue::of(999)},
         {"tag", RawValue::of_text("unseen")}, {"rooms", RawValue::of(9)}},
    };
}

// ---------------------------------------------------------------- pipeline

// The golden featurizer and a logistic regression of "high target" on its features.
inline PipelineModel golden_pipeline() {
    auto featurizer = golden_featurizer();
    const RawTable t = golden_rows();
    const std::size_t p = featurizer->feature_count();
    std::vector<char> y;
    std::vector<double> x(t.rows.size() * p);
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        featurizer->transform(values_in_order(*featurizer, t.rows[i]).data(), &x[i * p], true);
        y.push_back(t.targets[i] > 25);
    }
    TrainingRows rows;
    rows.count = t.rows.size();
    rows.columns = {{"label", ColumnType::Bool, y.data(), 1}, {"features", ColumnType::Float64Array, x.data(), p}};
    TrainContext ctx = quiet_context();
    std::shared_ptr<Model> model =
        logreg_kind().fit(rows, parse_options(R"({"l2": 0.05})", logreg_option_schema()), ctx);
    static_cast<LogregModel&>(*model).summary.seconds = 0;
    return PipelineModel(featurizer, std::dynamic_pointer_cast<const FeatureModel>(model));
}

// ---------------------------------------------------------------- bandit

inline BanditModel golden_bandit() {
    const std::vector<std::int64_t> items = {7, 3, 11, 5, 3, 20, 9, 7};
    const std::vector<std::int64_t> shown = {400, 250, 30, 1000, 100, 5, 80, 50};
    const std::vector<std::int64_t> clicked = {12, 20, 1, 15, 3, 0, 8, 2};
    ItemCounts counts = count_items(items.data(), shown.data(), clicked.data(), items.size(), StopToken());
    return fit_bandit(counts, parse_options(R"({"min_shows": 100})", bandit_option_schema()), TrainingSummary{});
}

// The candidates of the bandit's golden page: known items, fresh ones and unknown ones.
const std::vector<std::int64_t> kBanditCandidates = {3, 5, 7, 9, 11, 20, 42, 43};

// ---------------------------------------------------------------- ALS

const Rows kAlsRows = {
    {10, 10, 20, 20, 30, 30, 30, 10, 40},           // users
    {100, 101, 101, 102, 102, 103, 100, 100, 104},  // items
    {1, 2, 1, 3, 1, 1, 2, 1, 4},                    // weights
};

inline AlsModel golden_als() {
    AlsModel m = train(kAlsRows, als_options({num("factors", 3), num("iterations", 5), num("l2", 0.1),
                                              num("alpha", 2), num("seed", 7)}));
    m.summary.seconds = 0;
    return m;
}

// ---------------------------------------------------------------- BPR

// BPR on the ALS rows, one thread (a seed and a thread count fix the model).
inline BprModel golden_bpr() {
    TrainContext ctx;
    TrainingSummary summary;
    summary.rows = kAlsRows.size();
    BprModel m = train_bpr(kAlsRows.users.data(), kAlsRows.items.data(), kAlsRows.weights.data(), kAlsRows.size(),
                           parse_options(R"({"factors": 3, "epochs": 20, "learning_rate": 0.05, "seed": 5})",
                                         bpr_option_schema()),
                           summary, ctx);
    m.summary.seconds = 0;
    return m;
}

// ---------------------------------------------------------------- Cox

// 120 lifetimes in whole days (ties), 1 in 5 censored, of kGoldenFeatures features.
inline CoxModel golden_coxph() {
    std::vector<double> time, x;
    std::unique_ptr<bool[]> event(new bool[120]);
    for (int i = 1; i <= 120; ++i) {
        const int a = 13 * i % 17, b = 29 * i % 11, c = i % 2;
        x.insert(x.end(), {a / 17.0 - 0.5, b / 11.0, static_cast<double>(c)});
        time.push_back(1 + 37 * i % 29 + 2 * b + 6 * c);
        event[static_cast<std::size_t>(i - 1)] = 7 * i % 5 != 0;
    }
    TrainContext ctx = quiet_context();
    CoxModel m = train_coxph({time.data(), event.get(), x.data(), 120, kGoldenFeatures},
                             parse_options(R"({"feature_names": ["rating", "tenure", "night"]})", coxph_option_schema()),
                             ctx, TrainingSummary{});
    m.summary.seconds = 0;
    return m;
}

// ---------------------------------------------------------------- k-NN

// A distance-weighted 3-NN classifier of 40 rows of kGoldenFeatures, by id.
inline KnnModel golden_knn() {
    std::mt19937 rng(18);
    std::normal_distribution<double> normal(0, 1);
    std::vector<double> y, x;
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 40; ++i) {
        const int c = i % 3;
        for (std::size_t j = 0; j < kGoldenFeatures; ++j) x.push_back(normal(rng) + (j == static_cast<std::size_t>(c) ? 2 : 0));
        y.push_back(c == 2 ? 5 : c);
        ids.push_back(1000 - 7 * i);
    }
    TrainingRows rows;
    rows.count = y.size();
    rows.columns = {{"target", ColumnType::Float64, y.data(), 1},
                    {"features", ColumnType::Float64Array, x.data(), kGoldenFeatures},
                    {"id", ColumnType::Int64, ids.data(), 1}};
    TrainContext ctx = quiet_context();
    std::unique_ptr<Model> m =
        knn_kind().fit(rows, parse_options(R"({"neighbors": 3, "weights": "distance"})", knn_option_schema()), ctx);
    auto& knn = static_cast<KnnModel&>(*m);
    knn.summary.seconds = 0;
    return knn;
}

// ---------------------------------------------------------------- LDA

// Three text classes of 60 rows of kGoldenFeatures, the svd solver.
inline LdaModel golden_lda() {
    std::mt19937 rng(19);
    std::normal_distribution<double> normal(0, 1);
    const char* const names[] = {"north", "south", "east"};
    std::vector<std::string_view> classes;
    std::vector<double> x;
    for (int i = 0; i < 60; ++i) {
        for (std::size_t j = 0; j < kGoldenFeatures; ++j) x.push_back(normal(rng) + (j == static_cast<std::size_t>(i % 3) ? 1.5 : 0));
        classes.push_back(names[i % 3]);
    }
    TrainingRows rows;
    rows.count = classes.size();
    rows.columns = {{"class", ColumnType::Text, classes.data(), 1},
                    {"features", ColumnType::Float64Array, x.data(), kGoldenFeatures}};
    const Options options = parse_options("{}", lda_option_schema());
    MemoryBudget unlimited;
    TrainingRows shape = rows;
    shape.count = 0;
    const std::unique_ptr<RowSummary> summary = lda_summary().create(shape, options, unlimited);
    summary->add(rows, unlimited);
    shape.summary = summary.get();
    shape.summarized = rows.count;
    TrainContext ctx = quiet_context();
    std::unique_ptr<Model> m = lda_kind().fit(shape, options, ctx);
    auto& lda = static_cast<LdaModel&>(*m);
    lda.summary.seconds = 0;
    return lda;
}

// ---------------------------------------------------------------- linear SVM

// The squared hinge loss on the logistic rows of logreg's golden model, named features.
inline SvmModel golden_svm() {
    const LabeledData d = logistic_rows(300, kGoldenFeatures, 3, -0.5, 11);
    TrainContext ctx = quiet_context();
    SvmModel m = train_svm(
        d.view(),
        parse_options(R"({"C": 0.5, "feature_names": ["age", "visits", "minutes"]})",
                      svm_option_schema()),
        ctx, TrainingSummary{});
    m.summary.seconds = 0;
    return m;
}


// ---------------------------------------------------------------- item features -> item factors

// Two factors, a linear image of the three features of logreg's golden rows
// with a deterministic wobble, l2 = 0.05.
inline ItemFactorsModel golden_item_factors() {
    const LabeledData d = logistic_rows(300, kGoldenFeatures, 3, -0.5, 11);
    std::vector<double> y;
    for (std::size_t i = 0; i < d.n; ++i) {
        const double* x = d.row(i);
        y.push_back(0.5 * x[0] - x[1] + 0.1 * std::sin(double(i)));
        y.push_back(2 + 0.25 * x[2] + 0.1 * std::cos(double(i)));
    }
    TrainContext ctx = quiet_context();
    TrainingSummary summary;
    summary.rows = d.n;
    ItemFactorsModel m = fit_item_factors(y.data(), 2, d.x.data(), kGoldenFeatures, d.n,
                                          parse_options(R"({"l2": 0.05})", item_factors_option_schema()), ctx, summary);
    m.summary.seconds = 0;
    return m;
}

// ---------------------------------------------------------------- co-occurrence

// Item embeddings of 12 users' sessions over 8 items (ids 30, 33, ..., 51),
// two tastes, 4 factors, a count window of 3 and a one-hour time window.
inline CooccurrenceModel golden_cooccurrence() {
    std::vector<std::int64_t> users, items, times;
    for (int u = 0; u < 12; ++u)
        for (int j = 0; j < 6; ++j) {
            users.push_back(u);
            items.push_back(30 + 3 * ((u % 2) * 4 + (u * 5 + j * 3) % 4));
            times.push_back((std::int64_t(j) * 600 + (j / 3) * 86400) * 1000000);
        }
    TrainContext ctx = quiet_context();
    TrainingRows rows;
    rows.count = users.size();
    rows.columns = {{"user_id", ColumnType::Int64, users.data(), 1},
                    {"item_id", ColumnType::Int64, items.data(), 1},
                    {"ts", ColumnType::Int64, times.data(), 1}};
    std::unique_ptr<Model> m = cooccurrence_kind().fit(
        rows,
        parse_options(R"({"factors": 4, "epochs": 10, "window": 3, "window_seconds": 3600, "seed": 2})",
                      cooccurrence_option_schema()),
        ctx);
    auto& model = static_cast<CooccurrenceModel&>(*m);
    model.summary.seconds = 0;
    return model;
}

// ---------------------------------------------------------------- item neighbours

// bm25 neighbours, 4 kept per item, of 30 users and 12 items with weights 1 to 3.
inline ItemKnnModel golden_itemknn() {
    std::vector<std::int64_t> users, items;
    std::vector<float> weights;
    for (int u = 0; u < 30; ++u)
        for (int i = 0; i < 12; ++i)
            if ((u * 7 + i * 5) % 4 == 0 || (u + i) % 5 == 0) {
                users.push_back(100 + u);
                items.push_back(10 * i);
                weights.push_back(static_cast<float>(1 + (u * i) % 3));
            }
    TrainingRows rows;
    rows.count = users.size();
    rows.columns = {{"user_id", ColumnType::Int64, users.data(), 1},
                    {"item_id", ColumnType::Int64, items.data(), 1},
                    {"weight", ColumnType::Float32, weights.data(), 1}};
    TrainContext ctx = quiet_context();
    std::unique_ptr<Model> m = itemknn_kind().fit(
        rows, parse_options(R"({"similarity": "bm25", "neighbours": 4})", itemknn_option_schema()), ctx);
    auto& knn = static_cast<ItemKnnModel&>(*m);
    knn.summary.seconds = 0;
    return knn;
}

}  // namespace test
}  // namespace recsys
