#!/usr/bin/env bash
# Under SET recsys.max_memory = '32MB', no recsys function grows a backend by
# more than 200 MB (its peak resident memory, VmHWM), whatever size its
# arguments and options ask for: each of the widest cases below runs in a
# fresh connection, as a role that is not a superuser, and must end with a
# result ("ok") or the ERROR SQLSTATE it names, with the backend's VmHWM grown
# by less than the limit. Prints a table (case, outcome, growth in MB).
#
#   bash tests/pg/memory_bounds.sh [DATABASE]   # a server in PG*, recsys created in DATABASE
#   RECSYS_BOUNDS_LIMIT_MB=200 RECSYS_BOUNDS_ONLY="recommend|explore" bash tests/pg/memory_bounds.sh
#
# Reads /proc/<backend pid>/status through pg_read_file: runs as a superuser
# (the cases themselves run after SET ROLE to a role without privileges).
# Exits 0 when every case holds, 1 otherwise.
set -euo pipefail
db=${1:-contrib_regression}
limit_mb=${RECSYS_BOUNDS_LIMIT_MB:-200}
only=${RECSYS_BOUNDS_ONLY:-}
n=${RECSYS_BOUNDS_N:-1000000}   # elements of the widest arrays
role=recsys_bounds_user
q() { psql -X -v ON_ERROR_STOP=1 -Atq -d "$db" "$@"; }

