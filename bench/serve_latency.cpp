// serve_latency: end-to-end latency of recsys.recommend() seen by a client.
//
// Each client is a thread with its own libpq connection. It prepares
//   SELECT item_id, score, rank FROM recsys.recommend($1::text, $2::bigint, $3::int)
// warms up (the first call of a backend loads the model into its cache), waits
// until every client is ready, then makes --calls calls for random users of the
// model, timing each one with steady_clock from sending the query to having read
// every row of the result. It prints p50 / p90 / p99 / max over all calls of all
// clients, and the throughput (all calls / wall time of the timed phase).
//
//   serve_latency --model bench_serving --calls 2000 --clients 1 --k 100
//
// --query SQL times any query instead, prepared the same way with the user id
// as its only parameter ($1, bigint), reading every value of every row: the
// two-stage recommendation (bench/two_stage_setup.sql), for example.
//   serve_latency --model bench_serving --query 'SELECT * FROM bench_recommend_ranked($1)'
//
// Connection: libpq's environment (PGHOST, PGPORT, PGUSER, PGDATABASE, ...) or --dsn.
// See bench/README.md.
#include "pg_client.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace {

using bench::Clock;
using bench::Connection;
using bench::percentile;
using bench::Result;
using bench::StartGate;

struct Config {
    std::string dsn;
    std::string model = "bench_serving";
    long users = 0;  // draw from the first N users of the model; 0: all of them
    long range_lo = 0, range_hi = -1;  // --user-range LO:HI instead of asking the model
    long calls = 2000;                 // per client
    int clients = 1;
    int k = 100;
    int warmup = 50;  // per client
    std::uint64_t seed = 42;
    bool exclude_seen = true;
    std::string query;  // --query: this SQL, $1 = the user id, instead of recommend()
};

[[noreturn]] void usage(const char* msg) {
    if (msg) std::fprintf(stderr, "serve_latency: %s\n", msg);
    std::fprintf(stderr,
                 "usage: serve_latency [--model NAME] [--users N | --user-range LO:HI] [--calls N]\n"
                 "                     [--clients N] [--k N] [--warmup N] [--seed N] [--include-seen]\n"
                 "                     [--query SQL] [--dsn CONNINFO]\n"
                 "  --model NAME       registered model (recsys.models name), default bench_serving\n"
                 "  --users N          draw users from the first N ids of recsys.user_factors(NAME); 0 = all (default)\n"
                 "  --user-range LO:HI draw user ids uniformly from [LO, HI] instead (no query)\n"
                 "  --calls N          timed calls per client (default 2000)\n"
                 "  --clients N        concurrent clients, one thread + connection each (default 1)\n"
                 "  --k N              recommendations per call (default 100)\n"
                 "  --warmup N         untimed calls per client first (default 50)\n"
                 "  --include-seen     pass exclude_seen => false (default: the function's default, true)\n"
                 "  --query SQL        time this SQL instead of recommend(): prepared once per client, $1 is the\n"
                 "                     user id (bigint), every value of every row is read; users still come\n"
                 "                     from --model (or --user-range); not with --k or --include-seen\n"
                 "  --dsn CONNINFO     libpq connection string (default: PG* environment variables)\n");
    std::exit(2);
}

Config parse_args(int argc, char** argv) {
    Config c;
    bench::Args args(argc, argv, usage);
    while (args.next()) {
        const std::string& a = args.flag();
        if (a == "--model") c.model = args.value();
        else if (a == "--users") c.users = args.number<long>();
        else if (a == "--user-range") {
            std::tie(c.range_lo, c.range_hi) = args.range<long>();
            if (c.range_hi < c.range_lo) usage("--user-range: HI < LO");
        } else if (a == "--calls") c.calls = args.number<long>();
        else if (a == "--clients") c.clients = static_cast<int>(args.number<long>());
        else if (a == "--k") c.k = static_cast<int>(args.number<long>());
        else if (a == "--warmup") c.warmup = static_cast<int>(args.number<long>());
        else if (a == "--seed") c.seed = static_cast<std::uint64_t>(args.number<long>());
        else if (a == "--include-seen") c.exclude_seen = false;
        else if (a == "--query") c.query = args.value();
        else if (a == "--dsn") c.dsn = args.value();
        else if (a == "-h" || a == "--help") usage(nullptr);
        else usage(("unknown argument " + a).c_str());
    }
    if (c.calls < 1 || c.clients < 1 || c.k < 1 || c.warmup < 0 || c.users < 0) usage("values must be positive");
    if (!c.query.empty()) {
        for (int i = 1; i < argc; ++i)
            if (std::string(argv[i]) == "--k" || std::string(argv[i]) == "--include-seen")
                usage("--query takes the user id only: write k and the other arguments in its SQL");
    }
    return c;
}

