#include "tree_ensemble.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

#include "../base/error.h"

namespace recsys {

namespace {

using Json = nlohmann::json;

constexpr struct {
    TreeObjective objective;
    const char* name;
} kObjectives[] = {
    {TreeObjective::SquaredError, "reg:squarederror"}, {TreeObjective::Logistic, "binary:logistic"},
    {TreeObjective::Softprob, "multi:softprob"},       {TreeObjective::RankPairwise, "rank:pairwise"},
    {TreeObjective::RankNdcg, "rank:ndcg"},
};

// Most output groups (classes) and features a model may have.
constexpr std::size_t kMaxGroups = 1u << 16;
constexpr std::size_t kMaxFeatures = std::size_t(1) << 31;

[[noreturn]] void corrupt(const std::string& what) {
    fail(ErrorKind::Corrupted, "model is inconsistent: its XGBoost trees " + what);
}

const Json& member(const Json& object, const char* key, const char* where) {
    if (!object.is_object()) corrupt(std::string(where) + " is not an object");
    auto it = object.find(key);
    if (it == object.end()) corrupt(std::string(where) + " has no \"" + key + "\"");
    return *it;
}

// XGBoost writes its parameters as strings ("5E-1", "3").
double string_number(const Json& value, const char* what) {
    if (!value.is_string()) corrupt(std::string(what) + " is not a number in a string");
    const std::string& text = value.get_ref<const std::string&>();
    if (text.empty() || text.size() > 64) corrupt(std::string(what) + " is not a number");
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (errno != 0 || end != text.c_str() + text.size() || !std::isfinite(v))
        corrupt(std::string(what) + " is not a finite number");
    return v;
}

std::size_t string_count(const Json& value, const char* what, std::size_t max) {
    const double v = string_number(value, what);
    if (v < 0 || v > static_cast<double>(max) || v != std::floor(v)) corrupt(std::string(what) + " is out of range");
    return static_cast<std::size_t>(v);
}

template <class T>
std::vector<T> number_array(const Json& tree, const char* key, std::size_t expected) {
    const Json& a = member(tree, key, "a tree");
    if (!a.is_array() || a.size() != expected) corrupt(std::string("' ") + key + " is not an array of num_nodes values");
    std::vector<T> out;
    out.reserve(expected);
    for (const Json& v : a) {
        double d;
        if (v.is_number()) d = v.get<double>();
        else if (v.is_boolean()) d = v.get<bool>();
        else corrupt(std::string("' ") + key + " holds a value that is not a number");
        if (!std::isfinite(d)) corrupt(std::string("' ") + key + " holds a value that is not finite");
        if (std::is_integral<T>::value &&
            (d != std::floor(d) || d < static_cast<double>(std::numeric_limits<T>::min()) ||
             d > static_cast<double>(std::numeric_limits<T>::max())))
            corrupt(std::string("' ") + key + " holds a value out of range");
        if (!std::is_integral<T>::value && std::fabs(d) > std::numeric_limits<float>::max())
            corrupt(std::string("' ") + key + " holds a value beyond a float");
        out.push_back(static_cast<T>(d));
    }
    return out;
}

// Every node reached from the root once at most (a tree, no cycle, no shared
// child), at most kMaxTreeDepth levels deep; internal nodes split on a known
// feature. Sets the tree's depth.
void check_structure(Tree& t, std::size_t features) {
    const std::size_t n = t.size();
    std::vector<std::uint8_t> seen(n, 0);
    std::vector<std::pair<std::size_t, std::size_t>> stack{{0, 0}};
    seen[0] = 1;
    while (!stack.empty()) {
        const auto [node, depth] = stack.back();
        stack.pop_back();
        if (depth > kMaxTreeDepth) corrupt("have a tree deeper than " + std::to_string(kMaxTreeDepth) + " levels");
        t.levels = std::max(t.levels, depth);
        if (t.left[node] == -1 && t.right[node] == -1) continue;
        if (t.feature[node] >= features) corrupt("split on a feature beyond num_feature");
        for (std::int32_t child : {t.left[node], t.right[node]}) {
            if (child < 0 || static_cast<std::size_t>(child) >= n) corrupt("have a child index out of range");
            if (seen[static_cast<std::size_t>(child)]) corrupt("do not form a tree (a node has two parents)");
            seen[static_cast<std::size_t>(child)] = 1;
            stack.push_back({static_cast<std::size_t>(child), depth + 1});
        }
    }
}

Tree read_tree(const Json& j, std::size_t features, std::size_t groups, std::uint32_t group) {
    const std::size_t n = string_count(member(member(j, "tree_param", "a tree"), "num_nodes", "tree_param"), "num_nodes",
                                       std::size_t(1) << 30);
    if (n == 0) corrupt("have a tree without nodes");
    Tree t;
    t.left = number_array<std::int32_t>(j, "left_children", n);
    t.right = number_array<std::int32_t>(j, "right_children", n);
    t.feature = number_array<std::uint32_t>(j, "split_indices", n);
    t.value = number_array<float>(j, "split_conditions", n);
    t.default_left = number_array<std::uint8_t>(j, "default_left", n);
    t.gain = number_array<float>(j, "loss_changes", n);
    t.cover = number_array<float>(j, "sum_hessian", n);
    for (std::uint8_t type : number_array<std::uint8_t>(j, "split_type", n))
        if (type != 0) corrupt("have a categorical split, which recsys does not serve");
    for (std::uint8_t d : t.default_left)
        if (d > 1) corrupt("have a default_left that is neither 0 nor 1");
    for (float c : t.cover)
        if (!(c >= 0)) corrupt("have a negative sum_hessian");
    if (group >= groups) corrupt("have a tree_info beyond the output groups");
    t.group = group;
    check_structure(t, features);
    return t;
}

}  // namespace

const char* objective_name(TreeObjective objective) {
    for (const auto& o : kObjectives)
        if (o.objective == objective) return o.name;
    return "?";
}

bool objective_from_name(const std::string& name, TreeObjective& out) {
    for (const auto& o : kObjectives)
        if (name == o.name) {
            out = o.objective;
            return true;
        }
    return false;
}

bool Tree::goes_left(std::size_t node, double x) const {
    if (std::isnan(x)) return default_left[node] != 0;
    return static_cast<float>(x) < value[node];
}

std::size_t Tree::leaf(const double* x) const {
    std::size_t node = 0;
    while (!is_leaf(node))
        node = static_cast<std::size_t>(goes_left(node, x[feature[node]]) ? left[node] : right[node]);
    return node;
}

float TreeEnsemble::base_margin() const {
    if (objective == TreeObjective::Logistic) return -std::log(1.0f / base_score - 1.0f);
    return base_score;
}

void TreeEnsemble::margins(const double* x, float* out) const {
    std::fill(out, out + groups, base_margin());
    for (const Tree& t : trees) out[t.group] += t.value[t.leaf(x)];
}

void TreeEnsemble::predict(const double* x, double* out) const {
    std::vector<float> m(groups);
    margins(x, m.data());
    if (objective == TreeObjective::Logistic) {
        // XGBoost's common::Sigmoid.
        const float e = std::exp(std::min(-m[0], 88.7f));
        out[0] = 1.0f / (e + 1.0f + 1e-16f);
    } else if (objective == TreeObjective::Softprob) {
        // XGBoost's common::Softmax.
        float wmax = m[0];
        for (float v : m) wmax = std::fmax(v, wmax);
        double wsum = 0;
        for (float& v : m) {
            v = std::exp(v - wmax);
            wsum += v;
        }
        for (std::size_t g = 0; g < groups; ++g) out[g] = m[g] / static_cast<float>(wsum);
    } else {
        for (std::size_t g = 0; g < groups; ++g) out[g] = m[g];
    }
}

std::size_t TreeEnsemble::node_count() const {
    std::size_t n = 0;
    for (const Tree& t : trees) n += t.size();
    return n;
}

TreeEnsemble parse_xgboost_json(const std::string& text) {
    const Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) corrupt("are not valid JSON");
    const Json& learner = member(root, "learner", "the model");
    const Json& param = member(learner, "learner_model_param", "learner");
    TreeEnsemble e;
    const Json& objective = member(member(learner, "objective", "learner"), "name", "objective");
    if (!objective.is_string() || !objective_from_name(objective.get_ref<const std::string&>(), e.objective))
        corrupt("have an objective recsys does not serve");
    e.features = string_count(member(param, "num_feature", "learner_model_param"), "num_feature", kMaxFeatures);
    if (e.features == 0) corrupt("have no features");
    const std::size_t classes = string_count(member(param, "num_class", "learner_model_param"), "num_class", kMaxGroups);
    if ((e.objective == TreeObjective::Softprob) != (classes >= 2))
        corrupt("have a num_class that does not fit the objective");
    e.groups = classes >= 2 ? classes : 1;
    const double base = string_number(member(param, "base_score", "learner_model_param"), "base_score");
    if (std::fabs(base) > std::numeric_limits<float>::max()) corrupt("have a base_score beyond a float");
    e.base_score = static_cast<float>(base);
    if (e.objective == TreeObjective::Logistic && !(e.base_score > 0 && e.base_score < 1))
        corrupt("have a base_score that is not a probability");
    const Json& booster = member(learner, "gradient_booster", "learner");
    const Json& name = member(booster, "name", "gradient_booster");
    if (!name.is_string() || name.get_ref<const std::string&>() != "gbtree") corrupt("are not a gbtree booster");
    const Json& model = member(booster, "model", "gradient_booster");
    const Json& trees = member(model, "trees", "model");
    const Json& info = member(model, "tree_info", "model");
    const Json& tree_param = member(model, "gbtree_model_param", "model");
    const std::size_t count = string_count(member(tree_param, "num_trees", "gbtree_model_param"), "num_trees",
                                           std::size_t(1) << 24);
    e.parallel_trees = string_count(member(tree_param, "num_parallel_tree", "gbtree_model_param"), "num_parallel_tree",
                                    std::size_t(1) << 24);
    if (e.parallel_trees == 0 || count % (e.parallel_trees * e.groups) != 0)
        corrupt("have num_trees that is not whole rounds of num_parallel_tree trees per group");
    if (!trees.is_array() || !info.is_array() || trees.size() != count || info.size() != count)
        corrupt("have num_trees unlike the count of trees or tree_info");
    e.trees.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        if (!info[i].is_number_integer() || info[i].get<long long>() < 0 ||
            static_cast<unsigned long long>(info[i].get<long long>()) >= e.groups)
            corrupt("have a tree_info beyond the output groups");
        e.trees.push_back(read_tree(trees[i], e.features, e.groups, static_cast<std::uint32_t>(info[i].get<long long>())));
    }
    return e;
}

}  // namespace recsys
