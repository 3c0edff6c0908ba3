#!/usr/bin/env bash
# bench/itemknn.sh -- item neighbours (recsys.itemknn_fit) on MovieLens 100K and on a
# generated 1M-interaction set, beside implicit's figures (bench/README.md, "Item neighbours").
#
#   bash bench/itemknn.sh [--replica "SIMILARITY K" ...] [--10m]
#
# MovieLens 100K: bench/itemknn_quality.sql (the protocol of ../shared/ANCHORS.md) for cosine,
# bm25 (k1 1.2, b 0.75) and tfidf at 20 and 100 neighbours: P@10, R@10, NDCG@10, MAP@10, the
# training's own seconds (model_info) and the statement's (psql \timing), recsys.threads = 1,
# then the fit of each at recsys.threads = 2.
# Generated: 1,000,000 rows, 100,000 users, 20,000 items, Zipf(0.8) items (the formula and seed
# of bench/train_speed.sql), cosine and bm25 at 20 neighbours, 1 and 2 threads, best of 3.
# implicit v0.7.3's figures from ../shared/ANCHORS.md are quoted beside the MovieLens rows; with
# IMPLICIT_PEER=DIR (bench/implicit_build.sh's folder) implicit also runs on the generated sets here
# (bench/implicit_peer.py pairs: its CSR from the ids, then cosine and bm25 K=20, best of 3).
# --replica "cosine 20" (repeatable): also checks recsys.recommend's top 10 of every user against
# bench/itemknn_reference.py, a numpy/scipy replica of implicit's definitions (scores and order).
# --10m: also the generated 10M set of bench/train_speed.sql (10,000,000 rows, 1,000,000 users,
# 100,000 items; made once, minutes), cosine K=20, 2 and 1 threads, one fit each, serial scan.
#
# Data: $RECSYS_DATA/ml-100k/u.data (default RECSYS_DATA=/work/shared/data); skipped with a
# message when absent. Server: PG* from the environment if PGHOST or PGDATABASE is set, else a
# throwaway cluster under /tmp (scripts/pg-cluster.sh).
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
cd "$BENCH_ROOT"

replicas=()
large=
while (($#)); do
    case $1 in
        --replica) replicas+=("$2"); shift 2 ;;
        --10m) large=1; shift ;;
        *) echo "usage: bash bench/itemknn.sh [--replica \"SIMILARITY K\" ...]" >&2; exit 2 ;;
    esac
done

bench_header "Item neighbours (bench/itemknn.sh)" "bash bench/itemknn.sh${replicas[*]:+ (--replica ${replicas[*]})}"
bench_server_start

# implicit v0.7.3 on the same split (ANCHORS.md, 2026-12-07, Intel Xeon 2 vCPU, OPENBLAS_NUM_THREADS=1).
implicit_figure() {
    case $1 in
        cosine20) echo "0.1630 0.1869 0.0959 0.08" ;;
        tfidf20) echo "0.1632 0.1859 0.0952 0.08" ;;
        bm2520) echo "0.1452 0.1630 0.0808 0.08" ;;
        cosine100) echo "0.1554 0.1818 0.0937 0.11" ;;
        bm25100) echo "0.1502 0.1729 0.0901 0.11" ;;
        *) echo "- - - -" ;;
    esac
}

