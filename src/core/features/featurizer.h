// The featurizer: raw rows (JSON objects: numbers with holes, categories
// with thousands of values, booleans) into the dense feature vectors that
// training and serving need, with every statistic learned on training rows
// in one pass and applied identically at serving time.
//
// Learning is a mergeable one-pass summary (FeatureStats): per column its
// kind, counts, exact moments and min/max, the category counts with target
// sums (per fold, for out-of-fold target encoding), and a uniform sample of
// rows (the rows with the smallest row hashes: deterministic, and mergeable
// across parallel workers) from which medians, quantiles, the k-NN donors and
// the regression imputers come. fit_featurizer turns the summary and the
// per-column settings into a FeaturizerModel.
//
// The host (PostgreSQL glue, tests) reads a JSON object into RawFields; the
// core never sees JSON.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "../base/bytes.h"
#include "../model/model.h"
#include "../model/model_kind.h"
#include "../base/options.h"
#include "../model/train_context.h"

namespace recsys {

const OptionSchema& featurizer_option_schema();
// featurizer_fit("row" jsonb [, target float8] [, options]): a summarizing
// kind (FeatureStats is its summary; featurizer_kind.cpp).
const ModelKind& featurizer_kind();

// One value of a raw row as the host read it.
struct RawValue {
    enum class Type : std::uint8_t { Missing, Number, Text, Boolean, Nested };
    Type type = Type::Missing;  // Missing: JSON null or an absent key
    double number = 0;          // Number (finite)
    bool boolean = false;       // Boolean
    std::string_view text;      // Text (not NUL-terminated); Nested: the JSON type ("array", "object")

    static RawValue missing() { return {}; }
    static RawValue of(double v) { RawValue r; r.type = Type::Number; r.number = v; return r; }
    static RawValue of_bool(bool v) { RawValue r; r.type = Type::Boolean; r.boolean = v; return r; }
    static RawValue of_text(std::string_view v) { RawValue r; r.type = Type::Text; r.text = v; return r; }
};

struct RawField {
    std::string_view name;
    RawValue value;
};

// Strings kept once, looked up by view without allocating (category levels,
// column names). Views stay valid while the index lives; moving it keeps them.
class StringIndex {
public:
    StringIndex() = default;
    StringIndex(const StringIndex& other) { *this = other; }
    StringIndex& operator=(const StringIndex& other);
    StringIndex(StringIndex&&) = default;
    StringIndex& operator=(StringIndex&&) = default;

    // The index of s, adding it when new.
    std::uint32_t add(std::string_view s);
    // The index of s, or -1.
    std::int64_t find(std::string_view s) const;
    std::string_view at(std::uint32_t i) const { return views_[i]; }
    std::size_t size() const { return views_.size(); }
    std::size_t memory_bytes() const;

private:
    // Each string in its own heap block, so neither growth nor a move of
    // the index invalidates the views.
    std::vector<std::string_view> views_;
    std::vector<std::unique_ptr<char[]>> blocks_;
    std::unordered_map<std::string_view, std::uint32_t> map_;
};

// What a column is, decided by its values (and the settings).
enum class ColumnKind : std::uint8_t {
    Empty,        // no value in any training row: no features
    Numeric,      // JSON numbers
    Boolean,      // JSON true/false
    Categorical,  // JSON strings, or numbers declared categorical (ids)
    Ignored,      // "type": "ignore"
};

// ------------------------------------------------------------- learning

struct FeatureStatsColumn;  // featurizer_stats.cpp

class FeatureStats {
public:
    // options: featurizer_option_schema()'s; has_target: the form with a target.
    FeatureStats(const Options& options, bool has_target);
    ~FeatureStats();
    FeatureStats(FeatureStats&&) noexcept;
    FeatureStats& operator=(FeatureStats&&) noexcept;

    // Adds one row. `target` is NaN for a row without one (NULL), or when
    // there is no target. A column whose values change JSON type, or a
    // nested value, is an error (DataException) naming the column.
    // Every growth of the summary is reserved in `budget` first (an
    // OutOfMemory error naming what grows); the forms without a budget
    // have no limit.
    void add(const RawField* fields, std::size_t count, double target, MemoryBudget& budget);
    void add(const RawField* fields, std::size_t count, double target);
    // Adds another summary of other rows (same options); `other` is left empty.
    void merge(FeatureStats&& other, MemoryBudget& budget);
    void merge(FeatureStats&& other);

    // A parallel worker's summary as bytes, and back.
    void write(ByteWriter& w) const;
    static FeatureStats read(ByteReader& r, const Options& options, MemoryBudget& budget);
    static FeatureStats read(ByteReader& r, const Options& options);

    std::uint64_t rows() const;
    // The bytes reserved for the summary (what it holds, with its vectors' spare room).
    std::size_t memory_bytes() const;
    const Options& options() const;
    bool has_target() const;

    struct Impl;
    const Impl& impl() const { return *impl_; }

private:
    explicit FeatureStats(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// ------------------------------------------------------------- the model

struct FeatureColumn;  // featurizer_model.cpp

class FeaturizerModel : public Model {
public:
    static constexpr const char* kKind = "featurizer";
    const char* kind() const override { return kKind; }

    FeaturizerModel();
    ~FeaturizerModel() override;
    FeaturizerModel(FeaturizerModel&&) noexcept;

    // The raw columns, sorted by name: transform and impute take one value
    // per column, in this order (Missing for an absent key).
    std::size_t column_count() const;
    std::string_view column_name(std::size_t c) const;

    // The output: feature_count() numbers, named one to one.
    std::size_t feature_count() const;
    const std::vector<std::string>& feature_names() const;

    // Writes feature_count() finite numbers for the row. `training`: the row
    // is one of the training rows, so target encodings use out-of-fold
    // statistics (its own fold's targets left out) and cannot leak its
    // target. A value of the wrong JSON type for its column is an error
    // (DataException) naming the column; a category never seen, or a
    // missing value, follows the column's documented rule.
    void transform(const RawValue* values, double* out, bool training = false) const;

    // The row's holes filled: for each column missing in `values` that has
    // an imputer, its value; written as a JSON object of those columns only
    // ({"sqft": 1520.5}). Categorical columns without an imputer stay missing.
    std::string imputed_json(const RawValue* values) const;

    std::size_t memory_bytes() const override;
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static FeaturizerModel read(const Envelope& envelope);

    struct Impl;
    const Impl& impl() const { return *impl_; }

private:
    friend std::unique_ptr<FeaturizerModel> fit_featurizer(const FeatureStats&, TrainContext&);
    std::unique_ptr<Impl> impl_;
};

// Learns every column's imputer, encoder and scaler from the summary.
std::unique_ptr<FeaturizerModel> fit_featurizer(const FeatureStats& stats, TrainContext& ctx);

// The hash a row's fold (and its place in the sample) comes from: a
// combination of its non-missing (name, value) pairs that does not depend on
// their order. Equal rows hash equally in the aggregate and in transform.
std::uint64_t raw_row_hash(const RawField* fields, std::size_t count);

// The stable 64-bit hash of bytes the hashing encoder uses (FNV-1a followed
// by a 64-bit finalizer): the same on every platform and version.
std::uint64_t stable_hash(std::string_view bytes);

}  // namespace recsys
