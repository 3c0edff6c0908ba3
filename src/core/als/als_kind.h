// ALS as a model kind (model_kind.h): its columns, options, fit and reader.
#pragma once

#include "../model/model_kind.h"

namespace recsys {

const ModelKind& als_kind();

}  // namespace recsys
