#!/usr/bin/env bash
# Logistic regression side by side with scikit-learn on a real data set: the same prepared rows
# (bench/logreg_sklearn.py writes them), LogisticRegression(C=1) against recsys.logreg_fit with
# l2 = 1 / (C n), the same objective. Prints the test log loss of both, the fit time of both
# (best of 7) and the whole SQL statement's time.
#
#   bash bench/logreg_sklearn.sh [bank|adult]     (default bank; bash bench/run.sh logreg runs both)
#
#   bank   UCI Bank Marketing (ANCHORS' protocol), 62 features, 3,295 training rows
#   adult  UCI Adult (adult.data), 108 features, 26,048 training rows
#
# scikit-learn runs on OpenBLAS told this CPU's kernel (OPENBLAS_CORETYPE=SkylakeX with AVX-512,
# Haswell with AVX2; OPENBLAS_L2_SIZE unset), as ../shared/ANCHORS.md advises for a fair peer.
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
dataset=${1:-bank}
case $dataset in
    bank) data=$RECSYS_DATA/bank-marketing/bank-additional.csv title="UCI Bank Marketing" ;;
    adult) data=$RECSYS_DATA/adult/adult.data title="UCI Adult" ;;
    *) echo "usage: bash bench/logreg_sklearn.sh [bank|adult]" >&2; exit 2 ;;
esac
if [[ ! -r "$data" ]]; then echo "LOGREG $dataset skipped: $data not found (set RECSYS_DATA)"; exit 0; fi
bench_peer_check sklearn || { echo "LOGREG $dataset skipped"; exit 0; }
peer=$(bench_peer_env)
prepared=$(mktemp "/tmp/$dataset.XXXXXX.csv")
BENCH_TMP_FILES+=("$prepared")
chmod 644 "$prepared"
bench_header "logreg: recsys.logreg_fit vs scikit-learn LogisticRegression(C=1), $title" \
    "bash bench/logreg_sklearn.sh $dataset (scikit-learn: $peer /usr/bin/python3 bench/logreg_sklearn.py $dataset)"
# shellcheck disable=SC2086  # $peer is the command prefix `env -u ... OPENBLAS_CORETYPE=...`
sk=$(cd /tmp && $peer /usr/bin/python3 "$BENCH_ROOT/bench/logreg_sklearn.py" "$dataset" "$RECSYS_DATA" "$prepared")
echo "scikit-learn: $sk"
bench_server_start >/dev/null
field() { bench_json_field "$sk" "$1"; }
table=bench_logreg_$dataset
bench_psql -q <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS $table;
CREATE TABLE $table (id int, split text, label bool, features float8[]);
\copy $table FROM '$prepared' WITH (FORMAT csv)
ANALYZE $table;
SQL
l2=$(bench_psql -Atc "SELECT 1.0 / count(*) FROM $table WHERE split = 'train'")
bench_psql -qAt <<SQL
SET max_parallel_workers_per_gather = 0;
$(bench_timed_fits 7 "SELECT recsys.logreg_fit(label, features, '{\"l2\": $l2}') FROM $table WHERE split = 'train'")
CREATE TEMP TABLE ours AS
SELECT (SELECT min(fit_ms) FROM runs) AS fit_ms, (SELECT min(statement_ms) FROM runs) AS statement_ms,
       avg(-CASE WHEN label THEN ln(p) ELSE ln(1 - p) END) AS loss,
       recsys.model_info(m.model)->'metadata'->'training' AS training
FROM (SELECT model FROM runs LIMIT 1) m,
     LATERAL (SELECT label, recsys.predict(m.model, features) AS p FROM $table WHERE split = 'test') t
GROUP BY m.model;
SELECT format('LOGREG $dataset recsys: test log loss %s; fit %s ms (best of 7), whole statement %s ms; solver %s, %s iterations',
              round(loss::numeric, 6), round(fit_ms::numeric, 2), round(statement_ms::numeric, 2),
              training->>'solver', training->>'iterations')
FROM ours;
SELECT format('LOGREG $dataset ratio: scikit-learn lbfgs fit %s ms / recsys fit = %sx, / recsys whole statement = %sx; newton-cholesky (the exact optimum) %s ms / recsys fit = %sx; test log loss difference from lbfgs %s, from the exact optimum %s',
              round(($(field sklearn_fit_s) * 1000)::numeric, 2),
              round(($(field sklearn_fit_s) * 1000 / fit_ms)::numeric, 1),
              round(($(field sklearn_fit_s) * 1000 / statement_ms)::numeric, 1),
              round(($(field sklearn_exact_fit_s) * 1000)::numeric, 2),
              round(($(field sklearn_exact_fit_s) * 1000 / fit_ms)::numeric, 2),
              to_char(abs($(field sklearn_test_logloss) - loss), '9.9EEEE'),
              to_char(abs($(field sklearn_exact_test_logloss) - loss), '9.9EEEE'))
FROM ours;
SQL
echo "LOGREG $dataset scikit-learn: lbfgs test log loss $(field sklearn_test_logloss), fit $(field sklearn_fit_s) s; exact optimum (newton-cholesky, tol 1e-12) $(field sklearn_exact_test_logloss), fit $(field sklearn_exact_fit_s) s; scikit-learn $(field sklearn) on $(field blas)"
