// What the libpq benchmark clients share (serve_latency, soak_client): a
// connection, a result that throws on failure, a gate that starts every
// client's timed phase together, the nearest-rank percentile, and the
// reading of their command lines.
#pragma once

#include <libpq-fe.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
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

// The command line, a flag at a time. A missing or bad value calls the
// client's usage(message), which prints it with the usage and exits.
class Args {
public:
    using Usage = void (*)(const char* message);
    Args(int argc, char** argv, Usage usage) : argc_(argc), argv_(argv), usage_(usage) {}

    // Moves to the next flag; false when there are no more.
    bool next() {
        if (++i_ >= argc_) return false;
        flag_ = argv_[i_];
        return true;
    }
    const std::string& flag() const { return flag_; }
    // The flag's value: the argument after it.
    const char* value() {
        if (i_ + 1 >= argc_) fail(flag_ + " needs a value");
        return argv_[++i_];
    }
    // The flag's value as a number of type T (long: base 10; double), at least `least`.
    template <typename T>
    T number(T least = std::numeric_limits<T>::lowest()) {
        return parse<T>(value(), least);
    }
    // The flag's value as two numbers, LO:HI.
    template <typename T>
    std::pair<T, T> range(T least = std::numeric_limits<T>::lowest()) {
        const std::string r = value();
        const auto colon = r.find(':');
        if (colon == std::string::npos) fail(flag_ + " wants LO:HI");
        return {parse<T>(r.substr(0, colon).c_str(), least), parse<T>(r.substr(colon + 1).c_str(), least)};
    }
    [[noreturn]] void fail(const std::string& message) const {
        usage_(message.c_str());
        std::abort();  // usage() exits
    }

private:
    // All of `text` as a number.
    template <typename T>
    T parse(const char* text, T least) const {
        static_assert(std::is_same<T, long>::value || std::is_same<T, double>::value, "a long or a double");
        char* end = nullptr;
        errno = 0;
        T v;
        if constexpr (std::is_same<T, long>::value) v = std::strtol(text, &end, 10);
        else v = std::strtod(text, &end);
        if (errno || !end || *end || end == text || v < least) fail("bad number for " + flag_ + ": " + text);
        return v;
    }

    int argc_;
    char** argv_;
    Usage usage_;
    int i_ = 0;
    std::string flag_;
};

}  // namespace bench
