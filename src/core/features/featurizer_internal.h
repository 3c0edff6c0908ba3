// What the featurizer's files share: the per-column settings read from the
// options, the one-pass summary's layout, the model's layout, and the
// hashing of rows and values. Not part of the public interface (featurizer.h).
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "featurizer.h"

namespace recsys {

enum class Imputer : std::uint8_t { None, Mean, Median, Mode, Constant, Knn, Regression };
enum class Encoder : std::uint8_t { Auto, Onehot, Ordinal, Frequency, Target, Hash, None };
enum class Scaler : std::uint8_t { Standard, Minmax, Robust, None };
enum class DeclaredType : std::uint8_t { Auto, Numeric, Categorical, Ignore };
enum class IndicatorRule : std::uint8_t { Auto, Always, Never };

const char* imputer_name(Imputer i);
const char* encoder_name(Encoder e);
const char* scaler_name(Scaler s);
const char* column_kind_name(ColumnKind k);

// One column's settings: the global options with the column's own keys over them.
struct ColumnSettings {
    DeclaredType type = DeclaredType::Auto;
    Imputer impute = Imputer::Median;  // numeric columns' imputer (the global "impute")
    bool impute_given = false;         // set for this column (applies to booleans and categories too)
    bool has_fill = false;             // "fill_value" given
    RawValue::Type fill_type = RawValue::Type::Missing;
    double fill_number = 0;
    bool fill_boolean = false;
    std::string fill_text;
    IndicatorRule indicator = IndicatorRule::Auto;
    int neighbors = 5;
    double l2 = 1;
    Encoder encode = Encoder::Auto;
    double smoothing = 10;
    int buckets = 32;
    std::int64_t max_levels = 10000;
    std::int64_t min_frequency = 1;
    Scaler scale = Scaler::Standard;
};

struct FeaturizerSettings {
    ColumnSettings defaults;
    std::map<std::string, ColumnSettings> columns;  // the columns the options name
    int folds = 5;
    std::int64_t sample_rows = 20000;
    int onehot_max_levels = 16;

