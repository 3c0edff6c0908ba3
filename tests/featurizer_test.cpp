// The featurizer: imputers against hand-computed values, k-NN and regression
// imputation against a planted relation, target encoding (smoothing, and no
// leakage on training rows), hashing stability, unseen values, type errors,
// and that a merged or serialized summary or model behaves as one pass does.
#include <deque>
#include <random>

#include "features/featurizer_internal.h"
#include "raw_table.h"
#include "test_support.h"

namespace recsys {
namespace {

using test::contains;
using test::error_from;

using Table = test::RawTable;

Options featurizer_options(const std::string& json) { return parse_options(json, featurizer_option_schema()); }

FeatureStats summarize(const Table& t, const std::string& options, bool has_target, std::size_t from = 0,
                       std::size_t to = SIZE_MAX) {
    FeatureStats stats(featurizer_options(options), has_target);
    for (std::size_t i = from; i < std::min(to, t.rows.size()); ++i)
        stats.add(t.rows[i].data(), t.rows[i].size(), has_target ? t.targets[i] : NAN);
    return stats;
}

std::unique_ptr<FeaturizerModel> fit(const Table& t, const std::string& options = "{}", bool has_target = false) {
    TrainContext ctx;
    return fit_featurizer(summarize(t, options, has_target), ctx);
}

// A row's values in the model's column order (Missing where the row has none).
std::vector<RawValue> values_of(const FeaturizerModel& m, const std::vector<RawField>& row) {
    std::vector<RawValue> values(m.column_count());
    for (std::size_t c = 0; c < m.column_count(); ++c)
        for (const RawField& f : row)
            if (f.name == m.column_name(c)) values[c] = f.value;
    return values;
}

std::vector<double> features(const FeaturizerModel& m, const std::vector<RawField>& row, bool training = false) {
    std::vector<double> out(m.feature_count());
    m.transform(values_of(m, row).data(), out.data(), training);
    return out;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
    const double n = static_cast<double>(a.size());
    double ma = 0, mb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) ma += a[i] / n, mb += b[i] / n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / std::sqrt(saa * sbb);
}

// x: 1, 2, 2, 10 and one hole.
Table small_numbers() {
    Table t;
    for (double v : {1.0, 2.0, 2.0, 10.0}) t.number(t.row(), "x", v);
    t.row();  // x missing
    return t;
}

TEST(Featurizer, ImputersFillHandComputedValues) {
    const Table t = small_numbers();
    const std::vector<RawField> hole;
    const std::pair<const char*, double> cases[] = {
        {"mean", 3.75}, {"median", 2}, {"mode", 2}, {"constant", 0}};
    for (const auto& [imputer, expected] : cases) {
        auto m = fit(t, std::string("{\"impute\": \"") + imputer + "\", \"scale\": \"none\"}");
        ASSERT_EQ(m->feature_names(), (std::vector<std::string>{"x", "x=<missing>"})) << imputer;
        EXPECT_EQ(features(*m, hole), (std::vector<double>{expected, 1})) << imputer;
        EXPECT_EQ(m->imputed_json(values_of(*m, hole).data()), "{\"x\":" + json_number(expected) + "}") << imputer;
        EXPECT_EQ(features(*m, t.rows[3]), (std::vector<double>{10, 0})) << imputer;
    }
    auto constant = fit(t, R"({"columns": {"x": {"impute": "constant", "fill_value": -1, "missing_indicator": "never"}},
                               "scale": "none"})");
    EXPECT_EQ(features(*constant, hole), (std::vector<double>{-1}));
}

// A column's settings take the global options' names and values; the names
// models stored before the renames ("indicator": true, "alpha") still read.
TEST(Featurizer, ColumnSettingsTakeTheGlobalNamesAndOldModelsStillRead) {
    const FeaturizerSettings given = read_settings(featurizer_options(
        R"({"columns": {"x": {"impute": "regression", "l2": 3, "missing_indicator": "always"}}})"));
    EXPECT_EQ(given.of("x").l2, 3);
    EXPECT_EQ(given.of("x").indicator, IndicatorRule::Always);
    for (const char* former : {R"({"indicator": true})", R"({"alpha": 3})"}) {
        const Error e = error_from([&] { featurizer_options(std::string(R"({"columns": {"x": )") + former + "}}"); },
                                   "a former per-column name was accepted from a user");
        EXPECT_TRUE(contains(e.what(), "has an unknown setting")) << e.what();
    }
    const FeaturizerSettings stored = read_settings(parse_stored_options(
        R"({"columns": {"x": {"impute": "regression", "alpha": 3, "indicator": true}, "y": {"indicator": false}},
            "alpha": 2})",
        featurizer_option_schema()));
    EXPECT_EQ(stored.of("x").l2, 3);
    EXPECT_EQ(stored.of("x").indicator, IndicatorRule::Always);
    EXPECT_EQ(stored.of("y").indicator, IndicatorRule::Never);
    EXPECT_EQ(stored.of("y").l2, 2) << "the global alpha, read as l2";
}

