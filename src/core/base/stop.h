// Cooperative cancellation shared by the backend thread and worker threads.
//
// The backend (PostgreSQL's own thread) owns a poll function that reports
// whether a cancel or timeout is pending. Worker threads must never call it:
// they only read the atomic flag, which the backend thread raises.
#pragma once

#include <atomic>
#include <functional>

#include "error.h"

namespace recsys {

class StopToken {
public:
    StopToken() = default;
    explicit StopToken(std::function<bool()> pending) : pending_(std::move(pending)) {}

    // Backend thread only: asks the host whether to stop and raises the flag.
    bool poll() {
        if (!stopped_.load(std::memory_order_relaxed) && pending_ && pending_())
            stopped_.store(true, std::memory_order_relaxed);
        return stopped();
    }
    // Any thread.
    bool stopped() const { return stopped_.load(std::memory_order_relaxed); }
    // Backend thread only: throws Cancelled when a stop is pending.
    void check() {
        if (poll()) throw Cancelled{};
    }
    // Any thread: throws Cancelled once the backend thread has seen a stop.
    void check_stopped() const {
        if (stopped()) throw Cancelled{};
    }
    // The flag itself, for loops that must not depend on this header's
    // types (the ALS kernel polls it between blocks of work).
    const std::atomic<bool>& flag() const { return stopped_; }

private:
    std::function<bool()> pending_;
    std::atomic<bool> stopped_{false};
};

}  // namespace recsys
