// The feature vector argument of a function that scores one (predict,
// predict_class, predict_proba, knn_neighbors, lda_transform).
#pragma once

#include <cstddef>

#include "pg_headers.h"

namespace recsys::pg {

// The array's elements, viewed in place: one-dimensional (2202E otherwise),
// `expected` elements (22023, naming the model: model_description, so after
// model_argument), no NULL (22004) and all finite (22000), each error naming
// the element.
const double* checked_features(FunctionCallInfo fcinfo, ArrayType* array, std::size_t expected);

}  // namespace recsys::pg
