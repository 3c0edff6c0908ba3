// parallel_for: coverage, worker ids, exceptions and cancellation.
#include <gtest/gtest.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/parallel.h"

namespace recsys {
namespace {

TEST(ParallelFor, CoversEveryIndexExactlyOnce) {
    for (int threads : {1, 2, 3, 8}) {
        for (std::size_t chunk : {1, 2, 7, 64, 1000}) {
            for (std::size_t n : {0, 1, 5, 63, 64, 65, 1000, 4099}) {
                SCOPED_TRACE(testing::Message() << "threads=" << threads << " chunk=" << chunk << " n=" << n);
                std::unique_ptr<std::atomic<int>[]> hits(new std::atomic<int>[n + 1]);
                for (std::size_t i = 0; i <= n; ++i) hits[i] = 0;
                std::atomic<bool> bad_range{false}, bad_worker{false};
                StopToken stop;
                parallel_for(n, chunk, threads, stop, [&](std::size_t begin, std::size_t end, int worker) {
                    if (begin >= end || end > n || end - begin > chunk) bad_range = true;
                    if (worker < 0 || worker >= threads) bad_worker = true;
                    for (std::size_t i = begin; i < end && i < n; ++i) hits[i]++;
                });
                EXPECT_FALSE(bad_range);
                EXPECT_FALSE(bad_worker);
                std::size_t wrong = 0;
                for (std::size_t i = 0; i < n; ++i) wrong += hits[i] != 1;
                EXPECT_EQ(wrong, 0u);
            }
        }
    }
}

TEST(ParallelFor, ChunkZeroStillCoversEverything) {
    std::atomic<std::size_t> sum{0};
    StopToken stop;
    parallel_for(100, 0, 2, stop, [&](std::size_t b, std::size_t e, int) {
        for (std::size_t i = b; i < e; ++i) sum += i;
    });
    EXPECT_EQ(sum.load(), 4950u);
}

TEST(ParallelFor, SameWorkerIsNeverInsideTwoChunksAtOnce) {
    // Per-worker scratch buffers depend on this.
    const int threads = 4;
    std::vector<std::atomic<int>> inside(threads);
    std::atomic<bool> overlap{false};
    StopToken stop;
    parallel_for(2000, 3, threads, stop, [&](std::size_t, std::size_t, int worker) {
        if (inside[worker].fetch_add(1) != 0) overlap = true;
        std::this_thread::yield();
        inside[worker].fetch_sub(1);
    });
    EXPECT_FALSE(overlap);
}

TEST(ParallelFor, ExceptionInBodyIsRethrown) {
    for (int threads : {1, 2, 4}) {
        StopToken stop;
        std::atomic<int> calls{0};
        try {
            parallel_for(10000, 10, threads, stop, [&](std::size_t begin, std::size_t, int) {
                ++calls;
                if (begin == 500) throw std::runtime_error("boom at 500");
            });
            FAIL() << "no exception with " << threads << " threads";
        } catch (const std::runtime_error& e) {
            EXPECT_STREQ(e.what(), "boom at 500");
        }
    }
}

TEST(ParallelFor, RecsysErrorKeepsItsKind) {
    StopToken stop;
    try {
        parallel_for(100, 1, 2, stop, [](std::size_t begin, std::size_t, int) {
            if (begin == 42) fail(ErrorKind::DataException, "bad value at 42", "a hint");
        });
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::DataException);
        EXPECT_STREQ(e.what(), "bad value at 42");
        EXPECT_EQ(e.hint(), "a hint");
    }
}

TEST(ParallelFor, AlreadyStoppedTokenThrowsCancelled) {
    StopToken stop([] { return true; });
    stop.poll();
    std::atomic<int> calls{0};
    EXPECT_THROW(parallel_for(1000, 1, 2, stop, [&](std::size_t, std::size_t, int) { ++calls; }), Cancelled);
    EXPECT_EQ(calls.load(), 0);
}

// The host's "cancel pending?" question turns true once the loop has done
// some work; the loop must stop long before it would have finished.
TEST(ParallelFor, CancelStopsTheLoopPromptly) {
    for (int threads : {1, 2}) {
        SCOPED_TRACE(testing::Message() << "threads=" << threads);
        const std::size_t n = 10000000;  // ~1000 s of 100 us chunks: only a stop ends this
        std::atomic<std::size_t> done{0};
        std::atomic<bool> polled_off_thread{false};
        const auto caller = std::this_thread::get_id();
        StopToken stop([&] {
            if (std::this_thread::get_id() != caller) polled_off_thread = true;
            return done.load() >= 20;
        });
        EXPECT_THROW(parallel_for(n, 1, threads, stop,
                                  [&](std::size_t, std::size_t, int) {
                                      std::this_thread::sleep_for(std::chrono::microseconds(100));
                                      ++done;
                                  }),
                     Cancelled);
        EXPECT_TRUE(stop.stopped());
        EXPECT_GE(done.load(), 20u);
        EXPECT_LT(done.load(), n / 100) << "the loop went on long after the stop";
        EXPECT_FALSE(polled_off_thread) << "a worker thread called the host's poll function";
    }
}

TEST(ParallelFor, WorkersRunWithSignalsBlocked) {
    StopToken stop;
    std::atomic<int> unblocked{0};
    parallel_for(8, 1, 2, stop, [&](std::size_t, std::size_t, int) {
        sigset_t mask;
        pthread_sigmask(SIG_SETMASK, nullptr, &mask);
        if (!sigismember(&mask, SIGINT) || !sigismember(&mask, SIGTERM) || !sigismember(&mask, SIGALRM)) ++unblocked;
    });
    EXPECT_EQ(unblocked.load(), 0);
    // and the caller's own mask is untouched
    sigset_t mine;
    pthread_sigmask(SIG_SETMASK, nullptr, &mine);
    EXPECT_FALSE(sigismember(&mine, SIGINT));
}

TEST(AvailableCores, AtLeastOneAndNoMoreThanTheMachineHas) {
    EXPECT_GE(available_cores(), 1);
    EXPECT_LE(static_cast<unsigned>(available_cores()), std::max(1u, std::thread::hardware_concurrency()));
}

TEST(AvailableCores, CgroupV2QuotaRoundsUp) {
    EXPECT_EQ(cores_from_cgroup_v2("max 100000\n"), 0);  // no limit
    EXPECT_EQ(cores_from_cgroup_v2("150000 100000\n"), 2);
    EXPECT_EQ(cores_from_cgroup_v2("100000 100000"), 1);
    EXPECT_EQ(cores_from_cgroup_v2("400000 100000\n"), 4);
    EXPECT_EQ(cores_from_cgroup_v2("400001 100000\n"), 5);
    EXPECT_EQ(cores_from_cgroup_v2("1000 100000\n"), 1);  // a sliver of a CPU is still one core
    EXPECT_EQ(cores_from_cgroup_v2("9223372036854775807 1\n"), INT_MAX);
}

TEST(AvailableCores, CgroupV2TextThatIsNoQuotaIsNoLimit) {
    for (const char* text : {"", "\n", "max", "150000", "150000 0", "-150000 100000", "1.5 1", "150000x 100000"})
        EXPECT_EQ(cores_from_cgroup_v2(text), 0) << '"' << text << '"';
}

TEST(AvailableCores, CgroupV1QuotaRoundsUp) {
    EXPECT_EQ(cores_from_cgroup_v1("-1\n", "100000\n"), 0);  // no limit
    EXPECT_EQ(cores_from_cgroup_v1("150000\n", "100000\n"), 2);
    EXPECT_EQ(cores_from_cgroup_v1("250000", "100000"), 3);
    EXPECT_EQ(cores_from_cgroup_v1("50000\n", "100000\n"), 1);
    EXPECT_EQ(cores_from_cgroup_v1("200000\n", "50000\n"), 4);
}

TEST(AvailableCores, CgroupV1TextThatIsNoQuotaIsNoLimit) {
    EXPECT_EQ(cores_from_cgroup_v1("", ""), 0);  // no cgroup v1 files
    EXPECT_EQ(cores_from_cgroup_v1("150000\n", ""), 0);
    EXPECT_EQ(cores_from_cgroup_v1("150000\n", "0\n"), 0);
    EXPECT_EQ(cores_from_cgroup_v1("max\n", "100000\n"), 0);
}

}  // namespace
}  // namespace recsys
