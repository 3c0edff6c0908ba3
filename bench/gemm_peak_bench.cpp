// gemm_peak_bench: the machine's dense single-precision matrix-multiply rate
// with Eigen's own kernels, the ceiling against which recsys's training
// GFLOP/s are read (bench/README.md).
//
//   gemm_peak_bench [--n 4096] [--reps 3] [--threads N]
//
// One thread: C = A * B (n x n floats), best of --reps, 2 n^3 flops each.
// All cores: Eigen parallelizes a product only with OpenMP, which this build
// does not enable, so N std::threads each multiply their own matrices at the
// same time; the rate is N * 2 n^3 / (wall time of the slowest), best of
// --reps. Build with -DRECSYS_NATIVE=ON (-march=native) to reach the peak.
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Mat = Eigen::MatrixXf;

struct Args {
    int n = 4096;
    int reps = 3;
    int threads = 0;  // 0: hardware concurrency
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string s = argv[i];
        if (i + 1 < argc && s == "--n") a.n = std::atoi(argv[++i]);
        else if (i + 1 < argc && s == "--reps") a.reps = std::atoi(argv[++i]);
        else if (i + 1 < argc && s == "--threads") a.threads = std::atoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: gemm_peak_bench [--n 4096] [--reps 3] [--threads N]\n");
            std::exit(2);
        }
    }
    if (a.n < 64 || a.reps < 1 || a.threads < 0) {
        std::fprintf(stderr, "gemm_peak_bench: --n >= 64, --reps >= 1, --threads >= 0\n");
        std::exit(2);
    }
    if (a.threads == 0) a.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return a;
}

struct Problem {
    Mat a, b, c;
    explicit Problem(int n) : a(Mat::Random(n, n)), b(Mat::Random(n, n)), c(Mat::Zero(n, n)) {}
    void run() { c.noalias() = a * b; }
};

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Best wall time of `reps` rounds in which `threads` threads each multiply
// their own matrices, all released together.
double best_round(int n, int reps, int threads) {
    std::vector<Problem> problems;
    problems.reserve(static_cast<std::size_t>(threads));
    for (int t = 0; t < threads; ++t) problems.emplace_back(n);
    for (auto& p : problems) p.run();  // warm-up: page in, settle the clock

    std::mutex m;
    std::condition_variable cv;
    int round = 0, done = 0;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int r = 1; r <= reps; ++r) {
                {
                    std::unique_lock<std::mutex> lock(m);
                    cv.wait(lock, [&] { return round >= r; });
                }
                problems[static_cast<std::size_t>(t)].run();
                std::lock_guard<std::mutex> lock(m);
                if (++done == threads) cv.notify_all();
            }
        });
    double best = 1e300;
    for (int r = 1; r <= reps; ++r) {
        auto t0 = Clock::now();
        {
            std::unique_lock<std::mutex> lock(m);
            done = 0;
            round = r;
            cv.notify_all();
            cv.wait(lock, [&] { return done == threads; });
        }
        best = std::min(best, seconds_since(t0));
    }
    for (auto& th : pool) th.join();
    float check = 0;
    for (auto& p : problems) check += p.c(0, 0);
    if (check != check) std::printf("(NaN in result)\n");
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    Args a = parse(argc, argv);
    Eigen::setNbThreads(1);
    double flops = 2.0 * a.n * a.n * a.n;
    std::printf("gemm_peak_bench: Eigen %d.%d.%d, float %dx%d * %dx%d, best of %d, SIMD: %s\n", EIGEN_WORLD_VERSION,
                EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION, a.n, a.n, a.n, a.n, a.reps, Eigen::SimdInstructionSetsInUse());

    double t1 = best_round(a.n, a.reps, 1);
    std::printf("  1 thread:   %8.1f GFLOP/s  (%.3f s per product)\n", flops / t1 / 1e9, t1);
    std::printf("RESULT threads=1 gflops=%.1f\n", flops / t1 / 1e9);
    if (a.threads > 1) {
        double tn = best_round(a.n, a.reps, a.threads);
        std::printf("  %d threads: %8.1f GFLOP/s  (%d independent products in %.3f s)\n", a.threads,
                    a.threads * flops / tn / 1e9, a.threads, tn);
        std::printf("RESULT threads=%d gflops=%.1f\n", a.threads, a.threads * flops / tn / 1e9);
    }
#ifdef _OPENMP
    // Only when built with OpenMP: one product split by Eigen itself.
    Eigen::setNbThreads(a.threads);
    Problem p(a.n);
    p.run();
    double best = 1e300;
    for (int r = 0; r < a.reps; ++r) {
        auto t0 = Clock::now();
        p.run();
        best = std::min(best, seconds_since(t0));
    }
    std::printf("  Eigen+OpenMP, %d threads, one product: %.1f GFLOP/s\n", a.threads, flops / best / 1e9);
#endif
    return 0;
}
