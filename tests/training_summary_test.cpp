// The contract between a kind and the shared aggregate: columns read by name
// and declared type; the summaries (featurizer, ab_compare, linreg) added
// to, merged, written and read back through their SummaryKind as the host
// does; and memory claimed before it is allocated: a summary reserves its
// growth in the budget (and counts at least what it holds), a fit reserves
// the model it builds.
#include <deque>
#include <string>
#include <vector>

#include "experiments/ab_test.h"
#include "features/featurizer_internal.h"
#include "statistics/statistic_kind.h"
#include "test_support.h"

namespace recsys {
namespace {

using test::error_from;

constexpr std::size_t kMB = std::size_t(1) << 20;

// ---------------------------------------------------------------- the column contract

TEST(ColumnContract, ColumnsAreFoundByNameAndReadAsTheirType) {
    const std::int64_t ids[] = {1, 2};
    const double scores[] = {0.5, 0.25};
    TrainingRows rows;
    rows.count = 2;
    rows.columns = {{"user_id", ColumnType::Int64, ids, 1}, {"score", ColumnType::Float64, scores, 1}};
    EXPECT_EQ(rows.column("score").float64s()[1], 0.25);
    EXPECT_EQ(rows.column("user_id").int64s()[0], 1);
    EXPECT_EQ(rows.find("label"), nullptr);
    const Error missing = error_from([&] { rows.column("label"); }, "an undeclared column must not be read");
    EXPECT_EQ(missing.kind(), ErrorKind::Internal);
    EXPECT_NE(std::string(missing.what()).find("\"label\""), std::string::npos) << missing.what();
    const Error wrong = error_from([&] { rows.column("user_id").float64s(); }, "a bigint column read as float8");
    EXPECT_EQ(wrong.kind(), ErrorKind::Internal);
    EXPECT_STREQ(wrong.what(), "column \"user_id\" is bigint, read as float8");
    EXPECT_EQ(error_from([&] { rows.summary_as<RowSummary>(); }, "no summary").kind(), ErrorKind::Internal);
}

TEST(ColumnContract, EveryKindsFitReadsOnlyTheColumnsItDeclares) {
    // A statistic over rows named as its kind declares them reads them; a
    // column renamed in the rows is an Internal error, not a wrong read.
    const StatisticKind& auc = statistic_kind("auc");
    const double scores[] = {0.1, 0.9, 0.4};
    const bool labels[] = {false, true, true};
    TrainingRows rows;
    rows.count = 3;
    for (const ColumnSpec& spec : auc.aggregate.columns)
        rows.columns.push_back({spec.name, spec.type, spec.type == ColumnType::Bool ? static_cast<const void*>(labels)
                                                                                      : static_cast<const void*>(scores),
                                1});
    EXPECT_DOUBLE_EQ(auc.number(rows, Options()), 1.0);
    rows.columns[0].name = "p";
    EXPECT_EQ(error_from([&] { auc.number(rows, Options()); }, "a column of another name").kind(),
              ErrorKind::Internal);
}

// ---------------------------------------------------------------- rows of raw fields

struct Table {
    std::deque<std::string> strings;
    std::vector<std::vector<RawField>> rows;

