// Ranking metrics: (recommended bigint[], relevant bigint[], k int) -> float8.
#include "../core/statistics/metrics.h"
#include "arguments.h"
#include "bridge.h"
#include "pg_headers.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

Datum metric(FunctionCallInfo fcinfo, double (*compute)(const RankingInput&)) {
    auto recommended = bigint_array(fcinfo, 0, "recommended");
    auto relevant = bigint_array(fcinfo, 1, "relevant");
    int k = positive_k(fcinfo, 2);
    // The relevant ids' sorted copy and their found flags; a hit flag per
    // rank shown (k itself sizes nothing: precision divides by it).
    check_call_buffers(static_cast<std::size_t>(relevant.size), 9, "the relevant ids of a ranking metric");
    check_call_buffers(static_cast<std::size_t>(recommended.size), 1, "the recommended ids of a ranking metric");
    RankingInput in{recommended.data, static_cast<std::size_t>(recommended.size), relevant.data,
                    static_cast<std::size_t>(relevant.size), static_cast<std::size_t>(k)};
    PG_RETURN_FLOAT8(guarded([&] { return compute(in); }));
}

}  // namespace

extern "C" {

RECSYS_FUNCTION(recsys_precision_at_k) { return metric(fcinfo, precision_at_k); }
RECSYS_FUNCTION(recsys_recall_at_k) { return metric(fcinfo, recall_at_k); }
RECSYS_FUNCTION(recsys_ndcg_at_k) { return metric(fcinfo, ndcg_at_k); }
RECSYS_FUNCTION(recsys_average_precision_at_k) { return metric(fcinfo, average_precision_at_k); }

}  // extern "C"
