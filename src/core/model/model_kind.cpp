#include "model_kind.h"

#include "../als/als_kind.h"
#include "../candidates/bpr.h"
#include "../candidates/itemknn_model.h"
#include "../experiments/bandit.h"
#include "../features/featurizer.h"
#include "../linear/linreg.h"
#include "../linear/logreg.h"
#include "../network/mlp.h"
#include "../survival/coxph.h"
#include "../neighbours/knn.h"
#include "../discriminant/lda.h"
#include "../linear/svm.h"
#include "../candidates/cooccurrence.h"
#include "../candidates/item_factors.h"
#include "pipeline.h"
#include "../trees/tree_model.h"
#include "../base/error.h"

namespace recsys {

const std::vector<const ModelKind*>& model_kinds() {
    // Every kind this version reads (and trains, but for the read-only ones): one line each.
    static const std::vector<const ModelKind*> kinds = {
        &als_kind(),
        &logreg_kind(),
        &linreg_kind(),
        &mlp_kind(),
        &featurizer_kind(),
        &pipeline_kind(),
        &bandit_kind(),
        &coxph_kind(),
        &knn_kind(),
        &lda_kind(),
        &svm_kind(),
        &item_factors_kind(),
        &gbt_kind(),
        &forest_kind(),
        &itemknn_kind(),
        &cooccurrence_kind(),
        &bpr_kind(),
    };
    return kinds;
}

const ModelKind& model_kind(const std::string& name) {
    for (const ModelKind* kind : model_kinds())
        if (kind->aggregate.name == name) return *kind;
    fail(ErrorKind::InvalidInput, "unknown model kind \"" + name + "\"",
         "the model was written by a newer recsys, or is not a recsys model");
}

}  // namespace recsys
