# shellcheck shell=bash
# scripts/pg-cluster.sh -- a throwaway PostgreSQL cluster for the demo, tests and benchmarks.
#
# SOURCE this file, do not run it:
#
#   source scripts/pg-cluster.sh
#   trap pg_cluster_stop EXIT
#   pg_cluster_start "$PWD/.demo/pg"     # exports PGHOST PGPORT PGUSER PGDATABASE
#   psql -c 'select 1'
#
# pg_cluster_start DIR
#   Creates DIR (mode 755), runs initdb into DIR/data and starts the server on a Unix socket in
#   DIR only (listen_addresses=''), on the first free port from $PG_CLUSTER_PORT (default 54329).
#   As root it runs initdb/pg_ctl as the unprivileged `postgres` user (PostgreSQL refuses root)
#   and hands DIR to that user; otherwise it runs them as the current user. The superuser is
#   `postgres`, authentication is trust. Exports PGHOST PGPORT PGUSER=postgres
#   PGDATABASE=postgres, and PG_CLUSTER_DIR (the server log is $PG_CLUSTER_DIR/log).
#   Falls back to a fresh directory under ${TMPDIR:-/tmp} when DIR cannot be created, is not
#   usable by the server's user, is too long for a socket path, or is in use by another shell
#   (each shell holds a lock on DIR/.pg-cluster while it uses DIR).
#   A DIR left over by a killed run (it carries the marker .pg-cluster) is stopped and wiped
#   first; a non-empty DIR without the marker is refused.
#   Settings: fsync=off, synchronous_commit=off, full_page_writes=off, shared_buffers=1GB (a
#   quarter of RAM on machines under 4 GB), max_parallel_workers_per_gather=2. Add or override
#   settings with PG_CLUSTER_OPTS (extra "-c name=value" arguments for postgres).
#   When pg_cron is installed (postgresql-15-cron), it is preloaded, its jobs run as background
#   workers, and its database (cron.database_name, where CREATE EXTENSION pg_cron goes) is
#   postgres: schedule jobs in other databases with cron.schedule_in_database.
#   Returns non-zero (after printing the server log) on failure; never exits the calling shell.
#
# pg_cluster_stop [DIR]
#   Stops the cluster this shell started (a child shell never stops its parent's), or the
#   pg-cluster.sh directory DIR: immediate stop; prints the crash lines ('terminated by signal',
#   PANIC) of the server log, so that a backend crash cannot go unnoticed; removes the
#   directory; restores the PG* variables the caller had before. Idempotent and always returns
#   0: safe in an EXIT trap. PG_CLUSTER_KEEP=1 keeps the directory and its log for inspection.
#
# pg_cluster_crashed
#   Returns 0 if the server log shows a crashed backend or a PANIC (for tests that want to fail).
#
# The functions leave the caller's shell options alone (set -euo pipefail is fine).

PG_CLUSTER_BIN=${PG_CLUSTER_BIN:-}
_PG_CLUSTER_OWNED=${_PG_CLUSTER_OWNED:-}   # the directory this shell started (not exported)
PG_CLUSTER_CRASH_RE='terminated by signal|was terminated by exception|PANIC:'

_pg_cluster_log() { printf 'pg-cluster: %s\n' "$*" >&2; }

_pg_cluster_bindir() {
    if [[ -n "$PG_CLUSTER_BIN" && -x "$PG_CLUSTER_BIN/initdb" ]]; then
        printf '%s\n' "$PG_CLUSTER_BIN"; return 0
    fi
    local d
    for d in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)"; do
        if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then printf '%s\n' "$d"; return 0; fi
    done
    _pg_cluster_log "cannot find initdb/pg_ctl (install postgresql-15: bash scripts/install-deps.sh)"
    return 1
}

# Run a command as the server's OS user, from a directory that user can read.
_pg_cluster_as() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# Is DIR a directory the server's user can write into and traverse to?
_pg_cluster_usable() {
    local dir=$1
    [[ -d "$dir" ]] || return 1
    if [[ $EUID -eq 0 ]]; then
        chown postgres:postgres "$dir" 2>/dev/null || return 1
        chmod 755 "$dir" 2>/dev/null || return 1
        _pg_cluster_as test -w "$dir" -a -x "$dir" 2>/dev/null || return 1
    else
        [[ -w "$dir" && -x "$dir" ]] || return 1
    fi
}

_pg_cluster_port_free() {
    local port=$1 d
    for d in /tmp /var/run/postgresql "$2"; do
        [[ -e "$d/.s.PGSQL.$port" || -e "$d/.s.PGSQL.$port.lock" ]] && return 1
    done
    if command -v ss >/dev/null 2>&1; then
        ss -Hltn "sport = :$port" 2>/dev/null | grep -q . && return 1
    fi
    return 0
}

