#!/usr/bin/env bash
# bench/bpr.sh -- recsys BPR (bpr_fit) on MovieLens 100K and its speed on the generated 1M set
# (bench/README.md).
#
#   bash bench/bpr.sh            quality (seeds 0 and 1) and fit time, then the 1M set's 10 epochs
#   BPR_SKIP_1M=1 bash bench/bpr.sh   MovieLens only
#
# Quality: bench/movielens_quality.sql with fit=bpr_fit (its protocol, ANCHORS.md's: per user the
# chronologically last max(1, round(n/5)) ratings held out, weight 1, top 10 excluding training
# items) with {"factors": 64, "learning_rate": 0.01, "l2": 0.01, "epochs": 100, "seed": S}, the
# settings of implicit's figure in ANCHORS.md (its regularization is our l2), recsys.threads = 2.
# Fit time: the training seconds the model records (model_info), with recsys.threads 1 and 2.
# 1M: speed_1000000_100000_20000, the generated set of bench/train_speed.sql (made by the same
# formula and seed when absent), 64 factors, 10 epochs, threads 1 and 2: training seconds; with
# IMPLICIT_PEER=DIR (bench/implicit_build.sh) implicit's BPR on the same rows (bench/implicit_peer.py).
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
cd "$BENCH_ROOT"

bench_header "BPR: MovieLens 100K quality and fit time, 1M generated fit time" "bash bench/bpr.sh"
if ! ml_file=$(bench_ml_file); then exit 0; fi
echo "data:      $ml_file"
bench_server_start
bench_ml_load

options='{"factors": 64, "learning_rate": 0.01, "l2": 0.01, "epochs": 100, "seed": SEED}'
echo
printf "%-22s %6s %8s %8s %8s %8s %8s\n" run users P@10 R@10 NDCG@10 MAP@10 "stmt s"
for seed in 0 1; do
    out=$(PGOPTIONS="-c recsys.threads=2" bench_psql -A -F'|' -P footer=off -v fit=bpr_fit \
        -v options="${options//SEED/$seed}" -f bench/movielens_quality.sql 2>&1) || { printf '%s\n' "$out" >&2; exit 1; }
    fit_ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -n1)
    grep '^als|' <<<"$out" | awk -F'|' -v s="$seed" -v t="$fit_ms" \
        '{ printf "%-22s %6d %8.4f %8.4f %8.4f %8.4f %8.3f\n", "BPR seed " s, $2, $3, $4, $5, $6, t / 1000
           printf "QUALITY bpr_seed%s p10=%.4f ndcg10=%.4f map10=%.4f\n", s, $3, $5, $6 }'
done
echo "options: ${options//SEED/0,1}"

# Training seconds the model records (best of 3), on the training split.
fit_seconds() {  # table options threads
    bench_psql -qAt <<SQL
SET recsys.threads = $3;
SET recsys.max_memory = '8GB';
SELECT min(((recsys.model_info(m)) #>> '{metadata,training,seconds}')::float8)
FROM generate_series(1, ${4:-3}) g,
     LATERAL (SELECT recsys.bpr_fit(user_id, item_id, 1.0, '$2') AS m FROM $1 WHERE g > 0) f;
SQL
}
bench_psql -q <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS bpr_ml_train;
CREATE TABLE bpr_ml_train AS
SELECT user_id, item_id FROM (
  SELECT user_id, item_id,
         row_number() OVER (PARTITION BY user_id ORDER BY ts DESC, item_id DESC)
           <= greatest(1, round(count(*) OVER (PARTITION BY user_id) / 5.0)) AS held_out
  FROM ml) s
WHERE NOT held_out;
ANALYZE bpr_ml_train;
SQL
for t in 1 2; do
    s=$(fit_seconds bpr_ml_train '{"factors": 64, "learning_rate": 0.01, "l2": 0.01, "epochs": 100}' "$t")
    printf "FIT movielens 64 factors 100 epochs threads=%s: %.3f s (training seconds, best of 3)\n" "$t" "$s"
done

if [[ -n "${BPR_SKIP_1M:-}" ]]; then exit 0; fi
bench_speed_table 1000000 100000 20000
for t in 1 2; do
    s=$(fit_seconds speed_1000000_100000_20000 '{"factors": 64, "epochs": 10}' "$t" 1)
    printf "FIT generated 1M 64 factors 10 epochs threads=%s: %.3f s (training seconds)\n" "$t" "$s"
done
bench_implicit_pairs speed_1000000_100000_20000 bpr
