// Training the fully connected ranker (mlp.h): Adam over shuffled
// mini-batches, with sklearn's stopping rules.
//
// Threads: a mini-batch of 200 rows is a few microseconds of work per layer,
// too little to share between threads without a per-batch rendezvous that
// costs more than it saves (bench/mlp_epoch_bench.cpp); the batch loop runs on
// the calling thread, and parallel_for only does the per-row passes (the
// standardized copy of the rows, the validation loss) in fixed chunks added
// in order. Each batch is the same sequence of Eigen products whatever the
// thread count, so the model is too.
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

#include "../linear/binary_labels.h"
#include "mlp.h"
#include "mlp_rows.h"
#include "../base/parallel.h"
#include "../base/random.h"

namespace recsys {

namespace {

using Clock = std::chrono::steady_clock;

// Columns per chunk of the validation pass.
constexpr std::size_t kChunkRows = 4096;

// Glorot uniform, as sklearn's _init_coef for ReLU networks: weights and
// biases of a layer in +-sqrt(6 / (fan_in + fan_out)).
void initialize(MlpNetwork<float>& net, std::uint64_t seed) {
    SplitMix rng(seed, kMlpWeights);
    for (std::size_t l = 0; l < net.layers(); ++l) {
        const double bound = std::sqrt(6.0 / static_cast<double>(net.sizes[l] + net.sizes[l + 1]));
        auto w = net.weights(l, net.params);
        for (Eigen::Index k = 0; k < w.size(); ++k) w.data()[k] = static_cast<float>((2 * rng.uniform() - 1) * bound);
        auto b = net.bias(l, net.params);
        for (Eigen::Index k = 0; k < b.size(); ++k) b[k] = static_cast<float>((2 * rng.uniform() - 1) * bound);
    }
}

// Adam (Kingma and Ba), as sklearn's AdamOptimizer: the bias corrections
// folded into the step size.
struct Adam {
    double learning_rate, beta1, beta2;
    float epsilon;
    MlpVector<float> m, v;
    long long t = 0;

    void step(MlpVector<float>& params, const MlpVector<float>& gradient) {
        ++t;
        const float b1 = static_cast<float>(beta1), b2 = static_cast<float>(beta2);
        m.array() = b1 * m.array() + (1 - b1) * gradient.array();
        v.array() = b2 * v.array() + (1 - b2) * gradient.array().square();
        const auto lr =
            static_cast<float>(learning_rate * std::sqrt(1 - std::pow(beta2, t)) / (1 - std::pow(beta1, t)));
        params.array() -= lr * m.array() / (v.array().sqrt() + epsilon);
    }
};

// sklearn's _update_no_improvement_count: an epoch improves when its loss
// beats the best by more than tol.
struct Stopping {
    double tol;
    long long patience;
    double best = std::numeric_limits<double>::infinity();
    long long no_improvement = 0;

