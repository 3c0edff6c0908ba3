// The featurizer's options (featurizer_fit's third argument) and per-column
// settings, and the small shared pieces: names, hashing, the string index.
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "../base/error.h"
#include "featurizer_internal.h"
#include "../base/json.h"

namespace recsys {

namespace {

using nlohmann::json;

const std::vector<std::string> kImputers = {"mean", "median", "mode", "constant", "knn", "regression"};
const std::vector<std::string> kEncoders = {"auto", "onehot", "ordinal", "frequency", "target", "hash", "none"};
const std::vector<std::string> kScalers = {"standard", "minmax", "robust", "none"};
const std::vector<std::string> kTypes = {"auto", "numeric", "categorical", "ignore"};
const std::vector<std::string> kIndicators = {"auto", "always", "never"};

template <class E>
E choice_of(const std::string& s, const std::vector<std::string>& choices, int offset = 0) {
    for (std::size_t i = 0; i < choices.size(); ++i)
        if (choices[i] == s) return static_cast<E>(i + offset);
    return static_cast<E>(offset);
}

std::string listed(const std::vector<std::string>& choices) {
    std::string out;
    for (const auto& c : choices) out += (out.empty() ? "\"" : ", \"") + c + "\"";
    return out;
}

// A column's settings: the global options of the same names, and type and fill_value.
const char* const kColumnKeys =
    "type, impute, fill_value, missing_indicator, neighbors, l2, encode, smoothing, buckets, max_levels, min_frequency, "
    "scale";

[[noreturn]] void bad_setting(const std::string& column, const std::string& key, const std::string& problem) {
    fail(ErrorKind::InvalidParameter,
         "featurizer_fit option \"columns\": column \"" + column + "\" " + (key.empty() ? "" : "\"" + key + "\" ") +
             problem,
         std::string("each column takes an object with the keys ") + kColumnKeys);
}

std::string read_choice(const std::string& column, const std::string& key, const json& v,
                        const std::vector<std::string>& choices) {
    if (!v.is_string()) bad_setting(column, key, "must be one of " + listed(choices));
    std::string s = v.get<std::string>();
    for (const auto& c : choices)
        if (c == s) return s;
    bad_setting(column, key, "must be one of " + listed(choices) + ", not \"" + s + "\"");
}

double read_number(const std::string& column, const std::string& key, const json& v, double min, double max,
                   bool whole) {
    if (!v.is_number()) bad_setting(column, key, "must be a number");
    double x = v.get<double>();
    if (!(x >= min && x <= max) || (whole && x != std::floor(x)))
        bad_setting(column, key, std::string("must be ") + (whole ? "a whole number" : "a number") + " between " +
                                     json_number(min) + " and " + json_number(max));
    return x;
}

// The column's keys over `s` (the global settings).
void read_column(const std::string& column, const json& object, ColumnSettings& s) {
    if (!object.is_object()) bad_setting(column, "", "must be given a JSON object of settings");
    for (const auto& [key, v] : object.items()) {
        if (key == "type") {
            s.type = choice_of<DeclaredType>(read_choice(column, key, v, kTypes), kTypes);
        } else if (key == "impute") {
            s.impute = choice_of<Imputer>(read_choice(column, key, v, kImputers), kImputers, 1);
            s.impute_given = true;
        } else if (key == "fill_value") {
            s.has_fill = true;
            if (v.is_number()) {
                s.fill_type = RawValue::Type::Number;
                s.fill_number = v.get<double>();
            } else if (v.is_string()) {
                s.fill_type = RawValue::Type::Text;
                s.fill_text = v.get<std::string>();
            } else if (v.is_boolean()) {
                s.fill_type = RawValue::Type::Boolean;
                s.fill_boolean = v.get<bool>();
            } else {
                bad_setting(column, key, "must be a number, a string or a boolean");
            }
        } else if (key == "missing_indicator") {
            s.indicator = choice_of<IndicatorRule>(read_choice(column, key, v, kIndicators), kIndicators);
        } else if (key == "neighbors") {
            s.neighbors = static_cast<int>(read_number(column, key, v, 1, 1000, true));
        } else if (key == "l2") {
            s.l2 = read_number(column, key, v, 0, 1e12, false);
        } else if (key == "encode") {
            s.encode = choice_of<Encoder>(read_choice(column, key, v, kEncoders), kEncoders);
        } else if (key == "smoothing") {
            s.smoothing = read_number(column, key, v, 0, 1e12, false);
        } else if (key == "buckets") {
            s.buckets = static_cast<int>(read_number(column, key, v, 1, 1 << 20, true));
        } else if (key == "max_levels") {
            s.max_levels = static_cast<std::int64_t>(read_number(column, key, v, 1, 10000000, true));
        } else if (key == "min_frequency") {
            s.min_frequency = static_cast<std::int64_t>(read_number(column, key, v, 1, 1e15, true));
        } else if (key == "scale") {
            s.scale = choice_of<Scaler>(read_choice(column, key, v, kScalers), kScalers);
        } else {
            bad_setting(column, "", "has an unknown setting \"" + key + "\"");
        }
    }
}

void check_options(const Options& o) { read_settings(o); }

// Per-column settings as models written before the renames stored them:
// "indicator": true | false is "missing_indicator": "always" | "never",
// "alpha" is "l2". Text that is not such an object is left for the checks.
std::string upgrade_stored_columns(const std::string& text) {
    json options = json::parse(text, nullptr, false);
    auto columns = options.is_object() ? options.find("columns") : options.end();
    if (columns == options.end() || !columns->is_object()) return text;
    for (auto& [name, settings] : columns->items()) {
        if (!settings.is_object()) continue;
        auto indicator = settings.find("indicator");
        if (indicator != settings.end() && indicator->is_boolean() && !settings.contains("missing_indicator")) {
            settings["missing_indicator"] = indicator->get<bool>() ? "always" : "never";
            settings.erase("indicator");
        }
        auto alpha = settings.find("alpha");
        if (alpha != settings.end() && !settings.contains("l2")) {
            settings["l2"] = *alpha;
            settings.erase("alpha");
        }
    }
    return options.dump();
}

}  // namespace

const OptionSchema& featurizer_option_schema() {
    static const OptionSchema schema = {
        "featurizer_fit",
        {
            object_option("columns", std::string("per-column settings, e.g. {\"sqft\": {\"impute\": \"knn\"}}; keys: ") +
                                         kColumnKeys),
            choice_option("impute", "median", kImputers, "how numeric columns fill a missing value"),
            choice_option("scale", "standard", kScalers, "how numeric columns are scaled"),
            choice_option("encode", "auto", kEncoders,
                          "how categorical columns are encoded (auto: onehot up to onehot_max_levels levels, "
                          "above it target with a target, else frequency; none for a key, unique in every row; "
                          "none: no features)"),
            choice_option("missing_indicator", "auto", kIndicators,
                          "a 0/1 feature col=<missing> for numeric and boolean columns (auto: when the column had "
                          "missing values in training)"),
            integer_option("neighbors", 5, 1, 1000, "k of the knn imputer"),
            renamed_from("alpha", number_option("l2", 1, 0, 1e12,
                                                "ridge penalty of the regression imputer (standardized predictors)")),
            number_option("smoothing", 10, 0, 1e12,
                          "target encoding: (sum of targets + smoothing * mean) / (count + smoothing)"),
            integer_option("folds", 5, 2, 100, "target encoding of training rows: out-of-fold statistics"),
            integer_option("buckets", 32, 1, 1 << 20, "hashing encoder's buckets"),
            integer_option("onehot_max_levels", 16, 1, 100000, "encode auto: onehot up to this many levels"),
            integer_option("max_levels", 10000, 1, 10000000,
                           "levels kept per categorical column (the most frequent); the rest share <other>"),
            integer_option("min_frequency", 1, 1, 1e15, "levels seen fewer times share <other>"),
            integer_option("sample_rows", 20000, 100, 10000000,
                           "rows kept (a uniform sample) for medians, quantiles and the knn and regression imputers"),
        },
        check_options,
        nullptr,
        upgrade_stored_columns,
    };
    return schema;
}

FeaturizerSettings read_settings(const Options& o) {
    FeaturizerSettings s;
    ColumnSettings& d = s.defaults;
    d.impute = choice_of<Imputer>(o.string("impute"), kImputers, 1);
    d.scale = choice_of<Scaler>(o.string("scale"), kScalers);
    d.encode = choice_of<Encoder>(o.string("encode"), kEncoders);
    d.indicator = choice_of<IndicatorRule>(o.string("missing_indicator"), kIndicators);
    d.neighbors = static_cast<int>(o.integer("neighbors"));
    d.l2 = o.number("l2");
    d.smoothing = o.number("smoothing");
    d.buckets = static_cast<int>(o.integer("buckets"));
    d.max_levels = o.integer("max_levels");
    d.min_frequency = o.integer("min_frequency");
    s.folds = static_cast<int>(o.integer("folds"));
    s.sample_rows = o.integer("sample_rows");
    s.onehot_max_levels = static_cast<int>(o.integer("onehot_max_levels"));
    const json columns = json::parse(o.json("columns"));
    for (const auto& [name, object] : columns.items()) {
        ColumnSettings c = d;
        read_column(name, object, c);
        s.columns.emplace(name, c);
    }
    return s;
}

const ColumnSettings& FeaturizerSettings::of(std::string_view column) const {
    auto it = columns.find(std::string(column));
    return it == columns.end() ? defaults : it->second;
}

bool is_id_name(std::string_view name) {
    return name == "id" || (name.size() > 3 && name.compare(name.size() - 3, 3, "_id") == 0);
}

const char* imputer_name(Imputer i) {
    return i == Imputer::None ? "none" : kImputers[static_cast<int>(i) - 1].c_str();
}
const char* encoder_name(Encoder e) { return kEncoders[static_cast<int>(e)].c_str(); }
const char* scaler_name(Scaler s) { return kScalers[static_cast<int>(s)].c_str(); }
const char* column_kind_name(ColumnKind k) {
    static const char* const names[] = {"empty", "numeric", "boolean", "categorical", "ignored"};
    return names[static_cast<int>(k)];
}

// ------------------------------------------------------------- hashing

std::uint64_t stable_hash(std::string_view bytes) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
    return mix64(h);
}

