// ALS as a model kind (model_kind.h): its columns, options, fit and reader.
#pragma once

#include "../model/model_kind.h"

namespace recsys {

const ModelKind& als_kind();

// The columns of a (user_id bigint, item_id bigint, weight float8) training
// aggregate: a NULL id skips its row, a NULL weight counts as 1, a weight
// must be finite and >= 0. ALS's, and every candidate generator's that
// trains on the same interactions (itemknn_fit, bpr_fit).
std::vector<ColumnSpec> interaction_columns();

}  // namespace recsys