# Stop a server left running in DIR/data by an interrupted run, then wipe DIR's contents.
_pg_cluster_wipe() {
    local dir=$1 bin=$2
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        _pg_cluster_log "stopping a server left over in $dir"
        _pg_cluster_as "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    find "$dir" -mindepth 1 -maxdepth 1 ! -name .pg-cluster -exec rm -rf {} + 2>/dev/null || true
}

# Hold an exclusive lock on DIR/.pg-cluster for as long as this shell uses DIR, so that a second
# run pointed at the same DIR does not take a live cluster for a leftover. (The server itself
# does not inherit the lock: a server orphaned by a killed shell is a leftover.)
_PG_CLUSTER_LOCKFD=${_PG_CLUSTER_LOCKFD:-}
_pg_cluster_lock() {
    local fd
    exec {fd}>>"$1/.pg-cluster" || return 1
    if command -v flock >/dev/null 2>&1 && ! flock -n "$fd"; then
        exec {fd}>&-
        return 1
    fi
    _PG_CLUSTER_LOCKFD=$fd
}
_pg_cluster_unlock() {
    if [[ -n "${_PG_CLUSTER_LOCKFD:-}" ]]; then
        exec {_PG_CLUSTER_LOCKFD}>&- || true
        _PG_CLUSTER_LOCKFD=""
    fi
}
# Give up a started attempt: release the lock and remove what was made.
_pg_cluster_abort() {
    _pg_cluster_unlock
    rm -rf "$1" 2>/dev/null || true
}

