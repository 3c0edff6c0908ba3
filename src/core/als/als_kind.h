// ALS as a model kind (model_kind.h): its columns, options, fit and reader.
#pragma once

#include "../model/model_kind.h"

namespace recsys {

const ModelKind& als_kind();

// The columns of an aggregate over interactions, (user_id bigint, item_id
// bigint, weight float8): NULL ids skip the row, a NULL weight counts as 1,
// weights are >= 0. ALS's and BPR's.
std::vector<ColumnSpec> interaction_columns();

}  // namespace recsys