    std::string_view keep(const std::string& s) {
        strings.push_back(s);
        return strings.back();
    }
};

// `rows` rows of `keys` numeric keys each (k0 .. k<keys-1>), values varying by row.
Table wide_rows(std::size_t rows, std::size_t keys) {
    Table t;
    std::vector<std::string_view> names;
    for (std::size_t k = 0; k < keys; ++k) names.push_back(t.keep("k" + std::to_string(k)));
    for (std::size_t r = 0; r < rows; ++r) {
        t.rows.emplace_back();
        for (std::size_t k = 0; k < keys; ++k) t.rows.back().push_back({names[k], RawValue::of(double(r * 7 + k))});
    }
    return t;
}

// The bytes a summary holds, by its containers' capacities (what
// memory_bytes() must cover).
std::size_t held_bytes(const FeatureStats::Impl& s) {
    std::size_t bytes = sizeof s + s.sample.capacity() * sizeof(SampleRow) + s.field_columns.capacity() * 4;
    for (const SampleRow& row : s.sample) bytes += row.values.capacity() * sizeof(SampleValue);
    for (const FeatureStatsColumn& c : s.columns) {
        const CategoryTally& t = c.categories;
        bytes += sizeof c + c.name.size() + t.keys.memory_bytes() + t.levels.capacity() * sizeof(LevelTally) +
                 t.fold_count.capacity() * 8 + t.fold_sum.capacity() * 8;
    }
    return bytes;
}

// ---------------------------------------------------------------- featurizer

TEST(FeaturizerSummary, CountsAtLeastWhatItHolds) {
    Table t = wide_rows(300, 40);
    // Categories too, enough to be pruned.
    for (std::size_t r = 0; r < t.rows.size(); ++r)
        t.rows[r].push_back({t.keep("city"), RawValue::of_text(t.keep("c" + std::to_string(r % 250)))});
    FeatureStats stats(parse_options(R"({"max_levels": 100, "sample_rows": 100})", featurizer_option_schema()), true);
    MemoryBudget unlimited;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        stats.add(t.rows[r].data(), t.rows[r].size(), double(r % 3), unlimited);
        ASSERT_GE(stats.memory_bytes(), held_bytes(stats.impl())) << "row " << r;
    }
}

TEST(FeaturizerSummary, WideRowsStopAtTheBudgetBeforeTheyGrowPastIt) {
    // 10,000 keys a row: each sampled row holds 160 kB.
    const Table t = wide_rows(250, 10000);
    FeatureStats stats(parse_options("{}", featurizer_option_schema()), false);
    MemoryBudget budget(32 * kMB);
    const Error e = error_from(
        [&] {
            for (const auto& row : t.rows) stats.add(row.data(), row.size(), NAN, budget);
        },
        "250 rows of 10,000 keys must not fit in 32 MB");
    EXPECT_EQ(e.kind(), ErrorKind::OutOfMemory);
    EXPECT_NE(std::string(e.what()).find("featurizer_fit sample rows needs"), std::string::npos) << e.what();
    EXPECT_LE(stats.memory_bytes(), 32 * kMB);
    EXPECT_LE(held_bytes(stats.impl()), 32 * kMB);
}

TEST(FeaturizerSummary, FitClaimsTheHashedModelBeforeBuildingIt) {
    // 40 string columns hashed to 2^20 buckets each: 42 million feature names.
    Table t;
    t.rows.emplace_back();
    for (int c = 0; c < 40; ++c)
        t.rows.back().push_back({t.keep("c" + std::to_string(c)), RawValue::of_text(t.keep("v" + std::to_string(c)))});
    FeatureStats stats(parse_options(R"({"encode": "hash", "buckets": 1048576})", featurizer_option_schema()), false);
    stats.add(t.rows[0].data(), t.rows[0].size(), NAN);
    MemoryBudget budget(64 * kMB);
    TrainContext ctx;
    ctx.budget = &budget;
    const Error e = error_from([&] { fit_featurizer(stats, ctx); }, "a model of 42 million names must not fit in 64 MB");
    EXPECT_EQ(e.kind(), ErrorKind::OutOfMemory);
    EXPECT_NE(std::string(e.what()).find("featurizer_fit feature names"), std::string::npos) << e.what();
    // With 8 buckets it fits, and the budget counted its names.
    FeatureStats small(parse_options(R"({"encode": "hash", "buckets": 8})", featurizer_option_schema()), false);
    small.add(t.rows[0].data(), t.rows[0].size(), NAN);
    MemoryBudget roomy(64 * kMB);
    ctx.budget = &roomy;
    EXPECT_EQ(fit_featurizer(small, ctx)->feature_count(), 320u);
}

// The host's view of rows of one jsonb column (and a target).
TrainingRows object_rows(const std::vector<FieldsView>& objects, const std::vector<double>* targets) {
    TrainingRows rows;
    rows.count = objects.size();
    rows.columns.push_back({"row", ColumnType::JsonObject, objects.data(), 1});
    if (targets) rows.columns.push_back({"target", ColumnType::Float64, targets->data(), 1});
    return rows;
}

TEST(FeaturizerSummary, ThroughItsKindAsTheHostUsesIt) {
    const Table t = wide_rows(60, 5);
    std::vector<FieldsView> objects;
    std::vector<double> targets;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        objects.push_back({t.rows[r].data(), t.rows[r].size()});
        targets.push_back(double(r % 2));
    }
    const AggregateKind& kind = featurizer_kind().aggregate;
    ASSERT_NE(kind.summary, nullptr);
    const Options options = parse_options("{}", *kind.options);
    MemoryBudget unlimited;
    // Two workers' halves, the second handed over as bytes, merged.
    auto first = kind.summary->create(object_rows({}, &targets), options, unlimited);
    auto second = kind.summary->create(object_rows({}, &targets), options, unlimited);
    const std::vector<FieldsView> a(objects.begin(), objects.begin() + 25), b(objects.begin() + 25, objects.end());
    const std::vector<double> ta(targets.begin(), targets.begin() + 25), tb(targets.begin() + 25, targets.end());
    first->add(object_rows(a, &ta), unlimited);
    second->add(object_rows(b, &tb), unlimited);
    ByteWriter counter;
    second->write(counter);
    std::vector<unsigned char> bytes(counter.size());
    ByteWriter w(bytes.data(), bytes.size());
    second->write(w);
    ByteReader r(bytes.data(), bytes.size());
    auto read = kind.summary->read(r, object_rows({}, &targets), options, unlimited);
    EXPECT_EQ(r.remaining(), 0u);
    first->merge(*read, unlimited);
    TrainingRows rows = object_rows({}, &targets);
    rows.summary = first.get();
    TrainContext ctx;
    auto model = featurizer_kind().fit(rows, options, ctx);
    EXPECT_EQ(model->metadata_json().find("\"rows\":60") != std::string::npos, true) << model->metadata_json();
    // A summary with a target does not read as one without.
    ByteReader again(bytes.data(), bytes.size());
    EXPECT_EQ(error_from([&] { kind.summary->read(again, object_rows({}, nullptr), options, unlimited); },
                         "a target summary read as one without")
                  .kind(),
              ErrorKind::Corrupted);
}