TEST(Featurizer, ScalersUseTheTrainingStatistics) {
    const Table t = small_numbers();
    const std::vector<RawField> ten = t.rows[3];
    // Population deviation of 1, 2, 2, 10: sqrt(((2.75)^2 + 1.75^2 * 2 + 6.25^2) / 4).
    const double sd = std::sqrt((2.75 * 2.75 + 2 * 1.75 * 1.75 + 6.25 * 6.25) / 4);
    EXPECT_NEAR(features(*fit(t, R"({"scale": "standard"})"), ten)[0], (10 - 3.75) / sd, 1e-12);
    EXPECT_NEAR(features(*fit(t, R"({"scale": "minmax"})"), ten)[0], 1.0, 1e-12);
    // Quartiles (linear): 1.75 and 4; median 2.
    EXPECT_NEAR(features(*fit(t, R"({"scale": "robust"})"), ten)[0], (10 - 2) / (4 - 1.75), 1e-12);
}

TEST(Featurizer, BooleansAreZeroOneWithTheirMode) {
    Table t;
    for (bool v : {true, true, false}) t.boolean(t.row(), "vip", v);
    t.row();
    auto m = fit(t);
    EXPECT_EQ(m->feature_names(), (std::vector<std::string>{"vip", "vip=<missing>"}));
    EXPECT_EQ(features(*m, {}), (std::vector<double>{1, 1}));
    EXPECT_EQ(features(*m, t.rows[2]), (std::vector<double>{0, 0}));
    EXPECT_EQ(m->imputed_json(values_of(*m, {}).data()), "{\"vip\":true}");
}

// y = 10 + 3a - 2b + small noise, with y hidden in a fifth of the rows.
struct Planted {
    Table table;
    std::vector<std::size_t> hidden;
    std::vector<double> truth;
};

Planted planted_rows(std::size_t n) {
    Planted p;
    std::mt19937 rng(7);
    std::normal_distribution<double> normal;
    for (std::size_t i = 0; i < n; ++i) {
        const double a = normal(rng), b = normal(rng), c = normal(rng);
        const double y = 10 + 3 * a - 2 * b + 0.1 * normal(rng);
        auto& r = p.table.row();
        p.table.number(r, "a", a);
        p.table.number(r, "b", b);
        p.table.number(r, "c", c);  // unrelated
        if (i % 5 == 0) {
            p.hidden.push_back(i);
            p.truth.push_back(y);
        } else {
            p.table.number(r, "y", y);
        }
    }
    return p;
}

double imputation_rmse(const Planted& p, const std::string& imputer) {
    auto m = fit(p.table, R"({"columns": {"y": {"impute": ")" + imputer + R"("}}})");
    double sum = 0;
    for (std::size_t k = 0; k < p.hidden.size(); ++k) {
        const std::string filled = m->imputed_json(values_of(*m, p.table.rows[p.hidden[k]]).data());
        const double y = std::stod(filled.substr(filled.find(':') + 1));
        sum += (y - p.truth[k]) * (y - p.truth[k]);
    }
    return std::sqrt(sum / static_cast<double>(p.hidden.size()));
}

