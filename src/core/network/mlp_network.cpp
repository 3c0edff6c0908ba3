// The network's forward and backward passes (mlp_network.h): one matrix
// product per layer and pass over the whole batch.
#include "mlp_network.h"

#include "../linear/binary_labels.h"

namespace recsys {

std::vector<std::size_t> mlp_layer_sizes(std::size_t features, const std::vector<std::int64_t>& hidden) {
    std::vector<std::size_t> sizes{features};
    for (std::int64_t h : hidden) sizes.push_back(static_cast<std::size_t>(h));
    sizes.push_back(1);
    return sizes;
}

std::size_t mlp_parameter_count(const std::vector<std::size_t>& sizes) {
    std::size_t count = 0;
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) count += (sizes[l] + 1) * sizes[l + 1];
    return count;
}

template <class T>
MlpNetwork<T>::MlpNetwork(std::vector<std::size_t> layer_sizes) : sizes(std::move(layer_sizes)) {
    std::size_t offset = 0;
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
        offsets_.push_back(offset);
        offset += (sizes[l] + 1) * sizes[l + 1];
    }
    params = MlpVector<T>::Zero(static_cast<Eigen::Index>(offset));
}

template <class T>
MlpWorkspace<T>::MlpWorkspace(const std::vector<std::size_t>& sizes, std::size_t batch) {
    for (std::size_t l = 1; l < sizes.size(); ++l) {
        activations.emplace_back(static_cast<Eigen::Index>(sizes[l]), static_cast<Eigen::Index>(batch));
        deltas.emplace_back(static_cast<Eigen::Index>(sizes[l]), static_cast<Eigen::Index>(batch));
    }
}

// d = 0 where the ReLU's output a is 0. A plain loop over the contiguous
// columns, which the compiler turns into vector compares and masks: Eigen's
// select() became a branch per element here, mispredicted half the time.
template <class T>
void relu_mask(const T* a, T* d, std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) d[k] = a[k] > T(0) ? d[k] : T(0);
}

template <class T>
void mlp_forward(const MlpNetwork<T>& net, const typename MlpNetwork<T>::Input& x, MlpWorkspace<T>& ws) {
    const Eigen::Index b = x.cols();
    const std::size_t layers = net.layers();
    for (std::size_t l = 0; l < layers; ++l) {
        auto z = ws.activations[l].leftCols(b);
        if (l == 0)
            z.noalias() = net.weights(0, net.params) * x;
        else
            z.noalias() = net.weights(l, net.params) * ws.activations[l - 1].leftCols(b);
        z.colwise() += net.bias(l, net.params);
        if (l + 1 < layers) z = z.cwiseMax(T(0));  // ReLU; the output stays a score
    }
}

template <class T>
double mlp_loss_sum(const MlpNetwork<T>& net, const typename MlpNetwork<T>::Input& x, const T* y, const T* w,
                    MlpWorkspace<T>& ws) {
    mlp_forward(net, x, ws);
    const auto scores = ws.activations.back().row(0);
    double loss = 0;
    for (Eigen::Index i = 0; i < x.cols(); ++i) {
        const double s = scores[i];
        loss += w[i] * (softplus(s) - y[i] * s);
    }
    return loss;
}

template <class T>
double mlp_loss_gradient(const MlpNetwork<T>& net, const typename MlpNetwork<T>::Input& x, const T* y, const T* w,
                         double l2, MlpWorkspace<T>& ws, MlpVector<T>& gradient) {
    const Eigen::Index b = x.cols();
    const std::size_t layers = net.layers();
    double loss = mlp_loss_sum(net, x, y, w, ws) / static_cast<double>(b);
    // d loss / d score_i = w_i (sigmoid(s_i) - y_i) / b
    const T inv_b = T(1) / static_cast<T>(b);
    const auto scores = ws.activations.back().row(0);
    auto out = ws.deltas.back().row(0);
    for (Eigen::Index i = 0; i < b; ++i) out[i] = w[i] * (sigmoid(scores[i]) - y[i]) * inv_b;

    const T penalty = static_cast<T>(l2) * inv_b;
    double squares = 0;
    for (std::size_t l = layers; l-- > 0;) {
        const auto W = net.weights(l, net.params);
        const auto delta = ws.deltas[l].leftCols(b);
        auto gW = net.weights(l, gradient);
        if (l == 0)
            gW.noalias() = delta * x.transpose();
        else
            gW.noalias() = delta * ws.activations[l - 1].leftCols(b).transpose();
        gW += penalty * W;
        net.bias(l, gradient).noalias() = delta.rowwise().sum();
        squares += static_cast<double>(W.squaredNorm());
        if (l == 0) break;
        // Back through layer l's weights and layer l - 1's ReLU.
        auto below = ws.deltas[l - 1].leftCols(b);
        below.noalias() = W.transpose() * delta;
        relu_mask(ws.activations[l - 1].data(), below.data(), static_cast<std::size_t>(below.size()));
    }
    return loss + 0.5 * l2 * squares / static_cast<double>(b);
}

#define RECSYS_MLP_INSTANTIATE(T)                                                                                     \
    template struct MlpNetwork<T>;                                                                                    \
    template struct MlpWorkspace<T>;                                                                                  \
    template void mlp_forward(const MlpNetwork<T>&, const typename MlpNetwork<T>::Input&, MlpWorkspace<T>&);          \
    template double mlp_loss_sum(const MlpNetwork<T>&, const typename MlpNetwork<T>::Input&, const T*, const T*,      \
                                 MlpWorkspace<T>&);                                                                   \
    template double mlp_loss_gradient(const MlpNetwork<T>&, const typename MlpNetwork<T>::Input&, const T*, const T*, \
                                      double, MlpWorkspace<T>&, MlpVector<T>&);
RECSYS_MLP_INSTANTIATE(float)
RECSYS_MLP_INSTANTIATE(double)

}  // namespace recsys
