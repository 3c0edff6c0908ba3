#!/usr/bin/env bash
# Logistic regression side by side with scikit-learn on UCI Bank Marketing (ANCHORS' protocol):
# the same prepared rows (bench/logreg_bank.py writes them), LogisticRegression(C=1) against
# recsys.logreg_fit with l2 = 1 / (C n), the same objective. Prints the test log loss of both,
# the fit time of both (best of 7) and the whole SQL statement's time.
#
#   bash bench/logreg_bank.sh          (bash bench/run.sh logreg)
#
# scikit-learn runs on OpenBLAS told this CPU's kernel (OPENBLAS_CORETYPE=SkylakeX with AVX-512,
# Haswell with AVX2; OPENBLAS_L2_SIZE unset), as ../shared/ANCHORS.md advises for a fair peer.
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
data=$RECSYS_DATA/bank-marketing/bank-additional.csv
if [[ ! -r "$data" ]]; then echo "LOGREG skipped: $data not found (set RECSYS_DATA)"; exit 0; fi
if ! /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then
    echo "LOGREG skipped: /usr/bin/python3 has no scikit-learn (apt-get install python3-sklearn libopenblas0-pthread)"
    exit 0
fi
core=Haswell
grep -q avx512f /proc/cpuinfo && core=SkylakeX
prepared=$(mktemp /tmp/bank.XXXXXX.csv)
BENCH_TMP_FILES+=("$prepared")
chmod 644 "$prepared"
bench_header "logreg: recsys.logreg_fit vs scikit-learn LogisticRegression(C=1), UCI Bank Marketing" \
    "bash bench/logreg_bank.sh (scikit-learn: env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=$core /usr/bin/python3 bench/logreg_bank.py)"
sk=$(cd /tmp && env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=$core /usr/bin/python3 "$BENCH_ROOT/bench/logreg_bank.py" "$data" "$prepared")
echo "scikit-learn: $sk"
bench_server_start >/dev/null
field() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$sk" "$1"; }
bench_psql -q <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_bank;
CREATE TABLE bench_bank (id int, split text, label bool, features float8[]);
\copy bench_bank FROM '$prepared' WITH (FORMAT csv)
ANALYZE bench_bank;
SQL
bench_psql -At <<SQL
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE runs (statement_ms float8, fit_ms float8, model bytea);
DO \$\$
DECLARE
  started timestamptz;
  m bytea;
  options jsonb := jsonb_build_object('l2', 1.0 / (SELECT count(*) FROM bench_bank WHERE split = 'train'));
BEGIN
  FOR run IN 1..7 LOOP
    started := clock_timestamp();
    SELECT recsys.logreg_fit(label, features, options) INTO m FROM bench_bank WHERE split = 'train';
    INSERT INTO runs VALUES (1000 * extract(epoch FROM clock_timestamp() - started),
                             1000 * (recsys.model_info(m)->'metadata'->'training'->>'seconds')::float8, m);
  END LOOP;
END \$\$;
WITH best AS (SELECT model, statement_ms, fit_ms FROM runs ORDER BY statement_ms LIMIT 1),
test AS (
  SELECT label, recsys.predict(best.model, features) AS p FROM bench_bank, best WHERE split = 'test'
)
SELECT format('LOGREG recsys: test log loss %s; fit %s ms (best of 7), whole statement %s ms; solver %s, %s iterations',
              round(avg(-CASE WHEN label THEN ln(p) ELSE ln(1 - p) END)::numeric, 6),
              round(min(fit_ms)::numeric, 2), round(min(statement_ms)::numeric, 2),
              recsys.model_info(best.model)->'metadata'->'training'->>'solver',
              recsys.model_info(best.model)->'metadata'->'training'->>'iterations')
FROM test, best GROUP BY best.model;
SELECT format('LOGREG ratio: scikit-learn fit %s ms / recsys fit %s ms = %sx; / recsys whole statement = %sx; test log loss difference %s',
              round(($(field sklearn_fit_s) * 1000)::numeric, 2), round(min(fit_ms)::numeric, 2),
              round(($(field sklearn_fit_s) * 1000 / min(fit_ms))::numeric, 1),
              round(($(field sklearn_fit_s) * 1000 / min(statement_ms))::numeric, 1),
              to_char(abs($(field sklearn_exact_test_logloss) - (
                SELECT avg(-CASE WHEN label THEN ln(p) ELSE ln(1 - p) END)
                FROM (SELECT label, recsys.predict((SELECT model FROM runs LIMIT 1), features) p
                      FROM bench_bank WHERE split = 'test') t)), '9.9EEEE'))
FROM runs;
SQL
echo "LOGREG scikit-learn: test log loss $(field sklearn_test_logloss) (exact optimum $(field sklearn_exact_test_logloss)), fit $(field sklearn_fit_s) s, $(field sklearn) on $(field blas)"
