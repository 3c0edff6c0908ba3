#!/usr/bin/env bash
# scripts/demo.sh -- the recsys demo, from a bare Debian 12 machine to recommendations:
#
#   bash scripts/demo.sh
#
# 1. installs missing build/run dependencies (scripts/install-deps.sh; apt only when needed),
# 2. builds and installs the extension (make -s -jN && make -s install; a first build takes ~1 min),
# 3. uses the server named by PGHOST/PGDATABASE (with PGPORT, PGUSER...) if either is set, and
#    otherwise starts a private throwaway cluster in .demo/pg that is removed at the end,
# 4. runs demo/demo.sql: generated watch history -> ALS training -> serving -> evaluation.
#
# With your own server: it must run on this machine (the extension is installed into this
# machine's PostgreSQL 15), and the demo (re)creates the schema `demo` and the extension there.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
started=$SECONDS

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
    trap pg_cluster_stop EXIT
    trap 'exit 130' INT TERM
    pg_cluster_start "$ROOT/.demo/pg"
    echo "PostgreSQL $(psql -X -Atc 'show server_version') on socket $PGHOST, port $PGPORT"
fi
if ! pg_isready -q -t 10; then
    echo "demo: cannot reach the server (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-} PGDATABASE=${PGDATABASE:-})" >&2
    exit 1
fi

say "demo/demo.sql"
PGAPPNAME=recsys-demo psql -X -v ON_ERROR_STOP=1 -f demo/demo.sql

say "demo finished in $((SECONDS - started)) s"