std::vector<long long> model_users(const Config& c) {
    if (c.range_hi >= c.range_lo) {
        return {};  // drawn from the range
    }
    Connection db(c.dsn);
    const char* params[1] = {c.model.c_str()};
    std::string sql = "SELECT id FROM recsys.user_factors($1::text)";
    if (c.users > 0) sql += " LIMIT " + std::to_string(c.users);
    Result r(PQexecParams(db.conn, sql.c_str(), 1, nullptr, params, nullptr, nullptr, 0), db.conn, PGRES_TUPLES_OK,
             "reading the model's users");
    std::vector<long long> ids(static_cast<std::size_t>(PQntuples(r.res)));
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = std::atoll(PQgetvalue(r.res, static_cast<int>(i), 0));
    if (ids.empty()) throw std::runtime_error("model " + c.model + " has no users");
    return ids;
}

struct ClientResult {
    std::vector<double> ms;  // per timed call
    Clock::time_point start, end;
    long rows = 0;
    double checksum = 0;  // uses every value read, so none of the reading is skipped
    std::string error;
};

void run_client(const Config& c, const std::vector<long long>& users, int index, StartGate& gate, ClientResult& out) {
    bool arrived = false;
    try {
        Connection db(c.dsn);
        const bool custom = !c.query.empty();
        const Oid int8_type[1] = {20};  // INT8OID: $1 of --query is the user id
        Result prep(custom ? PQprepare(db.conn, "rec", c.query.c_str(), 1, int8_type)
                           : PQprepare(db.conn, "rec",
                              c.exclude_seen
                                  ? "SELECT item_id, score, rank FROM recsys.recommend($1::text, $2::bigint, $3::int)"
                                  : "SELECT item_id, score, rank FROM recsys.recommend($1::text, $2::bigint, $3::int, "
                                    "exclude_seen => false)",
                              3, nullptr),
                    db.conn, PGRES_COMMAND_OK, "prepare");
        std::mt19937_64 rng(c.seed * 1000003ULL + static_cast<std::uint64_t>(index));
        std::uniform_int_distribution<std::size_t> pick(0, users.empty() ? 0 : users.size() - 1);
        std::uniform_int_distribution<long long> in_range(c.range_lo, c.range_hi);
        std::string k = std::to_string(c.k);

        auto call = [&](ClientResult* record) {
            long long user = users.empty() ? in_range(rng) : users[pick(rng)];
            std::string u = std::to_string(user);
            const char* params[3] = {c.model.c_str(), u.c_str(), k.c_str()};
            const char* user_param[1] = {u.c_str()};
            auto t0 = Clock::now();
            Result r(custom ? PQexecPrepared(db.conn, "rec", 1, user_param, nullptr, nullptr, 0)
                            : PQexecPrepared(db.conn, "rec", 3, params, nullptr, nullptr, 0),
                     db.conn, PGRES_TUPLES_OK, custom ? "query" : "recommend");
            int n = PQntuples(r.res);
            double sum = 0;
            if (custom) {
                int fields = PQnfields(r.res);
                for (int i = 0; i < n; ++i)
                    for (int f = 0; f < fields; ++f) sum += std::atof(PQgetvalue(r.res, i, f));
            } else {
                for (int i = 0; i < n; ++i) {
                    sum += std::atof(PQgetvalue(r.res, i, 1));
                    sum += static_cast<double>(std::atoll(PQgetvalue(r.res, i, 0)) & 1);
                    sum += std::atoi(PQgetvalue(r.res, i, 2));
                }
            }
            auto t1 = Clock::now();
            if (record) {
                record->ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
                record->rows += n;
                record->checksum += sum;
            }
        };

        for (int i = 0; i < c.warmup; ++i) call(nullptr);
        out.ms.reserve(static_cast<std::size_t>(c.calls));
        arrived = true;
        out.start = gate.arrive();
        for (long i = 0; i < c.calls; ++i) call(&out);
        out.end = Clock::now();
    } catch (const std::exception& e) {
        out.error = e.what();
        if (!arrived) gate.abandon();
    }
}

}  // namespace

