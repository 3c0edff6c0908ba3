// The featurizer model: transform (a raw row into its features), impute (a
// raw row's holes filled), its payload and its model_info.
//
// Payload layout, version 1 (little-endian): u32 version, string options,
// common training summary, u8 has_target, i32 folds, f64 prior, u64 sample
// rows, then per column (FeatureColumn, in order) its name, kind, learned
// values, imputer, scaler and encoder; the feature names; the numeric
// predictors' means and deviations; the k-NN donor matrix.
#include <algorithm>

#include "../base/checked.h"
#include "../base/error.h"
#include "featurizer_internal.h"
#include "../base/json.h"

namespace recsys {

namespace {

using Type = RawValue::Type;
constexpr std::uint32_t kPayloadVersion = 1;

const char* type_name(Type t) {
    switch (t) {
        case Type::Number: return "a number";
        case Type::Text: return "a string";
        case Type::Boolean: return "a boolean";
        case Type::Nested: return "a nested value";
        case Type::Missing: return "null";
    }
    return "?";
}

[[noreturn]] void wrong_type(const FeatureColumn& c, const RawValue& v) {
    fail(ErrorKind::DataException,
         "featurizer column \"" + c.name + "\" holds " + type_name(v.type) + " in this row, where its training rows had " +
             type_name(c.value_type),
         "cast \"" + c.name + "\" in the query as it was when the featurizer was trained");
}

// A row's level index in a categorical column: a kept level, or kOther, or kMissing.
constexpr std::int64_t kOther = -1, kMissing = -2;

std::int64_t level_index(const FeatureColumn& c, const RawValue& v) {
    if (v.type == Type::Missing) return c.fill_level.empty() ? kMissing : c.levels.find(c.fill_level);
    if (v.type != c.value_type) wrong_type(c, v);
    std::int64_t i;
    if (v.type == Type::Text) {
        i = c.levels.find(v.text);
    } else if (v.type == Type::Boolean) {
        i = c.levels.find(v.boolean ? "true" : "false");
    } else {
        i = c.levels.find(number_level(v.number));
    }
    return i < 0 ? kOther : i;
}

// The level's text (for hashing): the value's own, or the fill level.
std::string level_text(const FeatureColumn& c, const RawValue& v) {
    if (v.type == Type::Missing) return c.fill_level;
    if (v.type == Type::Text) return std::string(v.text);
    if (v.type == Type::Boolean) return v.boolean ? "true" : "false";
    return number_level(v.number);
}

void encode_category(const FeaturizerModel::Impl& m, const FeatureColumn& c, const RawValue& v, int fold,
                     double* o) {
    const auto L = static_cast<std::int64_t>(c.levels.size());
    if (c.encode == Encoder::Hash) {
        std::fill(o, o + c.buckets, 0.0);
        if (v.type == Type::Missing && c.fill_level.empty()) return;
        if (v.type != Type::Missing && v.type != c.value_type) wrong_type(c, v);
        o[stable_hash(level_text(c, v)) % static_cast<std::uint64_t>(c.buckets)] = 1;
        return;
    }
    const std::int64_t level = level_index(c, v);
    if (c.encode == Encoder::Onehot) {
        std::fill(o, o + c.features, 0.0);
        if (level >= 0) o[level] = 1;
        else if (level == kOther && c.has_other) o[L] = 1;
        else if (level == kMissing && c.has_missing) o[L + c.has_other] = 1;
        return;
    }
    // One number: per level, then other, then missing.
    std::int64_t slot = level >= 0 ? level : level == kOther ? L : L + 1;
    if (level == kOther && !c.has_other) {
        o[0] = c.unseen;
        return;
    }
    if (fold >= 0 && c.encode == Encoder::Target)
        o[0] = c.fold_value[static_cast<std::size_t>(slot) * m.folds + fold];
    else
        o[0] = c.value[static_cast<std::size_t>(slot)];
}

// A hole's value in a numeric or boolean column.
double hole_value(const FeaturizerModel::Impl& m, const FeatureColumn& c, const RawValue* values,
                  std::vector<double>& z, bool& have_z) {
    if (c.impute != Imputer::Knn && c.impute != Imputer::Regression) return c.fill;
    if (!have_z) {
        z.resize(m.numeric_columns.size());
        numeric_predictors(m, values, z.data());
        have_z = true;
    }
    return model_imputed(m, c, z.data());
}

// A value so far beyond the training rows' range that its scaling (or the
// imputation from it) overflows: refused, never written as inf or NaN.
[[noreturn]] void not_finite(const FeatureColumn& c, const RawValue& v) {
    fail(ErrorKind::DataException,
         "featurizer column \"" + c.name + "\" gives a non-finite feature for " +
             (v.type == Type::Number    ? "the value " + message_number(v.number)
              : v.type == Type::Missing ? std::string("a missing value")
                                        : std::string("this row's value")),
         "values far beyond the range of the training rows overflow the scaling: clip or rescale them");
}

double numeric_value(const FeatureColumn& c, const RawValue& v) {
    if (v.type != c.value_type) wrong_type(c, v);
    return v.type == Type::Boolean ? (v.boolean ? 1.0 : 0.0) : v.number;
}

}  // namespace

// ------------------------------------------------------------- imputers

void numeric_predictors(const FeaturizerModel::Impl& m, const RawValue* values, double* z) {
    for (std::size_t j = 0; j < m.numeric_columns.size(); ++j) {
        const RawValue& v = values[m.numeric_columns[j]];
        z[j] = v.type == Type::Number ? (v.number - m.numeric_mean[j]) / m.numeric_std[j] : NAN;
    }
}

double model_imputed(const FeaturizerModel::Impl& m, const FeatureColumn& c, const double* z) {
    const Eigen::Index own = c.numeric_slot, P = static_cast<Eigen::Index>(m.numeric_columns.size());
    double standardized = NAN;
    if (c.impute == Imputer::Regression) {
        standardized = c.ridge_intercept;
        for (Eigen::Index j = 0; j < P; ++j)
            if (j != own && !std::isnan(z[j])) standardized += c.ridge[j] * z[j];
    } else {
        // k nearest donors by nan-Euclidean distance (scikit-learn's
        // KNNImputer): squared differences over the coordinates both have,
        // scaled up by (coordinates / coordinates present).
        std::vector<std::pair<double, double>> near;  // (distance, donor's value)
        near.reserve(static_cast<std::size_t>(c.neighbors) + 1);
        const double coordinates = static_cast<double>(P - 1);
        auto farther = [](const std::pair<double, double>& a, const std::pair<double, double>& b) {
            return a.first < b.first;
        };
        for (Eigen::Index r = 0; r < m.donors.rows(); ++r) {
            const double* d = m.donors.row(r).data();
            if (std::isnan(d[own])) continue;
            double sum = 0;
            int present = 0;
            for (Eigen::Index j = 0; j < P; ++j) {
                if (j == own || std::isnan(z[j]) || std::isnan(d[j])) continue;
                const double diff = z[j] - d[j];
                sum += diff * diff;
                ++present;
            }
            if (present == 0) continue;
            const double distance = sum * coordinates / present;
            if (near.size() == static_cast<std::size_t>(c.neighbors) && distance >= near.front().first) continue;
            near.emplace_back(distance, d[own]);
            std::push_heap(near.begin(), near.end(), farther);
            if (near.size() > static_cast<std::size_t>(c.neighbors)) {
                std::pop_heap(near.begin(), near.end(), farther);
                near.pop_back();
            }
        }
        if (near.empty()) return c.fill;
        standardized = 0;
        for (const auto& [distance, value] : near) standardized += value;
        standardized /= static_cast<double>(near.size());
    }
    return standardized * m.numeric_std[own] + m.numeric_mean[own];
}

// ------------------------------------------------------------- the model

FeaturizerModel::FeaturizerModel() : impl_(std::make_unique<Impl>(Options{})) {}
FeaturizerModel::~FeaturizerModel() = default;
FeaturizerModel::FeaturizerModel(FeaturizerModel&&) noexcept = default;

std::size_t FeaturizerModel::column_count() const { return impl_->columns.size(); }
std::string_view FeaturizerModel::column_name(std::size_t c) const { return impl_->columns[c].name; }
std::size_t FeaturizerModel::feature_count() const { return impl_->feature_names.size(); }
const std::vector<std::string>& FeaturizerModel::feature_names() const { return impl_->feature_names; }

void FeaturizerModel::transform(const RawValue* values, double* out, bool training) const {
    const Impl& m = *impl_;
    int fold = -1;
    if (training && m.has_target) {
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < m.columns.size(); ++i) sum += field_hash(m.columns[i].name_hash, values[i]);
        fold = fold_of(finish_row_hash(sum), m.folds);
    }
    std::vector<double> z;
    bool have_z = false;
    for (std::size_t i = 0; i < m.columns.size(); ++i) {
        const FeatureColumn& c = m.columns[i];
        const RawValue& v = values[i];
        double* o = out + c.first_feature;
        switch (c.kind) {
            case ColumnKind::Numeric:
            case ColumnKind::Boolean: {
                const bool missing = v.type == Type::Missing;
                const double x = missing ? hole_value(m, c, values, z, have_z) : numeric_value(c, v);
                o[0] = (x - c.center) / c.divide;
                if (!std::isfinite(o[0])) not_finite(c, v);
                if (c.indicator) o[1] = missing;
                break;
            }
            case ColumnKind::Categorical:
                if (c.features) encode_category(m, c, v, fold, o);
                break;
            default: break;
        }
    }
}

