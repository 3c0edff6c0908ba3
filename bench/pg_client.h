// What the libpq benchmark clients share (serve_latency, soak_client): a
// connection, a result that throws on failure, a gate that starts every
// client's timed phase together, and the nearest-rank percentile.
#pragma once

#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

struct Connection {
    PGconn* conn = nullptr;
    explicit Connection(const std::string& dsn) {
        conn = PQconnectdb(dsn.c_str());
        if (PQstatus(conn) != CONNECTION_OK) {
            std::string msg = PQerrorMessage(conn);
            PQfinish(conn);
            conn = nullptr;
            throw std::runtime_error("connection failed: " + msg);
        }
    }
    ~Connection() {
        if (conn) PQfinish(conn);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
};

// Owns a PGresult; throws on a status other than `want`.
struct Result {
    PGresult* res;
    Result(PGresult* r, PGconn* conn, ExecStatusType want, const char* what) : res(r) {
        if (!res || PQresultStatus(res) != want) {
            std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
            if (res) PQclear(res);
            throw std::runtime_error(std::string(what) + ": " + msg);
        }
    }
    ~Result() { PQclear(res); }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
};

// All clients start the timed phase together.
class StartGate {
public:
    explicit StartGate(int n) : waiting_(n) {}
    // Returns the common start time once everyone has arrived.
    Clock::time_point arrive() {
        std::unique_lock<std::mutex> lock(m_);
        if (--waiting_ == 0) {
            start_ = Clock::now();
            open_ = true;
            cv_.notify_all();
        } else {
            cv_.wait(lock, [&] { return open_; });
        }
        return start_;
    }
    // A client that failed before arriving must still let the others go.
    void abandon() { arrive(); }

private:
    std::mutex m_;
    std::condition_variable cv_;
    int waiting_;
    bool open_ = false;
    Clock::time_point start_;
};

double percentile(const std::vector<double>& sorted, double q) {
    // Nearest rank: the smallest value with at least q of the calls at or below it.
    std::size_t rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    if (rank < 1) rank = 1;
    return sorted[std::min(rank, sorted.size()) - 1];
}


}  // namespace bench
