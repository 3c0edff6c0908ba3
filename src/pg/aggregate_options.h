// The options argument of an aggregate (a jsonb object), shared by every
// kind of the training aggregate (featurizer_fit and ab_compare included): checked against the kind's schema
// on the first row (so that a typo fails at once, not after collecting
// millions of rows) and kept; later rows, and the partial states of parallel
// workers, must carry the same value.
#pragma once

#include "../core/base/options.h"
#include "pg_headers.h"

namespace recsys::pg {

struct AggregateOptions {
    Jsonb* value;  // in the aggregate's memory context; null for a form without options
    bool checked;  // taken from a row (or from a partial state)
    text* source;  // the text a form with text options got on its first row (null: jsonb)
};

// Takes the options argument `argno` of a row. A form without it (argno >=
// PG_NARGS()) or a kind without options (null schema) has none. On the first
// row they are checked with `schema` and copied into `context`; a later row's
// must be the same value. NULL is an error (22004) naming `function`. The
// options may come as JSON text (featurizer_fit's form for an untyped
// literal), parsed once: later rows' text is compared as it came.
void take_options(AggregateOptions& options, FunctionCallInfo fcinfo, int argno, const char* function,
                  const OptionSchema* schema, MemoryContext context);

// The options of partial state `from` into `into` (copied into `context`
// when `into` has none yet); two different values are an error.
void combine_options(AggregateOptions& into, const AggregateOptions& from, const char* function, MemoryContext context);

// The options as JSON text (palloc'd): "{}" without options.
char* options_text(const Jsonb* options);

}  // namespace recsys::pg
