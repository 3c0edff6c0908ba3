#include "tree_explain.h"

#include <cmath>

#include "../base/error.h"

namespace recsys {

namespace {

struct PathElement {
    int feature;
    float zero_fraction, one_fraction, pweight;
};

void extend_path(PathElement* path, unsigned depth, float zero_fraction, float one_fraction, int feature) {
    path[depth] = {feature, zero_fraction, one_fraction, depth == 0 ? 1.0f : 0.0f};
    for (int i = static_cast<int>(depth) - 1; i >= 0; i--) {
        path[i + 1].pweight += one_fraction * path[i].pweight * static_cast<float>(i + 1) / static_cast<float>(depth + 1);
        path[i].pweight = zero_fraction * path[i].pweight * static_cast<float>(depth - i) / static_cast<float>(depth + 1);
    }
}

void unwind_path(PathElement* path, unsigned depth, unsigned index) {
    const float one_fraction = path[index].one_fraction, zero_fraction = path[index].zero_fraction;
    float next_one_portion = path[depth].pweight;
    for (int i = static_cast<int>(depth) - 1; i >= 0; --i) {
        if (one_fraction != 0) {
            const float tmp = path[i].pweight;
            path[i].pweight = next_one_portion * static_cast<float>(depth + 1) / (static_cast<float>(i + 1) * one_fraction);
            next_one_portion = tmp - path[i].pweight * zero_fraction * static_cast<float>(depth - i) /
                                         static_cast<float>(depth + 1);
        } else {
            path[i].pweight = path[i].pweight * static_cast<float>(depth + 1) /
                              (zero_fraction * static_cast<float>(depth - i));
        }
    }
    for (unsigned i = index; i < depth; ++i) {
        path[i].feature = path[i + 1].feature;
        path[i].zero_fraction = path[i + 1].zero_fraction;
        path[i].one_fraction = path[i + 1].one_fraction;
    }
}

float unwound_path_sum(const PathElement* path, unsigned depth, unsigned index) {
    const float one_fraction = path[index].one_fraction, zero_fraction = path[index].zero_fraction;
    float next_one_portion = path[depth].pweight, total = 0;
    for (int i = static_cast<int>(depth) - 1; i >= 0; --i) {
        if (one_fraction != 0) {
            const float tmp = next_one_portion * static_cast<float>(depth + 1) / (static_cast<float>(i + 1) * one_fraction);
            total += tmp;
            next_one_portion = path[i].pweight - tmp * zero_fraction * (static_cast<float>(depth - i) /
                                                                        static_cast<float>(depth + 1));
        } else if (zero_fraction != 0) {
            total += (path[i].pweight / zero_fraction) / (static_cast<float>(depth - i) / static_cast<float>(depth + 1));
        }
    }
    return total;
}

struct Shap {
    const Tree& t;
    const double* x;
    float* phi;

    void recurse(std::size_t node, unsigned depth, PathElement* parent_path, float parent_zero, float parent_one,
                 int parent_feature) const {
        PathElement* path = parent_path + depth + 1;
        std::copy(parent_path, parent_path + depth + 1, path);
        extend_path(path, depth, parent_zero, parent_one, parent_feature);
        if (t.is_leaf(node)) {
            for (unsigned i = 1; i <= depth; ++i) {
                const float w = unwound_path_sum(path, depth, i);
                phi[path[i].feature] += w * (path[i].one_fraction - path[i].zero_fraction) * t.value[node];
            }
            return;
        }
        const std::uint32_t split = t.feature[node];
        const auto hot = static_cast<std::size_t>(t.goes_left(node, x[split]) ? t.left[node] : t.right[node]);
        const auto cold = static_cast<std::size_t>(hot == static_cast<std::size_t>(t.left[node]) ? t.right[node]
                                                                                                 : t.left[node]);
        const float w = t.cover[node];
        const float hot_zero = w > 0 ? t.cover[hot] / w : 0, cold_zero = w > 0 ? t.cover[cold] / w : 0;
        float incoming_zero = 1, incoming_one = 1;
        unsigned index = 0;
        for (; index <= depth; ++index)
            if (path[index].feature == static_cast<int>(split)) break;
        if (index != depth + 1) {
            incoming_zero = path[index].zero_fraction;
            incoming_one = path[index].one_fraction;
            unwind_path(path, depth, index);
            depth -= 1;
        }
        recurse(hot, depth + 1, path, hot_zero * incoming_zero, incoming_one, static_cast<int>(split));
        recurse(cold, depth + 1, path, cold_zero * incoming_zero, 0, static_cast<int>(split));
    }
};

// The cover-weighted mean leaf value under each node (XGBoost's FillNodeMeanValues).
float mean_value(const Tree& t, std::size_t node, std::vector<float>& means) {
    float v;
    if (t.is_leaf(node)) {
        v = t.value[node];
    } else {
        const auto l = static_cast<std::size_t>(t.left[node]), r = static_cast<std::size_t>(t.right[node]);
        const float left = mean_value(t, l, means), right = mean_value(t, r, means);
        v = t.cover[node] > 0 ? (left * t.cover[l] + right * t.cover[r]) / t.cover[node] : 0;
    }
    means[node] = v;
    return v;
}

}  // namespace

std::vector<FeatureImportance> feature_importance(const TreeEnsemble& e) {
    std::vector<FeatureImportance> out(e.features);
    for (const Tree& t : e.trees)
        for (std::size_t node = 0; node < t.size(); ++node) {
            if (t.is_leaf(node)) continue;
            FeatureImportance& f = out[t.feature[node]];
            f.weight += 1;
            f.gain += t.gain[node];
            f.cover += t.cover[node];
        }
    for (FeatureImportance& f : out)
        if (f.weight > 0) {
            f.gain /= f.weight;
            f.cover /= f.weight;
        }
    return out;
}

void tree_contributions(const TreeEnsemble& e, const double* x, double* out) {
    const std::size_t width = e.features + 1;
    std::vector<float> phi(e.groups * width, 0.0f), means;
    for (std::size_t g = 0; g < e.groups; ++g) phi[g * width + e.features] = e.base_margin();
    for (const Tree& t : e.trees) {
        float* group = &phi[t.group * width];
        means.assign(t.size(), 0);
        group[e.features] += mean_value(t, 0, means);
        const std::size_t d = t.depth() + 2;
        std::vector<PathElement> path(d * (d + 1) / 2);
        Shap{t, x, group}.recurse(0, 0, path.data(), 1, 1, -1);
    }
    for (std::size_t i = 0; i < phi.size(); ++i) {
        if (!std::isfinite(phi[i]))
            fail(ErrorKind::DataException, "a contribution of the tree model is not finite",
                 "the model's trees give this row no finite explanation");
        out[i] = phi[i];
    }
}

}  // namespace recsys
