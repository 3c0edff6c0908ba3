// Finite inputs far beyond the training rows' range give an answer or an
// error naming the problem, never NaN: an MLP falls back to double when a
// value leaves float's range, logistic and linear regression refuse a
// prediction that overflows, a featurizer refuses a feature it cannot
// compute, and A/B weights whose sum overflows say so.
#include <cfloat>
#include <cmath>

#include "experiments/ab_test.h"
#include "expect_failure.h"
#include "features/featurizer_internal.h"
#include "golden_models.h"

namespace recsys {
namespace {

using namespace recsys::test;

template <class M>
const M& fixture_model(const char* name, std::shared_ptr<const Model>& keep) {
    const Bytes b = read_fixture(name);
    keep = load_model(b.data(), b.size());
    return model_as<M>(*keep);
}

const std::vector<std::vector<double>> kHuge = {
    {1e300, 1e300, 1e300}, {-1e300, 1e300, -1e300}, {DBL_MAX, -DBL_MAX, DBL_MAX}, {1e39, -1e39, 3e38}};

TEST(NeverNaN, MlpGivesAProbabilityForHugeFiniteFeatures) {
    std::shared_ptr<const Model> keep;
    const auto& m = fixture_model<MlpModel>("mlp_v1.model", keep);
    // Float overflows here (inf - inf in the first layer): the double pass answers.
    for (std::size_t i : {0, 1, 3}) {
        const double p = m.predict(kHuge[i].data());
        EXPECT_TRUE(p >= 0 && p <= 1) << "row " << i << ": " << p;
    }
    // Past double's range too: a probability, or refused.
    try {
        const double p = m.predict(kHuge[2].data());
        EXPECT_TRUE(p >= 0 && p <= 1) << p;
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::DataException) << e.what();
    }
}

TEST(NeverNaN, LinearModelsRefuseAPredictionThatOverflows) {
    std::shared_ptr<const Model> keep_logreg, keep_linreg;
    const auto& logreg = fixture_model<LogregModel>("logreg_v1.model", keep_logreg);
    const auto& linreg = fixture_model<LinregModel>("linreg_v1.model", keep_linreg);
    for (const auto& x : kHuge) {
        try {
            const double p = logreg.predict(x.data());
            EXPECT_TRUE(p >= 0 && p <= 1) << p;  // an infinite decision is 0 or 1
        } catch (const Error& e) {
            expect_error(e, ErrorKind::DataException,
                         "the features are too large for this logreg model: its prediction overflows",
                         "features far beyond the range of the training rows overflow the arithmetic: clip or "
                         "rescale them");
        }
    }
    expect_failure(ErrorKind::DataException, "too large for this linreg model",
                   [&] { linreg.predict(kHuge[2].data()); });
}

TEST(NeverNaN, AbWeightsWhoseSumOverflowsSaySo) {
    const double weights[] = {1e308, 1e308};
    expect_failure(ErrorKind::InvalidParameter, "weights must sum to a finite number",
                   [&] { check_ab_weights(weights, 2); });
    const double zeros[] = {0, 0};
    expect_failure(ErrorKind::InvalidParameter, "weights must not all be 0", [&] { check_ab_weights(zeros, 2); });
}

// A numeric column whose few values all missed the bounded training sample
// has no sample median: its mean stands in, so a row missing it gets a finite
// feature wherever the rare row fell (a sample of 100 of 300 rows misses it
// in most of these fits; before, those left a NaN median).
TEST(NeverNaN, FeaturizerFillsARareColumnMissedBySampleWithItsMean) {
    for (int rare_row = 0; rare_row < 300; ++rare_row) {
        FeatureStats stats(parse_options(R"({"sample_rows": 100, "columns": {"rare": {"impute": "median"}}})",
                                         featurizer_option_schema()),
                           false);
        for (int i = 0; i < 300; ++i) {
            std::vector<RawField> row = {{"x", RawValue::of(i)}};
            if (i == rare_row) row.push_back({"rare", RawValue::of(5)});
            stats.add(row.data(), row.size(), NAN);
        }
        TrainContext ctx = quiet_context();
        const Bytes b = to_bytes(*fit_featurizer(stats, ctx));
        const auto kept = load_model(b.data(), b.size());
        const auto& f = model_as<FeaturizerModel>(*kept);
        EXPECT_EQ(f.impl().columns[0].median, 5) << "rare row " << rare_row;
        EXPECT_EQ(f.impl().columns[0].fill, 5) << "rare row " << rare_row;
        std::vector<double> out(f.feature_count());
        const std::vector<RawValue> values = {RawValue::missing(), RawValue::of(1)};  // rare, x
        f.transform(values.data(), out.data());
        for (double v : out) EXPECT_TRUE(std::isfinite(v)) << "rare row " << rare_row;
    }
}

}  // namespace
}  // namespace recsys