TEST(Featurizer, ModelInfoGivesTheSampleItsStatisticsCameFrom) {
    // The statistics part of model_info (after the options, which name sample_rows too).
    const auto statistics = [](const FeaturizerModel& m) {
        const std::string json = m.metadata_json();
        return json.substr(json.find("\"statistics\""));
    };
    // Medians, quartiles and modes come from the sample even without donors.
    const std::string median = statistics(*fit(small_numbers()));
    EXPECT_TRUE(contains(median, "\"donor_rows\":0,")) << median;
    EXPECT_TRUE(contains(median, "\"sample_rows\":5,")) << median;
    const std::string knn =
        statistics(*fit(planted_rows(600).table, R"({"columns": {"y": {"impute": "knn"}}, "sample_rows": 400})"));
    EXPECT_TRUE(contains(knn, "\"donor_rows\":400,")) << knn;
    EXPECT_TRUE(contains(knn, "\"sample_rows\":400,")) << knn;
    // No numeric column: no statistic came from the sample.
    Table words;
    for (const char* w : {"a", "b", "a"}) words.text(words.row(), "w", w);
    const std::string none = statistics(*fit(words));
    EXPECT_FALSE(contains(none, "sample_rows")) << none;
}

TEST(Featurizer, KnnAndRegressionRecoverAPlantedRelationFarBetterThanTheMean) {
    const Planted p = planted_rows(3000);
    const double mean = imputation_rmse(p, "mean");
    const double knn = imputation_rmse(p, "knn");
    const double regression = imputation_rmse(p, "regression");
    EXPECT_GT(mean, 3.0);  // y's deviation is sqrt(13)
    EXPECT_LT(knn, mean / 3);
    EXPECT_LT(regression, 0.2);
}

TEST(Featurizer, TargetEncodingSmoothsTowardTheMean) {
    Table t;
    const std::pair<const char*, double> rows[] = {{"a", 1}, {"a", 1}, {"a", 0}, {"b", 0}};
    for (const auto& [level, y] : rows) t.text(t.row(y), "city", level);
    auto m = fit(t, R"({"encode": "target", "smoothing": 2})", true);
    ASSERT_EQ(m->feature_names(), (std::vector<std::string>{"city"}));
    Table probe;
    probe.text(probe.row(), "city", "a");
    probe.text(probe.row(), "city", "b");
    probe.text(probe.row(), "city", "never seen");
    // prior 0.5; a: (2 + 2 * 0.5) / (3 + 2); b: (0 + 1) / (1 + 2); unseen: the prior.
    EXPECT_NEAR(features(*m, probe.rows[0])[0], 0.6, 1e-12);
    EXPECT_NEAR(features(*m, probe.rows[1])[0], 1.0 / 3, 1e-12);
    EXPECT_NEAR(features(*m, probe.rows[2])[0], 0.5, 1e-12);
}

TEST(Featurizer, TargetEncodingOfTrainingRowsDoesNotLeakTheirTarget) {
    // A unique id per row carries no signal; a group of 50 rows does.
    Table t;
    std::mt19937 rng(11);
    std::vector<double> y;
    for (int i = 0; i < 6000; ++i) {
        const int group = i % 60;
        const double p = 0.2 + 0.6 * (group % 2);
        y.push_back(std::bernoulli_distribution(p)(rng) ? 1 : 0);
        auto& r = t.row(y.back());
        t.text(r, "group", "g" + std::to_string(group));
        t.text(r, "user", "u" + std::to_string(i));
    }
    auto m = fit(t, R"({"encode": "target"})", true);
    ASSERT_EQ(m->feature_names(), (std::vector<std::string>{"group", "user"}));
    std::vector<double> group_in, user_in, group_out, user_out;
    for (const auto& row : t.rows) {
        auto in = features(*m, row), out = features(*m, row, true);
        group_in.push_back(in[0]), user_in.push_back(in[1]);
        group_out.push_back(out[0]), user_out.push_back(out[1]);
    }
    EXPECT_GT(correlation(user_in, y), 0.5);            // in-sample: the id "predicts" its own target
    EXPECT_LT(std::fabs(correlation(user_out, y)), 0.05);  // out of fold: nothing to learn
    EXPECT_GT(correlation(group_out, y), 0.5);           // a real signal survives
    EXPECT_NEAR(correlation(group_in, y), correlation(group_out, y), 0.05);
}

