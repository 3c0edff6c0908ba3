// What transform and impute rely on, checked once when a featurizer model is
// read: the bytes may have been edited and their checksum recomputed (the
// CRC is no authentication), so every column must describe something the
// code can run, or the model is refused (XX001) naming the column and what
// is wrong with it. After this, transform indexes and divides without checks.
//
// Per column kind (as fit_featurizer makes them):
//   numeric      values are numbers; imputer mean, median, mode, constant,
//                knn (1 to 1000 neighbors) or regression (one finite ridge
//                weight per numeric predictor); a numeric slot of its own
//   boolean      values are booleans; imputer mean, median, mode or constant;
//                no slot, no ridge weights
//   categorical  values are strings, numbers (ids) or booleans; imputer none,
//                mode or constant (a fill level exactly when it imputes); an
//                encoder whose per-level values have L + 2 entries (ordinal,
//                frequency, target; target also (L + 2) x folds out-of-fold
//                ones) or none (onehot, hash of 1 to 2^20 buckets, none)
//   empty, ignored  no features
// and every number transform computes with is finite (a divisor also not
// 0), but for a fill value or a center that training could not learn: a
// numeric column whose values all missed the training sample has NaN for its
// median (featurizer_fit), which transform refuses for the rows that need it.
#include <cmath>

#include "../base/checked.h"
#include "featurizer_internal.h"