if ml_file=$(bench_ml_file); then
    echo "data:      $ml_file"
    bench_ml_load
    printf '\nMovieLens 100K, top 10 excluding training items, 943 users\n'
    printf '%-16s %7s %7s %7s %7s %8s %8s %9s | %-28s\n' "recsys" "P@10" "R@10" "NDCG@10" "MAP@10" "train s" \
        "stmt s" "train s 2t" "implicit P / NDCG / MAP / fit"
    for k in 20 100; do
        for s in cosine bm25 tfidf; do
            options="{\"similarity\": \"$s\", \"neighbours\": $k}"
            out=$(PGOPTIONS="-c recsys.threads=1" bench_psql -A -F'|' -P footer=off -v options="$options" \
                -f bench/itemknn_quality.sql 2>&1) || { printf '%s\n' "$out" >&2; exit 1; }
            stmt_ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -n1)
            line=$(grep '^itemknn|' <<<"$out")
            out2=$(PGOPTIONS="-c recsys.threads=2" bench_psql -A -F'|' -P footer=off -v options="$options" \
                -f bench/itemknn_quality.sql 2>&1) || { printf '%s\n' "$out2" >&2; exit 1; }
            train2=$(grep '^itemknn|' <<<"$out2" | cut -d'|' -f7)
            read -r ip in im ifit <<<"$(implicit_figure "$s$k")"
            IFS='|' read -r _ _ p r n m train <<<"$line"
            printf '%-16s %7s %7s %7s %7s %8s %8.3f %9s | %s / %s / %s / %s s\n' "$s K=$k" "$p" "$r" "$n" "$m" \
                "$train" "$(awk -v t="$stmt_ms" 'BEGIN { print t / 1000 }')" "$train2" "$ip" "$in" "$im" "$ifit"
            echo "QUALITY itemknn_${s}_$k p10=$p ndcg10=$n map10=$m train_s=$train"
        done
    done
    for replica in "${replicas[@]}"; do
        read -r s k <<<"$replica"
        csv=$(mktemp)
        BENCH_TMP_FILES+=("$csv")
        { echo "# $s $k"
          bench_psql -q -At -F, -v options="{\"similarity\": \"$s\", \"neighbours\": $k}" <<'SQL'
CREATE TEMP TABLE ml_split AS
SELECT user_id, item_id,
       row_number() OVER (PARTITION BY user_id ORDER BY ts DESC, item_id DESC)
         <= greatest(1, round(count(*) OVER (PARTITION BY user_id) / 5.0)) AS held_out
FROM ml;
CREATE TEMP TABLE knn_model AS
SELECT recsys.itemknn_fit(user_id, item_id, 1.0, :'options') AS model FROM ml_split WHERE NOT held_out;
SELECT u.user_id, r.item_id, r.score, r.rank
FROM knn_model m, (SELECT DISTINCT user_id FROM ml_split) u, recsys.recommend(m.model, u.user_id, 10) r
ORDER BY 1, 4;
SQL
        } >"$csv"
        printf '\nreplica check, %s K=%s: ' "$s" "$k"
        /usr/bin/python3 bench/itemknn_reference.py "$ml_file" --compare "$csv" | tail -n1
    done
fi

printf '\nGenerated: 1,000,000 rows, 100,000 users, 20,000 items, Zipf(0.8) (bench/train_speed.sql)\n'
bench_speed_table 1000000 100000 20000
printf '%-18s %8s %14s %14s | %s\n' "similarity" "threads" "train s (best)" "stmt s (best)" "implicit, ANCHORS (Intel, 1 thread)"
for s in cosine bm25; do
    for t in 1 2; do
        res=$(PGOPTIONS="-c recsys.threads=$t -c recsys.max_memory=4GB" bench_psql -q -At -F' ' <<SQL
$(bench_timed_fits 3 "SELECT recsys.itemknn_fit(user_id, item_id, 1.0, '{\"similarity\": \"$s\", \"neighbours\": 20}') FROM speed_1000000_100000_20000")
SELECT round(min(fit_ms)::numeric / 1000, 3), round(min(statement_ms)::numeric / 1000, 3) FROM runs;
SQL
)
        peer=$([[ $s == cosine ]] && echo "0.16 s" || echo "0.15 s")
        printf '%-18s %8s %14s %14s | %s\n' "$s K=20" "$t" "${res%% *}" "${res##* }" "$peer"
        echo "SPEED itemknn_${s}_1m threads=$t train_s=${res%% *} statement_s=${res##* }"
    done
done
if [[ -n $large ]]; then
    printf '\nGenerated: 10,000,000 rows, 1,000,000 users, 100,000 items, Zipf(0.8) (bench/train_speed.sql)\n'
    bench_speed_table 10000000 1000000 100000
    for t in 2 1; do
        res=$(PGOPTIONS="-c recsys.threads=$t -c recsys.max_memory=8GB -c max_parallel_workers_per_gather=0" \
            bench_psql -q -At -F' ' <<SQL
$(bench_timed_fits 1 "SELECT recsys.itemknn_fit(user_id, item_id, 1.0, '{\"neighbours\": 20}') FROM speed_10000000_1000000_100000")
SELECT round(min(fit_ms)::numeric / 1000, 3), round(min(statement_ms)::numeric / 1000, 3) FROM runs;
SQL
)
        printf '%-18s %8s %14s %14s\n' "cosine K=20" "$t" "${res%% *}" "${res##* }"
        echo "SPEED itemknn_cosine_10m threads=$t train_s=${res%% *} statement_s=${res##* }"
    done
fi
bench_implicit_pairs speed_1000000_100000_20000 itemknn
[[ -z $large ]] || bench_implicit_pairs speed_10000000_1000000_100000 itemknn
echo "(train s: the training's own time in model_info, from the collected rows to the model;"
echo " stmt s: the whole statement, the scan and aggregation of the rows included)"
