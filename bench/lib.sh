# shellcheck shell=bash
# bench/lib.sh -- helpers shared by bench/run.sh and the scripts it runs. Source it.
#
#   bench_server_start      use the server named by PGHOST / PGDATABASE (with PGPORT, PGUSER...)
#                           if either is set, else start a throwaway cluster under /tmp with
#                           scripts/pg-cluster.sh (stopped and removed on exit); then makes sure
#                           the recsys extension exists in the database
#   bench_header TITLE CMD  prints the title, machine, date and the command that reproduces it
#   bench_ml_file           prints the path of MovieLens 100K's u.data, or fails with a message
#   bench_ml_load           loads u.data into table ml(user_id, item_id, rating, ts) once
#   bench_psql ...          psql -X -v ON_ERROR_STOP=1 (no ~/.psqlrc, stop at the first error)
#   bench_peer_env          prints the environment a Python peer (numpy on OpenBLAS) runs with:
#                           `env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=<this CPU's kernel>`,
#                           as ../shared/ANCHORS.md advises for a fair peer
#   bench_peer_check MOD..  fails, saying what to install, unless /usr/bin/python3 imports MOD..
#   bench_json_field J KEY  prints member KEY of the JSON object text J (a string as it is, else as JSON)
#   bench_load_prepared T CSV  (re)creates table T(id, split, label, features) from a peer's prepared CSV
#   bench_timed_fits N FIT  prints SQL that runs the query FIT (`SELECT recsys.<kind>_fit(...) FROM
#                           ...`, one model) N times, keeping each run's whole statement time, the
#                           training's own time (model_info) and the model in a temporary table
#                           runs(statement_ms, fit_ms, model)

