// The training aggregate of every model kind: <kind>_fit(columns..., options
// jsonb) -> bytea. One implementation of collect (typed columns, NULL rules,
// value checks, growth under the backend-wide memory claim), combine,
// serialize, deserialize and the final call to the kind's fit; a kind's glue
// file only names its ModelKind:
//
//   extern "C" { RECSYS_TRAINING_AGGREGATE(recsys_als_collect, recsys::als_kind) }
//
// and its SQL declares the aggregate over the shared functions
// (recsys--VERSION.sql, "training aggregates").
#pragma once

#include "../core/model_kind.h"
#include "pg_headers.h"

namespace recsys::pg {

// The transition function: arguments (state, the kind's columns..., [options]).
Datum collect_training_row(FunctionCallInfo fcinfo, const ModelKind& kind);

}  // namespace recsys::pg

#define RECSYS_TRAINING_AGGREGATE(SYMBOL, KIND) \
    PG_FUNCTION_INFO_V1(SYMBOL);                \
    Datum SYMBOL(PG_FUNCTION_ARGS) { return recsys::pg::collect_training_row(fcinfo, KIND()); }