cleanup() {
    q -c "DROP SCHEMA IF EXISTS recsys_bounds CASCADE" -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup

# The inputs: small models of every kind, and the widest arrays and rows a
# query could pass (a million ids, scores, labels; a row of 100,000 keys; a
# million scored rows for the curves).
q >/dev/null <<SQL
CREATE ROLE $role NOLOGIN IN ROLE recsys_reader;
CREATE SCHEMA recsys_bounds;
GRANT USAGE ON SCHEMA recsys_bounds TO $role;
ALTER DEFAULT PRIVILEGES IN SCHEMA recsys_bounds GRANT SELECT ON TABLES TO $role;
SET search_path = recsys_bounds;
CREATE TABLE arrays AS
SELECT array_agg(g::bigint) AS ids, array_agg(((g % 1000) / 1000.0 + 0.0005)::float8) AS scores,
       array_agg(g % 7 = 0) AS labels
FROM generate_series(1, $n) g;
CREATE TABLE scored AS
SELECT g, ((g % 1000) / 1000.0 + 0.0005)::float8 AS score, g % 7 = 0 AS label FROM generate_series(1, $n) g;
CREATE TABLE arrays_100k AS
SELECT ids[1:100000] AS ids, scores[1:100000] AS scores, labels[1:100000] AS labels FROM arrays;
CREATE TABLE wide AS
SELECT (SELECT jsonb_object_agg('k' || g, g) FROM generate_series(1, 100000) g) AS row,
       (SELECT array_agg(g::float8) FROM generate_series(1, 4000) g) AS x4000,
       (SELECT array_agg(g::float8) FROM generate_series(1, 1000000) g) AS x1m,
       (SELECT jsonb_build_object('weights', jsonb_object_agg(g, 1)) FROM generate_series(1, 1000000) g) AS weights1m;
CREATE TABLE interactions AS
SELECT g % 2000 AS user_id, (g * 7919) % 500 AS item_id, 1.0::float8 AS weight FROM generate_series(1, 20000) g;
CREATE TABLE examples AS
SELECT g % 3 = 0 AS label, ARRAY[g % 5, g % 7, g % 11]::float8[] AS x,
       jsonb_build_object('a', g % 5, 'b', g % 7, 'city', 'c' || (g % 13)) AS row
FROM generate_series(1, 2000) g;
CREATE TABLE models AS
SELECT 'als' AS kind, recsys.als_fit(user_id, item_id, weight, '{"factors": 8, "iterations": 2}') AS model
FROM interactions
UNION ALL SELECT 'bandit', recsys.bandit_fit(item_id, 10, (item_id % 3)::bigint) FROM interactions
UNION ALL SELECT 'logreg', recsys.logreg_fit(label, x) FROM examples
UNION ALL SELECT 'featurizer', recsys.featurizer_fit(row) FROM examples;
INSERT INTO models
SELECT 'pipeline', recsys.pipeline(f.model, (SELECT recsys.logreg_fit(e.label, recsys.transform(f.model, e.row))
                                             FROM examples e))
FROM models f WHERE f.kind = 'featurizer';
DELETE FROM recsys.models WHERE name LIKE 'recsys_bounds_%';
SELECT recsys.save_model('recsys_bounds_' || kind, model) FROM models;
SQL

# case name | expected outcome (ok or a SQLSTATE) | statement (one row out)
cases=$(cat <<'CASES'
calibration_curve bins=INT_MAX, 1M rows|53200|SELECT cardinality(recsys.calibration_curve(score, label, '{"bins": 2147483647}')) FROM recsys_bounds.scored
calibration_curve bins=INT_MAX, 100k rows|ok|SELECT cardinality(recsys.calibration_curve(score, label, '{"bins": 2147483647}')) FROM recsys_bounds.scored WHERE g <= 100000
roc_curve, 1M rows|53200|SELECT cardinality(recsys.roc_curve(score, label)) FROM recsys_bounds.scored
roc_curve, 100k rows|ok|SELECT cardinality(recsys.roc_curve(score, label)) FROM recsys_bounds.scored WHERE g <= 100000
precision_recall_curve, 100k rows|ok|SELECT cardinality(recsys.precision_recall_curve(score, label)) FROM recsys_bounds.scored WHERE g <= 100000
recommend k=INT_MAX|ok|SELECT count(*) FROM recsys.recommend((SELECT model FROM recsys_bounds.models WHERE kind = 'als'), 1, 2147483647)
recommend k=INT_MAX, 1M candidates, 1M excluded|53200|SELECT count(*) FROM recsys_bounds.arrays a, recsys.recommend('recsys_bounds_als', 1, 2147483647, true, a.ids, a.ids)
recommend k=INT_MAX, 1M excluded|ok|SELECT count(*) FROM recsys_bounds.arrays a, recsys.recommend('recsys_bounds_als', 1, 2147483647, true, NULL, a.ids)
recommend k=INT_MAX, 100k candidates, 100k excluded|ok|SELECT count(*) FROM recsys_bounds.arrays_100k a, recsys.recommend('recsys_bounds_als', 1, 2147483647, true, a.ids, a.ids)
recommend unknown user k=INT_MAX, 100k candidates|ok|SELECT count(*) FROM recsys_bounds.arrays_100k a, recsys.recommend('recsys_bounds_als', -1, 2147483647, true, a.ids)
recommend_for_items 1M items and weights|53200|SELECT count(*) FROM recsys_bounds.arrays a, recsys.recommend_for_items('recsys_bounds_als', a.ids, a.scores, 2147483647)
recommend_for_items 100k items and weights, k=INT_MAX|ok|SELECT count(*) FROM recsys_bounds.arrays_100k a, recsys.recommend_for_items('recsys_bounds_als', a.ids, a.scores, 2147483647)
similar_items k=INT_MAX|ok|SELECT count(*) FROM recsys.similar_items('recsys_bounds_als', 7, 2147483647)
recommend_all k=INT_MAX|ok|SELECT count(*) FROM recsys.recommend_all('recsys_bounds_als', 2147483647, false)
item_factors, user_factors|ok|SELECT (SELECT count(*) FROM recsys.item_factors('recsys_bounds_als')) + (SELECT count(*) FROM recsys.user_factors('recsys_bounds_als'))
seen_items|ok|SELECT count(*) FROM recsys.seen_items('recsys_bounds_als')
precision_at_k k=INT_MAX, 1M ids|ok|SELECT recsys.precision_at_k(a.ids, a.ids, 2147483647) FROM recsys_bounds.arrays a
ndcg_at_k k=INT_MAX, 1M ids|ok|SELECT recsys.ndcg_at_k(a.ids, a.ids, 2147483647) FROM recsys_bounds.arrays a
average_precision_at_k, recall_at_k k=INT_MAX, 1M ids|ok|SELECT recsys.average_precision_at_k(a.ids, a.ids, 2147483647) + recsys.recall_at_k(a.ids, a.ids, 2147483647) FROM recsys_bounds.arrays a
explore k=INT_MAX, 1M candidates with scores|53200|SELECT count(*) FROM recsys_bounds.arrays a, recsys.explore('recsys_bounds_bandit', a.ids, a.scores, 2147483647, 1)
explore k=INT_MAX, 100k candidates with scores, epsilon 1|ok|SELECT count(*) FROM recsys_bounds.arrays_100k a, recsys.explore('recsys_bounds_bandit', a.ids, a.scores, 2147483647, 1)
explore k=INT_MAX, 100k candidates without scores|ok|SELECT count(*) FROM recsys_bounds.arrays_100k a, recsys.explore('recsys_bounds_bandit', a.ids, NULL, 2147483647, 0.5)
bandit_items|ok|SELECT count(*) FROM recsys.bandit_items('recsys_bounds_bandit')
ab_compare weights of 1M variants|22023|SELECT length(recsys.ab_compare(g % 2, g::float8, w.weights1m)::text) FROM recsys_bounds.wide w, generate_series(1, 1000) g
ab_compare 1M rows of distinct variants|54000|SELECT length(recsys.ab_compare(g, g::float8)::text) FROM generate_series(1, 1000000) g
ab_bucket 1M weights|ok|SELECT recsys.ab_bucket(42, 'exp', a.scores) IS NOT NULL FROM recsys_bounds.arrays a
predict 1M features|22023|SELECT recsys.predict('recsys_bounds_logreg', w.x1m) FROM recsys_bounds.wide w
transform row of 100,000 keys|ok|SELECT cardinality(recsys.transform('recsys_bounds_featurizer', w.row)) FROM recsys_bounds.wide w
impute row of 100,000 keys|ok|SELECT recsys.impute('recsys_bounds_featurizer', w.row) IS NOT NULL FROM recsys_bounds.wide w
predict pipeline row of 100,000 keys|ok|SELECT recsys.predict('recsys_bounds_pipeline', w.row) IS NOT NULL FROM recsys_bounds.wide w
coefficients, model_info, feature_names|ok|SELECT count(*) + length(recsys.model_info('recsys_bounds_pipeline')::text) + cardinality(recsys.feature_names('recsys_bounds_featurizer')) FROM recsys.coefficients('recsys_bounds_pipeline')
als_fit factors 1024, 200,000 rows|53200|SELECT length(recsys.als_fit(g % 20000, g % 5000, 1.0, '{"factors": 1024}')) FROM generate_series(1, 200000) g
als_fit factors 1024, 100 rows|53200|SELECT length(recsys.als_fit(g % 10, g % 7, 1.0, '{"factors": 1024, "cg_steps": 100}')) FROM generate_series(1, 100) g
als_fit iterations 1000, cg_steps 100, 100 rows|ok|SELECT length(recsys.als_fit(g % 10, g % 7, 1.0, '{"iterations": 1000, "cg_steps": 100}')) FROM generate_series(1, 100) g
logreg_fit newton on 4000 features|53200|SELECT length(recsys.logreg_fit(g % 2 = 0, w.x4000, '{"solver": "newton"}')) FROM recsys_bounds.wide w, generate_series(1, 10) g
logreg_fit lbfgs on 1M features|53200|SELECT length(recsys.logreg_fit(g % 2 = 0, w.x1m)) FROM recsys_bounds.wide w, generate_series(1, 10) g
linreg_fit on 4000 features|53200|SELECT length(recsys.linreg_fit(g, w.x4000)) FROM recsys_bounds.wide w, generate_series(1, 10) g
linreg_fit on 1400 features|53200|SELECT length(recsys.linreg_fit(g, w.x4000[1:1400], '{"l2": 1}')) FROM recsys_bounds.wide w, generate_series(1, 10) g
linreg_fit on 600 features|ok|SELECT length(recsys.linreg_fit(g, w.x4000[1:600], '{"l2": 1}')) FROM recsys_bounds.wide w, generate_series(1, 10) g
mlp_fit 8 hidden layers of 4096|53200|SELECT length(recsys.mlp_fit(g % 2 = 0, ARRAY[g, g % 3]::float8[], '{"hidden_layers": [4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096]}')) FROM generate_series(1, 100) g
mlp_fit 4000 inputs, layers of 4096|53200|SELECT length(recsys.mlp_fit(g % 2 = 0, w.x4000, '{"hidden_layers": [4096, 4096]}')) FROM recsys_bounds.wide w, generate_series(1, 100) g
mlp_fit batch_size 1e7, epochs 1e6|ok|SELECT length(recsys.mlp_fit(g % 2 = 0, ARRAY[g, g % 3]::float8[], '{"batch_size": 10000000, "epochs": 1000000, "hidden_layers": [4]}')) FROM generate_series(1, 50) g
featurizer_fit hashing 100 columns into 2^20 buckets|53200|SELECT length(recsys.featurizer_fit((SELECT jsonb_object_agg('c' || c, 'v' || (g * c) % 97) FROM generate_series(1, 100) c), '{"encode": "hash", "buckets": 1048576}')) FROM generate_series(1, 200) g
featurizer_fit sample_rows 1e7, knn of 1000 neighbors|ok|SELECT length(recsys.featurizer_fit(jsonb_build_object('a', CASE WHEN g % 10 = 0 THEN NULL ELSE g END, 'b', g % 17), '{"sample_rows": 10000000, "impute": "knn", "neighbors": 1000}')) FROM generate_series(1, 20000) g
featurizer_fit onehot of 100,000 levels|53200|SELECT length(recsys.featurizer_fit(jsonb_build_object('city', 'c' || g % 100000), '{"onehot_max_levels": 100000, "max_levels": 10000000}')) FROM generate_series(1, 200000) g
bandit_fit min_shows 1e15, 200,000 rows|ok|SELECT length(recsys.bandit_fit(g % 50000, 1, g % 2, '{"min_shows": 1000000000000000, "prior_strength": 1000000000000}')) FROM generate_series(1, 200000) g
CASES
)

printf '%-62s %-8s %s\n' "case" "outcome" "VmHWM growth (MB)"
failed=0
hwm="split_part(split_part(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmHWM:', 2), 'kB', 1)::int"
while IFS='|' read -r name expected statement; do
    [[ -z "$name" || ( -n "$only" && ! "$name" =~ $only ) ]] && continue
    # The library is loaded (and the model cache warmed by nothing) before
    # the first reading; the case runs as the unprivileged role.
    out=$(psql -X -At -d "$db" 2>&1 <<SQL || true
SET recsys.max_memory = '32MB';
SET statement_timeout = '60s';
SELECT recsys.model_cache_stats() IS NOT NULL;
SELECT 'hwm_before ' || $hwm;
SET ROLE $role;
\set VERBOSITY sqlstate
$statement;
RESET ROLE;
SELECT 'hwm_after ' || $hwm;
SQL
)
    before=$(sed -n 's/^hwm_before \([0-9]*\)$/\1/p' <<<"$out")
    after=$(sed -n 's/^hwm_after \([0-9]*\)$/\1/p' <<<"$out")
    outcome=$(sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\)$/\1/p' <<<"$out" | head -n 1)
    outcome=${outcome:-ok}
    if [[ -z "$before" || -z "$after" ]]; then
        growth="?"
        verdict="FAILED (no reading: the backend died?)"
    else
        growth=$(( (after - before) / 1024 ))
        verdict=""
        (( growth < limit_mb )) || verdict="FAILED (over ${limit_mb} MB)"
        [[ "$outcome" == "$expected" ]] || verdict="FAILED (expected $expected)"
    fi
    printf '%-62s %-8s %6s %s\n' "${name:0:62}" "$outcome" "$growth" "$verdict"
    if [[ -n "$verdict" ]]; then
        failed=1
        grep -v '^hwm_\|^t$\|^SET$\|^RESET$' <<<"$out" | head -n 5 | sed 's/^/  | /'
    fi
done <<<"$cases"

if (( failed )); then
    echo "FAILED: memory bounds under recsys.max_memory = 32MB"
    exit 1
fi
echo "ok: memory bounds (every case under ${limit_mb} MB of VmHWM growth with recsys.max_memory = 32MB)"
