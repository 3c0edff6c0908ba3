// The rows a training aggregate collected, as the core sees them: typed
// columns, one value per row (or a fixed-width vector per row), laid out
// contiguously by the host. A kind declares its columns with ColumnSpec;
// the host collects them, checks each value against its spec (NULL rule,
// range) and hands the core a TrainingRows view, in which the kind asks for
// a column by its name and type: rows.column("user_id").int64s().
//
// A kind that keeps a summary of its rows instead of the rows (linreg's QR
// factor, the featurizer's one-pass statistics, ab_compare's per-variant
// moments) supplies a RowSummary: the host adds rows to it as they come,
// merges the summaries of parallel workers, and hands it over as bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../base/bytes.h"
#include "../base/memory_budget.h"
#include "../base/options.h"

namespace recsys {

struct RawField;  // features/featurizer.h: one (name, value) pair of a JSON object row

enum class ColumnType {
    Int64,         // bigint
    Float32,       // float8 argument kept in 4 bytes (values that need no more: weights)
    Float64,       // float8
    Bool,          // boolean, one byte
    Float64Array,  // float8[], the same length in every row (a feature vector)
    // Views into the row's own datum, valid only while the host adds that
    // row: a summarizing kind's only (the host adds each such row at once).
    JsonObject,  // jsonb object: its top-level pairs (FieldsView)
    Text,        // text: its bytes (std::string_view)
};

const char* column_type_name(ColumnType type);

// What a NULL in the column does to its row.
enum class NullRule {
    SkipRow,     // the row is skipped and counted in skipped_rows
    UseDefault,  // the value is ColumnSpec::null_value
    Reject,      // an error (22004) naming the column
};

struct ColumnSpec {
    const char* name;  // the aggregate's argument name, used in messages ("weight") and by the fit
    ColumnType type;
    NullRule on_null = NullRule::SkipRow;
    double null_value = 0;  // with UseDefault
    // Numbers (and array elements) must be finite and in [min, max]; the
    // message of a bad value names it and the row's identifying columns.
    double min = -std::numeric_limits<double>::max();
    double max = std::numeric_limits<double>::max();
    bool identifies_row = false;  // named in messages about a bad value of its row
    const char* hint = nullptr;   // what to do about a bad value
    // A second SQL type the column takes in other forms of the aggregate
    // (ab_compare's variant: bigint or text); the view says which one came.
    ColumnType alternative = type;
    // Absent from some forms of the aggregate: optional columns come last,
    // and only in forms that take options (before them).
    bool optional = false;
    // An array column whose NULL and NaN elements mean "missing" (kept as
    // NaN, for a kind that learns where missing values go: trees); other
    // columns refuse them.
    bool missing_allowed = false;
};

// The features float8[] column of every feature model (logreg, linreg, mlp):
// a row with NULL features is skipped; a NULL or non-finite element is an error.
inline ColumnSpec features_column() {
    ColumnSpec c{"features", ColumnType::Float64Array};
    c.on_null = NullRule::SkipRow;
    c.hint = "impute or drop non-finite features first";
    return c;
}

// Bytes one row of the column takes (`width`: elements of an array column).
std::size_t column_bytes_per_row(ColumnType type, std::size_t width);

// One row of a JsonObject column: its top-level pairs, in the jsonb's order.
struct FieldsView {
    const RawField* fields;
    std::size_t count;
};

// One collected column: `count` values (Float64Array: count x width, row-major).
// Each accessor checks the column's type (an Internal error otherwise): a
// kind reads only what it declared.
struct ColumnView {
    const char* name;
    ColumnType type;
    const void* data;
    std::size_t width;  // elements per row of a Float64Array column; 1 otherwise

