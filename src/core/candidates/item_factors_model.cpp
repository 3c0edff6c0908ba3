// item_factors as a model kind: options, columns, payload and metadata of
// item_factors_fit(factors float8[], features float8[] [, options]).
//
// Payload layout, version 1 (little-endian):
//   u32 payload version, u64 features, u64 outputs,
//   f64[] weights (features x outputs, column-major), f64[] intercept (outputs),
//   f64 training R², string options (JSON), common training summary (model.h)
#include <cmath>

#include "../base/checked.h"
#include "item_factors.h"

namespace recsys {

namespace {

constexpr std::uint32_t kPayloadVersion = 1;
constexpr std::size_t kMaxCount = std::size_t(1) << 32;

std::unique_ptr<Model> fit(const TrainingRows& rows, const Options& options, TrainContext& ctx) {
    const ColumnView& factors = rows.column("factors");
    const ColumnView& features = rows.column("features");
    return std::make_unique<ItemFactorsModel>(fit_item_factors(factors.arrays(), factors.width, features.arrays(),
                                                               features.width, rows.count, options, ctx,
                                                               collected_summary(rows)));
}

// The target: an item's factors in the factor model (recsys.item_factors).
ColumnSpec factors_column() {
    ColumnSpec c{"factors", ColumnType::Float64Array};
    c.on_null = NullRule::SkipRow;  // an item without factors has nothing to teach
    c.hint = "pass the item's factors from recsys.item_factors(model)";
    return c;
}

}  // namespace

const OptionSchema& item_factors_option_schema() {
    static const OptionSchema schema = {
        "item_factors_fit",
        {
            number_option("l2", 0.01, 0, 1e12,
                          "ridge penalty (l2 / 2) |W|^2 on (1/2n) |Y - b - X W|^2, as linreg's (Ridge(alpha) is "
                          "l2 = alpha / n); 0: least squares of least norm"),
        },
        nullptr,
    };
    return schema;
}

const ModelKind& item_factors_kind() {
    static const ModelKind kind{{ItemFactorsModel::kKind,
                                 "item_factors_fit",
                                 &item_factors_option_schema(),
                                 {factors_column(), features_column()}},
                                fit,
                                read_model_as<ItemFactorsModel>};
    return kind;
}

void ItemFactorsModel::predict(const double* x, float* out) const {
    const Eigen::VectorXd y =
        intercept + weights.transpose() * Eigen::Map<const Eigen::VectorXd>(x, weights.rows());
    if (!y.allFinite()) fail_score_overflow(kKind);
    for (Eigen::Index j = 0; j < y.size(); ++j) {
        out[j] = static_cast<float>(y[j]);
        if (!std::isfinite(out[j])) fail_score_overflow(kKind);  // finite in double, not in float
    }
}

std::string ItemFactorsModel::metadata_json() const {
    JsonWriter dimensions;
    dimensions.begin_object();
    dimensions.key("features");
    dimensions.integer(static_cast<long long>(feature_count()));
    dimensions.key("factors");
    dimensions.integer(static_cast<long long>(outputs()));
    dimensions.end_object();
    std::string training = training_summary_json(summary);
    JsonWriter statistics;
    statistics.begin_object();
    statistics.key("r_squared");
    statistics.number(summary.r_squared);
    statistics.end_object();
    return model_metadata_json(options.to_json(), dimensions.str(), training, statistics.str());
}

void ItemFactorsModel::write_payload(ByteWriter& w) const {
    w.pod<std::uint32_t>(kPayloadVersion);
    w.pod<std::uint64_t>(feature_count());
    w.pod<std::uint64_t>(outputs());
    w.array(weights.data(), static_cast<std::size_t>(weights.size()));
    w.array(intercept.data(), outputs());
    w.pod<double>(summary.r_squared);
    write_options(w, options);
    write_training_summary(w, summary);
}

ItemFactorsModel ItemFactorsModel::read(const Envelope& env) {
    ByteReader r(env.payload, env.payload_size);
    read_payload_version(r, kKind, kPayloadVersion);
    ItemFactorsModel m;
    const auto p = r.pod<std::uint64_t>("features");
    const auto k = r.pod<std::uint64_t>("outputs");
    auto check = [](bool ok, const char* what) {
        if (!ok) fail(ErrorKind::Corrupted, std::string("model is inconsistent: ") + what);
    };
    // The fit's own bounds: at least one feature and one output, at most 2^16 and 1024.
    check(p >= 1 && p <= (std::uint64_t(1) << 16) && k >= 1 && k <= 1024, "features or outputs out of range");
    std::vector<double> values;
    r.array<double>(values, kMaxCount, "weights");
    check(values.size() == checked_mul(p, k, "item_factors weights"), "weight count");
    m.weights = Eigen::Map<Eigen::MatrixXd>(values.data(), static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(k));
    r.array<double>(values, kMaxCount, "intercept");
    check(values.size() == k, "intercept count");
    m.intercept = Eigen::Map<Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(k));
    check(m.weights.allFinite() && m.intercept.allFinite(), "non-finite weights");
    m.summary.r_squared = r.pod<double>("r squared");
    check(std::isfinite(m.summary.r_squared) && m.summary.r_squared <= 1, "r squared");
    m.options = read_options(r, item_factors_option_schema());
    const double r_squared = m.summary.r_squared;
    static_cast<TrainingSummary&>(m.summary) = read_training_summary(r);
    m.summary.r_squared = r_squared;
    check(r.remaining() == 0, "trailing bytes after the payload");
    return m;
}

}  // namespace recsys
