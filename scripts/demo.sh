#!/usr/bin/env bash
# scripts/demo.sh -- the recsys demo, from a bare Debian 12 machine to recommendations:
#
#   bash scripts/demo.sh           run the demo; its throwaway server keeps running afterwards
#   bash scripts/demo.sh stop      stop and remove that server
#   DEMO_KEEP=0 bash scripts/demo.sh   remove the throwaway server when the demo ends
#
# 1. installs missing build/run dependencies (scripts/install-deps.sh; apt only when needed),
# 2. builds and installs the extension (make -s -jN && make -s install; a first build takes ~1 min),
# 3. uses the server named by PGHOST/PGDATABASE (with PGPORT, PGUSER...) if either is set, and
#    otherwise starts a private throwaway cluster in .demo/pg,
# 4. runs demo/demo.sql: generated watch history -> ALS training -> serving -> evaluation,
# 5. leaves that throwaway server running with the demo's data (schema demo, the models), prints
#    how to connect to it and how to stop it; a new run of the demo replaces it. On failure, or
#    with DEMO_KEEP=0, the server is stopped and removed.
#
# With your own server: it must run on this machine (the extension is installed into this
# machine's PostgreSQL 15), and the demo (re)creates the schema `demo` and the extension there.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
started=$SECONDS
SERVER_ENV=$ROOT/.demo/server.env  # where the kept server is: its directory

if [[ "${1:-}" == stop ]]; then
    if [[ ! -f "$SERVER_ENV" ]]; then echo "demo: no demo server is running"; exit 0; fi
    # shellcheck source=scripts/pg-cluster.sh
    source scripts/pg-cluster.sh
    # shellcheck disable=SC1090
    source "$SERVER_ENV"
    pg_cluster_stop "$DEMO_CLUSTER_DIR"
    rm -f "$SERVER_ENV"
    echo "demo: stopped the demo server and removed $DEMO_CLUSTER_DIR"
    exit 0
elif [[ -n "${1:-}" ]]; then
    echo "usage: bash scripts/demo.sh [stop]" >&2
    exit 2
fi

say() { printf '\n--- %s\n' "$*"; }

say "dependencies"
bash scripts/install-deps.sh

say "build and install the extension"
make -s -j"$(nproc 2>/dev/null || echo 2)"
if [[ $EUID -ne 0 && ! -w "$(pg_config --sharedir)/extension" ]] && command -v sudo >/dev/null 2>&1; then
    sudo make -s install
else
    make -s install
fi
echo "installed recsys into $(pg_config --pkglibdir)"

if [[ -n "${PGHOST:-}" || -n "${PGDATABASE:-}" ]]; then
    say "server: ${PGHOST:-default host}:${PGPORT:-5432}, database ${PGDATABASE:-(default)} (from the environment)"
else
    say "server: a throwaway cluster in .demo/pg (set PGHOST or PGDATABASE to use yours)"
    # shellcheck source=scripts/pg-cluster.sh
    source scripts/pg-cluster.sh
    if [[ -f "$SERVER_ENV" ]]; then  # the server a previous demo left running
        # shellcheck disable=SC1090
        (source "$SERVER_ENV" && pg_cluster_stop "$DEMO_CLUSTER_DIR")
        rm -f "$SERVER_ENV"
    fi
    trap pg_cluster_stop EXIT
    trap 'exit 130' INT TERM
    pg_cluster_start "$ROOT/.demo/pg"
    kept_server=1
    echo "PostgreSQL $(psql -X -Atc 'show server_version') on socket $PGHOST, port $PGPORT"
fi
if ! pg_isready -q -t 10; then
    echo "demo: cannot reach the server (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-} PGDATABASE=${PGDATABASE:-})" >&2
    exit 1
fi

say "demo/demo.sql"
PGAPPNAME=recsys-demo psql -X -v ON_ERROR_STOP=1 -f demo/demo.sql

say "demo finished in $((SECONDS - started)) s"

if [[ -n "${kept_server:-}" && "${DEMO_KEEP:-1}" != 0 ]]; then
    mkdir -p "$(dirname "$SERVER_ENV")"
    printf 'DEMO_CLUSTER_DIR=%q\n' "$PG_CLUSTER_DIR" >"$SERVER_ENV"
    trap - EXIT
    cat <<EOF

The demo's server is still running, with its data (schema demo, models demo_*). Go on with:
    psql -h $PGHOST -p $PGPORT -U postgres -d $PGDATABASE
    SELECT * FROM recsys.recommend('demo_candidates', 7, 10);
Stop and remove it with:
    bash scripts/demo.sh stop
EOF
fi