    const std::int64_t* int64s() const { return as<std::int64_t>(ColumnType::Int64); }
    const float* float32s() const { return as<float>(ColumnType::Float32); }
    const double* float64s() const { return as<double>(ColumnType::Float64); }
    const bool* bools() const { return as<bool>(ColumnType::Bool); }
    const double* arrays() const { return as<double>(ColumnType::Float64Array); }  // count x width
    const FieldsView* objects() const { return as<FieldsView>(ColumnType::JsonObject); }
    const std::string_view* texts() const { return as<std::string_view>(ColumnType::Text); }

private:
    template <class T>
    const T* as(ColumnType wanted) const {
        if (type != wanted) wrong_type(wanted);
        return static_cast<const T*>(data);
    }
    [[noreturn]] void wrong_type(ColumnType wanted) const;
};

class RowSummary;

struct TrainingRows {
    std::size_t count = 0;            // rows collected (a summarizing kind's fit sees 0: they are in the summary)
    std::uint64_t skipped = 0;        // rows skipped by a NullRule::SkipRow column
    std::vector<ColumnView> columns;  // the columns this form of the aggregate has, in the kind's order
    // A summarizing kind's summary of every row (its fit sees no rows).
    const RowSummary* summary = nullptr;
    std::uint64_t summarized = 0;  // rows added to the summary

    // The column of that name: an Internal error when the kind did not
    // declare it or this form of the aggregate lacks it.
    const ColumnView& column(std::string_view name) const;
    // The column of that name, or null where this form lacks it.
    const ColumnView* find(std::string_view name) const;

    // The summary as the kind's class S (an Internal error for another class).
    template <class S>
    const S& summary_as() const {
        const S* s = dynamic_cast<const S*>(summary);
        if (!s) missing_summary();
        return *s;
    }

private:
    [[noreturn]] static void missing_summary();
};

// A kind's summary of its rows, opaque to the host. The host creates it
// when the first row comes (its `shape`: the columns' types and widths,
// without rows), adds rows to it, merges the summaries of parallel workers,
// writes it as bytes to hand it over and reads it back, and tells its
// memory_bytes() to recsys.max_memory after each add and merge.
//
// Memory is claimed before it is allocated: add and merge get a budget that
// holds what the aggregate may still take, with the summary's current bytes
// already counted, and reserve in it before each growth (an OutOfMemory
// error naming what grows). memory_bytes() then counts what was reserved
// and kept.
class RowSummary {
public:
    virtual ~RowSummary() = default;
    // Adds rows.count rows.
    virtual void add(const TrainingRows& rows, MemoryBudget& budget) = 0;
    // Adds the summary of other rows (the same kind, shape and options),
    // which may be left empty.
    virtual void merge(RowSummary& other, MemoryBudget& budget) = 0;
    virtual void write(ByteWriter& w) const = 0;
    virtual std::size_t memory_bytes() const = 0;
};

struct SummaryKind {
    // An empty summary of rows of `shape` (rows.count == 0).
    std::unique_ptr<RowSummary> (*create)(const TrainingRows& shape, const Options& options, MemoryBudget& budget);
    // A summary as write() wrote it; bytes that are not one are Corrupted.
    std::unique_ptr<RowSummary> (*read)(ByteReader& r, const TrainingRows& shape, const Options& options,
                                        MemoryBudget& budget);
    // Rows the host collects before adding them at once (1: each row as it
    // comes, as it must for JsonObject and Text columns).
    std::size_t batch_rows = 1;
};

// What a row-collecting aggregate is: a model kind's training aggregate
// (model_kind.h) or a statistic over rows (statistic_kind.h). The host
// collects its columns and checks its options the same way for both.
struct AggregateKind {
    std::string name;                 // the key of the kind (stored in a parallel worker's state)
    std::string function;             // the SQL aggregate, named in messages ("als_fit", "auc")
    const OptionSchema* options;      // null: the aggregate takes no options
    std::vector<ColumnSpec> columns;  // its data arguments, in order
    const SummaryKind* summary = nullptr;  // set: the kind keeps a summary, not the rows
};

// The aggregate kind of a model or statistic named `name`; InvalidInput otherwise.
const AggregateKind& aggregate_kind(const std::string& name);
// Every aggregate kind: the model kinds (model_kinds()), then the statistics.
std::vector<const AggregateKind*> aggregate_kinds();

}  // namespace recsys
