// BPR's fold-in of a history (bpr.h, BprModel::fold_in): the SGD of
// training on one user's vector, the items frozen.
#include <algorithm>

#include "bpr.h"
#include "bpr_step.h"
#include "../base/random.h"

namespace recsys {

namespace {

constexpr std::uint64_t kFoldInStream = 0xf01d1;

bool in_history(const std::vector<std::pair<std::int32_t, double>>& history, std::int32_t item) {
    auto it = std::lower_bound(history.begin(), history.end(), item,
                               [](const std::pair<std::int32_t, double>& h, std::int32_t i) { return h.first < i; });
    return it != history.end() && it->first == item;
}

}  // namespace

const std::vector<double>& BprModel::popularity_cumulative() const {
    if (popularity_cumulative_.empty()) {
        popularity_cumulative_.resize(items());
        double total = 0;
        for (std::size_t i = 0; i < items(); ++i) popularity_cumulative_[i] = total += item_popularity[i];
    }
    return popularity_cumulative_;
}

Eigen::VectorXf BprModel::fold_in(const std::vector<std::pair<std::int32_t, double>>& history) const {
    const int f = params.factors;
    Eigen::VectorXf u = Eigen::VectorXf::Zero(f + 1);
    u[f] = 1;
    if (history.empty() || items() == 0) return u;
    // Negatives as training draws them: an item with probability
    // proportional to its users (uniform if the counts are all zero).
    const std::vector<double>& cumulative = popularity_cumulative();
    const double total = cumulative.back();
    const std::uint64_t steps =
        std::min<std::uint64_t>(kFoldInSteps, static_cast<std::uint64_t>(params.epochs) * history.size());
    const BprStep step{static_cast<float>(params.learning_rate), static_cast<float>(params.l2), f};
    SplitMix rng(params.seed, kFoldInStream);
    for (std::uint64_t s = 0; s < steps; ++s) {
        const std::int32_t liked = history[rng.below(history.size())].first;
        std::int32_t disliked;
        if (total > 0) {
            const double at = rng.uniform() * total;
            const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), at);
            disliked = static_cast<std::int32_t>(std::min<std::ptrdiff_t>(it - cumulative.begin(),
                                                                          static_cast<std::ptrdiff_t>(items()) - 1));
        } else {
            disliked = static_cast<std::int32_t>(rng.below(items()));
        }
        if (in_history(history, disliked)) continue;
        step.user_only(u.data(), item_factors.row(liked).data(), item_factors.row(disliked).data());
    }
    return u;
}

}  // namespace recsys
