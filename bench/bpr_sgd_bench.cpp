// BPR's SGD without PostgreSQL: wall and CPU seconds of bpr_sgd on MovieLens
// 100K's training split (bench/movielens_quality.sql's: per user the last
// max(1, round(n/5)) ratings by time held out, ties by item id), so that the
// fit time can be read apart from a busy machine's share of the CPU.
//
//   build/plain/bpr_sgd_bench [u.data] [threads] [epochs] [factors]
//   (default $RECSYS_DATA/ml-100k/u.data, 1 thread, 100 epochs, 64 factors)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "candidates/bpr_train.h"

using namespace recsys;

int main(int argc, char** argv) {
    const char* data_dir = std::getenv("RECSYS_DATA");
    const std::string file = argc > 1 ? argv[1] : std::string(data_dir ? data_dir : "/work/shared/data") + "/ml-100k/u.data";
    const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
    const int epochs = argc > 3 ? std::atoi(argv[3]) : 100;
    const int factors = argc > 4 ? std::atoi(argv[4]) : 64;
    std::vector<std::int64_t> users, items;
    std::vector<float> weights;
    if (file == "1m") {  // the generated 1M set of bench/train_speed.sql's formula (its own generator)
        std::uint64_t x = 88172645463325252ULL;
        auto uniform = [&] { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return static_cast<double>(x >> 11) * 0x1.0p-53; };
        for (int k = 0; k < 1000000; ++k) {
            users.push_back(1 + static_cast<std::int64_t>(uniform() * 100000));
            items.push_back(static_cast<std::int64_t>(std::pow(1 + uniform() * (std::pow(20001.0, 0.2) - 1), 5.0)));
            weights.push_back(1);
        }
    }
    std::ifstream in(file);
    if (!in && users.empty()) {
        std::printf("%s not found: skipped\n", file.c_str());
        return 0;
    }
    struct Rating { long long user, item, ts; };
    std::map<long long, std::vector<Rating>> by_user;
    long long u, i, r, ts;
    while (in >> u >> i >> r >> ts) by_user[u].push_back({u, i, ts});
    for (auto& [user, list] : by_user) {
        // the held-out rows are the last by (ts, item) descending
        std::sort(list.begin(), list.end(), [](const Rating& a, const Rating& b) {
            return a.ts != b.ts ? a.ts > b.ts : a.item > b.item;
        });
        const std::size_t held = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(list.size() / 5.0)));
        for (std::size_t k = held; k < list.size(); ++k) {
            users.push_back(list[k].user);
            items.push_back(list[k].item);
            weights.push_back(1);
        }
    }
    MemoryBudget budget;
    StopToken stop;
    const Interactions data = build_interactions(users.data(), items.data(), weights.data(), users.size(), budget, stop);
    BprParams p;
    p.factors = factors;
    p.epochs = epochs;
    TrainContext ctx;
    ctx.threads = threads;
    const auto wall0 = std::chrono::steady_clock::now();
    const std::clock_t cpu0 = std::clock();
    const BprRun run = bpr_sgd(data.by_user, data.item_ids.size(), p, ctx);
    const double cpu = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    std::printf("BPR %zu users x %zu items, %zu interactions, %d factors, %d epochs, %d threads: "
                "wall %.3f s, cpu %.3f s, last training AUC %.4f\n",
                data.user_ids.size(), data.item_ids.size(), data.by_user.nnz(), factors, epochs, threads, wall, cpu,
                run.auc.back());
    return 0;
}
