// The aggregates that collect rows: every model kind's training aggregate,
// <kind>_fit(columns..., options jsonb) -> bytea, and the statistics over rows
// (auc, logloss, ..., ab_compare). One implementation of collect (typed
// columns, NULL rules, value checks, growth under the backend-wide memory
// claim), of a summarizing kind's summary (added to, merged, handed over as
// bytes), combine, serialize, deserialize, and the finals: the kind's fit,
// or the statistic. A kind's glue file only names its kind:
//
//   extern "C" { RECSYS_TRAINING_AGGREGATE(recsys_als_collect, recsys::als_kind) }
//
// and its SQL declares the aggregate over the shared functions
// (recsys--VERSION.sql, "training aggregates"): recsys.training_combine,
// training_serialize, training_deserialize, and the final training_final
// (a model), statistic_number or statistic_json.
#pragma once

#include "../core/model/model_kind.h"
#include "../core/statistics/statistic_kind.h"
#include "bridge.h"
#include "pg_headers.h"

namespace recsys::pg {

// The transition function: arguments (state, the kind's columns..., [options]).
Datum collect_row(FunctionCallInfo fcinfo, const AggregateKind& kind);

// The statistic named `name`, found once (an unknown name is an ERROR).
const AggregateKind& statistic_aggregate(const char* name);

}  // namespace recsys::pg

// The transition function of a model kind's <kind>_fit aggregate.
#define RECSYS_TRAINING_AGGREGATE(SYMBOL, KIND) \
    RECSYS_FUNCTION(SYMBOL) { return recsys::pg::collect_row(fcinfo, KIND().aggregate); }

// The transition function of a statistic's aggregate.
#define RECSYS_STATISTIC_AGGREGATE(SYMBOL, NAME)                  \
    RECSYS_FUNCTION(SYMBOL) {                                     \
        static const recsys::AggregateKind* kind = nullptr;      \
        if (!kind) kind = &recsys::pg::statistic_aggregate(NAME); \
        return recsys::pg::collect_row(fcinfo, *kind);            \
    }
