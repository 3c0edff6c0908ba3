// New items in a trained ALS model without retraining it: each gets the
// factors an item_factors model (item_factors.h) predicts from its features,
// popularity 0 and no training users, and the model keeps everything else
// (users, their factors and seen items, the options and training summary).
// Item ids stay ascending, so the old items move to new indices: every
// user's seen items are renumbered (in the same order), and every old
// recommendation keeps its item and score.
#pragma once

#include <cstdint>

#include "../als/als.h"
#include "../base/memory_budget.h"
#include "../base/stop.h"
#include "item_factors.h"

namespace recsys {

// `count` new items: their ids and features (count x width, row-major).
struct NewItems {
    const std::int64_t* ids = nullptr;
    const double* features = nullptr;
    std::size_t count = 0;
    std::size_t width = 0;
};

// The model with the items added. InvalidParameter (naming the culprit) when
// the features' width is not the item_factors model's, when it predicts
// another number of factors than the model has, or when an id is given twice
// or is already in the model. The new model and the working buffers are
// reserved in `budget` before they are allocated.
AlsModel add_items(const AlsModel& model, const ItemFactorsModel& mapper, const NewItems& items,
                   MemoryBudget& budget, StopToken& stop);

}  // namespace recsys
