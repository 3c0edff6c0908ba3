// Factors for items no one has interacted with yet (a video uploaded an hour
// ago): a multi-output ridge regression from an item's features (category,
// channel, duration, tags, through the featurizer) to its factors in a
// factor model (ALS), trained on the items that have factors:
//
//   minimize (1/2n) |Y - 1 b' - X W|^2 + (l2 / 2) |W|^2      (b unpenalized)
//
// X: n x p features, Y: n x k target factors, W: p x k, b: k. The same
// scaling of l2 as linreg's (scikit-learn's Ridge(alpha) is l2 = alpha / n),
// so one l2 means the same in both. The solution is closed form: with the
// centered Xc, Yc, (Xc'Xc / n + l2 I) W = Xc'Yc / n and b = mean(Y) - W' mean(X).
//
// recsys.item_factors_fit(factors float8[], features float8[] [, options])
// trains it; recsys.add_items (fresh_items.h) places new items with it.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "../model/model.h"
#include "../model/model_format.h"
#include "../model/model_kind.h"

namespace recsys {

const OptionSchema& item_factors_option_schema();
const ModelKind& item_factors_kind();

// What the fit tells of how well features explain the factors.
struct ItemFactorsSummary : TrainingSummary {
    double r_squared = 0;  // 1 - SSE / SST over all outputs, on the training items
};

class ItemFactorsModel : public Model {
public:
    static constexpr const char* kKind = "item_factors";
    const char* kind() const override { return kKind; }

    Options options;
    Eigen::MatrixXd weights;    // features x outputs
    Eigen::VectorXd intercept;  // one per output
    ItemFactorsSummary summary;

    std::size_t feature_count() const { return static_cast<std::size_t>(weights.rows()); }
    std::size_t outputs() const { return static_cast<std::size_t>(weights.cols()); }

    // The factors of an item of features x (feature_count() finite values)
    // into out (outputs() floats); a DataException when one is not finite.
    void predict(const double* x, float* out) const;

    std::size_t memory_bytes() const override {
        return sizeof(*this) + (feature_count() + 1) * outputs() * sizeof(double);
    }
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static ItemFactorsModel read(const Envelope& envelope);
};

// Fits on n rows of targets y (n x k, row-major) and features x (n x p,
// row-major), n >= 1. The model and the solve's buffers are reserved in
// ctx.budget first.
ItemFactorsModel fit_item_factors(const double* y, std::size_t k, const double* x, std::size_t p, std::size_t n,
                                  const Options& options, TrainContext& ctx, TrainingSummary training);

}  // namespace recsys