pg_cluster_start() {
    local want=${1:?usage: pg_cluster_start DIR}
    if [[ -n "${_PG_CLUSTER_OWNED:-}" ]]; then
        _pg_cluster_log "this shell already runs a cluster in $_PG_CLUSTER_OWNED (call pg_cluster_stop first)"
        return 1
    fi
    local bin; bin=$(_pg_cluster_bindir) || return 1
    if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        _pg_cluster_log "running as root but there is no 'postgres' user (install postgresql-15)"
        return 1
    fi

    # Where: DIR if usable and not in use by another running shell; otherwise a fresh directory
    # under $TMPDIR or /tmp.
    local dir="" created=0
    [[ "$want" == /* ]] || want="$PWD/$want"
    if [[ -e "$want" && ! -d "$want" ]]; then
        _pg_cluster_log "$want exists and is not a directory"; return 1
    fi
    if [[ -d "$want" && ! -f "$want/.pg-cluster" ]] && [[ -n "$(ls -A "$want" 2>/dev/null)" ]]; then
        _pg_cluster_log "refusing to use $want: not empty and not made by pg-cluster.sh"; return 1
    fi
    local top=$want    # topmost directory that mkdir -p creates, removed again on fallback
    while [[ ! -e "$(dirname "$top")" ]]; do top=$(dirname "$top"); done
    if [[ ! -d "$want" ]] && mkdir -p "$want" 2>/dev/null; then created=1; fi
    # socket path limit is 107 bytes: DIR/.s.PGSQL.NNNNN.lock must fit
    if [[ -d "$want" ]] && (( ${#want} <= 85 )) && _pg_cluster_usable "$want"; then
        if _pg_cluster_lock "$want"; then
            dir=$want
        else
            _pg_cluster_log "$want is in use by another running cluster; using a directory under ${TMPDIR:-/tmp}"
        fi
    elif [[ -d "$want" ]]; then
        _pg_cluster_log "$want is not usable by the server (or its path is too long); using a directory under ${TMPDIR:-/tmp}"
    fi
    if [[ -z "$dir" ]]; then
        if (( created )); then rm -rf "$top" 2>/dev/null || true; fi
        local base=${TMPDIR:-/tmp}
        (( ${#base} <= 60 )) || base=/tmp
        dir=$(mktemp -d "$base/recsys-pg.XXXXXX") || { _pg_cluster_log "cannot create a directory under $base"; return 1; }
        if ! _pg_cluster_usable "$dir" || ! _pg_cluster_lock "$dir"; then
            _pg_cluster_log "$dir is not usable by the server"; rm -rf "$dir"; return 1
        fi
    fi
    _pg_cluster_wipe "$dir" "$bin"

    # Port: first free one from PG_CLUSTER_PORT.
    local port=${PG_CLUSTER_PORT:-54329} tries=0
    until _pg_cluster_port_free "$port" "$dir"; do
        port=$((port + 1)); tries=$((tries + 1))
        (( tries < 100 )) || { _pg_cluster_log "no free port near ${PG_CLUSTER_PORT:-54329}"; _pg_cluster_abort "$dir"; return 1; }
    done

    # Memory: shared_buffers=1GB unless the machine has less than 4 GB.
    local sb=1GB memkb
    memkb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
    if [[ -n "$memkb" ]] && (( memkb > 0 && memkb < 4194304 )); then sb="$((memkb / 4 / 1024))MB"; fi
    # Parallel query needs dynamic shared memory; a small /dev/shm (containers: 64 MB) is not enough.
    local dsm=posix shmkb
    shmkb=$(df -Pk /dev/shm 2>/dev/null | awk 'NR==2 {print $4}')
    if [[ -z "$shmkb" ]] || (( shmkb < 1048576 )); then dsm=mmap; fi

    local out
    if ! out=$(_pg_cluster_as "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
                   --no-sync --no-instructions 2>&1); then
        _pg_cluster_log "initdb failed:"; printf '%s\n' "$out" >&2; _pg_cluster_abort "$dir"; return 1
    fi
    cat >> "$dir/data/postgresql.conf" <<EOF

# ---- pg-cluster.sh: throwaway cluster, durability off
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 4GB
checkpoint_timeout = 30min
shared_buffers = $sb
work_mem = 64MB
maintenance_work_mem = 512MB
max_parallel_workers_per_gather = 2
dynamic_shared_memory_type = $dsm
log_min_messages = warning
log_line_prefix = '%m [%p] '
EOF
    if [[ -f "$(pg_config --pkglibdir 2>/dev/null || echo /usr/lib/postgresql/15/lib)/pg_cron.so" ]]; then
        cat >> "$dir/data/postgresql.conf" <<EOF
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 16
EOF
    fi
    local -a opts=()
    if [[ -n "${PG_CLUSTER_OPTS:-}" ]]; then opts=(-o "$PG_CLUSTER_OPTS"); fi
    if ! _pg_cluster_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
            "${opts[@]}" start >/dev/null 2>&1 {_PG_CLUSTER_LOCKFD}>&-; then
        _pg_cluster_log "server did not start; log:"
        tail -n 30 "$dir/log" >&2 2>/dev/null
        _pg_cluster_as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
        _pg_cluster_abort "$dir"
        return 1
    fi

    # Remember what the caller had, to restore on stop.
    local v
    _PG_CLUSTER_SAVED=()
    for v in PGHOST PGPORT PGUSER PGDATABASE PGHOSTADDR PGSERVICE; do
        if [[ -n "${!v+x}" ]]; then _PG_CLUSTER_SAVED+=("$v=${!v}"); fi
    done
    _PG_CLUSTER_OWNED=$dir
    PG_CLUSTER_DIR=$dir PG_CLUSTER_BIN=$bin
    export PG_CLUSTER_DIR PG_CLUSTER_BIN   # for child processes (log: $PG_CLUSTER_DIR/log)
    export PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=postgres
    unset PGHOSTADDR PGSERVICE
    return 0
}

pg_cluster_crashed() {
    local dir=${_PG_CLUSTER_OWNED:-${PG_CLUSTER_DIR:-}}
    [[ -n "$dir" && -f "$dir/log" ]] || return 1
    grep -Eq "$PG_CLUSTER_CRASH_RE" "$dir/log" 2>/dev/null
}

pg_cluster_stop() {
    # Only the cluster this shell started (a child shell that inherited PG_CLUSTER_DIR must not
    # stop its parent's), or the directory given explicitly: pg_cluster_stop DIR.
    local dir=${1:-${_PG_CLUSTER_OWNED:-}}
    [[ -n "$dir" ]] || return 0
    if [[ -n "${1:-}" && ! -f "$dir/.pg-cluster" ]]; then
        _pg_cluster_log "$dir was not made by pg-cluster.sh; not touching it"; return 0
    fi
    local bin=${PG_CLUSTER_BIN:-/usr/lib/postgresql/15/bin}
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        _pg_cluster_as "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    if [[ -f "$dir/log" ]] && grep -Eq "$PG_CLUSTER_CRASH_RE" "$dir/log" 2>/dev/null; then
        _pg_cluster_log "the server log shows a crash:"
        grep -E -A1 "$PG_CLUSTER_CRASH_RE" "$dir/log" >&2 2>/dev/null || true
    fi
    if [[ "${PG_CLUSTER_KEEP:-0}" == 1 ]]; then
        _pg_cluster_log "kept $dir (log: $dir/log)"
    else
        rm -rf "$dir" 2>/dev/null || true
    fi
    if [[ "$dir" != "${_PG_CLUSTER_OWNED:-}" ]]; then return 0; fi
    _pg_cluster_unlock
    _PG_CLUSTER_OWNED=""
    unset PG_CLUSTER_DIR PGHOST PGPORT PGUSER PGDATABASE
    local kv
    # shellcheck disable=SC2163  # kv is NAME=value
    for kv in ${_PG_CLUSTER_SAVED[@]+"${_PG_CLUSTER_SAVED[@]}"}; do export "$kv"; done
    _PG_CLUSTER_SAVED=()
    return 0
}
