// The feature vector argument of a function that scores one (predict,
// predict_class, predict_proba, contributions, knn_neighbors, lda_transform),
// and the NULL-as-missing reading of a float8[] the training aggregate shares.
#pragma once

#include <cstddef>

#include "pg_headers.h"

namespace recsys::pg {

// The array's elements: one-dimensional (2202E otherwise), `expected`
// elements (22023, naming the model: model_description, so after
// model_argument), and all finite (22000) with no NULL (22004), each error
// naming the element; or, for a model that takes missing values (`missing`:
// trees), NULL and NaN elements as NaN, only infinities refused. Viewed in
// place, or copied into the current memory context when NULLs become NaN.
const double* checked_features(FunctionCallInfo fcinfo, ArrayType* array, std::size_t expected,
                               bool missing = false);

// The n elements of a float8[] that may hold NULLs, each NULL as NaN (in the
// current memory context when there are NULLs; the array's own data otherwise).
const double* elements_with_missing(ArrayType* array, int n);

}  // namespace recsys::pg
