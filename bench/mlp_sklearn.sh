#!/usr/bin/env bash
# The ranker network side by side with scikit-learn's MLPClassifier: hidden layers [64, 32], ReLU,
# Adam (learning rate 1e-3), batches of 200, L2 1e-4, 10 epochs, no early stopping (the network of
# bench/mlp_sklearn.py). Two measures:
#   bank        UCI Bank Marketing, the rows and split of bench/logreg_sklearn.sh: test AUC of both
#               and the seconds per epoch of both (best of 3 trainings)
#   throughput  generated impressions (bench/impressions.sql, as bench/predict_speed.sql's:
#               RECSYS_BENCH_MLP_ROWS rows, default 1,000,000, x 50 features): rows per second per
#               epoch of both, 2 epochs
#
#   bash bench/mlp_sklearn.sh          (bash bench/run.sh mlp)
#
# scikit-learn runs on OpenBLAS told this CPU's kernel, as ../shared/ANCHORS.md advises.
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
rows=${RECSYS_BENCH_MLP_ROWS:-1000000}
# The network of bench/mlp_sklearn.py; recsys' own standardization off, since both sides get the
# same prepared features; n_iter_no_change above the epochs, so that exactly that many run.
options() {
    printf '{"hidden_layers": [64, 32], "batch_size": 200, "learning_rate": 0.001, "l2": 0.0001, %s}' \
        "\"early_stopping\": false, \"standardize\": false, \"seed\": 1, \"epochs\": $1, \"n_iter_no_change\": $(($1 + 1))"
}
data=$RECSYS_DATA/bank-marketing/bank-additional.csv
if [[ ! -r "$data" ]]; then echo "MLP skipped: $data not found (set RECSYS_DATA)"; exit 0; fi
bench_peer_check sklearn || { echo "MLP skipped"; exit 0; }
peer=$(bench_peer_env)
bench_header "mlp: recsys.mlp_fit vs scikit-learn MLPClassifier, UCI Bank Marketing and $rows generated rows" \
    "bash bench/mlp_sklearn.sh (scikit-learn: $peer /usr/bin/python3 bench/mlp_sklearn.py bank|throughput)"
bench_server_start >/dev/null
if [[ -z $(bench_psql -Atc "SELECT to_regprocedure('recsys.mlp_fit(bool, float8[], jsonb)')") ]]; then
    echo "MLP skipped: the installed extension has no recsys.mlp_fit(bool, float8[], jsonb)"
    exit 0
fi
field() { bench_json_field "$1" "$2"; }

# ---------------------------------------------------------------- Bank Marketing
prepared=$(mktemp /tmp/bank.XXXXXX.csv)
BENCH_TMP_FILES+=("$prepared")
chmod 644 "$prepared"
# shellcheck disable=SC2086  # $peer is the command prefix `env -u ... OPENBLAS_CORETYPE=...`
bank=$(cd /tmp && $peer /usr/bin/python3 "$BENCH_ROOT/bench/mlp_sklearn.py" bank "$RECSYS_DATA" "$prepared")
echo "scikit-learn: $bank"
bench_psql -q <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_mlp_bank;
CREATE TABLE bench_mlp_bank (id int, split text, label bool, features float8[]);
\copy bench_mlp_bank FROM '$prepared' WITH (FORMAT csv)
ANALYZE bench_mlp_bank;
SQL
bench_psql -qAt <<SQL
SET max_parallel_workers_per_gather = 0;
$(bench_timed_fits 3 "SELECT recsys.mlp_fit(label, features, '$(options 10)') FROM bench_mlp_bank WHERE split = 'train'")
CREATE TEMP TABLE ours AS
SELECT (SELECT min(fit_ms) FROM runs) / epochs / 1000 AS fit_s, (SELECT min(statement_ms) FROM runs) / epochs / 1000 AS statement_s,
       epochs, auc
FROM (SELECT (recsys.model_info(m.model)->'metadata'->'training'->>'epochs')::int AS epochs,
             recsys.auc(recsys.predict(m.model, b.features), b.label) AS auc
      FROM (SELECT model FROM runs LIMIT 1) m, bench_mlp_bank b WHERE b.split = 'test' GROUP BY m.model) t;
SELECT format('MLP bank recsys: test AUC %s; %s s per epoch (%s epochs, best of 3; whole statement %s s per epoch); scikit-learn: test AUC %s, %s s per epoch: recsys %sx faster (whole statement %sx)',
              round(auc::numeric, 4), round(fit_s::numeric, 4), epochs, round(statement_s::numeric, 4),
              round($(field "$bank" test_auc)::numeric, 4), round($(field "$bank" seconds_per_epoch)::numeric, 4),
              round(($(field "$bank" seconds_per_epoch) / fit_s)::numeric, 1),
              round(($(field "$bank" seconds_per_epoch) / statement_s)::numeric, 1))
FROM ours;
SQL

# ---------------------------------------------------------------- throughput
# shellcheck disable=SC2086
rate=$(cd /tmp && $peer /usr/bin/python3 "$BENCH_ROOT/bench/mlp_sklearn.py" throughput "$rows" 50)
echo "scikit-learn: $rate"
bench_psql -qAt -v rows="$rows" -c "SET client_min_messages = warning" -f "$BENCH_ROOT/bench/impressions.sql" >/dev/null
bench_psql -qAt <<SQL
SET max_parallel_workers_per_gather = 0;
$(bench_timed_fits 1 "SELECT recsys.mlp_fit(watched, features, '$(options 2)') FROM bench_impressions")
SELECT format('MLP throughput, $rows rows x 50 features, %s epochs: recsys %s rows/s per epoch (whole statement %s), scikit-learn %s: recsys %sx',
              epochs, round($rows * epochs / (fit_ms / 1000)), round($rows * epochs / (statement_ms / 1000)),
              round($(field "$rate" rows_per_second)),
              round(($rows * epochs / (fit_ms / 1000) / $(field "$rate" rows_per_second))::numeric, 1))
FROM (SELECT *, (recsys.model_info(model)->'metadata'->'training'->>'epochs')::int AS epochs FROM runs) r;
SQL
echo "MLP scikit-learn $(field "$bank" sklearn) on $(field "$bank" blas)"
