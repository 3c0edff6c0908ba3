// ALS warm start (option warm_start): a training starts from the factors of a
// model trained before, for the users and items that model knows; the others
// start from the usual small random values. A retraining on data that grew a
// little then needs a few iterations instead of a full run.
#pragma once

#include <cstdint>
#include <vector>

#include "als.h"

namespace recsys {

// The ALS model the context's warm start holds when the options name one, or
// null when they name none. An InvalidParameter error when it is not an ALS
// model or has another number of factors; an Internal one when the options
// name a model the host did not supply.
const AlsModel* warm_start_model(const Options& options, const TrainContext& ctx);

// Copies the rows of `from` whose ids are also in `to_ids` into the matching
// rows of `to` (both id lists ascending); returns how many.
std::uint64_t copy_known_rows(const std::vector<std::int64_t>& from_ids, const FactorMatrix& from,
                              const std::vector<std::int64_t>& to_ids, FactorMatrix& to);

}  // namespace recsys
