// Bayesian personalized ranking (Rendle et al. 2009) by stochastic gradient
// ascent over sampled (user, seen item, unseen item) triples, as `implicit`'s
// BayesianPersonalizedRanking trains it (its options, its item bias, its
// popularity-weighted negatives), on a schedule that gives the same factors
// for a seed and a thread count whatever the timing of the threads.
//
// The factors have factors + 1 columns: the last is the item's bias, the
// user's last is a constant 1, so a score is one dot product (and the
// serving of FactorModel needs nothing else).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "factor_model.h"
#include "../als/interactions.h"
#include "../base/options.h"
#include "../model/train_context.h"

namespace recsys {

// The options of bpr_fit (names, defaults, ranges).
const OptionSchema& bpr_option_schema();

struct BprParams {
    int factors = 64;
    double learning_rate = 0.01;
    double l2 = 0.01;  // implicit's regularization
    int epochs = 100;
    std::uint64_t seed = 0;
    bool verify_negative_samples = true;
    static BprParams from(const Options& o);
};

// What the SGD produced, besides the factors: the training AUC of each epoch
// (the share of its sampled triples ranked right before their step), how
// the work was split, and the samples that were set aside.
struct BprRun {
    FactorMatrix user_factors, item_factors;  // (users or items) x (factors + 1)
    std::vector<double> auc;                  // per epoch
    int workers = 1;                          // user blocks, one per thread
    std::uint64_t rounds = 0;                 // per epoch
    std::uint64_t skipped = 0;                // last epoch: negatives the user had seen
};

// Trains on the by-user matrix (rows: users; columns: n_items items, at
// least one per user). The factor memory is claimed in ctx.budget.
BprRun bpr_sgd(const SparseRows& by_user, std::size_t n_items, const BprParams& p, TrainContext& ctx);

}  // namespace recsys