    const ColumnSettings& of(std::string_view column) const;
};

// Reads (and checks) the options; a bad per-column setting is an error
// naming the column and the key.
FeaturizerSettings read_settings(const Options& options);

// Numbers of an id column are categories: "id" or a name ending in "_id".
bool is_id_name(std::string_view name);

// ------------------------------------------------------------- hashing

inline std::uint64_t mix64(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

// A field's share of the row hash; `name_hash` is stable_hash(name).
std::uint64_t field_hash(std::uint64_t name_hash, const RawValue& v);
// The row hash from the sum of its fields' shares.
inline std::uint64_t finish_row_hash(std::uint64_t sum) { return mix64(sum ^ 0x5bd1e9955bd1e995ULL); }
// The fold (of `folds`) a row with this hash belongs to.
inline int fold_of(std::uint64_t row_hash, int folds) {
    return static_cast<int>(mix64(row_hash + 0x9e3779b97f4a7c15ULL) % static_cast<std::uint64_t>(folds));
}

// A number as a category level: "42" for whole numbers, else the shortest
// text that reads back ("0.5").
std::string number_level(double v);

// ------------------------------------------------------------- the summary

// Rows with a target: how many and the sum of their targets, overall and
// per fold (`folds` entries each; none when the summary has no target).
struct TargetTally {
    std::uint64_t count = 0;
    double sum = 0;
    std::vector<std::uint64_t> fold_count;
    std::vector<double> fold_sum;

    explicit TargetTally(std::size_t folds = 0) : fold_count(folds, 0), fold_sum(folds, 0) {}
    void add(double target, int fold);        // one row with a target in `fold`
    void merge(const TargetTally& other);     // the rows of another tally (as many folds)
    void write(ByteWriter& w) const;
    void read(ByteReader& r, std::size_t folds);
};

// Count and target sums of one category level (or of "other"); with a
// target, per fold as well (fold_count/fold_sum hold `folds` entries each
// in the owner's arrays).
struct LevelTally {
    std::uint64_t count = 0;
    std::uint64_t target_count = 0;
    double target_sum = 0;
};

// Adds a level's tally and its per-fold target counts and sums (`folds`
// of each) into another's.
inline void add_level(LevelTally& into, std::uint64_t* into_fold_count, double* into_fold_sum, const LevelTally& from,
                      const std::uint64_t* fold_count, const double* fold_sum, std::size_t folds) {
    into.count += from.count;
    into.target_count += from.target_count;
    into.target_sum += from.target_sum;
    for (std::size_t k = 0; k < folds; ++k) into_fold_count[k] += fold_count[k], into_fold_sum[k] += fold_sum[k];
}

struct CategoryTally {
    StringIndex keys;
    std::vector<LevelTally> levels;
    std::vector<std::uint64_t> fold_count;  // levels x folds
    std::vector<double> fold_sum;           // levels x folds
    LevelTally other;                       // levels pruned to bound memory
    std::vector<std::uint64_t> other_fold_count;
    std::vector<double> other_fold_sum;
};

struct FeatureStatsColumn {
    std::string name;
    std::uint64_t name_hash = 0;
    ColumnKind kind = ColumnKind::Empty;
    RawValue::Type json_type = RawValue::Type::Missing;  // of its values (Missing: none yet)
    ColumnSettings settings;
    std::uint64_t present = 0;  // rows with a value
    // Numeric: exact moments (Chan's merge), range, whether every value is whole.
    double mean = 0, m2 = 0;
    double min = std::numeric_limits<double>::infinity(), max = -std::numeric_limits<double>::infinity();
    bool integral = true;
    std::uint64_t trues = 0;  // Boolean
    TargetTally target_present;  // rows with a value and a target (for the missing level's target share)
    CategoryTally categories;  // Categorical
};

// One numeric value of a sampled row (plain bytes: serialized as they are).
struct SampleValue {
    std::uint32_t column;
    std::uint32_t unused = 0;
    double value;
};

// One sampled row: its hash and its numeric columns' values.
struct SampleRow {
    std::uint64_t hash;
    std::vector<SampleValue> values;
};

struct FeatureStats::Impl {
    Options options;
    FeaturizerSettings settings;
    bool has_target = false;
    std::uint64_t rows = 0;
    TargetTally target;  // rows with a target
    std::vector<FeatureStatsColumn> columns;  // in order of first appearance
    std::unordered_map<std::string, std::uint32_t> column_index;
    std::vector<SampleRow> sample;  // a max-heap on hash, at most settings.sample_rows
    std::size_t sample_values = 0;  // values held by the sample (memory)
    // Scratch of add(): each field's column (reused, never shrinks).
    std::vector<std::uint32_t> field_columns;
    std::size_t bytes = 0;  // reserved for all of the above (memory_bytes())

    explicit Impl(const Options& o) : options(o) {}
};

// ------------------------------------------------------------- the model

struct FeatureColumn {
    std::string name;
    std::uint64_t name_hash = 0;
    ColumnKind kind = ColumnKind::Empty;
    RawValue::Type value_type = RawValue::Type::Missing;  // the JSON type of its values
    bool number_levels = false;  // a categorical column of numbers (ids)
    // What was learned (model_info).
    std::uint64_t present = 0;
    double missing_rate = 0;
    double mean = NAN, std = NAN, min = NAN, max = NAN, median = NAN;
    // Imputation: the value a hole takes (knn and regression: when no donor).
    Imputer impute = Imputer::None;
    double fill = 0;           // numeric, boolean, and a number level
    std::string fill_level;    // a categorical column's level
    bool indicator = false;
    int neighbors = 5;
    double l2 = 1;                   // regression: the ridge penalty
    std::int32_t numeric_slot = -1;  // its column in the numeric predictors (knn, regression)
    Eigen::VectorXd ridge;           // regression: one weight per numeric predictor (its own is 0)
    double ridge_intercept = 0;
    // Scaling: (x - center) / divide.
    Scaler scale = Scaler::None;
    double center = 0, divide = 1;
    // Categories.
    Encoder encode = Encoder::Auto;
    StringIndex levels;          // kept levels, in output order
    std::vector<double> value;   // per level, then other, then missing: ordinal/frequency/target output
    std::vector<double> fold_value;  // target, training rows: (levels + 2) x folds
    bool has_other = false, has_missing = false;
    double unseen = 0;           // ordinal/frequency/target output of a level never seen
    int buckets = 0;
    // Output.
    std::uint32_t first_feature = 0, features = 0;
};

struct FeaturizerModel::Impl {
    Options options;
    bool has_target = false;
    int folds = 5;
    double prior = 0;  // target mean
    std::vector<FeatureColumn> columns;  // sorted by name
    std::vector<std::string> feature_names;
    // Numeric predictors of the knn and regression imputers: the numeric
    // columns, standardized by their training mean and deviation.
    std::vector<std::uint32_t> numeric_columns;  // column indices
    Eigen::VectorXd numeric_mean, numeric_std;
    // k-NN donors: sampled rows x numeric predictors, standardized, NaN where missing.
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> donors;
    TrainingSummary summary;
    // Rows of the training sample, which the medians, quartiles, modes and
    // donors come from. (Models saved before every fit recorded it hold 0
    // unless they impute with knn or regression.)
    std::uint64_t sample_rows = 0;

    explicit Impl(const Options& o) : options(o) {}
};

// Fills `z` (numeric predictors, standardized; NaN where missing) from a row's values.
void numeric_predictors(const FeaturizerModel::Impl& m, const RawValue* values, double* z);
// The value the knn or regression imputer gives column c of a row whose predictors are z.
double model_imputed(const FeaturizerModel::Impl& m, const FeatureColumn& c, const double* z);
// Checks a model just read (featurizer_check.cpp): every column runs in
// transform and impute, else a Corrupted error naming the column.
void check_featurizer(const FeaturizerModel::Impl& m);

}  // namespace recsys
