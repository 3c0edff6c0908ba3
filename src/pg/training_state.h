// The state of the shared training aggregate (training_aggregate.h), which
// its transition and final functions (training_aggregate.cpp) and its
// parallel support functions (training_parallel.cpp) share.
//
// The state holds the kind's columns as growing arrays in the aggregate's
// memory context (trivially destructible: a memory context runs no
// destructors), and a summarizing kind's RowSummary as a C++ object owned by
// that context. Its bytes (columns, summary, the buffer a jsonb row is read
// into) are claimed against recsys.max_memory for the whole backend before
// they are allocated.
#pragma once

#include "../core/features/featurizer.h"
#include "../core/model/training_rows.h"
#include "aggregate_options.h"
#include "bridge.h"
#include "memory_claim.h"
#include "owned.h"
#include "pg_headers.h"
#include "settings.h"

namespace recsys::pg {

struct Column {
    char* data;       // capacity rows
    uint32 width;     // elements per row of an array column (0 until the first row); 1 otherwise
    ColumnType type;  // the SQL type this form of the aggregate passes (the spec's, or its alternative)
};

struct TrainingState {
    const AggregateKind* kind;
    uint64 count;     // rows in the columns
    uint64 capacity;  // rows the columns have room for
    uint64 skipped;   // rows skipped by a NULL in a SkipRow column
    Column* columns;  // kind->columns.size() of them; the first `given` are this form's
    int given;        // data columns this form of the aggregate has (0 until known)
    AggregateOptions options;  // (value null for a form without options)
    bool serialized;  // a parallel worker's partial state, handed over as one bytea
    MemoryClaim* claim;
    const char* what;  // "<function> summary", for the claim after each add
    // A summarizing kind's: the summary (made with the first row), the rows
    // added to it, and how many rows the columns buffer before an add.
    Owned<RowSummary>* summary;
    uint64 summarized;
    uint64 batch;
    // The row of a JsonObject column, read into (at most one such column).
    RawField* fields;
    uint32 field_capacity;
};

// How an internal error names the support functions (shared by every kind).
constexpr const char* kSupport = "a training aggregate's support function";

// The most data columns a kind may have (a row is read into a stack array).
constexpr int kMaxColumns = 8;

inline const char* function_name(const AggregateKind& kind) { return kind.function.c_str(); }
inline bool has_rows(const TrainingState* s) { return s->count + s->summarized > 0; }

TrainingState* new_state(MemoryContext context, const AggregateKind& kind);

// Sets the form of the aggregate: its data columns and their types (from
// the arguments' SQL types, or from a partial state); checked against the kind.
void set_form(TrainingState* s, int given, const ColumnType* types);

// Bytes of one buffered row, and everything the state holds.
uint64 row_bytes(const TrainingState* s);
uint64 state_bytes(const TrainingState* s);

// Room for `needed` rows in the columns, claimed first.
void reserve_rows(TrainingState* s, uint64 needed, MemoryContext context);

// Frees the columns and the summary of a state no longer needed.
void release_rows(TrainingState* s);

// The columns (and summary) as the core sees them; the shape: no rows.
TrainingRows rows_of(const TrainingState* s);
TrainingRows shape_of(const TrainingState* s);

// A summarizing kind's summary, made if there is none yet; then the
// buffered rows added to it (the columns are reused).
void create_summary(TrainingState* s);
void add_rows(TrainingState* s);

// Runs `grow(budget)` (a summary's create, add, merge or read) on a budget
// of what the state may still claim, its own bytes counted; then claims the
// state's bytes. An OutOfMemory error gets recsys.max_memory's hint.
template <typename Grow>
void grow_summary(TrainingState* s, Grow&& grow) {
    const std::size_t limit = claimable_bytes(s->claim);
    const std::size_t held = state_bytes(s);
    guarded([&] {
        MemoryBudget budget(limit);
        try {
            budget.reserve(held, s->what);
            grow(budget);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::OutOfMemory || !e.hint().empty()) throw;
            fail(ErrorKind::OutOfMemory, e.what(), max_memory_hint());
        }
    });
    set_claim(s->claim, state_bytes(s), s->what);
}

// The state a final function works on, or null for no rows (the result is
// NULL then); a summarizing kind's last rows are added to its summary.
TrainingState* finished_state(FunctionCallInfo fcinfo);

// The options (JSON text) as the kind's schema reads them; none without a
// schema. C++: call it guarded.
Options kind_options(const AggregateKind& kind, const char* text);

// Whether this call builds a partial state that will be serialized (a
// worker's share of a parallel aggregate).
bool builds_serialized_state(FunctionCallInfo fcinfo);

// A worker's state must fit one bytea: checked at the row that passes it
// (training_parallel.cpp), not after the whole scan when it is handed over.
void check_serializable(const TrainingState* s, uint64 rows);

}  // namespace recsys::pg
