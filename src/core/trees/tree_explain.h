// Why a tree model predicts what it does, from its checked trees:
//   - feature importance as XGBoost's get_score tells it: per feature, the
//     splits on it (weight), their mean loss reduction (gain) and mean
//     hessian sum (cover);
//   - per-feature contributions to one prediction's raw score (the margin),
//     XGBoost's exact TreeSHAP (Lundberg et al. 2018, as in XGBoost's
//     RegTree::CalculateContributions): they and the bias (the expected
//     margin over the training rows, with base_score) sum to the margin.
#pragma once

#include <cstddef>
#include <vector>

#include "tree_ensemble.h"

namespace recsys {

struct FeatureImportance {
    double gain = 0, weight = 0, cover = 0;
};

// One entry per feature (0 for a feature no split uses).
std::vector<FeatureImportance> feature_importance(const TreeEnsemble& e);

// out: groups x (features + 1) values, group-major; the last of each group
// is its bias. x: features values, NaN for missing.
void tree_contributions(const TreeEnsemble& e, const double* x, double* out);

}  // namespace recsys