std::string FeaturizerModel::imputed_json(const RawValue* values) const {
    const Impl& m = *impl_;
    JsonWriter w;
    w.begin_object();
    std::vector<double> z;
    bool have_z = false;
    for (std::size_t i = 0; i < m.columns.size(); ++i) {
        const FeatureColumn& c = m.columns[i];
        if (values[i].type != Type::Missing) continue;
        if (c.kind == ColumnKind::Numeric) {
            w.key(c.name);
            w.number(hole_value(m, c, values, z, have_z));
        } else if (c.kind == ColumnKind::Boolean) {
            w.key(c.name);
            if (c.impute == Imputer::Mean) w.number(c.fill);
            else w.boolean(c.fill != 0);
        } else if (c.kind == ColumnKind::Categorical && !c.fill_level.empty()) {
            w.key(c.name);
            if (c.number_levels) w.number(c.fill);
            else if (c.value_type == Type::Boolean) w.boolean(c.fill_level == "true");
            else w.string(c.fill_level);
        }
    }
    w.end_object();
    return w.str();
}

std::size_t FeaturizerModel::memory_bytes() const {
    const Impl& m = *impl_;
    std::size_t bytes = sizeof(Impl) + static_cast<std::size_t>(m.donors.size()) * sizeof(double);
    for (const FeatureColumn& c : m.columns)
        bytes += sizeof c + c.levels.memory_bytes() + (c.value.size() + c.fold_value.size()) * sizeof(double) +
                 static_cast<std::size_t>(c.ridge.size()) * sizeof(double);
    for (const std::string& name : m.feature_names) bytes += name.size() + sizeof name;
    return bytes;
}

