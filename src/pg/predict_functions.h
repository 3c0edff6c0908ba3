// What recsys.predict and recsys.batch_predict share: the model argument as
// a model that scores a feature vector.
#pragma once

#include "../core/model/model.h"
#include "model_source.h"

namespace recsys::pg {

// The model of `handle` (model_argument's) as a FeatureModel, or 22023
// naming it: a pipeline (which predicts from a raw row), or a kind that
// does not predict from a feature vector.
const FeatureModel& feature_model(FunctionCallInfo fcinfo, ModelHandle* handle);

}  // namespace recsys::pg
