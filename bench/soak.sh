#!/usr/bin/env bash
# bench/soak.sh -- load and soak: 8 clients issue the two-stage query (500 candidates of
# bench_serving -> the ranker -> the top 100, bench/two_stage_setup.sql) on its 100,000-video
# catalogue for SOAK_SECONDS (default 600), while a retraining job saves a new version of the
# candidate model every SOAK_RETRAIN_EVERY seconds (default 60) and keeps the newest 3.
# Reports latency p50 / p99 / p99.9, throughput, errors (must be 0), when each client's backend
# first served each new version, and each backend's private memory per minute (it must stay flat:
# the model cache is bounded and old versions are freed).
#
#   bash bench/soak.sh            (SOAK_SECONDS=120 bash bench/soak.sh for a short run)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BENCH_ROOT"
seconds=${SOAK_SECONDS:-600}
every=${SOAK_RETRAIN_EVERY:-60}
clients=${SOAK_CLIENTS:-8}
BUILD=$BENCH_ROOT/build-bench

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target soak_client -j "$(nproc)" >/dev/null
bench_server_start
bench_header "soak: $clients clients x ${seconds} s of the two-stage query; a new bench_serving version every ${every} s" \
    "SOAK_SECONDS=$seconds bash bench/soak.sh"

have=$(bench_psql -Atc "SELECT count(*) FROM recsys.models WHERE name = 'bench_serving' AND to_regclass('bench_views') IS NOT NULL")
[[ $have != 0 ]] || bench_psql -q -f bench/serving_setup.sql
have=$(bench_psql -Atc "SELECT to_regprocedure('bench_recommend_ranked(bigint, int, text, int)') IS NOT NULL
                        AND EXISTS (SELECT FROM recsys.models WHERE name = 'bench_two_stage_ranker')")
[[ $have == t ]] || bench_psql -q -f bench/two_stage_setup.sql

# The retraining job: the candidate model retrained from the same views, warm-started from the
# served version (2 iterations), saved as a new version, then the old versions pruned (what a
# pg_cron job does; here a loop, so the timing is exact).
retrain() {
    local round=0 started=$SECONDS
    while (((round + 1) * every < seconds)); do
        # on the minute (a training that takes longer than the period delays the next one only)
        round=$((round + 1))
        local wait=$((started + round * every - SECONDS))
        ((wait <= 0)) || sleep "$wait"
        bench_psql -Atc "SET recsys.max_memory = '4GB';
            SELECT 'saved version ' || recsys.save_model('bench_serving',
                recsys.als_fit(user_id, item_id, 1.0, '{\"factors\": 64, \"iterations\": 2, \"warm_start\": \"bench_serving\"}'))
                || ' at ' || round(extract(epoch FROM clock_timestamp())) FROM bench_views;
            SELECT 'pruned ' || recsys.prune_models('bench_serving', 3);" |
            grep -E 'saved|pruned' || echo "retraining round $round failed"
    done
}
echo "soak started at $(date +%s)"
retrain &
retrainer=$!
"$BUILD/soak_client" --clients "$clients" --duration "$seconds" --user-range 1:200000 \
    --query 'SELECT * FROM bench_recommend_ranked($1)' \
    --version-sql "SELECT recsys.serving_version('bench_serving')" --sample-every 2
wait "$retrainer"
