// The feature vector argument of the scoring functions (feature_arguments.h).
#include <cmath>

#include "feature_arguments.h"
#include "model_source.h"

namespace recsys::pg {

const double* elements_with_missing(ArrayType* array, int n) {
    if (!array_contains_nulls(array)) return reinterpret_cast<const double*>(ARR_DATA_PTR(array));
    auto* out = static_cast<double*>(palloc(sizeof(double) * static_cast<std::size_t>(n)));
    const bits8* bitmap = ARR_NULLBITMAP(array);
    const auto* present = reinterpret_cast<const double*>(ARR_DATA_PTR(array));
    for (int i = 0; i < n; ++i) out[i] = (bitmap[i / 8] & (1 << (i % 8))) ? *present++ : NAN;
    return out;
}

const double* checked_features(FunctionCallInfo fcinfo, ArrayType* array, std::size_t expected, bool missing) {
    if (ARR_NDIM(array) > 1)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR), errmsg("features must be a one-dimensional array")));
    int n = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
    if (static_cast<std::size_t>(n) != expected)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("features has %d elements, %s was trained on %zu", n, model_description(fcinfo),
                               expected)));
    if (missing) {
        const double* x = elements_with_missing(array, n);
        for (int i = 0; i < n; ++i)
            if (std::isinf(x[i]))
                ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
                                errmsg("features[%d] is %g, not a finite number or a missing value (NULL, NaN)", i + 1,
                                       x[i])));
        return x;
    }
    if (array_contains_nulls(array)) {
        bits8* bitmap = ARR_NULLBITMAP(array);
        int first = 0;
        while (first < n && (bitmap[first / 8] & (1 << (first % 8)))) ++first;
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("features[%d] is NULL", first + 1),
                        errhint("impute missing features the way the training rows were")));
    }
    const auto* x = reinterpret_cast<const double*>(ARR_DATA_PTR(array));
    for (int i = 0; i < n; ++i)
        if (!std::isfinite(x[i]))
            ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION), errmsg("features[%d] is %g, not a finite number", i + 1,
                                                                      x[i])));
    return x;
}

}  // namespace recsys::pg
