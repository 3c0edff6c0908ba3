// ALS training speed of the core alone (no PostgreSQL): seconds per
// iteration and achieved GFLOP/s by the nominal work formula of
// ../shared/ANCHORS.md, (cg+1) * [2 f^2 (users+items) + 8 f nnz].
//
//   als_kernel_bench [interactions] [users] [items] [factors] [iterations] [threads]
//   defaults:         10000000      1000000 100000  64        3            all cores
// Items are drawn Zipf(0.8); users uniformly.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "als/als.h"
#include "als/als_kernel.h"
#include "base/parallel.h"

using namespace recsys;

int main(int argc, char** argv) {
    std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000000;
    std::size_t users = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
    std::size_t items = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 100000;
    int factors = argc > 4 ? std::atoi(argv[4]) : 64;
    int iterations = argc > 5 ? std::atoi(argv[5]) : 3;
    int threads = argc > 6 ? std::atoi(argv[6]) : available_cores();

    // Zipf(0.8) by inverse transform on the cumulative weights.
    std::vector<double> cdf(items);
    double total = 0;
    for (std::size_t i = 0; i < items; ++i) cdf[i] = (total += std::pow(double(i + 1), -0.8));
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> unit(0, total);
    std::uniform_int_distribution<std::int64_t> pick_user(0, std::int64_t(users) - 1);
    std::vector<std::int64_t> u(n), it(n);
    std::vector<float> w(n, 1.0f);
    for (std::size_t k = 0; k < n; ++k) {
        u[k] = pick_user(rng);
        it[k] = std::lower_bound(cdf.begin(), cdf.end(), unit(rng)) - cdf.begin();
    }

    std::vector<RawOption> raw(2);
    raw[0].key = "factors", raw[0].kind = RawOption::Kind::Number, raw[0].number = factors;
    raw[1].key = "iterations", raw[1].kind = RawOption::Kind::Number, raw[1].number = iterations;
    Options options = parse_options(raw, als_option_specs(), "als_fit");
    StopToken stop;
    MemoryBudget budget;
    TrainContext ctx;
    ctx.threads = threads;
    ctx.budget = &budget;
    ctx.stop = &stop;
    std::vector<double> at;  // seconds since start at the end of each iteration
    ctx.progress = [&](int, double, double seconds) { at.push_back(seconds); };
    auto start = std::chrono::steady_clock::now();
    AlsModel model = train_als(u.data(), it.data(), w.data(), n, options, {}, ctx);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    double setup = at.front() - (at.size() > 1 ? (at.back() - at.front()) / double(at.size() - 1) : 0);
    double per_iteration = at.size() > 1 ? (at.back() - at.front()) / double(at.size() - 1) : at.front();
    double f = factors, nnz = double(model.seen_items.size());
    double flops = (3 + 1) * (2 * f * f * double(model.users() + model.items()) + 8 * f * nnz);
    std::printf("als_kernel_bench: %zu rows, %zu users x %zu items, %.0f distinct interactions, f=%d, threads=%d, "
                "kernel %s\n",
                n, model.users(), model.items(), nnz, factors, threads, kernel::instruction_set());
    std::printf("  setup (ids, sparse layouts) %.3f s, per iteration %.4f s, total %.3f s\n", setup, per_iteration,
                seconds);
    std::printf("  nominal work %.2f GFLOP per iteration -> %.1f GFLOP/s\n", flops / 1e9, flops / 1e9 / per_iteration);
    return 0;
}