TEST(Featurizer, HashingIsStableAcrossModelsAndVersions) {
    // Saved models depend on these values: the hash must never change.
    EXPECT_EQ(stable_hash(""), 0xf52a15e9a9b5e89bULL);
    EXPECT_EQ(stable_hash("abc"), 0xdd490490804b508ULL);
    Table a, b;
    for (const char* v : {"x", "y", "z"}) a.text(a.row(), "channel", v);
    for (const char* v : {"z", "w"}) b.text(b.row(), "channel", v);
    const std::string options = R"({"encode": "hash", "buckets": 8})";
    auto ma = fit(a, options), mb = fit(b, options);
    Table probe;
    probe.text(probe.row(), "channel", "z");
    probe.text(probe.row(), "channel", "never seen");
    EXPECT_EQ(features(*ma, probe.rows[0]), features(*mb, probe.rows[0]));
    const auto unseen = features(*ma, probe.rows[1]);
    EXPECT_EQ(std::count(unseen.begin(), unseen.end(), 1.0), 1);
    EXPECT_EQ(unseen[stable_hash("never seen") % 8], 1.0);
    EXPECT_EQ(features(*ma, {}), std::vector<double>(8, 0.0));  // missing: no bucket
}

TEST(Featurizer, UnseenValuesAndColumnsFollowTheRules) {
    Table t;
    for (const char* v : {"a", "a", "b", "b", "c"}) {
        auto& r = t.row();
        t.text(r, "level", v);
        t.number(r, "n", 1);
    }
    auto onehot = fit(t);
    EXPECT_EQ(onehot->feature_names(), (std::vector<std::string>{"level=a", "level=b", "level=c", "n"}));
    Table probe;
    auto& unseen = probe.row();
    probe.text(unseen, "level", "zzz");
    probe.number(unseen, "brand new column", 5);
    EXPECT_EQ(features(*onehot, unseen), (std::vector<double>{0, 0, 0, 0}));
    // "c" seen once, below min_frequency 2: <other>, where unseen values go too.
    auto rare = fit(t, R"({"min_frequency": 2})");
    EXPECT_EQ(rare->feature_names(), (std::vector<std::string>{"level=a", "level=b", "level=<other>", "n"}));
    EXPECT_EQ(features(*rare, unseen), (std::vector<double>{0, 0, 1, 0}));
    // Ordinal: levels in order, other = their count, missing = -1; frequency: shares.
    auto ordinal = fit(t, R"({"encode": "ordinal", "min_frequency": 2})");
    EXPECT_EQ(features(*ordinal, t.rows[2])[0], 1);
    EXPECT_EQ(features(*ordinal, unseen)[0], 2);
    EXPECT_EQ(features(*ordinal, {})[0], -1);
    auto frequency = fit(t, R"({"encode": "frequency"})");
    EXPECT_DOUBLE_EQ(features(*frequency, t.rows[0])[0], 0.4);
    EXPECT_DOUBLE_EQ(features(*frequency, unseen)[0], 0);
}

TEST(Featurizer, IdColumnsAreCategoriesAndHighCardinalityIsBounded) {
    Table t;
    for (int i = 0; i < 1000; ++i) {
        auto& r = t.row();
        t.number(r, "video_id", i % 3 == 0 ? 7 : i);  // 7 is frequent; the rest once each
    }
    FeatureStats stats = summarize(t, R"({"max_levels": 10})", false);
    EXPECT_LE(stats.impl().columns[0].categories.levels.size(), 20u);  // tracking stays bounded
    TrainContext ctx;
    auto m = fit_featurizer(stats, ctx);
    // 10 levels (auto: onehot, as 10 <= 16) and <other> for the rest.
    EXPECT_EQ(m->feature_count(), 11u);
    const auto& names = m->feature_names();
    EXPECT_NE(std::find(names.begin(), names.end(), "video_id=7"), names.end());  // the frequent one is kept
    EXPECT_EQ(m->feature_names().back(), "video_id=<other>");
}

TEST(Featurizer, AKeyColumnMakesNoFeaturesUnlessAsked) {
    Table t;
    for (int i = 0; i < 50; ++i) {
        auto& r = t.row();
        t.text(r, "listing", "L" + std::to_string(i));  // a value of its own in every row
        t.number(r, "rooms", i % 4);
    }
    EXPECT_EQ(fit(t)->feature_names(), (std::vector<std::string>{"rooms"}));
    EXPECT_EQ(fit(t, R"({"columns": {"listing": {"encode": "frequency"}}})")->feature_names(),
              (std::vector<std::string>{"listing", "rooms"}));
}

