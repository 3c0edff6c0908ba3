// A feature vector argument (float8[]) checked for a model that scores it:
// one dimension, the model's length, no NULL and only finite values, or,
// for a model that takes missing values (trees), NULL and NaN elements as
// NaN. Shared by recsys.predict and recsys.contributions.
#pragma once

#include <cstddef>

#include "pg_headers.h"

namespace recsys::pg {

// The n elements of a float8[] that may hold NULLs, each NULL as NaN (in the
// current memory context when there are NULLs; the array's own data otherwise).
const double* elements_with_missing(ArrayType* array, int n);

const double* feature_vector(FunctionCallInfo fcinfo, ArrayType* array, std::size_t expected, bool missing);

}  // namespace recsys::pg
