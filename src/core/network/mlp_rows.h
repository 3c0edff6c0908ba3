// The rows the ranker network trains on (mlp.h), prepared once before the
// epochs: negatives down-sampled, a stratified validation split held out
// with early_stopping, the features standardized with the training rows'
// mean and scale, and copied in float with one column per row, the layout
// the network's matrix products read.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "../base/memory_budget.h"
#include "mlp.h"
#include "../base/stop.h"

namespace recsys {

// The uses of the seed (random.h streams): each draws its own numbers.
enum MlpStream : std::uint64_t { kMlpWeights = 1, kMlpShuffle = 2, kMlpSplit = 3 };

struct MlpRows {
    MlpMatrix<float> x;       // p x count: training columns [0, train), then the validation ones
    std::vector<float> y, w;  // labels (0 or 1) and class weights
    std::size_t train = 0;
    std::uint64_t positives = 0;  // among all count rows
    Eigen::VectorXd mean, scale;  // of the training rows (0 and 1 without standardize)
    std::size_t count() const { return y.size(); }
};

MlpRows prepare_mlp_rows(const MlpData& data, const Options& options, int threads, MemoryBudget& budget,
                         StopToken& stop);

}  // namespace recsys
