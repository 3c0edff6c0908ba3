#!/usr/bin/env bash
# The retraining job under pg_cron: recsys.retrain_als scheduled with
# cron.schedule_in_database runs in the scheduler's background worker, logs
# its run in recsys.retrain_log and saves a version that serves. (The job's
# rules are tested by pg_regress, sql/retrain.sql, which calls it directly.)
#
#   bash tests/pg/cron.sh [DATABASE]    # a server in PG*, recsys created in DATABASE
#
# Skips (exit 0, "skipped: ...") when the server does not preload pg_cron
# (scripts/pg-cluster.sh preloads it when postgresql-15-cron is installed).
# Takes up to a minute and a half: pg_cron 1.4 schedules by the minute.
# Prints "ok: ...", "skipped: ..." or "FAILED: ..." and exits 0, 0 or 1.
set -euo pipefail
db=${1:-contrib_regression}
q() { psql -X -v ON_ERROR_STOP=1 -Atq "$@"; }

if ! q -d "$db" -c 'SHOW shared_preload_libraries' | grep -qw pg_cron; then
    echo "skipped: pg_cron under a schedule (the server does not preload pg_cron)"
    exit 0
fi
cron_db=$(q -d "$db" -c 'SHOW cron.database_name')
job=recsys_cron_test_$$
fail() { echo "FAILED: pg_cron runs recsys.retrain_als: $*"; exit 1; }
cleanup() {
    q -d "$cron_db" -c "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = '$job'" >/dev/null 2>&1 || true
    q -d "$db" -c "DELETE FROM recsys.models WHERE name = '$job'" -c "DELETE FROM recsys.retrain_log WHERE name = '$job'" \
      -c "DROP TABLE IF EXISTS ${job}_watch" >/dev/null 2>&1 || true
}
trap cleanup EXIT

q -d "$cron_db" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION IF NOT EXISTS pg_cron' ||
    fail "CREATE EXTENSION pg_cron in $cron_db"
q -d "$db" -c "CREATE TABLE ${job}_watch AS
    SELECT u::bigint AS user_id, (100 + (u % 3) * 10 + j)::bigint AS item_id, 1::real AS minutes_watched,
           now() - j * interval '1 hour' AS watched_at
    FROM generate_series(1, 60) u, generate_series(1, 8) j" || fail "creating the watch table"
started=$(date +%s)
q -d "$cron_db" -c "SELECT cron.schedule_in_database('$job', '* * * * *',
    \$\$SELECT recsys.retrain_als('$job', 'public.${job}_watch', 30, '{\"factors\": 4, \"iterations\": 3}')\$\$,
    '$db')" >/dev/null || fail "cron.schedule_in_database"

# The first run starts at the next whole minute.
status=""
for _ in $(seq 1 100); do
    status=$(q -d "$db" -c "SELECT status FROM recsys.retrain_log WHERE name = '$job' ORDER BY id LIMIT 1")
    [[ -n "$status" ]] && break
    sleep 1
done
[[ -n "$status" ]] || fail "no run logged in recsys.retrain_log within 100 s; cron.job_run_details: $(q -d "$cron_db" -c \
    "SELECT string_agg(status || ' ' || coalesce(return_message, ''), '; ') FROM cron.job_run_details d
     JOIN cron.job j USING (jobid) WHERE j.jobname = '$job'")"
[[ "$status" == saved ]] || fail "the run's status is '$status', expected saved"
served=$(q -d "$db" -c "SELECT count(*) FROM recsys.recommend('$job', 1, 5)")
[[ "$served" == 5 ]] || fail "recommend('$job', 1, 5) gave $served rows"
echo "ok: pg_cron ran recsys.retrain_als in $db $(( $(date +%s) - started )) s after scheduling; the version it saved serves"