    // Whether `loss` is the best so far; sets `stop` after more than
    // `patience` epochs without improvement.
    bool update(double loss, bool& stop) {
        no_improvement = loss > best - tol ? no_improvement + 1 : 0;
        const bool better = loss < best;
        if (better) best = loss;
        stop = no_improvement > patience;
        return better;
    }
};

// The validation rows' mean log loss: fixed chunks, added in order.
double validation_loss(const MlpNetwork<float>& net, const MlpRows& rows, std::vector<MlpWorkspace<float>>& spaces,
                       std::vector<double>& sums, int threads, StopToken& stop) {
    const std::size_t first = rows.train, n = rows.count() - rows.train;
    parallel_for(sums.size(), 1, threads, stop, [&](std::size_t begin, std::size_t end, int worker) {
        for (std::size_t c = begin; c < end; ++c) {
            const std::size_t from = first + c * kChunkRows, count = std::min(kChunkRows, n - c * kChunkRows);
            sums[c] =
                mlp_loss_sum(net, rows.x.middleCols(static_cast<Eigen::Index>(from), static_cast<Eigen::Index>(count)),
                             rows.y.data() + from, rows.w.data() + from, spaces[static_cast<std::size_t>(worker)]);
        }
    });
    double total = 0;
    for (double s : sums) total += s;
    return total / static_cast<double>(n);
}

}  // namespace

MlpModel train_mlp(const MlpData& data, const Options& options, TrainContext& ctx, TrainingSummary base) {
    const auto started = Clock::now();
    ContextResources resources(ctx);
    MemoryBudget& budget = resources.budget;
    StopToken& stop = resources.stop;
    const int threads = std::max(ctx.threads, 1);
    const auto seed = static_cast<std::uint64_t>(options.integer("seed"));
    const bool early_stopping = options.boolean("early_stopping");

    MlpModel model;
    model.options = options;
    model.negative_sample_rate = options.number("negative_sample_rate");
    static_cast<TrainingSummary&>(model.summary) = base;
    MlpSummary& summary = model.summary;
    summary.threads = threads;

    MlpRows rows = prepare_mlp_rows(data, options, threads, budget, stop);
    summary.used_rows = rows.count();
    summary.positives = rows.positives;
    summary.validation_rows = rows.count() - rows.train;
    model.mean = std::move(rows.mean);
    model.scale = std::move(rows.scale);

    // The network, its gradient, Adam's two moments and the best epoch's
    // copy; the shuffled order; the batch and the workspaces of the passes.
    const std::vector<std::size_t> sizes = mlp_layer_sizes(data.p, options.integers("hidden_layers"));
    const std::size_t batch =
        std::min<std::size_t>(static_cast<std::size_t>(options.integer("batch_size")), rows.train);
    std::size_t units = 0;
    for (std::size_t l = 1; l < sizes.size(); ++l) units += sizes[l];
    const std::size_t spaces_count = early_stopping ? static_cast<std::size_t>(threads) : 0;
    budget.reserve(mlp_parameter_count(sizes) * sizeof(float) * 5 + rows.train * sizeof(std::size_t) +
                       batch * (data.p + 2) * sizeof(float) +
                       2 * units * sizeof(float) * (batch + spaces_count * kChunkRows),
                   "mlp_fit network");
    model.network = MlpNetwork<float>(sizes);
    MlpNetwork<float>& net = model.network;
    initialize(net, seed);

    Adam adam{options.number("learning_rate"),
              options.number("beta_1"),
              options.number("beta_2"),
              static_cast<float>(options.number("epsilon")),
              MlpVector<float>::Zero(net.params.size()),
              MlpVector<float>::Zero(net.params.size())};
    Stopping stopping{options.number("tol"), options.integer("n_iter_no_change")};
    MlpVector<float> gradient(net.params.size()), best = net.params;
    MlpWorkspace<float> ws(net.sizes, batch);
    MlpMatrix<float> xb(static_cast<Eigen::Index>(data.p), static_cast<Eigen::Index>(batch));
    std::vector<float> yb(batch), wb(batch);
    std::vector<MlpWorkspace<float>> spaces;
    for (std::size_t t = 0; t < spaces_count; ++t) spaces.emplace_back(net.sizes, kChunkRows);
    std::vector<double> sums((summary.validation_rows + kChunkRows - 1) / kChunkRows);
    std::vector<std::size_t> order(rows.train);
    for (std::size_t i = 0; i < rows.train; ++i) order[i] = i;
    SplitMix shuffler(seed, kMlpShuffle);
    const double l2 = options.number("l2");
    const auto epochs = options.integer("epochs");

    for (long long epoch = 1; epoch <= epochs; ++epoch) {
        shuffle(order.data(), order.size(), shuffler);
        double total = 0;
        for (std::size_t begin = 0; begin < rows.train; begin += batch) {
            const std::size_t b = std::min(batch, rows.train - begin);
            for (std::size_t k = 0; k < b; ++k) {
                const std::size_t i = order[begin + k];
                xb.col(static_cast<Eigen::Index>(k)) = rows.x.col(static_cast<Eigen::Index>(i));
                yb[k] = rows.y[i];
                wb[k] = rows.w[i];
            }
            const auto xs = xb.leftCols(static_cast<Eigen::Index>(b));
            total += mlp_loss_gradient(net, xs, yb.data(), wb.data(), l2, ws, gradient) * static_cast<double>(b);
            adam.step(net.params, gradient);
            stop.check();
        }
        const double loss = total / static_cast<double>(rows.train);
        if (!std::isfinite(loss) || !net.params.allFinite())
            fail(ErrorKind::DataException, "mlp_fit training diverged: the loss is not finite",
                 "lower learning_rate, or keep standardize on");
        summary.loss.push_back(loss);
        summary.epochs = static_cast<int>(epoch);
        bool stop_now = false;
        if (early_stopping) {
            const double vloss = validation_loss(net, rows, spaces, sums, threads, stop);
            summary.validation_loss.push_back(vloss);
            if (stopping.update(vloss, stop_now)) best = net.params;
        } else {
            stopping.update(loss, stop_now);
        }
        if (ctx.progress)
            ctx.progress(static_cast<int>(epoch), loss, std::chrono::duration<double>(Clock::now() - started).count());
        if (stop_now) {
            summary.stopped_early = epoch < epochs;
            break;
        }
    }
    if (early_stopping) {  // as sklearn: the best validation epoch's weights
        net.params = best;
        summary.best_validation_loss = stopping.best;
    }
    summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return model;
}

}  // namespace recsys