// ------------------------------------------------------------- model_info

std::string FeaturizerModel::metadata_json() const {
    const Impl& m = *impl_;
    JsonWriter dimensions;
    dimensions.begin_object();
    dimensions.key("columns");
    dimensions.integer(static_cast<long long>(m.columns.size()));
    dimensions.key("features");
    dimensions.integer(static_cast<long long>(m.feature_names.size()));
    dimensions.end_object();
    JsonWriter w;
    w.begin_object();
    if (m.has_target) {
        w.key("target_mean");
        w.number(m.prior);
    }
    bool numeric = false, donors = false;
    for (const FeatureColumn& c : m.columns) {
        numeric |= c.kind == ColumnKind::Numeric;
        donors |= c.impute == Imputer::Knn || c.impute == Imputer::Regression;
    }
    w.key("donor_rows");  // rows the knn and regression imputers learned from
    w.integer(donors ? static_cast<long long>(m.sample_rows) : 0);
    if (numeric && m.sample_rows > 0) {
        w.key("sample_rows");  // rows of the sample the medians, quartiles and modes come from
        w.integer(static_cast<long long>(m.sample_rows));
    }
    w.key("columns");
    w.begin_array();
    for (const FeatureColumn& c : m.columns) {
        w.begin_object();
        w.key("name"), w.string(c.name);
        w.key("kind"), w.string(column_kind_name(c.kind));
        w.key("missing_rate"), w.number(c.missing_rate);
        if (c.kind == ColumnKind::Numeric) {
            w.key("mean"), w.number(c.mean);
            w.key("std"), w.number(c.std);
            w.key("min"), w.number(c.min);
            w.key("max"), w.number(c.max);
            w.key("median"), w.number(c.median);
            w.key("scale"), w.string(scaler_name(c.scale));
        }
        if (c.kind == ColumnKind::Boolean) w.key("true_rate"), w.number(c.mean);
        if (c.kind == ColumnKind::Numeric || c.kind == ColumnKind::Boolean || !c.fill_level.empty()) {
            w.key("impute"), w.string(imputer_name(c.impute));
            if (c.impute != Imputer::Knn && c.impute != Imputer::Regression) {
                w.key("fill");
                if (c.fill_level.empty()) w.number(c.fill);
                else w.string(c.fill_level);
            }
            if (c.impute == Imputer::Knn) w.key("neighbors"), w.integer(c.neighbors);
            if (c.impute == Imputer::Regression) w.key("l2"), w.number(c.l2);
            if (c.kind != ColumnKind::Categorical) w.key("missing_indicator"), w.boolean(c.indicator);
        }
        if (c.kind == ColumnKind::Categorical) {
            w.key("levels"), w.integer(static_cast<long long>(c.levels.size()));
            w.key("other"), w.boolean(c.has_other);
            w.key("encode"), w.string(encoder_name(c.encode));
            if (c.encode == Encoder::Hash) w.key("buckets"), w.integer(c.buckets);
        }
        w.key("features"), w.integer(c.features);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return model_metadata_json(m.options.to_json(), dimensions.str(), training_summary_json(m.summary), w.str());
}

// ------------------------------------------------------------- payload

void FeaturizerModel::write_payload(ByteWriter& w) const {
    const Impl& m = *impl_;
    w.pod(kPayloadVersion);
    write_options(w, m.options);
    write_training_summary(w, m.summary);
    w.pod<std::uint8_t>(m.has_target);
    w.pod<std::int32_t>(m.folds);
    w.pod(m.prior);
    w.pod(m.sample_rows);
    w.pod<std::uint64_t>(m.columns.size());
    for (const FeatureColumn& c : m.columns) {
        w.string(c.name);
        w.pod(c.kind), w.pod(c.value_type);
        w.pod<std::uint8_t>(c.number_levels);
        w.pod(c.present);
        w.pod(c.missing_rate), w.pod(c.mean), w.pod(c.std), w.pod(c.min), w.pod(c.max), w.pod(c.median);
        w.pod(c.impute), w.pod(c.fill);
        w.string(c.fill_level);
        w.pod<std::uint8_t>(c.indicator);
        w.pod<std::int32_t>(c.neighbors);
        w.pod(c.l2);
        w.pod(c.numeric_slot);
        w.array(c.ridge.data(), static_cast<std::size_t>(c.ridge.size()));
        w.pod(c.ridge_intercept);
        w.pod(c.scale), w.pod(c.center), w.pod(c.divide);
        w.pod(c.encode);
        w.pod<std::uint64_t>(c.levels.size());
        for (std::uint32_t i = 0; i < c.levels.size(); ++i) {
            const std::string_view level = c.levels.at(i);
            w.pod<std::uint64_t>(level.size());
            w.bytes(level.data(), level.size());
        }
        w.array(c.value.data(), c.value.size());
        w.array(c.fold_value.data(), c.fold_value.size());
        w.pod<std::uint8_t>(c.has_other), w.pod<std::uint8_t>(c.has_missing);
        w.pod(c.unseen);
        w.pod<std::int32_t>(c.buckets);
        w.pod(c.first_feature), w.pod(c.features);
    }
    w.pod<std::uint64_t>(m.feature_names.size());
    for (const std::string& name : m.feature_names) w.string(name);
    w.pod<std::uint64_t>(static_cast<std::uint64_t>(m.donors.rows()));
    w.array(m.donors.data(), static_cast<std::size_t>(m.donors.size()));
}

namespace {

[[noreturn]] void corrupted(const std::string& what) { fail(ErrorKind::Corrupted, "featurizer model has " + what); }

template <class E>
E read_enum(ByteReader& r, E last, const char* what) {
    auto v = r.pod<E>(what);
    if (static_cast<int>(v) > static_cast<int>(last)) corrupted(std::string("a bad ") + what);
    return v;
}

}  // namespace

FeaturizerModel FeaturizerModel::read(const Envelope& envelope) {
    ByteReader r(envelope.payload, envelope.payload_size);
    read_payload_version(r, kKind, kPayloadVersion);
    FeaturizerModel model;
    Impl& m = *model.impl_;
    m.options = read_options(r, featurizer_option_schema());
    m.summary = read_training_summary(r);
    m.has_target = r.pod<std::uint8_t>("has target") != 0;
    m.folds = r.pod<std::int32_t>("folds");
    m.prior = r.pod<double>("prior");
    m.sample_rows = r.pod<std::uint64_t>("sample rows");
    // A column takes more than 100 bytes, a level or a feature name at least 8.
    const auto columns = r.count("columns", 100);
    constexpr std::size_t kMax = std::size_t(1) << 40;
    for (std::uint64_t j = 0; j < columns; ++j) {
        FeatureColumn c;
        c.name = r.string(1 << 20, "column name");
        c.name_hash = stable_hash(c.name);
        c.kind = read_enum(r, ColumnKind::Ignored, "column kind");
        c.value_type = read_enum(r, Type::Nested, "column type");
        c.number_levels = r.pod<std::uint8_t>("number levels") != 0;
        c.present = r.pod<std::uint64_t>("present");
        c.missing_rate = r.pod<double>("missing rate"), c.mean = r.pod<double>("mean"), c.std = r.pod<double>("std");
        c.min = r.pod<double>("min"), c.max = r.pod<double>("max"), c.median = r.pod<double>("median");
        c.impute = read_enum(r, Imputer::Regression, "imputer");
        c.fill = r.pod<double>("fill");
        c.fill_level = r.string(kMax, "fill level");
        c.indicator = r.pod<std::uint8_t>("indicator") != 0;
        c.neighbors = r.pod<std::int32_t>("neighbors");
        c.l2 = r.pod<double>("l2");
        c.numeric_slot = r.pod<std::int32_t>("numeric slot");
        r.array<double>(c.ridge, kMax, "ridge");
        c.ridge_intercept = r.pod<double>("ridge intercept");
        c.scale = read_enum(r, Scaler::None, "scaler");
        c.center = r.pod<double>("center"), c.divide = r.pod<double>("divide");
        c.encode = read_enum(r, Encoder::None, "encoder");
        const auto levels = r.count("levels", sizeof(std::uint64_t));
        for (std::uint64_t i = 0; i < levels; ++i) {
            const auto size = r.count("level size", 1);
            const auto* bytes = r.take(size, "level");
            if (c.levels.add(std::string_view(reinterpret_cast<const char*>(bytes), size)) != i)
                corrupted("a repeated level in column \"" + c.name + "\"");
        }
        r.array<double>(c.value, kMax, "level values");
        r.array<double>(c.fold_value, kMax, "level fold values");
        c.has_other = r.pod<std::uint8_t>("has other") != 0;
        c.has_missing = r.pod<std::uint8_t>("has missing") != 0;
        c.unseen = r.pod<double>("unseen");
        c.buckets = r.pod<std::int32_t>("buckets");
        c.first_feature = r.pod<std::uint32_t>("first feature");
        c.features = r.pod<std::uint32_t>("features");
        m.columns.push_back(std::move(c));
    }
    const auto names = r.count("feature names", sizeof(std::uint64_t));
    for (std::uint64_t i = 0; i < names; ++i) m.feature_names.push_back(r.string(1 << 20, "feature name"));
    // The numeric predictors, in slot order.
    for (std::uint32_t i = 0; i < m.columns.size(); ++i)
        if (m.columns[i].kind == ColumnKind::Numeric) m.numeric_columns.push_back(i);
    const auto P = static_cast<Eigen::Index>(m.numeric_columns.size());
    m.numeric_mean.resize(P), m.numeric_std.resize(P);
    for (std::uint32_t i = 0; i < m.columns.size(); ++i) {
        const FeatureColumn& c = m.columns[i];
        if (c.kind != ColumnKind::Numeric) continue;
        if (c.numeric_slot < 0 || c.numeric_slot >= P || m.numeric_columns[c.numeric_slot] != i)
            corrupted("column \"" + c.name + "\" at numeric slot " + std::to_string(c.numeric_slot) +
                      ", not its place among the numeric columns");
        m.numeric_mean[c.numeric_slot] = c.mean;
        m.numeric_std[c.numeric_slot] = c.std > 0 ? c.std : 1;
    }
    const auto donors = r.pod<std::uint64_t>("donor rows");
    std::vector<double> cells;
    r.array<double>(cells, kMax, "donors");
    if ((donors != 0 && (P == 0 || donors > cells.size())) ||
        checked_mul(donors, static_cast<std::size_t>(P), "featurizer donor matrix") != cells.size())
        corrupted("a donor matrix of " + std::to_string(cells.size()) + " values, not " + std::to_string(donors) +
                  " rows of " + std::to_string(P) + " predictors");
    m.donors = Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        cells.data(), static_cast<Eigen::Index>(donors), P);
    if (r.remaining() != 0) corrupted("trailing bytes");
    check_featurizer(m);
    return model;
}

}  // namespace recsys
