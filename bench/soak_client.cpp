// soak_client: many clients issuing one query for a long time, while models
// change underneath: latency percentiles, throughput, errors, which model
// version each client's backend serves over time, and each backend's memory.
//
// Each client is a thread with its own libpq connection. It prepares --query
// ($1 = a user id drawn from --user-range) and runs it until --duration
// seconds have passed, timing each call from sending the query to having
// read every value of every row. A failed call is counted (and the first few
// messages printed), never fatal. Every --sample-every seconds a client runs
// --version-sql (one value: the version its backend serves now) and reads its
// backend's private memory (RssAnon in /proc/<pid>/status: the heap, the
// model cache; not the shared buffers it touches), which needs the client on
// the server's machine.
//
//   soak_client --query 'SELECT * FROM bench_recommend_ranked($1)' --user-range 1:100000
//       --clients 8 --duration 600 --version-sql "SELECT recsys.model_info('bench_serving')->>'id'"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "pg_client.h"

namespace {

using bench::Clock;
using bench::Connection;
using bench::Result;

struct Config {
    std::string dsn, query, version_sql;
    long lo = 1, hi = 1000;
    int clients = 8;
    double duration = 600, sample_every = 5;
};

[[noreturn]] void usage(const char* msg) {
    if (msg) std::fprintf(stderr, "soak_client: %s\n", msg);
    std::fprintf(stderr,
                 "usage: soak_client --query SQL --user-range LO:HI [--clients N] [--duration S]\n"
                 "                   [--version-sql SQL] [--sample-every S] [--dsn CONNINFO]\n");
    std::exit(2);
}

Config parse_args(int argc, char** argv) {
    Config c;
    bench::Args args(argc, argv, usage);
    while (args.next()) {
        const std::string& a = args.flag();
        if (a == "--query") c.query = args.value();
        else if (a == "--version-sql") c.version_sql = args.value();
        else if (a == "--user-range") {
            const auto [lo, hi] = args.range<double>(0);
            c.lo = static_cast<long>(lo), c.hi = static_cast<long>(hi);
        } else if (a == "--clients") c.clients = static_cast<int>(args.number<double>(0));
        else if (a == "--duration") c.duration = args.number<double>(0);
        else if (a == "--sample-every") c.sample_every = args.number<double>(0);
        else if (a == "--dsn") c.dsn = args.value();
        else usage(("unknown argument " + a).c_str());
    }
    if (c.query.empty() || c.clients < 1 || c.hi < c.lo || c.sample_every <= 0) usage("need --query and sane values");
    return c;
}

// A backend's private memory in kB (RssAnon), or -1 when it cannot be read.
long backend_memory_kb(int pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("RssAnon:", 0) == 0) return std::atol(line.c_str() + 8);
    return -1;
}

struct Sample {
    double at;  // seconds since the start
    std::string version;
    long memory_kb;
};

struct ClientResult {
    std::vector<double> ms;
    std::vector<Sample> samples;
    long errors = 0;
    std::vector<std::string> messages;  // the first few
    double checksum = 0;
    std::string fatal;
};

void run_client(const Config& c, int index, Clock::time_point start, ClientResult& out) {
    try {
        Connection db(c.dsn);
        const int pid = PQbackendPID(db.conn);
        const Oid int8_type[1] = {20};
        Result prep(PQprepare(db.conn, "q", c.query.c_str(), 1, int8_type), db.conn, PGRES_COMMAND_OK, "prepare");
        std::mt19937_64 rng(1000003ULL * static_cast<std::uint64_t>(index + 1));
        std::uniform_int_distribution<long> user(c.lo, c.hi);
        const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(c.duration));
        auto next_sample = start;
        while (Clock::now() < end) {
            if (Clock::now() >= next_sample) {
                Sample s{std::chrono::duration<double>(Clock::now() - start).count(), "", backend_memory_kb(pid)};
                if (!c.version_sql.empty()) {
                    PGresult* r = PQexec(db.conn, c.version_sql.c_str());
                    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) s.version = PQgetvalue(r, 0, 0);
                    else s.version = "?";
                    PQclear(r);
                }
                out.samples.push_back(s);
                next_sample += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(c.sample_every));
            }
            const std::string u = std::to_string(user(rng));
            const char* params[1] = {u.c_str()};
            const auto t0 = Clock::now();
            PGresult* r = PQexecPrepared(db.conn, "q", 1, params, nullptr, nullptr, 0);
            if (PQresultStatus(r) != PGRES_TUPLES_OK) {
                if (out.messages.size() < 3) out.messages.push_back(PQresultErrorMessage(r));
                ++out.errors;
                PQclear(r);
                if (PQstatus(db.conn) != CONNECTION_OK) throw std::runtime_error("connection lost");
                continue;
            }
            double sum = 0;
            for (int i = 0; i < PQntuples(r); ++i)
                for (int f = 0; f < PQnfields(r); ++f) sum += std::atof(PQgetvalue(r, i, f));
            PQclear(r);
            out.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            out.checksum += sum;
        }
    } catch (const std::exception& e) {
        out.fatal = e.what();
    }
}

}  // namespace