// ---------------------------------------------------------------- ab_compare

TrainingRows named_rows(const std::vector<std::string_view>& names, const std::vector<char>& clicks) {
    TrainingRows rows;
    rows.count = names.size();
    rows.columns.push_back({"variant", ColumnType::Text, names.data(), 1});
    rows.columns.push_back({"value", ColumnType::Bool, clicks.data(), 1});
    return rows;
}

TEST(AbSummary, NamedVariantsAddMergeAndTravelAsBytes) {
    const StatisticKind& ab = statistic_kind("ab_compare");
    const AggregateKind& kind = ab.aggregate;
    const Options options = parse_options(R"({"control": "a"})", *kind.options);
    MemoryBudget unlimited;
    const std::vector<std::string_view> names = {"a", "b", "a", "b", "b"};
    const std::vector<char> clicks = {0, 1, 1, 1, 0};
    auto one = kind.summary->create(named_rows({}, {}), options, unlimited);
    auto two = kind.summary->create(named_rows({}, {}), options, unlimited);
    one->add(named_rows({names.begin(), names.begin() + 2}, {clicks.begin(), clicks.begin() + 2}), unlimited);
    two->add(named_rows({names.begin() + 2, names.end()}, {clicks.begin() + 2, clicks.end()}), unlimited);
    ByteWriter counter;
    two->write(counter);
    std::vector<unsigned char> bytes(counter.size());
    ByteWriter w(bytes.data(), bytes.size());
    two->write(w);
    ByteReader r(bytes.data(), bytes.size());
    auto read = kind.summary->read(r, named_rows({}, {}), options, unlimited);
    one->merge(*read, unlimited);
    TrainingRows rows = named_rows({}, {});
    rows.summary = one.get();
    const std::string report = ab.json(rows, options);
    EXPECT_NE(report.find(R"("variant":"a","control":true,"n":2,"successes":1)"), std::string::npos) << report;
    EXPECT_NE(report.find(R"("variant":"b","control":false,"n":3,"successes":2)"), std::string::npos) << report;
    // Cut bytes are Corrupted.
    ByteReader cut(bytes.data(), bytes.size() - 3);
    EXPECT_EQ(error_from([&] { kind.summary->read(cut, named_rows({}, {}), options, unlimited); }, "cut bytes").kind(),
              ErrorKind::Corrupted);
}

TEST(AbSummary, VariantsAreClaimedAndBounded) {
    const AggregateKind& kind = statistic_kind("ab_compare").aggregate;
    const Options options = parse_options("{}", *kind.options);
    std::deque<std::string> texts;
    std::vector<std::string_view> names;
    for (int i = 0; i < 1001; ++i) names.push_back(texts.emplace_back(std::string(40, 'x') + std::to_string(i)));
    const std::vector<char> clicks(names.size(), 1);
    MemoryBudget small(4096);
    auto summary = kind.summary->create(named_rows({}, {}), options, small);
    EXPECT_EQ(error_from([&] { summary->add(named_rows(names, clicks), small); }, "4 kB for 1001 names").kind(),
              ErrorKind::OutOfMemory);
    EXPECT_LE(summary->memory_bytes(), 4096u);
    MemoryBudget roomy(64 * kMB);
    auto bounded = kind.summary->create(named_rows({}, {}), options, roomy);
    const Error e = error_from([&] { bounded->add(named_rows(names, clicks), roomy); }, "1001 variants");
    EXPECT_STREQ(e.what(), "ab_compare compares at most 1000 variants");
}

}  // namespace
}  // namespace recsys
