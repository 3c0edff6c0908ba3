// The fully connected network of the mlp kind (mlp.h) and its two passes,
// written once for any scalar: training and serving use float, the gradient
// test double.
//
// A batch is a matrix with one row per column (p x b, column-major), so each
// layer is one matrix product over the whole batch: Z = W A + b, W out x in.
// Hidden layers are ReLU, the output one unit whose score s gives
// P(label) = sigmoid(s). The batch loss is
//
//   (1/b) sum_i w_i logloss(y_i, sigmoid(s_i)) + (l2 / (2 b)) sum_layers |W|^2
//
// exactly scikit-learn's MLPClassifier with alpha = l2 (its _backprop adds
// alpha/2 |W|^2 / n_samples to the batch loss and alpha W / n_samples to the
// gradient; intercepts are not penalized); w_i are class weights (1 without).
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace recsys {

template <class T>
using MlpMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using MlpVector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// Units per layer: the inputs, the hidden layers, then the output's 1.
std::vector<std::size_t> mlp_layer_sizes(std::size_t features, const std::vector<std::int64_t>& hidden);
// Weights and biases of a network of those sizes.
std::size_t mlp_parameter_count(const std::vector<std::size_t>& sizes);

// A network's parameters live in one flat vector (layer by layer: W
// column-major, then b), so the optimizer and the l2 penalty run over one
// array and the gradient has the same layout.
template <class T>
struct MlpNetwork {
    // A batch's inputs: any p x b block of columns (a type that does not
    // take part in deducing T, so a plain matrix converts to it).
    using Input = Eigen::Ref<const MlpMatrix<T>>;

    std::vector<std::size_t> sizes;
    MlpVector<T> params;

    MlpNetwork() = default;
    explicit MlpNetwork(std::vector<std::size_t> layer_sizes);
    std::size_t layers() const { return sizes.size() - 1; }
    // Layer l (0-based) maps sizes[l] units to sizes[l + 1]; `of` is params
    // or a vector of the same layout (a gradient).
    std::size_t weight_offset(std::size_t l) const { return offsets_[l]; }
    std::size_t bias_offset(std::size_t l) const { return offsets_[l] + sizes[l + 1] * sizes[l]; }
    Eigen::Map<const MlpMatrix<T>> weights(std::size_t l, const MlpVector<T>& of) const {
        return {of.data() + weight_offset(l), rows(l), cols(l)};
    }
    Eigen::Map<MlpMatrix<T>> weights(std::size_t l, MlpVector<T>& of) const {
        return {of.data() + weight_offset(l), rows(l), cols(l)};
    }
    Eigen::Map<const MlpVector<T>> bias(std::size_t l, const MlpVector<T>& of) const {
        return {of.data() + bias_offset(l), rows(l)};
    }
    Eigen::Map<MlpVector<T>> bias(std::size_t l, MlpVector<T>& of) const {
        return {of.data() + bias_offset(l), rows(l)};
    }

private:
    Eigen::Index rows(std::size_t l) const { return static_cast<Eigen::Index>(sizes[l + 1]); }
    Eigen::Index cols(std::size_t l) const { return static_cast<Eigen::Index>(sizes[l]); }
    std::vector<std::size_t> offsets_;
};

// The buffers of both passes for batches of up to `batch` rows, allocated
// once: the batch loop allocates nothing.
template <class T>
struct MlpWorkspace {
    std::vector<MlpMatrix<T>> activations;  // per layer: after ReLU (the last: the scores)
    std::vector<MlpMatrix<T>> deltas;       // per layer: d loss / d Z
    MlpWorkspace(const std::vector<std::size_t>& sizes, std::size_t batch);
    std::size_t capacity() const { return static_cast<std::size_t>(activations.back().cols()); }
};

// The scores of the columns of x (sizes[0] x b, b <= ws.capacity()):
// ws.activations.back().leftCols(b).
template <class T>
void mlp_forward(const MlpNetwork<T>& net, const typename MlpNetwork<T>::Input& x, MlpWorkspace<T>& ws);

// The batch loss above (accumulated in double) and its gradient with
// respect to net.params into `gradient` (same layout). y and w: b labels
// (0 or 1) and weights.
template <class T>
double mlp_loss_gradient(const MlpNetwork<T>& net, const typename MlpNetwork<T>::Input& x, const T* y, const T* w,
                         double l2, MlpWorkspace<T>& ws, MlpVector<T>& gradient);

// The loss part only, (sum_i w_i logloss_i) of the columns of x, unscaled
// (a forward pass; for validation).
template <class T>
double mlp_loss_sum(const MlpNetwork<T>& net, const typename MlpNetwork<T>::Input& x, const T* y, const T* w,
                    MlpWorkspace<T>& ws);

}  // namespace recsys
