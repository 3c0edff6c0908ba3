#!/usr/bin/env bash
# The featurizer's imputers side by side with scikit-learn's on Kaggle House Prices (train.csv),
# the living area GrLivArea hidden in a random 20 % of the rows (bench/featurize_house.py says the
# protocol; both sides read the same rows, split and mask). For each imputer (mean, median, knn,
# regression): the RMSE of the filled GrLivArea on the hidden values, and the test RMSE of
# log(SalePrice) of a ridge price model trained on the features built with it. One table, one run.
#
#   bash bench/featurize_house.sh            (bash bench/run.sh featurize_house)
#
# recsys side, per imputer X, on table bench_featurize_house(id, split, hidden, grlivarea, price, row jsonb):
#   f = SELECT recsys.featurizer_fit(row, '{"impute": "X"}') FROM ... WHERE split = 'train'
#   recsys.impute(f, row)->>'GrLivArea'                                on the hidden rows
#   m = SELECT recsys.linreg_fit(ln(price), recsys.transform(f, row, true), '{"l2": alpha / n_train}') ... train
#   recsys.predict(m, recsys.transform(f, row))                        on the test rows
# RECSYS_BENCH_HOUSE_ALPHA (default 10): the ridge penalty, scikit-learn's Ridge(alpha).
# scikit-learn runs on OpenBLAS told this CPU's kernel, as ../shared/ANCHORS.md advises.
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
alpha=${RECSYS_BENCH_HOUSE_ALPHA:-10}
data=$RECSYS_DATA/house-prices/train.csv
if [[ ! -r "$data" ]]; then echo "FEATURIZE house skipped: $data not found (set RECSYS_DATA)"; exit 0; fi
bench_peer_check numpy sklearn || { echo "FEATURIZE house skipped"; exit 0; }
peer=$(bench_peer_env)
prepared=$(mktemp /tmp/house-featurize.XXXXXX.copy)
BENCH_TMP_FILES+=("$prepared")
chmod 644 "$prepared"
bench_header "featurize house: recsys featurizer imputers vs scikit-learn's, Kaggle House Prices, GrLivArea hidden in 20 % of rows" \
    "bash bench/featurize_house.sh (scikit-learn: $peer /usr/bin/python3 bench/featurize_house.py fit $RECSYS_DATA OUT $alpha)"
# shellcheck disable=SC2086  # $peer is the command prefix `env -u ... OPENBLAS_CORETYPE=...`
sk=$(cd /tmp && $peer /usr/bin/python3 "$BENCH_ROOT/bench/featurize_house.py" fit "$RECSYS_DATA" "$prepared" "$alpha")
echo "scikit-learn: $sk"
bench_server_start >/dev/null
if [[ -z $(bench_psql -Atc "SELECT to_regprocedure('recsys.featurizer_fit(jsonb, jsonb)')") ]]; then
    echo "FEATURIZE house skipped: the installed extension has no recsys.featurizer_fit(jsonb, jsonb)"
    exit 0
fi
bench_psql -q <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_featurize_house;
CREATE TABLE bench_featurize_house (id int, split text, hidden bool, grlivarea float8, price float8, row jsonb);
\copy bench_featurize_house FROM '$prepared'
ANALYZE bench_featurize_house;
SQL
l2=$(bench_psql -Atc "SELECT $alpha::float8 / count(*) FROM bench_featurize_house WHERE split = 'train'")
ours=$(bench_psql -qAt <<SQL
SET client_min_messages = warning;
CREATE TEMP TABLE imputers (name text, options jsonb);
INSERT INTO imputers VALUES ('mean', '{"impute": "mean"}'), ('median', '{"impute": "median"}'),
    ('knn', '{"impute": "knn"}'), ('regression', '{"impute": "regression"}'), ('true', '{}');
-- 'true': nothing hidden (the true GrLivArea), the default featurizer, for reference
CREATE TEMP TABLE house AS
SELECT i.name, h.id, h.split, h.hidden, h.grlivarea, h.price,
       CASE WHEN i.name = 'true' THEN h.row || jsonb_build_object('GrLivArea', h.grlivarea) ELSE h.row END AS row
FROM imputers i CROSS JOIN bench_featurize_house h;
CREATE TEMP TABLE feats AS
SELECT h.name, recsys.featurizer_fit(h.row, i.options) AS f
FROM house h JOIN imputers i USING (name) WHERE h.split = 'train' GROUP BY h.name, i.options;
CREATE TEMP TABLE prices AS
SELECT h.name, recsys.linreg_fit(ln(h.price), recsys.transform(f.f, h.row, true), '{"l2": $l2}') AS m
FROM house h JOIN feats f USING (name) WHERE h.split = 'train' GROUP BY h.name;
CREATE TEMP TABLE imputed AS
SELECT h.name, h.split, (recsys.impute(f.f, h.row)->>'GrLivArea')::float8 AS value, h.grlivarea
FROM house h JOIN feats f USING (name) WHERE h.hidden AND h.name <> 'true';
SELECT json_build_object(
  'l2', $l2,
  'hidden', (SELECT json_object_agg(name, j) FROM (
      SELECT name, json_build_object(
          'train', sqrt(avg((value - grlivarea)^2) FILTER (WHERE split = 'train')),
          'test', sqrt(avg((value - grlivarea)^2) FILTER (WHERE split = 'test')),
          'all', sqrt(avg((value - grlivarea)^2)),
          'unfilled', count(*) FILTER (WHERE value IS NULL)) AS j
      FROM imputed GROUP BY name) t),
  'price', (SELECT json_object_agg(name, rmse) FROM (
      SELECT h.name, sqrt(avg((recsys.predict(p.m, recsys.transform(f.f, h.row)) - ln(h.price))^2)) AS rmse
      FROM house h JOIN feats f USING (name) JOIN prices p USING (name) WHERE h.split = 'test' GROUP BY h.name) t),
  'features', (SELECT json_object_agg(name, cardinality(recsys.feature_names(f))) FROM feats),
  'choices', (SELECT json_object_agg(choice, n) FROM (
      SELECT CASE WHEN c->>'kind' IN ('numeric', 'boolean')
                  THEN format('%s: impute %s, scale %s%s', c->>'kind', c->>'impute', c->>'scale',
                              CASE WHEN (c->>'missing_indicator')::bool THEN ', indicator' ELSE '' END)
                  ELSE format('%s: encode %s', c->>'kind', c->>'encode') END AS choice, count(*) AS n
      FROM feats, jsonb_array_elements(coalesce(recsys.model_info(f)->'metadata'->'statistics'->'columns',
                                                recsys.model_info(f)->'metadata'->'columns')) c
      WHERE name = 'median' GROUP BY 1) t));
SQL
)
echo "recsys: $ours"
/usr/bin/python3 "$BENCH_ROOT/bench/featurize_house.py" report "$sk" "$ours"
