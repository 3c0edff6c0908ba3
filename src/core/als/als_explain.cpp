// Why ALS recommends an item to a user (AlsModel::explain), as implicit's
// explain does it: through the user's own solve.
//
// With the item factors Y fixed, the user's exact vector solves
//   W x = sum_j c_j y_j,   W = Y^T C_u Y + l2 I = Y^T Y + sum_j (c_j - 1) y_j y_j^T + l2 I
// over the user's training items j (c_j = 1 + alpha w_j; explicit feedback:
// W = sum_j y_j y_j^T + l2 I and c_j = w_j, the rating). So the score of
// item i, y_i . x = sum_j c_j y_i^T W^-1 y_j, is a sum over the training
// items: item j contributes c_j y_i^T W^-1 y_j, one solve W v = y_i for all.
//
// The stored user vector is not quite that x: training ends the user's
// solve after a few conjugate-gradient steps (and the item factors moved
// after it). So the contributions sum to the exact solve's score, not to the
// one recommend gives; the difference is returned as a last part of its own
// (index -1), so that what explain shows adds up to recommend's score and
// says how much of it the decomposition does not account for.
#include <Eigen/Cholesky>
#include <algorithm>

#include "als.h"

namespace recsys {

std::vector<Scored> AlsModel::explain(std::size_t user, std::size_t item) const {
    if (seen_weights.size() != seen_items.size())
        fail(ErrorKind::InvalidParameter,
             "this als model does not keep its training weights, which explain needs (it was trained by an "
             "older recsys)",
             "train it again (recsys.als_fit, or recsys.retrain_als for a registered model)");
    const int f = factors();
    const auto [first, last] = seen_by(user);
    const Eigen::Index n = last - first;
    const std::uint64_t offset = seen_offsets[user];

    Eigen::MatrixXd w = Eigen::MatrixXd::Identity(f, f) * params.l2;
    if (!params.explicit_feedback) w += item_gram().cast<double>();
    Eigen::MatrixXd y(n, f);
    Eigen::VectorXd c(n), extra(n);
    for (Eigen::Index k = 0; k < n; ++k) {
        y.row(k) = item_factors.row(first[k]).cast<double>();
        const double weight = seen_weights[offset + static_cast<std::uint64_t>(k)];
        c[k] = params.explicit_feedback ? weight : 1.0 + params.alpha * weight;
        extra[k] = params.explicit_feedback ? 1.0 : c[k] - 1.0;
    }
    w.noalias() += y.transpose() * extra.asDiagonal() * y;
    const Eigen::VectorXd v = w.ldlt().solve(item_factors.row(static_cast<Eigen::Index>(item)).cast<double>().transpose());
    const Eigen::VectorXd contribution = c.cwiseProduct(y * v);
    // Weights near a float's limit (or a singular W with l2 = 0) can
    // overflow the solve: an error, never a NaN row.
    if (!contribution.allFinite())
        fail(ErrorKind::DataException,
             "the explanation of item " + std::to_string(item_ids[item]) + " for user " +
                 std::to_string(user_ids[user]) + " is not finite: the user's training weights overflow its solve",
             "train with smaller weights (or l2 > 0)");

    std::vector<Scored> parts(static_cast<std::size_t>(n));
    for (Eigen::Index k = 0; k < n; ++k) parts[static_cast<std::size_t>(k)] = {first[k], static_cast<float>(contribution[k])};
    std::sort(parts.begin(), parts.end(), [](const Scored& a, const Scored& b) {
        return a.score != b.score ? a.score > b.score : a.index < b.index;
    });
    // recommend's score of the item, computed as recommend computes it.
    float served = 0;
    const std::int32_t index = static_cast<std::int32_t>(item);
    score(Taste{static_cast<std::int64_t>(user), nullptr}, &index, 1, &served);
    parts.push_back({-1, static_cast<float>(static_cast<double>(served) - contribution.sum())});
    return parts;
}

}  // namespace recsys
