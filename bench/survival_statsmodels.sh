#!/usr/bin/env bash
# Survival side by side with statsmodels on generated lifetimes: recsys.coxph_fit against
# PHReg(ties="breslow").fit() (the same objective: coefficients and log partial likelihood must
# agree) and recsys.kaplan_meier against SurvfuncRight. Prints both fit times (statsmodels from
# in-memory arrays, best of 3; recsys: the training's own time and the whole SQL statement, best of 3),
# and the scan floor of kaplan_meier's statement (built-in aggregates over the same columns).
#
#   bash bench/survival_statsmodels.sh [ROWS] [FEATURES]     (default 100000 rows, 10 features)
#
# The data (seed 18, written by bench/survival_statsmodels.py, which describes it) is generated:
# none of ../shared/data holds lifetimes.
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
rows=${1:-100000}
features=${2:-10}
bench_peer_check statsmodels || { echo "SURVIVAL skipped"; exit 0; }
peer=$(bench_peer_env)
prepared=$(mktemp "/tmp/lifetimes.XXXXXX.csv")
BENCH_TMP_FILES+=("$prepared")
chmod 644 "$prepared"
bench_header "survival: recsys.coxph_fit vs statsmodels PHReg(ties=\"breslow\"), kaplan_meier vs SurvfuncRight, $rows generated rows x $features features" \
    "bash bench/survival_statsmodels.sh $rows $features (statsmodels: $peer /usr/bin/python3 bench/survival_statsmodels.py $rows $features FILE)"
# shellcheck disable=SC2086  # $peer is the command prefix `env -u ... OPENBLAS_CORETYPE=...`
sm=$(cd /tmp && $peer /usr/bin/python3 "$BENCH_ROOT/bench/survival_statsmodels.py" "$rows" "$features" "$prepared")
field() { bench_json_field "$sm" "$1"; }
echo "statsmodels: PHReg fit $(field fit_s) s, log likelihood $(field log_likelihood); SurvfuncRight $(field km_s) s; $(field events) events; statsmodels $(field statsmodels), numpy $(field numpy)"
bench_server_start >/dev/null
table=bench_lifetimes
bench_psql -q <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS $table;
CREATE TABLE $table (id int, "time" float8, event bool, features float8[]);
\copy $table FROM '$prepared' WITH (FORMAT csv)
ANALYZE $table;
SQL
bench_psql -qAt <<SQL
SET max_parallel_workers_per_gather = 0;
$(bench_timed_fits 3 "SELECT recsys.coxph_fit(\"time\", event, features) FROM $table")
CREATE TEMP TABLE ours AS
SELECT (SELECT min(fit_ms) FROM runs) AS fit_ms, (SELECT min(statement_ms) FROM runs) AS statement_ms,
       recsys.model_info(model)->'metadata'->'training' AS training, model
FROM runs LIMIT 1;
SELECT format('SURVIVAL coxph recsys: fit %s ms, whole statement %s ms (best of 3); %s Newton iterations; log likelihood %s (statsmodels %s, difference %s); largest coefficient difference %s',
              round(fit_ms::numeric, 1), round(statement_ms::numeric, 1), training->>'iterations',
              training->>'log_likelihood', $(field log_likelihood),
              to_char(abs((training->>'log_likelihood')::float8 - $(field log_likelihood)), '9.9EEEE'),
              to_char((SELECT max(abs(c.coefficient - s.v)) FROM recsys.coefficients(model) c
                       JOIN unnest('$(field coefficients | tr '[]' '{}')'::float8[]) WITH ORDINALITY s(v, feature) USING (feature)), '9.9EEEE'))
FROM ours;
SELECT format('SURVIVAL coxph ratio: statsmodels fit %s ms / recsys fit = %sx, / recsys whole statement = %sx',
              round(($(field fit_s) * 1000)::numeric, 1), round(($(field fit_s) * 1000 / fit_ms)::numeric, 1),
              round(($(field fit_s) * 1000 / statement_ms)::numeric, 1))
FROM ours;
CREATE TEMP TABLE km_runs (ms float8, curve recsys.kaplan_meier_point[]);
CREATE TEMP TABLE floor_runs (ms float8);
DO \$\$
DECLARE started timestamptz; c recsys.kaplan_meier_point[]; x float8;
BEGIN
  FOR run IN 1..3 LOOP
    started := clock_timestamp();
    SELECT recsys.kaplan_meier("time", event) INTO c FROM $table;
    INSERT INTO km_runs VALUES (1000 * extract(epoch FROM clock_timestamp() - started), c);
    -- the floor: the same scan feeding two built-in aggregates of the same columns
    started := clock_timestamp();
    SELECT sum("time") + count(event) INTO x FROM $table;
    INSERT INTO floor_runs VALUES (1000 * extract(epoch FROM clock_timestamp() - started));
  END LOOP;
END \$\$;
SELECT format('SURVIVAL kaplan_meier scan floor: SELECT sum("time"), count(event) over the same rows %s ms (best of 3)',
              round(min(ms)::numeric, 1))
FROM floor_runs;
SELECT format('SURVIVAL kaplan_meier recsys: whole statement %s ms (best of 3); statsmodels SurvfuncRight %s ms = %sx; median %s (statsmodels %s), last survival %s (statsmodels %s)',
              round(min(ms)::numeric, 1), round(($(field km_s) * 1000)::numeric, 1),
              round(($(field km_s) * 1000 / min(ms))::numeric, 1),
              (SELECT min(p."time") FROM unnest((SELECT curve FROM km_runs LIMIT 1)) p WHERE p.survival <= 0.5), $(field km_median),
              (SELECT p.survival FROM unnest((SELECT curve FROM km_runs LIMIT 1)) p ORDER BY p."time" DESC LIMIT 1), $(field km_last_survival))
FROM km_runs;
SQL
