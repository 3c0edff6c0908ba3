#!/usr/bin/env bash
# bench/candidates.sh -- every candidate generator side by side on MovieLens 100K, and `implicit`'s
# on the same split in the same run (bench/README.md, "Candidate generators side by side").
#
#   bash bench/candidates.sh                          recsys only
#   IMPLICIT_PEER=/tmp/implicit-peer bash bench/candidates.sh
#                                                     also implicit (built by bench/implicit_build.sh)
#
# Protocol: bench/movielens_quality.sql's (ANCHORS.md's: per user the chronologically last
# max(1, round(n/5)) ratings held out, weight 1, top 10 excluding training items, 943 users).
# recsys: ALS (64 factors, l2 10, alpha 2: movielens.sh's best), BPR (64 factors, lr 0.01, l2 0.01,
# 100 epochs, seed 0), item neighbours (cosine, bm25, tfidf at K 20), each trained with
# recsys.threads = 2 (item neighbours also with 1: implicit's product is serial); the fit is the
# training's own seconds (model_info) and the whole statement's (psql \timing, rows read included).
# Co-occurrence embeddings recommend through similar_items (bench/cooccurrence.sh prints their row).
# implicit: bench/implicit_peer.py movielens (fit from its CSR, best of 3 for the neighbours).
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
cd "$BENCH_ROOT"

bench_header "Candidate generators side by side, MovieLens 100K" "bash bench/candidates.sh"
if ! ml_file=$(bench_ml_file); then exit 0; fi
echo "data:      $ml_file"
bench_server_start
bench_ml_load

printf '\n%-24s %7s %7s %8s %7s %9s %8s\n' "recsys" "threads" "P@10" "NDCG@10" "MAP@10" "train s" "stmt s"
run() {  # run LABEL THREADS FIT OPTIONS
    local out stmt_ms line train
    out=$(PGOPTIONS="-c recsys.threads=$2" bench_psql -A -F'|' -P footer=off -v fit="$3" -v options="$4" \
        -f bench/movielens_quality.sql 2>&1) || { printf '%s\n' "$out" >&2; exit 1; }
    stmt_ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -n1)
    line=$(grep '^als|' <<<"$out")
    train=$(sed -n 's/^fit_seconds|//p' <<<"$out")
    IFS='|' read -r _ _ p _ n m <<<"$line"
    printf '%-24s %7s %7s %8s %7s %9.3f %8.3f\n' "$1" "$2" "$p" "$n" "$m" "$train" \
        "$(awk -v t="$stmt_ms" 'BEGIN { print t / 1000 }')"
    echo "CANDIDATES ${1// /_} threads=$2 p10=$p ndcg10=$n map10=$m train_s=$train"
}
run "ALS 64" 2 als_fit '{"factors": 64, "l2": 10, "alpha": 2, "seed": 0}'
run "BPR 64, 100 epochs" 2 bpr_fit '{"factors": 64, "learning_rate": 0.01, "l2": 0.01, "epochs": 100, "seed": 0}'
for s in cosine bm25 tfidf; do
    for t in 1 2; do run "itemknn $s K=20" "$t" itemknn_fit "{\"similarity\": \"$s\", \"neighbours\": 20}"; done
done

if [[ -n ${IMPLICIT_PEER:-} ]]; then
    echo
    PYTHONPATH=$IMPLICIT_PEER OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/implicit_peer.py movielens "$ml_file"
else
    echo
    echo "implicit: not run (IMPLICIT_PEER unset; bash bench/implicit_build.sh SOURCE builds it)"
fi
