#!/usr/bin/env bash
# 5-fold cross-validation of a logistic regression in the database (recsys.cross_validate) side by
# side with scikit-learn's cross_val_score of LogisticRegression on the same folds: UCI Bank
# Marketing (bank-additional.csv, 4,119 rows, 62 features, prepared as bench/logreg_sklearn.py
# prepares it), l2 = 1 / n (C = 1 on a fold's training rows). recsys deals the folds
# (stratified_kfold over the row id, as cross_validate does with key => 'id'); scikit-learn gets
# them as a PredefinedSplit. Prints
# both folds' AUCs, their largest difference, and the time of each (best of 3): the whole SQL
# statement, against cross_val_score with lbfgs (its default) and newton-cholesky.
#
#   bash bench/cross_validate.sh
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
data=$RECSYS_DATA/bank-marketing/bank-additional.csv
if [[ ! -r "$data" ]]; then echo "CROSS_VALIDATE skipped: $data not found (set RECSYS_DATA)"; exit 0; fi
bench_peer_check sklearn || { echo "CROSS_VALIDATE skipped"; exit 0; }
peer=$(bench_peer_env)
prepared=$(mktemp /tmp/bank_cv.XXXXXX.csv)
folds=$(mktemp /tmp/bank_cv_folds.XXXXXX.csv)
BENCH_TMP_FILES+=("$prepared" "$folds")
chmod 644 "$prepared"
bench_header "cross_validate: recsys.cross_validate('logreg', ..., 5, 'auc') vs scikit-learn cross_val_score, UCI Bank Marketing" \
    "bash bench/cross_validate.sh (scikit-learn: $peer /usr/bin/python3 bench/cross_validate_sklearn.py score bank DATA FOLDS L2)"
(cd /tmp && /usr/bin/python3 "$BENCH_ROOT/bench/cross_validate_sklearn.py" prepare bank "$RECSYS_DATA" "$prepared")
bench_server_start >/dev/null
bench_load_prepared bench_cv_bank "$prepared"
l2=$(bench_psql -Atc "SELECT 1.0 / (count(*) * 4 / 5.0) FROM bench_cv_bank")
# the folds cross_validate deals with key => 'id' (stratified_kfold by class)
bench_psql -q -c "\\copy (SELECT id, recsys.stratified_kfold(id, 5, 42) OVER (PARTITION BY label) FROM bench_cv_bank) TO '$folds' WITH (FORMAT csv)"
# shellcheck disable=SC2086  # $peer is the command prefix `env -u ... OPENBLAS_CORETYPE=...`
sk=$(cd /tmp && $peer /usr/bin/python3 "$BENCH_ROOT/bench/cross_validate_sklearn.py" score bank "$RECSYS_DATA" "$folds" "$l2")
field() { bench_json_field "$sk" "$1"; }
bench_psql -qAt <<SQL
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE runs (ms float8, auc float8[]);
DO \$\$
DECLARE started timestamptz; a float8[];
BEGIN
  FOR run IN 1..3 LOOP
    started := clock_timestamp();
    SELECT array_agg(value ORDER BY fold) INTO a
    FROM recsys.cross_validate('logreg', 'bench_cv_bank', 'label', 'features', '{"l2": $l2}', 5, 'auc', key => 'id');
    INSERT INTO runs VALUES (1000 * extract(epoch FROM clock_timestamp() - started), a);
  END LOOP;
END \$\$;
SELECT format('CROSS_VALIDATE bank recsys: fold AUCs %s (mean %s); whole statement %s ms (best of 3)',
              (SELECT array_agg(round(v::numeric, 6)) FROM unnest(auc) v),
              (SELECT round(avg(v)::numeric, 6) FROM unnest(auc) v), round(ms::numeric, 1))
FROM runs ORDER BY ms LIMIT 1;
SELECT format('CROSS_VALIDATE bank scikit-learn: fold AUCs %s (mean %s); cross_val_score lbfgs %s ms, newton-cholesky %s ms (best of 3)',
              (SELECT array_agg(round(v::numeric, 6)) FROM unnest('$(field auc | tr '[]' '{}')'::float8[]) v),
              (SELECT round(avg(v)::numeric, 6) FROM unnest('$(field auc | tr '[]' '{}')'::float8[]) v),
              round(($(field seconds) * 1000)::numeric, 1), round(($(field exact_seconds) * 1000)::numeric, 1));
SELECT format('CROSS_VALIDATE bank difference: largest fold AUC difference from lbfgs %s, from the exact optimum %s; time lbfgs / recsys = %sx, newton-cholesky / recsys = %sx',
              to_char((SELECT max(abs(a - b)) FROM unnest(best.auc, '$(field auc | tr '[]' '{}')'::float8[]) x(a, b)), '9.9EEEE'),
              to_char((SELECT max(abs(a - b)) FROM unnest(best.auc, '$(field exact_auc | tr '[]' '{}')'::float8[]) x(a, b)), '9.9EEEE'),
              round(($(field seconds) * 1000 / best.ms)::numeric, 2), round(($(field exact_seconds) * 1000 / best.ms)::numeric, 2))
FROM (SELECT ms, auc FROM runs ORDER BY ms LIMIT 1) best;
DROP TABLE bench_cv_bank;
SQL
echo "CROSS_VALIDATE bank scikit-learn $(field sklearn) on $(field blas); C = $(field C), $(field rows) rows, $(field features) features"
