#!/usr/bin/env bash
# bench/warm_start.sh -- warm versus cold ALS retraining (bench/warm_start.sql), on MovieLens
# 100K and on 1M generated rows: the model serving was trained on the first 80% of the rows by
# time; retrain on the first 90% cold (15 iterations, and 3) or warm from it (ALS option
# warm_start: 1, 3, 5 iterations); score every model on the last 10%. Prints fit time, loss and
# NDCG@10 / P@10 / R@10 per configuration.
#
#   bash bench/warm_start.sh            (RECSYS_BENCH_RUNS=5 trainings per configuration, medians)
#
# Data: $RECSYS_DATA/ml-100k/u.data (default RECSYS_DATA=/work/shared/data); that part is
# skipped with a message when absent. Server: PG* from the environment if PGHOST or PGDATABASE is set, else a
# throwaway cluster under /tmp (scripts/pg-cluster.sh). Creates table ml there if needed.
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
cd "$BENCH_ROOT"

runs=${RECSYS_BENCH_RUNS:-5}
bench_header "ALS warm start versus cold retraining (bench/warm_start.sql)" \
    "bash bench/warm_start.sh  (RECSYS_BENCH_RUNS=$runs)"
bench_server_start
echo "threads:   $(bench_psql -Atc 'SELECT recsys.precision_at_k(ARRAY[1]::bigint[], ARRAY[1]::bigint[], 1)' \
                   -c 'SHOW recsys.threads' | tail -n1)"
if ml_file=$(bench_ml_file); then
    echo; echo "MovieLens 100K: $ml_file"
    bench_ml_load
    bench_psql -P footer=off -v runs="$runs" -v data=movielens -f bench/warm_start.sql | sed -n '/configuration/,$p'
fi
echo; echo "generated: 1,000,000 rows, 100,000 users, 20,000 videos"
bench_psql -P footer=off -v runs="$runs" -v data=generated -f bench/warm_start.sql | sed -n '/configuration/,$p'
