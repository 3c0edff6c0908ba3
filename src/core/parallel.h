// A small fork-join loop for pure computation inside the core.
//
// Worker threads start with every signal blocked (signals belong to the
// PostgreSQL backend thread), never call back into the host, and are joined
// before parallel_for returns. The calling thread does not compute: it polls
// the StopToken every few milliseconds so a cancel stops the loop promptly.
#pragma once

#include <cstddef>
#include <functional>

#include "stop.h"

namespace recsys {

// Calls body(begin, end, worker) over [0, n) in chunks of `chunk` indices,
// spread over `threads` workers (worker in [0, threads)). Throws Cancelled if
// the token stopped, after all workers have finished their current chunk.
// An exception thrown by body is rethrown on the calling thread.
void parallel_for(std::size_t n, std::size_t chunk, int threads, StopToken& stop,
                  const std::function<void(std::size_t, std::size_t, int)>& body);

// Number of cores this process may run on (at least 1).
int available_cores();

}  // namespace recsys