std::uint64_t field_hash(std::uint64_t name_hash, const RawValue& v) {
    std::uint64_t value = 0;
    switch (v.type) {
        case RawValue::Type::Missing: return 0;
        case RawValue::Type::Number: {
            double x = v.number == 0 ? 0.0 : v.number;  // -0 and 0 are one value
            std::memcpy(&value, &x, sizeof x);
            value = mix64(value ^ 0x1111);
            break;
        }
        case RawValue::Type::Text: value = stable_hash(v.text) ^ 0x2222; break;
        case RawValue::Type::Boolean: value = mix64(v.boolean ? 0x3333 : 0x4444); break;
        case RawValue::Type::Nested: value = stable_hash(v.text) ^ 0x5555; break;
    }
    return mix64(name_hash * 0x9e3779b97f4a7c15ULL + value);
}

std::uint64_t raw_row_hash(const RawField* fields, std::size_t count) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < count; ++i) sum += field_hash(stable_hash(fields[i].name), fields[i].value);
    return finish_row_hash(sum);
}

std::string number_level(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
        return buf;
    }
    return json_number(v);
}

// ------------------------------------------------------------- StringIndex

StringIndex& StringIndex::operator=(const StringIndex& other) {
    if (this == &other) return *this;
    views_.clear();
    blocks_.clear();
    map_.clear();
    for (std::size_t i = 0; i < other.size(); ++i) add(other.at(static_cast<std::uint32_t>(i)));
    return *this;
}

std::uint32_t StringIndex::add(std::string_view s) {
    auto it = map_.find(s);
    if (it != map_.end()) return it->second;
    std::unique_ptr<char[]> block(new char[s.size() ? s.size() : 1]);
    if (!s.empty()) std::memcpy(block.get(), s.data(), s.size());
    const std::string_view view(block.get(), s.size());
    const auto index = static_cast<std::uint32_t>(views_.size());
    map_.emplace(view, index);
    blocks_.push_back(std::move(block));
    views_.push_back(view);
    return index;
}

std::int64_t StringIndex::find(std::string_view s) const {
    auto it = map_.find(s);
    return it == map_.end() ? -1 : static_cast<std::int64_t>(it->second);
}

std::size_t StringIndex::memory_bytes() const {
    std::size_t bytes = 0;
    for (const auto& v : views_) bytes += v.size() + 64;  // string, view, map node
    return bytes;
}

}  // namespace recsys