int main(int argc, char** argv) {
    const Config c = parse_args(argc, argv);
    std::vector<ClientResult> results(static_cast<std::size_t>(c.clients));
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < c.clients; ++i) threads.emplace_back(run_client, std::cref(c), i, start, std::ref(results[i]));
    for (auto& t : threads) t.join();
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();

    std::vector<double> all;
    long errors = 0;
    double checksum = 0;
    bool fatal = false;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const ClientResult& r = results[i];
        all.insert(all.end(), r.ms.begin(), r.ms.end());
        errors += r.errors;
        checksum += r.checksum;
        for (const auto& m : r.messages) std::fprintf(stderr, "soak_client: client %zu: %s", i, m.c_str());
        if (!r.fatal.empty()) std::fprintf(stderr, "soak_client: client %zu stopped: %s\n", i, r.fatal.c_str()), fatal = true;
    }
    if (all.empty()) return 1;
    std::sort(all.begin(), all.end());
    std::printf("soak_client: %d clients for %.0f s: %s\n", c.clients, wall, c.query.c_str());
    std::printf("  calls %zu, errors %ld, throughput %.1f calls/s, checksum %.6g\n", all.size(), errors,
                static_cast<double>(all.size()) / wall, checksum);
    std::printf("  latency ms: p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n", bench::percentile(all, 0.5),
                bench::percentile(all, 0.99), bench::percentile(all, 0.999), all.back());

    // Each version: when the first and the last client was first seen serving it.
    if (!c.version_sql.empty()) {
        std::map<std::string, std::vector<double>> first_seen;  // version -> per client
        for (const ClientResult& r : results) {
            std::map<std::string, double> mine;
            for (const Sample& s : r.samples)
                if (!mine.count(s.version)) mine[s.version] = s.at;
            for (const auto& [v, at] : mine) first_seen[v].push_back(at);
        }
        std::printf("  versions served (first seen, in seconds, by the first / the last client; clients that served it):\n");
        for (auto& [v, at] : first_seen) {
            std::sort(at.begin(), at.end());
            std::printf("    %-12s %7.1f %7.1f  %zu/%d\n", v.c_str(), at.front(), at.back(), at.size(), c.clients);
        }
    }
    // Memory: each minute's mean and largest backend RssAnon.
    std::printf("  backend private memory (RssAnon, MB) per minute: mean / max over the clients' backends\n   ");
    for (int minute = 0; minute * 60.0 < wall; ++minute) {
        double sum = 0, max = 0;
        int n = 0;
        for (const ClientResult& r : results)
            for (const Sample& s : r.samples)
                if (s.at >= minute * 60.0 && s.at < (minute + 1) * 60.0 && s.memory_kb >= 0) {
                    sum += s.memory_kb / 1024.0, max = std::max(max, s.memory_kb / 1024.0), ++n;
                }
        if (n) std::printf(" [%d] %.1f/%.1f", minute, sum / n, max);
    }
    std::printf("\nRESULT clients=%d calls=%zu errors=%ld p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f calls_per_s=%.1f\n",
                c.clients, all.size(), errors, bench::percentile(all, 0.5), bench::percentile(all, 0.99),
                bench::percentile(all, 0.999), static_cast<double>(all.size()) / wall);
    return fatal ? 1 : 0;
}