namespace recsys {

namespace {

using Type = RawValue::Type;

[[noreturn]] void refuse(const FeatureColumn& c, const std::string& problem) {
    fail(ErrorKind::Corrupted,
         "featurizer model has column \"" + c.name + "\" (" + column_kind_name(c.kind) + ") " + problem);
}

void require(const FeatureColumn& c, bool ok, const std::string& problem) {
    if (!ok) refuse(c, problem);
}

bool finite(const std::vector<double>& v) {
    for (double x : v)
        if (!std::isfinite(x)) return false;
    return true;
}

bool one_of(Imputer i, std::initializer_list<Imputer> allowed) {
    for (Imputer a : allowed)
        if (i == a) return true;
    return false;
}

std::string imputed_by(const FeatureColumn& c) { return std::string("imputed by ") + imputer_name(c.impute); }

// What a numeric or boolean column computes with: (x - center) / divide.
bool finite_or_nan(double x) { return std::isfinite(x) || std::isnan(x); }

void check_scaling(const FeatureColumn& c) {
    require(c, finite_or_nan(c.center) && std::isfinite(c.divide) && c.divide != 0,
            "with an infinite or zero scaling");
    require(c, c.features == 1u + c.indicator, "with a feature count that is not its value and indicator");
}

void check_numeric(const FeatureColumn& c, std::size_t predictors) {
    require(c, c.value_type == Type::Number, "whose values are not numbers");
    require(c, c.impute != Imputer::None, "without an imputer");
    require(c, c.numeric_slot >= 0 && static_cast<std::size_t>(c.numeric_slot) < predictors,
            "with numeric slot " + std::to_string(c.numeric_slot) + " of " + std::to_string(predictors));
    require(c, std::isfinite(c.mean) && std::isfinite(c.std) && c.std >= 0, "with a non-finite mean or deviation");
    require(c, finite_or_nan(c.fill), "with an infinite fill value");
    require(c, c.neighbors >= 1 && c.neighbors <= 1000, "with " + std::to_string(c.neighbors) + " neighbors");
    const std::size_t weights = c.impute == Imputer::Regression ? predictors : 0;
    require(c, static_cast<std::size_t>(c.ridge.size()) == weights,
            imputed_by(c) + " with " + std::to_string(c.ridge.size()) + " ridge weights for " +
                std::to_string(weights) + " predictors");
    require(c, c.ridge.allFinite() && std::isfinite(c.ridge_intercept), "with non-finite ridge weights");
    check_scaling(c);
}

void check_boolean(const FeatureColumn& c) {
    require(c, c.value_type == Type::Boolean, "whose values are not booleans");
    require(c, one_of(c.impute, {Imputer::Mean, Imputer::Median, Imputer::Mode, Imputer::Constant}),
            imputed_by(c) + ", which needs a numeric column");
    require(c, std::isfinite(c.fill), "with a non-finite fill value");
    check_scaling(c);
}

void check_categorical(const FeatureColumn& c, int folds, bool has_target) {
    require(c, c.value_type == Type::Text || c.value_type == Type::Number || c.value_type == Type::Boolean,
            "whose values are neither strings, numbers nor booleans");
    require(c, c.number_levels == (c.value_type == Type::Number), "whose levels disagree with its values' type");
    require(c, one_of(c.impute, {Imputer::None, Imputer::Mode, Imputer::Constant}),
            imputed_by(c) + ", which needs a numeric column");
    require(c, c.impute != Imputer::None || c.fill_level.empty(), "with a fill level but no imputer");
    require(c, !c.number_levels || c.fill_level.empty() || std::isfinite(c.fill), "with a non-finite fill value");
    const std::size_t L = c.levels.size();
    std::size_t values = 0, fold_values = 0, features = 1;
    switch (c.encode) {
        case Encoder::Onehot: features = L + c.has_other + c.has_missing; break;
        case Encoder::Hash:
            require(c, c.buckets >= 1 && c.buckets <= (1 << 20), "with " + std::to_string(c.buckets) + " buckets");
            features = static_cast<std::size_t>(c.buckets);
            break;
        case Encoder::Target:
            require(c, has_target, "target-encoded in a featurizer without a target");
            fold_values = checked_mul(L + 2, static_cast<std::size_t>(folds), "target encoding");
            [[fallthrough]];
        case Encoder::Ordinal:
        case Encoder::Frequency: values = L + 2; break;
        case Encoder::None: features = 0; break;
        default: refuse(c, std::string("with encoder ") + encoder_name(c.encode));
    }
    require(c, c.value.size() == values && c.fold_value.size() == fold_values,
            std::string("with ") + std::to_string(c.value.size()) + " level values for " + std::to_string(L) +
                " levels (" + encoder_name(c.encode) + " encoding)");
    require(c, finite(c.value) && finite(c.fold_value) && std::isfinite(c.unseen), "with non-finite level values");
    require(c, c.features == features, "with " + std::to_string(c.features) + " features where its encoding makes " +
                                           std::to_string(features));
}

}  // namespace

void check_featurizer(const FeaturizerModel::Impl& m) {
    if (m.folds < 2 || m.folds > 100)
        fail(ErrorKind::Corrupted, "featurizer model has " + std::to_string(m.folds) + " folds (2 to 100)");
    const std::size_t predictors = m.numeric_columns.size();
    bool knn = false;
    std::uint64_t next = 0;  // 64 bits: a forged column's 2^32 - 1 features cannot wrap it
    for (std::size_t i = 0; i < m.columns.size(); ++i) {
        const FeatureColumn& c = m.columns[i];
        if (i > 0 && !(m.columns[i - 1].name < c.name))
            fail(ErrorKind::Corrupted, "featurizer model has columns out of order at \"" + c.name + "\"");
        switch (c.kind) {
            case ColumnKind::Numeric: check_numeric(c, predictors); break;
            case ColumnKind::Boolean: check_boolean(c); break;
            case ColumnKind::Categorical: check_categorical(c, m.folds, m.has_target); break;
            default: require(c, c.features == 0, "with features");
        }
        if (c.kind != ColumnKind::Numeric)
            require(c, c.numeric_slot == -1 && c.ridge.size() == 0, "with a numeric slot or ridge weights");
        require(c, c.first_feature == next, "whose features do not follow the previous column's");
        next += c.features;
        knn |= c.impute == Imputer::Knn;
    }
    if (next != m.feature_names.size())
        fail(ErrorKind::Corrupted, "featurizer model has " + std::to_string(next) + " features but " +
                                       std::to_string(m.feature_names.size()) + " feature names");
    if (!m.numeric_mean.allFinite() || !(m.numeric_std.array() > 0).all() || !m.numeric_std.allFinite())
        fail(ErrorKind::Corrupted, "featurizer model has a non-finite standardization of its numeric predictors");
    if (!knn && m.donors.rows() != 0)
        fail(ErrorKind::Corrupted, "featurizer model has k-NN donors but no knn imputer");
    // A donor's coordinate is a standardized value, or NaN where it had none.
    if ((m.donors.array().abs() == INFINITY).any())
        fail(ErrorKind::Corrupted, "featurizer model has an infinite k-NN donor value");
}

}  // namespace recsys
