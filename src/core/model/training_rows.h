// The rows a training aggregate collected, as the core sees them: typed
// columns, one value per row (or a fixed-width vector per row), laid out
// contiguously by the host. A model kind declares its columns with
// ColumnSpec; the host collects them, checks each value against its spec
// (NULL rule, range) and hands the core a TrainingRows view.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "../base/options.h"

namespace recsys {

enum class ColumnType {
    Int64,         // bigint
    Float32,       // float8 argument kept in 4 bytes (values that need no more: weights)
    Float64,       // float8
    Bool,          // boolean, one byte
    Float64Array,  // float8[], the same length in every row (a feature vector)
};

// What a NULL in the column does to its row.
enum class NullRule {
    SkipRow,     // the row is skipped and counted in skipped_rows
    UseDefault,  // the value is ColumnSpec::null_value
    Reject,      // an error (22004) naming the column
};

struct ColumnSpec {
    const char* name;  // the aggregate's argument name, used in messages ("weight")
    ColumnType type;
    NullRule on_null = NullRule::SkipRow;
    double null_value = 0;  // with UseDefault
    // Numbers (and array elements) must be finite and in [min, max]; the
    // message of a bad value names it and the row's identifying columns.
    double min = -std::numeric_limits<double>::max();
    double max = std::numeric_limits<double>::max();
    bool identifies_row = false;  // named in messages about a bad value of its row
    const char* hint = nullptr;   // what to do about a bad value
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
inline std::size_t column_bytes_per_row(ColumnType type, std::size_t width) {
    switch (type) {
        case ColumnType::Int64: return 8;
        case ColumnType::Float32: return 4;
        case ColumnType::Float64: return 8;
        case ColumnType::Bool: return 1;
        case ColumnType::Float64Array: return 8 * width;
    }
    return 0;
}

// One collected column: `count` values (Float64Array: count x width, row-major).
struct ColumnView {
    ColumnType type;
    const void* data;
    std::size_t width;  // elements per row of a Float64Array column; 1 otherwise

    const std::int64_t* int64s() const { return static_cast<const std::int64_t*>(data); }
    const float* float32s() const { return static_cast<const float*>(data); }
    const double* float64s() const { return static_cast<const double*>(data); }
    const bool* bools() const { return static_cast<const bool*>(data); }
};

struct TrainingRows {
    std::size_t count = 0;         // rows collected
    std::uint64_t skipped = 0;     // rows skipped by a NullRule::SkipRow column
    std::vector<ColumnView> columns;  // in the kind's column order
    // A summarizing kind's summary of every row (RowSummary): its fit sees
    // no rows (count 0, the columns' widths set), only this.
    const double* summary = nullptr;
    std::size_t summary_size = 0;
    std::uint64_t summarized = 0;  // rows folded into the summary
};

// A kind that keeps a fixed-size summary of its rows instead of the rows
// (OLS's QR factor of the data): the host collects rows into a small
// buffer and folds every full buffer into the summary, so the state does not
// grow with the input, and a parallel worker hands over its summary, which
// merges into another. The summary is an array of doubles the host owns
// (zeroed when created) and serializes as it is.
struct RowSummary {
    // Doubles in the summary, from the columns' widths (`shape` has no rows).
    std::size_t (*size)(const TrainingRows& shape);
    // Adds `rows` to the summary.
    void (*fold)(const TrainingRows& rows, double* summary);
    // Adds the summary `from` of other rows (of the same shape) to `into`.
    void (*merge)(double* into, const double* from, const TrainingRows& shape);
};

// What a row-collecting aggregate is: a model kind's training aggregate
// (model_kind.h) or a statistic over rows (statistic_kind.h). The host
// collects its columns and checks its options the same way for both.
struct AggregateKind {
    std::string name;                 // the key of the kind (stored in a parallel worker's state)
    std::string function;             // the SQL aggregate, named in messages ("als_fit", "auc")
    const OptionSchema* options;      // null: the aggregate takes no options
    std::vector<ColumnSpec> columns;  // its data arguments, in order
    const RowSummary* summary = nullptr;  // set: the kind keeps a summary, not the rows
};

// The aggregate kind of a model or statistic named `name`; InvalidInput otherwise.
const AggregateKind& aggregate_kind(const std::string& name);

}  // namespace recsys
