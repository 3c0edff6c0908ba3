#!/usr/bin/env bash
# bench/movielens.sh -- offline quality of recsys ALS on MovieLens 100K (bench/README.md).
#
#   bash bench/movielens.sh
#
# Runs bench/movielens_quality.sql (its protocol: per user the chronologically last
# max(1, round(n/5)) ratings held out, weight 1, top 10 excluding training items) for
#   seeds 0..4 with {"factors":64,"l2":10,"alpha":2,"iterations":15,"cg_steps":3}
#   (the mean is the figure to quote), one run with the defaults '{}', and popularity,
# and prints P@10, R@10, NDCG@10, MAP@10 of each.
#
# Data: $RECSYS_DATA/ml-100k/u.data (default RECSYS_DATA=/work/shared/data); skipped with a
# message when absent. Server: PG* from the environment if PGHOST or PGDATABASE is set, else a
# throwaway cluster under /tmp (scripts/pg-cluster.sh). Creates table ml there if needed.
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
cd "$BENCH_ROOT"

bench_header "MovieLens 100K quality (bench/movielens_quality.sql)" "bash bench/movielens.sh"
if ! ml_file=$(bench_ml_file); then exit 0; fi
echo "data:      $ml_file"
bench_server_start
bench_ml_load

# One run: prints "als|users|P|R|NDCG|MAP|fit_ms" and "popularity|users|P|R|NDCG|MAP".
quality_run() {
    local options=$1 out fit_ms
    out=$(bench_psql -A -F'|' -P footer=off -v options="$options" -f bench/movielens_quality.sql 2>&1) || {
        printf '%s\n' "$out" >&2
        return 1
    }
    # \timing is on around the training statement only: its last "Time:" line.
    fit_ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -n1)
    grep '^als|' <<<"$out" | sed "s/\$/|${fit_ms}/"
    grep '^popularity|' <<<"$out"
}

tuned='{"factors": 64, "l2": 10, "alpha": 2, "iterations": 15, "cg_steps": 3, "seed": SEED}'
results=$(mktemp)
BENCH_TMP_FILES+=("$results")
for seed in 0 1 2 3 4; do
    seed_options=${tuned//SEED/$seed}
    quality_run "$seed_options" | sed "s/^/seed $seed|/" >>"$results"
done
quality_run '{}' | sed 's/^/defaults|/' >>"$results"

echo
echo "options (seeds 0-4): ${tuned//SEED/0..4}"
echo "options (defaults):  '{}'"
awk -F'|' '
    BEGIN { printf "%-22s %6s %8s %8s %8s %8s %8s\n", "run", "users", "P@10", "R@10", "NDCG@10", "MAP@10", "fit s" }
    $2 == "als" {
        printf "%-22s %6d %8.4f %8.4f %8.4f %8.4f %8.3f\n", "ALS " $1, $3, $4, $5, $6, $7, $8 / 1000
        if ($1 ~ /^seed/) { n++; for (i = 4; i <= 7; i++) { s[i] += $i; q[i] += $i * $i } fit += $8 / 1000 }
    }
    $2 == "popularity" {
        pop = sprintf("%-22s %6d %8.4f %8.4f %8.4f %8.4f %8s", "popularity", $3, $4, $5, $6, $7, "-")
        popq = sprintf("QUALITY popularity p10=%.4f r10=%.4f ndcg10=%.4f map10=%.4f", $4, $5, $6, $7)
    }
    END {
        if (n) {
            printf "%-22s %6s", "ALS mean of " n " seeds", ""
            for (i = 4; i <= 7; i++) printf " %8.4f", s[i] / n
            printf " %8.3f\n", fit / n
            printf "%-22s %6s", "  (std over seeds)", ""
            for (i = 4; i <= 7; i++) { v = q[i] / n - (s[i] / n) ^ 2; printf " %8.4f", (v > 0 ? sqrt(v) : 0) }
            printf "\n"
            printf "QUALITY als_mean p10=%.4f r10=%.4f ndcg10=%.4f map10=%.4f\n", s[4] / n, s[5] / n, s[6] / n, s[7] / n
        }
        print pop
        print popq
    }' "$results"
printf "%s\n" "(fit s: statement time of the als_fit, from psql \\timing; quality is what to read here)"
