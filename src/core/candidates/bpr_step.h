// One stochastic gradient step of BPR on a triple (user u, seen item l,
// unseen item d), shared by training and by the fold-in of a history.
//
// BPR maximizes sum ln sigma(x_uld) - l2 |theta|^2 with x_uld = u . (l - d);
// the gradient of ln sigma(x) is z = sigma(-x) = 1 / (1 + e^x) times that of
// x. The vectors have factors + 1 entries: the last is the item's bias and
// the user's constant 1, which the step leaves alone (implicit does the same).
#pragma once

#include <Eigen/Core>
#include <cmath>

namespace recsys {

struct BprStep {
    float learning_rate, l2;
    int factors;  // without the bias column

    // x_uld before the step.
    // (An Eigen dot product: SIMD with several partial sums, where a plain
    // float loop would be one serial chain of additions.)
    float margin(const float* u, const float* l, const float* d) const {
        using Row = Eigen::Map<const Eigen::VectorXf>;
        return Row(u, factors + 1).dot(Row(l, factors + 1) - Row(d, factors + 1));
    }
    static float weight(float margin) { return 1.0f / (1.0f + std::exp(margin)); }

    // Moves the user and both items; returns whether the triple was already
    // ranked right (x_uld > 0), the training AUC's count.
    bool both(float* u, float* l, float* d) const {
        const float x = margin(u, l, d), z = weight(x);
        for (int k = 0; k < factors; ++k) {
            const float uk = u[k];
            u[k] += learning_rate * (z * (l[k] - d[k]) - l2 * uk);
            l[k] += learning_rate * (z * uk - l2 * l[k]);
            d[k] += learning_rate * (-z * uk - l2 * d[k]);
        }
        l[factors] += learning_rate * (z - l2 * l[factors]);
        d[factors] += learning_rate * (-z - l2 * d[factors]);
        return x > 0;
    }

    // Moves the user only (items frozen: a fold-in).
    void user_only(float* u, const float* l, const float* d) const {
        const float z = weight(margin(u, l, d));
        for (int k = 0; k < factors; ++k) u[k] += learning_rate * (z * (l[k] - d[k]) - l2 * u[k]);
    }
};

}  // namespace recsys
