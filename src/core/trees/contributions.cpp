#include "contributions.h"

#include "tree_model.h"
#include "../model/coefficients.h"

namespace recsys {

std::vector<Contribution> model_contributions(const Model& m, const double* x, const std::string& subject) {
    std::vector<Contribution> out;
    if (const auto* trees = dynamic_cast<const TreeModel*>(&m)) {
        const TreeEnsemble& e = trees->trees;
        const std::size_t width = e.features + 1;
        std::vector<double> phi(e.groups * width);
        tree_contributions(e, x, phi.data());
        for (std::size_t g = 0; g < e.groups; ++g) {
            const std::string group = trees->is_multiclass() ? trees->class_labels[g] : "";
            out.push_back({group, 0, phi[g * width + e.features]});
            for (std::size_t j = 0; j < e.features; ++j)
                out.push_back({group, static_cast<int>(j + 1), phi[g * width + j]});
        }
        return out;
    }
    if (const auto* linear = dynamic_cast<const LinearModel*>(&m)) {
        out.push_back({"", 0, 0.0});
        for (const CoefficientRow& row : linear->coefficient_table()) {
            if (row.feature == 0) out[0].value = row.coefficient;
            else out.push_back({"", row.feature, row.coefficient * x[row.feature - 1]});
        }
        return out;
    }
    fail(ErrorKind::InvalidParameter,
         subject + " is of kind \"" + m.kind() + "\", which has no per-feature contributions",
         "recsys.contributions takes the models of gbt_fit, forest_fit, logreg_fit and linreg_fit");
}

std::vector<FeatureImportance> model_importance(const Model& m, const std::string& subject) {
    if (const auto* trees = dynamic_cast<const TreeModel*>(&m)) return feature_importance(trees->trees);
    fail(ErrorKind::InvalidParameter, subject + " is of kind \"" + m.kind() + "\", which has no feature importance",
         "recsys.feature_importance takes the models of gbt_fit and forest_fit (for a linear model: recsys.coefficients)");
}

}  // namespace recsys
