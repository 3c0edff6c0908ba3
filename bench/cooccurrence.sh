#!/usr/bin/env bash
# bench/cooccurrence.sh -- co-occurrence embeddings (cooccurrence_fit) on MovieLens 100K
# (bench/README.md): fit time, and how often an item's 10 most similar items share a genre
# with it, against ALS's similar_items and against 10 random items.
#
#   bash bench/cooccurrence.sh
#
# Runs bench/cooccurrence_quality.sql with cooccurrence_fit's defaults (64 factors, window 10,
# 25 epochs, x_max 100), with a one-hour time window, with the options that did best in a short
# search on this data (x_max 10, window 100, 32 factors), and ALS with {"factors":64,"l2":10,"alpha":2}. Fails
# (exit 1) when the embeddings' genre share is not above random's by 0.05. Also P@10 and NDCG@10
# of recommending from each user's 10 latest watches by summed similar_items (both models), on
# the held-out split of bench/movielens_quality.sql. No peer: `implicit`
# has no GloVe, and no GloVe implementation is installed here.
#
# Data: $RECSYS_DATA/ml-100k/u.data and u.item (default RECSYS_DATA=/work/shared/data);
# skipped with a message when absent. Server: as bench/movielens.sh.
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
cd "$BENCH_ROOT"

bench_header "MovieLens 100K co-occurrence embeddings (bench/cooccurrence_quality.sql)" "bash bench/cooccurrence.sh"
if ! ml_file=$(bench_ml_file); then exit 0; fi
item_file=$(dirname "$ml_file")/u.item
echo "data:      $ml_file, $item_file"
bench_server_start
bench_ml_load
# u.item: id|title|date|video date|url|19 genre flags; the flags as bits of one int.
genres=$(mktemp)
BENCH_TMP_FILES+=("$genres")
awk -F'|' '{ m = 0; for (g = 0; g < 19; g++) if ($(6 + g) == 1) m += 2 ^ g; print $1 "\t" m }' "$item_file" >"$genres"
bench_psql -q -c 'SET client_min_messages = warning' -c 'DROP TABLE IF EXISTS ml_genres' \
    -c 'CREATE TABLE ml_genres (item_id bigint, mask int)' -c "\\copy ml_genres FROM '$genres'"

als='{"factors": 64, "l2": 10, "alpha": 2, "iterations": 15, "seed": 0}'
status=0
for options in '{}' '{"window_seconds": 3600}' '{"x_max": 10, "window": 100, "factors": 32}'; do
    out=$(bench_psql -A -F'|' -P footer=off -v options="$options" -v als_options="$als" \
        -f bench/cooccurrence_quality.sql 2>&1) || { printf '%s\n' "$out" >&2; exit 1; }
    statement_ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -n1)
    echo
    echo "cooccurrence_fit options: $options   (ALS: $als)"
    awk -F'|' -v ms="$statement_ms" '
        $1 == "fit" { printf "fit: %.3f s (statement %.3f s), %d pairs, loss %s -> %s\n", $2, ms / 1000, $3, $4, $5 }
        $1 == "share" { share[$2] = $3; printf "  %-13s genre share of the top 10 similar items %.4f (%d pairs)\n", $2, $3, $4 }
        $1 == "recent" { printf "  %-13s from the 10 latest watches: P@10 %.4f NDCG@10 %.4f (%d users)\n", $2, $4, $5, $3 }
        END {
            printf "QUALITY cooccurrence=%.4f als=%.4f random=%.4f\n", share["cooccurrence"], share["als"], share["random"]
            if (share["cooccurrence"] < share["random"] + 0.05) { print "FAIL: the embeddings do no better than random"; exit 1 }
        }' <<<"$out" || status=1
done
exit $status
