#!/usr/bin/env bash
# Exploration against exploitation on generated data with planted video quality
# (bench/explore_sim.sql says what is simulated and what each column means): five page
# policies of recsys.explore, each retraining its bandit from its own log before every round,
# against the oracle that knows every video's true click-through rate.
#
#   bash bench/explore_sim.sh [psql -v settings]     e.g. bash bench/explore_sim.sh -v rounds=50 -v epsilon=0.2
#
# Settings (psql variables): rounds 30, users 500 (per round), k 10 (page), candidates 200 (per
# page), catalogue 2000 (videos at the start, 200 impressions of history each), uploads 40 (new
# videos per round), epsilon 0.1 (share of explored slots of the +fresh policies).
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
bench_header "explore: exploration vs exploitation, simulated (recsys.bandit_fit + recsys.explore)" \
    "bash bench/explore_sim.sh $*"
bench_server_start
started=$(date +%s)
bench_psql -q "$@" -f "$BENCH_ROOT/bench/explore_sim.sql"
echo "seconds: $(($(date +%s) - started))"