BENCH_ROOT=${BENCH_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
RECSYS_DATA=${RECSYS_DATA:-/work/shared/data}

bench_psql() { psql -X -v ON_ERROR_STOP=1 "$@"; }

bench_peer_env() {
    local core=Haswell
    grep -qw avx512f /proc/cpuinfo && core=SkylakeX
    printf 'env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=%s' "$core"
}

bench_peer_check() {
    local m
    for m in "$@"; do
        /usr/bin/python3 -c "import $m" 2>/dev/null && continue
        echo "/usr/bin/python3 cannot import $m (apt-get install python3-sklearn python3-statsmodels libopenblas0-pthread)"
        return 1
    done
}

bench_json_field() {
    /usr/bin/python3 -c 'import json, sys; v = json.loads(sys.argv[1])[sys.argv[2]]; print(v if isinstance(v, str) else json.dumps(v))' "$1" "$2"
}

bench_timed_fits() {
    cat <<SQL
CREATE TEMP TABLE runs (statement_ms float8, fit_ms float8, model bytea);
DO \$\$
DECLARE started timestamptz; m bytea;
BEGIN
  FOR run IN 1..$1 LOOP
    started := clock_timestamp();
    $2 INTO m;
    INSERT INTO runs VALUES (1000 * extract(epoch FROM clock_timestamp() - started),
                             1000 * (recsys.model_info(m)->'metadata'->'training'->>'seconds')::float8, m);
  END LOOP;
END \$\$;
SQL
}

bench_machine() {
    local model cores mem
    model=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)
    cores=$(nproc 2>/dev/null || echo '?')
    mem=$(awk '/^MemTotal:/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)
    printf '%s, nproc %s, %s RAM' "${model:-unknown CPU}" "$cores" "${mem:-?}"
}

# Which instruction sets the installed recsys.so contains (the default build is
# portable; `make NATIVE=1` or run-time dispatch adds AVX2/AVX-512 code).
bench_extension_build() {
    local so
    so="$(pg_config --pkglibdir 2>/dev/null)/recsys.so"
    if [[ ! -f "$so" ]]; then echo "not installed"; return; fi
    if ! command -v objdump >/dev/null 2>&1; then echo "$so"; return; fi
    local dis zmm ymm
    dis=$(objdump -d --no-show-raw-insn "$so" 2>/dev/null)
    zmm=$(grep -c 'zmm' <<<"$dis" || true)
    ymm=$(grep -c 'ymm' <<<"$dis" || true)
    printf '%s (%s AVX-512 and %s AVX instructions in the library, %s)\n' "$so" "$zmm" "$ymm" \
        "$(date -r "$so" '+%F %T')"
}

bench_header() {
    local title=$1 cmd=$2
    printf '\n=== %s\n' "$title"
    printf 'machine:   %s\n' "$(bench_machine)"
    printf 'date:      %s\n' "$(date '+%F %T %Z')"
    printf 'command:   %s\n' "$cmd"
    printf 'load:      %s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
}

# EXIT trap of the scripts: stops the throwaway cluster (if this script started one) and
# removes the files listed in BENCH_TMP_FILES.
BENCH_TMP_FILES=()
bench_on_exit() {
    # shellcheck disable=SC2119
    if [[ -n "${BENCH_CLUSTER_STARTED:-}" ]]; then pg_cluster_stop; BENCH_CLUSTER_STARTED=; fi
    ((${#BENCH_TMP_FILES[@]} == 0)) || rm -f "${BENCH_TMP_FILES[@]}"
}
trap bench_on_exit EXIT

bench_server_start() {
    if [[ -n "${PGHOST:-}" || -n "${PGDATABASE:-}" ]]; then
        echo "server: ${PGHOST:-default host}:${PGPORT:-5432}, database ${PGDATABASE:-(default)} (from the environment)"
    else
        # shellcheck source=scripts/pg-cluster.sh
        source "$BENCH_ROOT/scripts/pg-cluster.sh"
        trap 'exit 130' INT TERM
        local dir
        dir=$(mktemp -d /tmp/recsys-bench.XXXXXX)
        pg_cluster_start "$dir" || { echo "bench: could not start a throwaway cluster" >&2; return 1; }
        BENCH_CLUSTER_STARTED=1
        echo "server: throwaway cluster in $PG_CLUSTER_DIR (port $PGPORT), removed at exit"
    fi
    if ! pg_isready -q -t 10; then
        echo "bench: cannot reach the server (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-} PGDATABASE=${PGDATABASE:-})" >&2
        return 1
    fi
    bench_psql -q -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION IF NOT EXISTS recsys'
    echo "PostgreSQL $(bench_psql -Atc 'SHOW server_version'), recsys $(bench_psql -Atc \
        "SELECT extversion FROM pg_extension WHERE extname = 'recsys'")"
    echo "extension: $(bench_extension_build)"
}

bench_ml_file() {
    local f="$RECSYS_DATA/ml-100k/u.data"
    if [[ ! -r "$f" ]]; then
        echo "MovieLens 100K not found at $f (set RECSYS_DATA to the directory holding ml-100k/): skipped" >&2
        return 1
    fi
    printf '%s\n' "$f"
}

# Table ml(user_id, item_id, rating, ts) from u.data (100,000 tab-separated rows).
bench_ml_load() {
    local f n
    f=$(bench_ml_file) || return 1
    bench_psql -q -c 'SET client_min_messages = warning' \
        -c 'CREATE TABLE IF NOT EXISTS ml (user_id bigint, item_id bigint, rating real, ts bigint)'
    n=$(bench_psql -Atc 'SELECT count(*) FROM ml')
    if [[ "$n" != 100000 ]]; then
        bench_psql -q -c 'TRUNCATE ml' -c "\\copy ml FROM '$f'"
        n=$(bench_psql -Atc 'SELECT count(*) FROM ml')
    fi
    [[ "$n" == 100000 ]] || { echo "bench: table ml has $n rows after loading $f, expected 100000" >&2; return 1; }
}

# bench_load_prepared TABLE CSV: (re)creates TABLE(id, split, label, features) from the CSV a peer
# script's write_prepared wrote (bench/logreg_sklearn.py), and analyzes it.
bench_load_prepared() {
    bench_psql -q <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS $1;
CREATE TABLE $1 (id int, split text, label bool, features float8[]);
\copy $1 FROM '$2' WITH (FORMAT csv)
ANALYZE $1;
SQL
}

# bench_implicit_pairs TABLE itemknn|bpr: the peer `implicit` (IMPLICIT_PEER: the folder
# bench/implicit_build.sh made) on TABLE's (user_id, item_id) rows, exported to a CSV: its CSR from
# the ids, then its fits (bench/implicit_peer.py pairs). A line saying so when IMPLICIT_PEER is unset.
bench_implicit_pairs() {
    [[ -n ${IMPLICIT_PEER:-} ]] || { echo "implicit: not run (IMPLICIT_PEER unset; bench/implicit_build.sh builds it)"; return; }
    local csv
    csv=$(mktemp)
    BENCH_TMP_FILES+=("$csv")
    bench_psql -q -c "\\copy (SELECT user_id, item_id FROM $1) TO '$csv' WITH (FORMAT csv)"
    PYTHONPATH=$IMPLICIT_PEER OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$BENCH_ROOT/bench/implicit_peer.py" pairs "$csv" "$2"
}

# bench_speed_table ROWS USERS ITEMS: makes speed_ROWS_USERS_ITEMS, the generated set of
# bench/train_speed.sql (uniform users, Zipf(0.8) items, setseed(0.8)), when it is missing.
bench_speed_table() {
    bench_psql -q -v rows="$1" -v users="$2" -v items="$3" -v tbl="speed_$1_$2_$3" <<'SQL'
SET client_min_messages = warning;
SELECT to_regclass(:'tbl') IS NULL AS missing \gset
\if :missing
SELECT setseed(0.8) AS seeded \gset
CREATE UNLOGGED TABLE :"tbl" AS
SELECT 1 + floor(random() * :users)::bigint AS user_id,
       floor(power(1 + random() * (power(:items + 1, 1 - 0.8) - 1), 1 / (1 - 0.8)))::bigint AS item_id
FROM generate_series(1, :rows);
VACUUM ANALYZE :"tbl";
\endif
SQL
}
