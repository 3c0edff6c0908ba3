#!/usr/bin/env bash
# The README's question end to end: "20 % of 100,000 house listings are missing square footage; how
# do we still build the price model?" 100,000 generated listings, sqft missing not at random (more
# often in cheap listings); the price model's (ridge) test RMSE with each recsys imputer (mean,
# median, knn, regression; each with and without the missing indicator) next to scikit-learn's
# (SimpleImputer, KNNImputer, IterativeImputer), and the RMSE of the filled sqft on the missing
# rows. bench/featurize_zillow.py generates the listings and does scikit-learn's side.
#
#   bash bench/featurize_zillow.sh           (bash bench/run.sh featurize_zillow)
#
# recsys side, per imputer X and indicator B ("always" or "never"), on table bench_featurize_zillow(rn, split, sqft, price, row jsonb):
#   f = SELECT recsys.featurizer_fit(row, '{"columns": {"sqft": {"impute": X, "missing_indicator": B},
#                                           "neighborhood": {"encode": "onehot"}}}') ... WHERE split = 'train'
#   recsys.impute(f, row)->>'sqft'                                       on the rows missing it
# and median and knn once more with "sample_rows": 100000 (every training row; default 20,000 sampled)
#   m = SELECT recsys.linreg_fit(price, recsys.transform(f, row, true), '{"l2": alpha / n_train}') ... train
#   recsys.predict(m, recsys.transform(f, row))                           on the test rows
# RECSYS_BENCH_ZILLOW_ROWS (default 100000) listings; RECSYS_BENCH_ZILLOW_ALPHA (default 1) the ridge penalty.
# scikit-learn runs on OpenBLAS told this CPU's kernel, as ../shared/ANCHORS.md advises. Its
# KNNImputer takes about 2 minutes on 100,000 rows.
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
rows=${RECSYS_BENCH_ZILLOW_ROWS:-100000}
alpha=${RECSYS_BENCH_ZILLOW_ALPHA:-1}
bench_peer_check numpy sklearn || { echo "FEATURIZE zillow skipped"; exit 0; }
peer=$(bench_peer_env)
prepared=$(mktemp /tmp/zillow-featurize.XXXXXX.copy)
BENCH_TMP_FILES+=("$prepared")
chmod 644 "$prepared"
bench_header "featurize zillow: $rows generated listings, 20 % missing sqft (more often cheap ones): recsys imputers vs scikit-learn's under a ridge price model" \
    "bash bench/featurize_zillow.sh (scikit-learn: $peer /usr/bin/python3 bench/featurize_zillow.py fit OUT $rows $alpha)"
# shellcheck disable=SC2086  # $peer is the command prefix `env -u ... OPENBLAS_CORETYPE=...`
sk=$(cd /tmp && $peer /usr/bin/python3 "$BENCH_ROOT/bench/featurize_zillow.py" fit "$prepared" "$rows" "$alpha")
echo "scikit-learn: $sk"
bench_server_start >/dev/null
if [[ -z $(bench_psql -Atc "SELECT to_regprocedure('recsys.featurizer_fit(jsonb, jsonb)')") ]]; then
    echo "FEATURIZE zillow skipped: the installed extension has no recsys.featurizer_fit(jsonb, jsonb)"
    exit 0
fi
bench_psql -q <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_featurize_zillow;
CREATE TABLE bench_featurize_zillow (rn int, split text, sqft float8, price float8, row jsonb);
\copy bench_featurize_zillow FROM '$prepared'
ANALYZE bench_featurize_zillow;
SQL
l2=$(bench_psql -Atc "SELECT $alpha::float8 / count(*) FROM bench_featurize_zillow WHERE split = 'train'")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
ours=$(bench_psql -qAt <<SQL
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE variants (name text, options jsonb, full_rows bool);
INSERT INTO variants
SELECT x || CASE WHEN b THEN '+indicator' ELSE '' END,
       jsonb_build_object('columns', jsonb_build_object('sqft', jsonb_build_object('impute', x, 'missing_indicator',
                                                                                     CASE WHEN b THEN 'always' ELSE 'never' END),
                                                        'neighborhood', '{"encode": "onehot"}'::jsonb)),
       false
FROM unnest(ARRAY['mean', 'median', 'knn', 'regression']) x, unnest(ARRAY[false, true]) b;
-- the same with every training row in the sample the medians and the knn donors come from (default 20,000)
INSERT INTO variants
SELECT name || '@all', options || '{"sample_rows": 100000}', false FROM variants WHERE name ~ '^(median|knn)';
INSERT INTO variants VALUES ('true', '{"columns": {"neighborhood": {"encode": "onehot"}}}', true);
CREATE TEMP TABLE results (name text, featurizer_ms float8, impute_ms float8, features int, price_rmse float8,
                           hidden_rmse_train float8, hidden_rmse_test float8, unfilled bigint);
DO \$\$
DECLARE v record; f bytea; m bytea; t timestamptz; fit_ms float8; impute_ms float8; rmse float8; h record;
BEGIN
  FOR v IN SELECT * FROM variants LOOP
    -- the 'true' variant: nothing missing (the true sqft put back), for reference
    CREATE TEMP TABLE IF NOT EXISTS listing (split text, sqft float8, price float8, missing bool, row jsonb);
    TRUNCATE listing;
    INSERT INTO listing
    SELECT split, sqft, price, row->'sqft' = 'null',
           CASE WHEN v.full_rows THEN row || jsonb_build_object('sqft', sqft) ELSE row END
    FROM bench_featurize_zillow;
    t := clock_timestamp();
    SELECT recsys.featurizer_fit(row, v.options) INTO f FROM listing WHERE split = 'train';
    fit_ms := 1000 * extract(epoch FROM clock_timestamp() - t);
    SELECT recsys.linreg_fit(price, recsys.transform(f, row, true), '{"l2": $l2}') INTO m
    FROM listing WHERE split = 'train';
    SELECT sqrt(avg((recsys.predict(m, recsys.transform(f, row)) - price)^2)) INTO rmse
    FROM listing WHERE split = 'test';
    t := clock_timestamp();
    SELECT sqrt(avg((value - sqft)^2) FILTER (WHERE split = 'train')) AS train,
           sqrt(avg((value - sqft)^2) FILTER (WHERE split = 'test')) AS test,
           count(*) FILTER (WHERE value IS NULL) AS unfilled INTO h
    FROM (SELECT split, sqft, (recsys.impute(f, row)->>'sqft')::float8 AS value FROM listing WHERE missing) s;
    impute_ms := 1000 * extract(epoch FROM clock_timestamp() - t);
    INSERT INTO results VALUES (v.name, fit_ms, impute_ms, cardinality(recsys.feature_names(f)), rmse,
                                CASE WHEN v.full_rows THEN NULL ELSE h.train END,
                                CASE WHEN v.full_rows THEN NULL ELSE h.test END, h.unfilled);
  END LOOP;
END \$\$;
SELECT json_build_object('l2', $l2, 'results', json_object_agg(name, to_jsonb(r) - 'name')) FROM results r;
SQL
)
echo "recsys: $ours"
echo "load: $load_before before the recsys side, $(cut -d' ' -f1-3 /proc/loadavg) after"
/usr/bin/python3 "$BENCH_ROOT/bench/featurize_zillow.py" report "$sk" "$ours"
