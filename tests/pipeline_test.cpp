// A pipeline (featurizer + estimator): predictions from raw rows equal the
// estimator's on the transformed row, it reads back alike from its bytes,
// its coefficients are named by the featurizer's features, and a mismatched
// estimator is refused.
#include <deque>

#include "linear/logreg.h"
#include "model/pipeline.h"
#include "test_support.h"

namespace recsys {
namespace {

using test::contains;
using test::error_from;

// Listings: sqft (a hole in every 7th row), a city of three levels, a flag.
struct Listings {
    std::deque<std::string> cities{"north", "south", "east"};
    std::vector<std::vector<RawField>> rows;
    std::vector<double> sqft;
};

Listings listings(std::size_t n) {
    Listings l;
    std::mt19937 rng(5);
    std::normal_distribution<double> normal(1500, 400);
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<RawField> row;
        const double sqft = normal(rng);
        l.sqft.push_back(sqft);
        if (i % 7 != 0) row.push_back({"sqft", RawValue::of(sqft)});
        row.push_back({"city", RawValue::of_text(l.cities[i % 3])});
        row.push_back({"garage", RawValue::of_bool(i % 2 == 0)});
        l.rows.push_back(std::move(row));
    }
    return l;
}

std::shared_ptr<const FeaturizerModel> featurizer_of(const Listings& l) {
    FeatureStats stats(parse_options("{}", featurizer_option_schema()), false);
    for (const auto& row : l.rows) stats.add(row.data(), row.size(), NAN);
    TrainContext ctx;
    return fit_featurizer(stats, ctx);
}

std::vector<RawValue> values_of(const FeaturizerModel& m, const std::vector<RawField>& row) {
    std::vector<RawValue> values(m.column_count());
    for (std::size_t c = 0; c < m.column_count(); ++c)
        for (const RawField& f : row)
            if (f.name == m.column_name(c)) values[c] = f.value;
    return values;
}

// A logistic regression of "large" (sqft > 1500) on the featurizer's
// features, with `extra` constant features appended.
std::shared_ptr<const FeatureModel> estimator_of(const Listings& l, const FeaturizerModel& f, std::size_t extra = 0) {
    const std::size_t p = f.feature_count() + extra;
    std::vector<char> y;
    std::vector<double> x(l.rows.size() * p, 1.0);
    for (std::size_t i = 0; i < l.rows.size(); ++i) {
        f.transform(values_of(f, l.rows[i]).data(), &x[i * p], true);
        y.push_back(l.sqft[i] > 1500);
    }
    TrainingRows rows;
    rows.count = l.rows.size();
    rows.columns = {{"label", ColumnType::Bool, y.data(), 1}, {"features", ColumnType::Float64Array, x.data(), p}};
    TrainContext ctx;
    std::shared_ptr<Model> model = logreg_kind().fit(rows, parse_options("{}", logreg_option_schema()), ctx);
    return std::dynamic_pointer_cast<const FeatureModel>(model);
}

TEST(Pipeline, PredictsFromRawRowsAsTheEstimatorOnTheirFeatures) {
    const Listings l = listings(400);
    auto f = featurizer_of(l);
    auto e = estimator_of(l, *f);
    const PipelineModel pipeline(f, e);
    std::vector<double> scratch(f->feature_count()), x(f->feature_count());
    for (const auto& row : l.rows) {
        const auto values = values_of(*f, row);
        f->transform(values.data(), x.data());
        EXPECT_EQ(pipeline.predict(values.data(), scratch.data()), e->predict(x.data()));
    }
    // A larger listing is more likely large.
    std::vector<RawField> small{{"sqft", RawValue::of(900)}}, large{{"sqft", RawValue::of(2200)}};
    EXPECT_LT(pipeline.predict(values_of(*f, small).data(), scratch.data()),
              pipeline.predict(values_of(*f, large).data(), scratch.data()));
}

TEST(Pipeline, ReadsBackFromItsBytes) {
    const Listings l = listings(300);
    auto f = featurizer_of(l);
    const PipelineModel pipeline(f, estimator_of(l, *f));
    const auto bytes = test::to_bytes(pipeline);
    auto loaded = load_model(bytes.data(), bytes.size());
    const auto& back = model_as<PipelineModel>(*loaded);
    EXPECT_EQ(back.featurizer().feature_names(), f->feature_names());
    EXPECT_EQ(back.metadata_json(), pipeline.metadata_json());
    std::vector<double> scratch(f->feature_count());
    for (const auto& row : l.rows) {
        const auto values = values_of(*f, row);
        EXPECT_EQ(back.predict(values.data(), scratch.data()), pipeline.predict(values.data(), scratch.data()));
    }
}

TEST(Pipeline, NamesTheEstimatorsCoefficientsByFeature) {
    const Listings l = listings(300);
    auto f = featurizer_of(l);
    const PipelineModel pipeline(f, estimator_of(l, *f));
    const auto terms = model_coefficients(pipeline);
    std::vector<std::string> names;
    for (const auto& t : terms) names.push_back(t.name);
    std::vector<std::string> expected{"intercept"};
    expected.insert(expected.end(), f->feature_names().begin(), f->feature_names().end());
    EXPECT_EQ(names, expected);
    Error e = error_from([&] { model_coefficients(*f); }, "a featurizer has no coefficients");
    EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
}

TEST(Pipeline, RefusesAnEstimatorOfAnotherFeatureCount) {
    const Listings l = listings(200);
    auto f = featurizer_of(l);
    auto e = estimator_of(l, *f, 1);
    Error err = error_from([&] { PipelineModel(f, e); }, "a mismatched estimator");
    EXPECT_EQ(err.kind(), ErrorKind::InvalidParameter);
    EXPECT_TRUE(contains(err.what(), std::to_string(f->feature_count()))) << err.what();
    EXPECT_TRUE(contains(err.what(), std::to_string(f->feature_count() + 1))) << err.what();
}

}  // namespace
}  // namespace recsys