int main(int argc, char** argv) {
    Config c = parse_args(argc, argv);
    std::vector<long long> users;
    try {
        users = model_users(c);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "serve_latency: %s\n", e.what());
        return 1;
    }

    std::vector<ClientResult> results(static_cast<std::size_t>(c.clients));
    StartGate gate(c.clients);
    std::vector<std::thread> threads;
    for (int i = 0; i < c.clients; ++i)
        threads.emplace_back(run_client, std::cref(c), std::cref(users), i, std::ref(gate),
                             std::ref(results[static_cast<std::size_t>(i)]));
    for (auto& t : threads) t.join();

    std::vector<double> all;
    long rows = 0;
    double checksum = 0;
    Clock::time_point start = Clock::time_point::max(), end = Clock::time_point::min();
    bool failed = false;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const ClientResult& r = results[i];
        if (!r.error.empty()) {
            std::fprintf(stderr, "serve_latency: client %zu: %s\n", i, r.error.c_str());
            failed = true;
            continue;
        }
        all.insert(all.end(), r.ms.begin(), r.ms.end());
        rows += r.rows;
        checksum += r.checksum;
        start = std::min(start, r.start);
        end = std::max(end, r.end);
    }
    if (failed || all.empty()) return 1;
    std::sort(all.begin(), all.end());
    double wall = std::chrono::duration<double>(end - start).count();
    double mean = 0;
    for (double v : all) mean += v;
    mean /= static_cast<double>(all.size());

    if (c.query.empty())
        std::printf("serve_latency: model %s, k %d, %d client(s) x %ld calls (+%d warm-up each), users drawn from ",
                    c.model.c_str(), c.k, c.clients, c.calls, c.warmup);
    else
        std::printf("serve_latency: query %s\n  %d client(s) x %ld calls (+%d warm-up each), users drawn from ",
                    c.query.c_str(), c.clients, c.calls, c.warmup);
    if (users.empty()) std::printf("[%ld, %ld]\n", c.range_lo, c.range_hi);
    else std::printf("%zu ids of the model\n", users.size());
    std::printf("  calls %zu, rows %ld (%.1f per call), checksum %.6g\n", all.size(), rows,
                static_cast<double>(rows) / static_cast<double>(all.size()), checksum);
    std::printf("  latency ms: p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  mean %.3f\n", percentile(all, 0.50),
                percentile(all, 0.90), percentile(all, 0.99), all.back(), mean);
    std::printf("  throughput: %.1f calls/s over %.2f s\n", static_cast<double>(all.size()) / wall, wall);
    // One machine-readable line for scripts.
    // (with --query: rows per call in place of k)
    std::printf(c.query.empty() ? "RESULT clients=%d k=%.0f calls=%zu p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f "
                                  "mean_ms=%.3f calls_per_s=%.1f\n"
                                : "RESULT clients=%d rows_per_call=%.1f calls=%zu p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
                                  "max_ms=%.3f mean_ms=%.3f calls_per_s=%.1f\n",
                c.clients, c.query.empty() ? static_cast<double>(c.k) : static_cast<double>(rows) / static_cast<double>(all.size()),
                all.size(), percentile(all, 0.50), percentile(all, 0.90), percentile(all, 0.99),
                all.back(), mean, static_cast<double>(all.size()) / wall);
    return 0;
}
