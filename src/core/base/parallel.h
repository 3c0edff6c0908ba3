// A small fork-join loop for pure computation inside the core.
//
// Worker threads start with every signal blocked (signals belong to the
// PostgreSQL backend thread), never call back into the host, and are joined
// before parallel_for returns. The calling thread does not compute: it polls
// the StopToken every few milliseconds so a cancel stops the loop promptly.
#pragma once

#include <signal.h>

#include <cstddef>
#include <functional>
#include <string>

#include "stop.h"

namespace recsys {

// Blocks every signal in the calling thread for its lifetime, so threads
// created meanwhile (ours, or a library's OpenMP workers) inherit a full
// mask; restores the old mask afterwards.
class SignalsBlocked {
public:
    SignalsBlocked();
    ~SignalsBlocked();
    SignalsBlocked(const SignalsBlocked&) = delete;
    SignalsBlocked& operator=(const SignalsBlocked&) = delete;

private:
    sigset_t old_;
};

// Calls body(begin, end, worker) over [0, n) in chunks of `chunk` indices,
// spread over `threads` workers (worker in [0, threads)). Throws Cancelled if
// the token stopped, after all workers have finished their current chunk.
// An exception thrown by body is rethrown on the calling thread.
void parallel_for(std::size_t n, std::size_t chunk, int threads, StopToken& stop,
                  const std::function<void(std::size_t, std::size_t, int)>& body);

// Number of cores this process may use (at least 1): the CPUs of its
// affinity mask, fewer if its container's CPU quota (cgroup v2 or v1) allows
// fewer; a quota of 1.5 CPUs counts as 2 cores.
int available_cores();

// The cores a cgroup v2 `cpu.max` ("150000 100000": 1.5 CPUs) allows,
// rounded up, at least 1; 0 for no limit ("max 100000") or unreadable text.
int cores_from_cgroup_v2(const std::string& cpu_max);

// The same from cgroup v1's `cpu.cfs_quota_us` ("-1": no limit) and
// `cpu.cfs_period_us`.
int cores_from_cgroup_v1(const std::string& cfs_quota_us, const std::string& cfs_period_us);

}  // namespace recsys
