#include "parallel.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace recsys {

namespace {

// Blocks every signal in the calling thread for its lifetime, so threads
// created meanwhile inherit a full mask; restores the old mask afterwards.
class SignalsBlocked {
public:
    SignalsBlocked() {
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old_);
    }
    ~SignalsBlocked() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

private:
    sigset_t old_;
};

}  // namespace

int available_cores() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    unsigned n = std::thread::hardware_concurrency();
    return n > 0 ? static_cast<int>(n) : 1;
}

void parallel_for(std::size_t n, std::size_t chunk, int threads, StopToken& stop,
                  const std::function<void(std::size_t, std::size_t, int)>& body) {
    if (n == 0) return;
    if (chunk == 0) chunk = 1;
    std::size_t chunks = (n + chunk - 1) / chunk;
    if (threads < 1) threads = 1;
    if (static_cast<std::size_t>(threads) > chunks) threads = static_cast<int>(chunks);

    std::atomic<std::size_t> next{0};
    std::atomic<int> running{threads};
    std::mutex mutex;
    std::condition_variable done;
    std::exception_ptr error;

    auto work = [&](int worker) {
        try {
            for (;;) {
                if (stop.stopped()) break;
                std::size_t c = next.fetch_add(1, std::memory_order_relaxed);
                if (c >= chunks) break;
                std::size_t begin = c * chunk;
                std::size_t end = begin + chunk < n ? begin + chunk : n;
                body(begin, end, worker);
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex);
            if (!error) error = std::current_exception();
            next.store(chunks);  // the others stop at their next chunk
        }
        std::lock_guard<std::mutex> lock(mutex);
        if (--running == 0) done.notify_all();
    };

    std::vector<std::thread> pool;
    pool.reserve(threads);
    {
        SignalsBlocked blocked;
        try {
            for (int t = 0; t < threads; ++t) pool.emplace_back(work, t);
        } catch (...) {
            // Could not start a thread: account for the missing ones.
            running -= threads - static_cast<int>(pool.size());
            if (pool.empty()) throw;
        }
    }
    {
        std::unique_lock<std::mutex> lock(mutex);
        while (running > 0) {
            done.wait_for(lock, std::chrono::milliseconds(5));
            if (running > 0) {
                lock.unlock();
                stop.poll();
                lock.lock();
            }
        }
    }
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
    stop.check();
}

}  // namespace recsys
