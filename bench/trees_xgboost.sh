#!/usr/bin/env bash
# Boosted trees and forests side by side with their peers on a real data set: recsys.gbt_fit
# against python3-xgboost's xgb.train with the same parameters (the same library: the same
# trees, so the same test metric), recsys.forest_fit against scikit-learn's RandomForest*
# (100 trees each). The same prepared rows (bench/trees_xgboost.py writes them). Prints the test
# metrics, the fit times (best of 5) and the whole SQL statement's time against the peer's fit
# from an in-memory array (DMatrix construction included).
#
#   bash bench/trees_xgboost.sh [house|bank|adult] [threads]   (default house, 1 thread)
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
dataset=${1:-house}
threads=${2:-1}
case $dataset in
    house) data=$RECSYS_DATA/house-prices/train.csv ;;
    bank) data=$RECSYS_DATA/bank-marketing/bank-additional.csv ;;
    adult) data=$RECSYS_DATA/adult/adult.data ;;
    *) echo "usage: bash bench/trees_xgboost.sh [house|bank|adult] [threads]" >&2; exit 2 ;;
esac
if [[ ! -r "$data" ]]; then echo "TREES $dataset skipped: $data not found (set RECSYS_DATA)"; exit 0; fi
bench_peer_check sklearn xgboost || { echo "TREES $dataset skipped"; exit 0; }
peer=$(bench_peer_env)
prepared=$(mktemp "/tmp/$dataset.XXXXXX.csv")
BENCH_TMP_FILES+=("$prepared")
chmod 644 "$prepared"
bench_header "trees: recsys.gbt_fit vs xgboost.train, recsys.forest_fit vs scikit-learn RandomForest*, $dataset, $threads thread(s)" \
    "bash bench/trees_xgboost.sh $dataset $threads (peers: $peer /usr/bin/python3 bench/trees_xgboost.py $dataset)"
# shellcheck disable=SC2086
py=$(cd /tmp && $peer /usr/bin/python3 "$BENCH_ROOT/bench/trees_xgboost.py" "$dataset" "$RECSYS_DATA" "$prepared" "$threads")
echo "peers: $py"
bench_server_start >/dev/null
table=bench_trees_$dataset
if [[ $dataset == house ]]; then objective=reg:squarederror; else objective=binary:logistic; fi
gbt="{\"objective\": \"$objective\", \"trees\": 100, \"max_depth\": 6, \"learning_rate\": 0.3}"
forest="{\"objective\": \"$objective\", \"trees\": 100, \"max_depth\": 6}"
metric() {  # metric MODEL_EXPR: the test metric(s) of a model as text
    if [[ $dataset == house ]]; then
        echo "'RMSE ' || round(sqrt(avg((recsys.predict($1, features) - target) ^ 2))::numeric, 6)"
    else
        echo "'log loss ' || round(recsys.logloss(recsys.predict($1, features), target = 1)::numeric, 6) || ', AUC ' || round(recsys.auc(recsys.predict($1, features), target = 1)::numeric, 6)"
    fi
}
bench_psql -q <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS $table;
CREATE TABLE $table (id int, split text, target float8, features float8[]);
\copy $table FROM '$prepared' WITH (FORMAT csv)
ANALYZE $table;
SQL
for kind in gbt forest; do
    if [[ $kind == gbt ]]; then options=$gbt; else options=$forest; fi
    bench_psql -qAt <<SQL
SET max_parallel_workers_per_gather = 0;
SET recsys.threads = $threads;
$(bench_timed_fits 5 "SELECT recsys.${kind}_fit(target, features, '$options') FROM $table WHERE split = 'train'")
SELECT format('TREES $dataset recsys.${kind}_fit: test %s; fit %s ms (best of 5), whole statement %s ms',
              (SELECT $(metric m.model) FROM $table WHERE split = 'test'),
              round(min(fit_ms)::numeric, 1), round(min(statement_ms)::numeric, 1))
FROM runs, (SELECT model FROM runs LIMIT 1) m GROUP BY m.model;
SQL
done