TEST(Featurizer, WrongTypesAreErrorsNamingTheColumn) {
    Table mixed;
    mixed.number(mixed.row(), "sqft", 100);
    mixed.text(mixed.row(), "sqft", "big");
    Error e = error_from([&] { fit(mixed); }, "a column with numbers and strings");
    EXPECT_EQ(e.kind(), ErrorKind::DataException);
    EXPECT_TRUE(contains(e.what(), "\"sqft\" has numbers in some rows and strings in others")) << e.what();

    Table nested;
    nested.rows.push_back({{"tags", RawValue{RawValue::Type::Nested, 0, false, "array"}}});
    nested.targets.push_back(NAN);
    e = error_from([&] { fit(nested); }, "a nested value");
    EXPECT_TRUE(contains(e.what(), "\"tags\" holds a JSON array")) << e.what();

    auto m = fit(small_numbers());
    Table probe;
    probe.text(probe.row(), "x", "ten");
    e = error_from([&] { features(*m, probe.rows[0]); }, "a string in a numeric column");
    EXPECT_EQ(e.kind(), ErrorKind::DataException);
    EXPECT_TRUE(contains(e.what(), "column \"x\" holds a string in this row")) << e.what();

    e = error_from([&] { featurizer_options(R"({"columns": {"x": {"impute": "magic"}}})"); }, "a bad imputer");
    EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
    EXPECT_TRUE(contains(e.what(), "column \"x\" \"impute\" must be one of")) << e.what();
    e = error_from([&] {
        Table t;
        t.text(t.row(), "city", "a");
        fit(t, R"({"encode": "target"})");
    }, "target encoding without a target");
    EXPECT_TRUE(contains(e.what(), "encode target needs the target argument")) << e.what();
}

Planted mixed_rows() {
    Planted p = planted_rows(600);
    std::mt19937 rng(3);
    for (std::size_t i = 0; i < p.table.rows.size(); ++i) {
        auto& r = p.table.rows[i];
        p.table.targets[i] = static_cast<double>(i % 7);
        p.table.text(r, "city", "c" + std::to_string(rng() % 40));
        p.table.boolean(r, "vip", rng() % 3 == 0);
    }
    return p;
}

const char* const kMixedOptions =
    R"({"columns": {"y": {"impute": "knn"}, "a": {"impute": "regression"}}, "encode": "target", "sample_rows": 400})";

TEST(Featurizer, MergedSummariesGiveTheModelOfOnePass) {
    const Planted p = mixed_rows();
    TrainContext ctx;
    auto whole = fit_featurizer(summarize(p.table, kMixedOptions, true), ctx);
    FeatureStats first = summarize(p.table, kMixedOptions, true, 0, 250);
    FeatureStats second = summarize(p.table, kMixedOptions, true, 250);
    // The second half travels as bytes, as a parallel worker's does.
    ByteWriter count;
    second.write(count);
    std::vector<unsigned char> bytes(count.size());
    ByteWriter w(bytes.data(), bytes.size());
    second.write(w);
    ByteReader r(bytes.data(), bytes.size());
    first.merge(FeatureStats::read(r, featurizer_options(kMixedOptions)));
    auto merged = fit_featurizer(first, ctx);
    ASSERT_EQ(merged->feature_names(), whole->feature_names());
    for (const auto& row : p.table.rows)
        for (bool training : {false, true}) {
            auto a = features(*whole, row, training), b = features(*merged, row, training);
            for (std::size_t j = 0; j < a.size(); ++j) ASSERT_NEAR(a[j], b[j], 1e-9) << whole->feature_names()[j];
        }
}

TEST(Featurizer, ASavedFeaturizerTransformsAlike) {
    const Planted p = mixed_rows();
    auto m = fit(p.table, kMixedOptions, true);
    const auto bytes = test::to_bytes(*m);
    auto loaded = load_model(bytes.data(), bytes.size());
    const auto& back = model_as<FeaturizerModel>(*loaded);
    EXPECT_EQ(back.feature_names(), m->feature_names());
    EXPECT_EQ(back.metadata_json(), m->metadata_json());
    for (const auto& row : p.table.rows) {
        EXPECT_EQ(features(back, row), features(*m, row));
        EXPECT_EQ(features(back, row, true), features(*m, row, true));
    }
    // Every byte flipped is caught (checksum) or read as a valid model, never a crash.
    auto corrupt = bytes;
    corrupt[corrupt.size() / 2] ^= 0x40;
    EXPECT_THROW(load_model(corrupt.data(), corrupt.size()), Error);
}

}  // namespace
}  // namespace recsys
