#include "parallel.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <exception>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace recsys {

SignalsBlocked::SignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old_);
}

SignalsBlocked::~SignalsBlocked() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

namespace {

// A whole decimal number with optional surrounding blanks; false otherwise.
bool parse_integer(const std::string& text, long long& value) {
    std::istringstream in(text);
    in >> std::noskipws >> std::ws >> value;
    if (in.fail()) return false;
    in >> std::ws;
    return in.eof();
}

// Cores for a quota of `quota` microseconds of CPU time every `period`:
// ceil(quota / period), at least 1; 0 (no limit) unless both are positive.
int cores_from_quota(long long quota, long long period) {
    if (quota <= 0 || period <= 0) return 0;
    const long long cores = quota / period + (quota % period != 0);
    return static_cast<int>(std::min<long long>(cores, INT_MAX));
}

// The file's text, or "" when it cannot be read (no such cgroup version).
std::string read_small_file(const char* path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

int affinity_cores() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    unsigned n = std::thread::hardware_concurrency();
    return n > 0 ? static_cast<int>(n) : 1;
}

// A container sees its own cgroup at the root of /sys/fs/cgroup: cpu.max
// under cgroup v2, cpu/cpu.cfs_{quota,period}_us under v1. 0: no quota.
int cgroup_quota_cores() {
    const std::string cpu_max = read_small_file("/sys/fs/cgroup/cpu.max");
    if (!cpu_max.empty()) return cores_from_cgroup_v2(cpu_max);
    return cores_from_cgroup_v1(read_small_file("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),
                                read_small_file("/sys/fs/cgroup/cpu/cpu.cfs_period_us"));
}

}  // namespace

int cores_from_cgroup_v2(const std::string& cpu_max) {
    std::istringstream in(cpu_max);
    std::string quota, period;
    in >> quota >> period;
    long long q = 0, p = 0;
    if (!parse_integer(quota, q) || !parse_integer(period, p)) return 0;  // "max": no limit
    return cores_from_quota(q, p);
}

int cores_from_cgroup_v1(const std::string& cfs_quota_us, const std::string& cfs_period_us) {
    long long q = 0, p = 0;
    if (!parse_integer(cfs_quota_us, q) || !parse_integer(cfs_period_us, p)) return 0;
    return cores_from_quota(q, p);  // a quota of -1: no limit
}

int available_cores() {
    const int cores = affinity_cores();
    const int quota = cgroup_quota_cores();
    return quota > 0 ? std::min(cores, quota) : cores;
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
