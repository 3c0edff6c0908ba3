// recsys.contributions and recsys.feature_importance of any model that can
// tell them: the trees (TreeSHAP and split statistics, tree_explain.h) and
// the linear models (coefficient x value, the intercept as the bias).
#pragma once

#include <string>
#include <vector>

#include "tree_explain.h"
#include "../model/model.h"

namespace recsys {

// One feature's part of a raw score (the margin: log-odds for logistic
// models). Feature 0 is the bias (the trees' expected margin, a linear
// model's intercept); features 1..p are features[1..p]. `group` names the
// class of a multi-class model's margin, "" otherwise. Per group, the
// contributions sum to the raw score.
struct Contribution {
    std::string group;
    int feature;
    double value;
};

// x: the model's feature_count() values (NaN for missing, for trees only).
// An InvalidParameter error naming `subject` for a model of another kind.
std::vector<Contribution> model_contributions(const Model& m, const double* x, const std::string& subject);

// The trees' importance per feature (index 0 is features[1]); an
// InvalidParameter error naming `subject` for a model that is not trees.
std::vector<FeatureImportance> model_importance(const Model& m, const std::string& subject);

}  // namespace recsys
