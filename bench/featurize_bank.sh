#!/usr/bin/env bash
# Categorical encodings side by side with scikit-learn: logistic regression (C = 1) test log loss
# with the categorical columns one-hot, target or hash encoded, on UCI Bank Marketing (`duration`
# dropped) and on generated ad clicks whose `ad_id` column has 100,000 distinct ids with a planted
# per-id click propensity (target vs hash vs frequency). bench/featurize_bank.py says the protocol
# and does scikit-learn's side; both sides read the same rows and splits.
#
#   bash bench/featurize_bank.sh             (bash bench/run.sh featurize_bank)
#
# recsys side, per encoding E, on tables bench_featurize_bank / bench_featurize_ads(rn, split, label, row jsonb):
#   f = SELECT recsys.featurizer_fit(row, label::int::float8, E) FROM ... WHERE split = 'train'
#   m = SELECT recsys.logreg_fit(label, recsys.transform(f, row, true), '{"l2": 1 / n_train}') ... train
#   test log loss of recsys.predict(m, recsys.transform(f, row))
# E: Bank: {"encode": "onehot" | "target" | "hash"} and {} (auto); ads: {"columns": {"ad_id": {...}}}.
# RECSYS_BENCH_ADS_ROWS (default 200000): rows of the generated clicks.
# scikit-learn runs on OpenBLAS told this CPU's kernel, as ../shared/ANCHORS.md advises.
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
ad_rows=${RECSYS_BENCH_ADS_ROWS:-200000}
data=$RECSYS_DATA/bank-marketing/bank-additional.csv
if [[ ! -r "$data" ]]; then echo "FEATURIZE bank skipped: $data not found (set RECSYS_DATA)"; exit 0; fi
bench_peer_check numpy scipy sklearn || { echo "FEATURIZE bank skipped"; exit 0; }
peer=$(bench_peer_env)
bank_rows=$(mktemp /tmp/bank-featurize.XXXXXX.copy)
ads_rows=$(mktemp /tmp/ads-featurize.XXXXXX.copy)
BENCH_TMP_FILES+=("$bank_rows" "$ads_rows")
chmod 644 "$bank_rows" "$ads_rows"
bench_header "featurize bank: categorical encodings (one-hot, target, hash, frequency) under logistic regression, recsys vs scikit-learn" \
    "bash bench/featurize_bank.sh (scikit-learn: $peer /usr/bin/python3 bench/featurize_bank.py fit $RECSYS_DATA BANK ADS $ad_rows)"
# shellcheck disable=SC2086  # $peer is the command prefix `env -u ... OPENBLAS_CORETYPE=...`
sk=$(cd /tmp && $peer /usr/bin/python3 "$BENCH_ROOT/bench/featurize_bank.py" fit "$RECSYS_DATA" "$bank_rows" "$ads_rows" "$ad_rows")
echo "scikit-learn: $sk"
bench_server_start >/dev/null
if [[ -z $(bench_psql -Atc "SELECT to_regprocedure('recsys.featurizer_fit(jsonb, float8, jsonb)')") ]]; then
    echo "FEATURIZE bank skipped: the installed extension has no recsys.featurizer_fit(jsonb, float8, jsonb)"
    exit 0
fi
bench_psql -q <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_featurize_bank, bench_featurize_ads;
CREATE TABLE bench_featurize_bank (rn int, split text, label bool, row jsonb);
CREATE TABLE bench_featurize_ads (rn int, split text, label bool, row jsonb);
\copy bench_featurize_bank FROM '$bank_rows'
\copy bench_featurize_ads FROM '$ads_rows'
ANALYZE bench_featurize_bank;
ANALYZE bench_featurize_ads;
SQL
bank_l2=$(bench_psql -Atc "SELECT 1.0 / count(*) FROM bench_featurize_bank WHERE split = 'train'")
ads_l2=$(bench_psql -Atc "SELECT 1.0 / count(*) FROM bench_featurize_ads WHERE split = 'train'")
ours=$(bench_psql -qAt <<SQL
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE encodings (ds text, name text, options jsonb, l2 float8);
INSERT INTO encodings VALUES
    ('bank', 'onehot', '{"encode": "onehot"}', $bank_l2),
    ('bank', 'target', '{"encode": "target"}', $bank_l2),
    ('bank', 'hash', '{"encode": "hash"}', $bank_l2),
    ('bank', 'auto', '{}', $bank_l2),
    ('ads', 'drop', '{"columns": {"ad_id": {"type": "ignore"}}}', $ads_l2),
    ('ads', 'auto', '{}', $ads_l2),
    ('ads', 'target', '{"columns": {"ad_id": {"encode": "target"}}}', $ads_l2),
    ('ads', 'target_all', '{"columns": {"ad_id": {"encode": "target", "max_levels": 100000}}}', $ads_l2),
    ('ads', 'hash32', '{"columns": {"ad_id": {"encode": "hash"}}}', $ads_l2),
    ('ads', 'hash256', '{"columns": {"ad_id": {"encode": "hash", "buckets": 256}}}', $ads_l2),
    ('ads', 'frequency', '{"columns": {"ad_id": {"encode": "frequency"}}}', $ads_l2),
    ('ads', 'frequency_all', '{"columns": {"ad_id": {"encode": "frequency", "max_levels": 100000}}}', $ads_l2);
CREATE TEMP TABLE results (ds text, name text, logloss float8, features int, featurizer_ms float8, logreg_ms float8);
DO \$\$
DECLARE e record; f bytea; m bytea; t timestamptz; fit_ms float8; lr_ms float8; loss float8; n int;
BEGIN
  FOR e IN SELECT * FROM encodings LOOP
    t := clock_timestamp();
    EXECUTE format('SELECT recsys.featurizer_fit(row, label::int::float8, %L) FROM bench_featurize_%s WHERE split = ''train''',
                   e.options, e.ds) INTO f;
    fit_ms := 1000 * extract(epoch FROM clock_timestamp() - t);
    t := clock_timestamp();
    EXECUTE format('SELECT recsys.logreg_fit(label, recsys.transform(\$1, row, true), %L) FROM bench_featurize_%s WHERE split = ''train''',
                   jsonb_build_object('l2', e.l2), e.ds) INTO m USING f;
    lr_ms := 1000 * extract(epoch FROM clock_timestamp() - t);
    EXECUTE format('SELECT avg(-CASE WHEN label THEN ln(p) ELSE ln(1 - p) END) FROM (SELECT label, recsys.predict(\$2, recsys.transform(\$1, row)) AS p FROM bench_featurize_%s WHERE split = ''test'') t',
                   e.ds) INTO loss USING f, m;
    n := cardinality(recsys.feature_names(f));
    INSERT INTO results VALUES (e.ds, e.name, loss, n, fit_ms, lr_ms);
  END LOOP;
END \$\$;
SELECT json_build_object('bank_l2', $bank_l2, 'ads_l2', $ads_l2,
  'bank', (SELECT json_object_agg(name, json_build_object('logloss', logloss, 'features', features, 'featurizer_ms', featurizer_ms, 'logreg_ms', logreg_ms)) FROM results WHERE ds = 'bank'),
  'ads', (SELECT json_object_agg(name, json_build_object('logloss', logloss, 'features', features, 'featurizer_ms', featurizer_ms, 'logreg_ms', logreg_ms)) FROM results WHERE ds = 'ads'));
SQL
)
echo "recsys: $ours"
/usr/bin/python3 "$BENCH_ROOT/bench/featurize_bank.py" report "$sk" "$ours"
