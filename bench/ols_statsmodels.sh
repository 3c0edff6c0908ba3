#!/usr/bin/env bash
# Ordinary least squares side by side with statsmodels on Kaggle House Prices (train.csv):
# log(SalePrice) on eleven numeric columns with no missing value, with an intercept, the same
# rows on both sides (bench/ols_statsmodels.py writes them). recsys.linreg_fit is saved as model
# 'bench_ols'; its recsys.coefficients (coefficient, std_error, t_stat, p_value) and model_info
# statistics are compared with sm.OLS's. Prints the largest relative differences (target 1e-8
# for coefficients and standard errors) and the fit time of both (best of 7).
#
#   bash bench/ols_statsmodels.sh          (bash bench/run.sh ols)
#
# statsmodels runs on OpenBLAS told this CPU's kernel, as ../shared/ANCHORS.md advises.
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
data=$RECSYS_DATA/house-prices/train.csv
if [[ ! -r "$data" ]]; then echo "OLS skipped: $data not found (set RECSYS_DATA)"; exit 0; fi
bench_peer_check statsmodels sklearn || { echo "OLS skipped"; exit 0; }
peer=$(bench_peer_env)
prepared=$(mktemp /tmp/house.XXXXXX.csv)
BENCH_TMP_FILES+=("$prepared")
chmod 644 "$prepared"
bench_header "ols: recsys.linreg_fit vs statsmodels OLS, Kaggle House Prices" \
    "bash bench/ols_statsmodels.sh (statsmodels: $peer /usr/bin/python3 bench/ols_statsmodels.py fit)"
# shellcheck disable=SC2086  # $peer is the command prefix `env -u ... OPENBLAS_CORETYPE=...`
sm=$(cd /tmp && $peer /usr/bin/python3 "$BENCH_ROOT/bench/ols_statsmodels.py" fit "$RECSYS_DATA" "$prepared")
echo "statsmodels: $sm"
bench_server_start >/dev/null
if [[ -z $(bench_psql -Atc "SELECT to_regprocedure('recsys.linreg_fit(float8, float8[], jsonb)')") ]]; then
    echo "OLS skipped: the installed extension has no recsys.linreg_fit(float8, float8[], jsonb)"
    exit 0
fi
names=$(bench_json_field "$sm" features)
bench_psql -q <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_house;
CREATE TABLE bench_house (id int, y float8, features float8[]);
\copy bench_house FROM '$prepared' WITH (FORMAT csv)
ANALYZE bench_house;
SQL
ours=$(bench_psql -qAt <<SQL
SET max_parallel_workers_per_gather = 0;
SET client_min_messages = warning;
$(bench_timed_fits 7 "SELECT recsys.linreg_fit(y, features, '{\"feature_names\": $names}') FROM bench_house")
SELECT recsys.save_model('bench_ols', model) FROM runs LIMIT 1 \\g /dev/null
SELECT json_build_object(
  'coefficients', (SELECT json_agg(c ORDER BY c.feature) FROM recsys.coefficients('bench_ols') c),
  'statistics', recsys.model_info('bench_ols')->'metadata'->'statistics',
  'fit_ms', (SELECT min(fit_ms) FROM runs),
  'statement_ms', (SELECT min(statement_ms) FROM runs));
SQL
)
echo "recsys: $ours"
/usr/bin/python3 "$BENCH_ROOT/bench/ols_statsmodels.py" compare "$sm" "$ours"
