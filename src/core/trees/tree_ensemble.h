// A tree ensemble read from XGBoost's own JSON model (XGBoosterSaveModelToBuffer
// with {"format": "json"}), checked, and served by our own traversal. The JSON
// is what a model stores; it reaches XGBoost's loader never: predictions,
// importance and contributions come from the arrays below, each checked here
// (lengths, children in range and forming a tree, split features below the
// feature count, finite thresholds and leaves, classes consistent with the
// objective), so that bytes either describe trees we can walk or are refused.
//
// XGBoost's semantics, which the traversal follows: a feature is compared as
// a float32, `x < split_condition` goes left, a missing value (NaN) follows
// default_left; a leaf's value is its split_condition. The margin of output
// group g is base_margin + the float sum of the leaves of the trees whose
// tree_info is g, in tree order; the objective's link turns margins into
// predictions (identity, logistic, softmax).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace recsys {

// The deepest tree a model may have (max_depth is at most 30).
constexpr std::size_t kMaxTreeDepth = 64;

// The objectives we train and serve, under XGBoost's names.
enum class TreeObjective { SquaredError, Logistic, Softprob, RankPairwise, RankNdcg };

const char* objective_name(TreeObjective objective);
// The objective of that XGBoost name; false for one we do not serve.
bool objective_from_name(const std::string& name, TreeObjective& out);
inline bool is_ranking(TreeObjective o) { return o == TreeObjective::RankPairwise || o == TreeObjective::RankNdcg; }

struct Tree {
    std::vector<std::int32_t> left, right;  // -1 for a leaf
    std::vector<std::uint32_t> feature;     // split feature (internal nodes)
    std::vector<float> value;               // threshold (internal) or leaf value
    std::vector<std::uint8_t> default_left;
    std::vector<float> gain, cover;         // loss_changes, sum_hessian
    std::uint32_t group = 0;                // output group (the class of a multi-class model)
    std::size_t levels = 0;                 // the deepest leaf's depth (the root's is 0)

    std::size_t size() const { return left.size(); }
    std::size_t depth() const { return levels; }
    bool is_leaf(std::size_t node) const { return left[node] < 0; }
    // The leaf x (feature_count values, NaN for missing) falls in.
    std::size_t leaf(const double* x) const;
    // Whether x goes to the left child at internal node `node`.
    bool goes_left(std::size_t node, double x) const;
};

struct TreeEnsemble {
    TreeObjective objective = TreeObjective::SquaredError;
    std::size_t features = 0;
    std::size_t groups = 1;   // output groups: the classes of a multi-class model, else 1
    float base_score = 0.5f;  // as XGBoost stores it (a probability for logistic)
    std::size_t parallel_trees = 1;  // trees per round and group (a forest's num_parallel_tree)
    std::vector<Tree> trees;

    // The margin added before the trees (logit of base_score for logistic).
    float base_margin() const;
    // groups raw margins of x.
    void margins(const double* x, float* out) const;
    // groups predictions of x: the link applied to the margins.
    void predict(const double* x, double* out) const;
    std::size_t node_count() const;
};

// Parses and checks XGBoost JSON model text; Corrupted (XX001) naming what is
// wrong when it is not a gbtree model of a served objective we can walk.
TreeEnsemble parse_xgboost_json(const std::string& text);

}  // namespace recsys
