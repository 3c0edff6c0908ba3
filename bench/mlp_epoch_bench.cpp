// mlp_epoch_bench: the mlp kind's training speed without PostgreSQL, in the
// shape of the scikit-learn comparison (MLPClassifier, [64, 32], batch 200).
//
//   mlp_epoch_bench [--rows 1000000] [--features 50] [--epochs 3] [--threads 1]
//                   [--hidden 64,32] [--batch 200]
//
// Generated rows: standard normal features, a label from a nonlinear
// function of the first four (about 30 % positives). Prints the time to
// prepare the rows (down-sampling, standardization, the float copy) and,
// from the progress callback, the seconds of each epoch and its rows/s;
// then the AUC on 100,000 more rows of the same kind.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "network/mlp.h"
#include "statistics/statistic_kind.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
    std::size_t rows = 1000000, features = 50;
    int epochs = 3, threads = 1, batch = 200;
    std::string hidden = "64,32";
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string s = argv[i], v = argv[i + 1];
        if (s == "--rows")
            a.rows = std::strtoull(v.c_str(), nullptr, 10);
        else if (s == "--features")
            a.features = std::strtoull(v.c_str(), nullptr, 10);
        else if (s == "--epochs")
            a.epochs = std::atoi(v.c_str());
        else if (s == "--threads")
            a.threads = std::atoi(v.c_str());
        else if (s == "--batch")
            a.batch = std::atoi(v.c_str());
        else if (s == "--hidden")
            a.hidden = v;
        else {
            std::fprintf(stderr,
                         "usage: mlp_epoch_bench [--rows N] [--features P] [--epochs E] [--threads T] "
                         "[--hidden 64,32] [--batch 200]\n");
            std::exit(2);
        }
    }
    if (argc % 2 == 0 || a.rows < 1 || a.features < 4 || a.epochs < 1 || a.threads < 1 || a.batch < 1) {
        std::fprintf(stderr, "mlp_epoch_bench: flags take one value; --rows >= 1, --features >= 4, --epochs >= 1\n");
        std::exit(2);
    }
    return a;
}

}  // namespace

int main(int argc, char** argv) {
    const Args a = parse(argc, argv);
    std::mt19937_64 rng(1);
    std::normal_distribution<double> normal(0, 1);
    std::uniform_real_distribution<double> uniform(0, 1);
    const std::size_t held_out = 100000;  // rows after a.rows: the test set of the AUC
    std::vector<double> x((a.rows + held_out) * a.features);
    std::vector<char> y(a.rows + held_out);
    for (std::size_t i = 0; i < a.rows + held_out; ++i) {
        double* row = &x[i * a.features];
        for (std::size_t j = 0; j < a.features; ++j) row[j] = normal(rng);
        const double z = row[0] * row[1] + std::sin(2 * row[2]) - 0.5 * row[3] * row[3] - 0.5;
        y[i] = uniform(rng) < 1 / (1 + std::exp(-2 * z));
    }

    const std::string options = "{\"hidden_layers\": [" + a.hidden + "], \"epochs\": " + std::to_string(a.epochs) +
                                ", \"batch_size\": " + std::to_string(a.batch) + ", \"tol\": 0}";
    // Wall seconds since the start at the end of each epoch, and the
    // process's CPU seconds then: on a shared machine the CPU time of a
    // one-thread run is the steadier figure.
    std::vector<double> at, cpu;
    recsys::MemoryBudget unlimited;
    recsys::StopToken never;
    recsys::TrainContext ctx{a.threads, &unlimited, &never, [&](int epoch, double loss, double seconds) {
                                 at.push_back(seconds);
                                 cpu.push_back(static_cast<double>(std::clock()) / CLOCKS_PER_SEC);
                                 std::printf("epoch %d: loss %.6f at %.3f s\n", epoch, loss, seconds);
                             }};
    const auto t0 = Clock::now();
    recsys::MlpModel m = recsys::train_mlp({reinterpret_cast<const bool*>(y.data()), x.data(), a.rows, a.features},
                                           recsys::parse_options(options, recsys::mlp_option_schema()), ctx, {});
    const double total = std::chrono::duration<double>(Clock::now() - t0).count();

    std::printf("mlp_epoch_bench: %zu rows x %zu features, hidden [%s], batch %d, %d thread(s), %zu parameters\n",
                a.rows, a.features, a.hidden.c_str(), a.batch, a.threads,
                static_cast<std::size_t>(m.network.params.size()));
    // Epoch 1's time includes preparing the rows; later epochs are the loop alone.
    double best = 1e300, best_cpu = 1e300;
    for (std::size_t k = 1; k < at.size(); ++k) {
        best = std::min(best, at[k] - at[k - 1]);
        best_cpu = std::min(best_cpu, cpu[k] - cpu[k - 1]);
    }
    if (at.size() > 1)
        std::printf(
            "seconds per epoch: %.3f wall, %.3f CPU (best of %zu), %.0f rows/s; "
            "first epoch with preparation: %.3f s\n",
            best, best_cpu, at.size() - 1, a.rows / best, at[0]);
    std::printf("total %.3f s\n", total);
    std::vector<double> scores(held_out);
    for (std::size_t i = 0; i < held_out; ++i) scores[i] = m.predict(&x[(a.rows + i) * a.features]);
    std::printf("test AUC %.5f (%zu held-out rows)\n",
                recsys::auc(scores.data(), reinterpret_cast<const bool*>(&y[a.rows]), held_out), held_out);
    return 0;
}
