// What serving needs of ALS beyond FactorModel's (candidates/factor_model.h):
// a history of items folded in as a user, by the user's own solve.
#include <Eigen/Cholesky>

#include "als.h"
#include "../base/error.h"

namespace recsys {

const Eigen::MatrixXf& AlsModel::item_gram() const {
    if (item_gram_.rows() != factors()) {
        Eigen::MatrixXf g = Eigen::MatrixXf::Zero(factors(), factors());
        g.selfadjointView<Eigen::Lower>().rankUpdate(item_factors.transpose());
        g.triangularView<Eigen::StrictlyUpper>() = g.transpose();
        item_gram_ = std::move(g);
    }
    return item_gram_;
}

Eigen::VectorXf AlsModel::fold_in(const std::vector<std::pair<std::int32_t, double>>& history) const {
    const int f = factors();
    const float reg = static_cast<float>(params.l2);
    Eigen::MatrixXf a = Eigen::MatrixXf::Identity(f, f) * reg;
    Eigen::VectorXf b = Eigen::VectorXf::Zero(f);
    if (!params.explicit_feedback) a += item_gram();
    for (const auto& [i, w] : history) {
        auto y = item_factors.row(i).transpose();
        float c = params.explicit_feedback ? static_cast<float>(w) : 1.0f + static_cast<float>(params.alpha * w);
        float extra = params.explicit_feedback ? 1.0f : c - 1.0f;
        a.noalias() += extra * y * y.transpose();
        b += c * y;
    }
    Eigen::VectorXf x = a.ldlt().solve(b);
    // Huge weights overflow the floats of the solve: NaN scores would rank
    // arbitrarily, so say so instead.
    if (!x.allFinite())
        fail(ErrorKind::DataException, "the weights of recommend_for_items make the folded-in user vector non-finite",
             "scale the weights down");
    return x;
}

}  // namespace recsys
