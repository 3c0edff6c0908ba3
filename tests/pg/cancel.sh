#!/usr/bin/env bash
# pg_cancel_backend from a second connection during a long training: the
# statement ends with SQLSTATE 57014 and the same backend goes on serving.
# (How long the cancel takes is measured by bench/cancel_latency.sh, not here.)
#
#   bash tests/pg/cancel.sh [DATABASE]     # a server in PG*, recsys created in DATABASE
#
# Prints "ok: ..." or "FAILED: ..." and exits 0 or 1.
set -euo pipefail
db=${1:-contrib_regression}
app="recsys_cancel_test_$$"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# The trainer: its backend pid, a training of many iterations (minutes
# uncancelled), then the same session again.
PGAPPNAME=$app timeout 120 psql -X -d "$db" >"$out" 2>&1 <<'SQL' &
\set VERBOSITY verbose
SELECT 'pid before: ' || pg_backend_pid() AS status;
SELECT recsys.als_fit(g % 20000, g % 5000, 1.0, '{"factors": 128, "iterations": 1000}') FROM generate_series(1, 200000) g;
SELECT 'pid after: ' || pg_backend_pid() AS status;
SELECT 'serving after cancel: ' || count(*) AS status
FROM recsys.recommend((SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 1}') FROM watch), 1, 3);
SQL
trainer=$!

fail() { echo "FAILED: cancel during training: $*"; sed 's/^/  | /' "$out"; exit 1; }

# Wait until the training statement has run for a second (past the scan, into
# the iterations), then cancel it from this second connection.
cancelled=0
for _ in $(seq 1 300); do
    if [[ $(psql -X -Atd "$db" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$app'
              AND state = 'active' AND query LIKE '%als_fit%' AND now() - query_start > interval '1 second'") == 1 ]]; then
        cancelled=$(psql -X -Atd "$db" -c "SELECT count(*) FILTER (WHERE pg_cancel_backend(pid)) FROM (
              SELECT pid FROM pg_stat_activity WHERE application_name = '$app' OFFSET 0) trainer")
        break
    fi
    sleep 0.1
done
[[ "$cancelled" == 1 ]] || { kill "$trainer" 2>/dev/null || true; fail "the training never showed up as active"; }
wait "$trainer" || fail "the trainer's psql did not finish (timeout) or failed"

grep -q 'ERROR:  57014: canceling statement due to user request' "$out" || fail "no ERROR 57014"
before=$(sed -n 's/.*pid before: \([0-9]*\).*/\1/p' "$out")
after=$(sed -n 's/.*pid after: \([0-9]*\).*/\1/p' "$out")
[[ -n "$before" && "$before" == "$after" ]] || fail "the backend changed (pid $before, then $after)"
grep -q 'serving after cancel: 3' "$out" || fail "the backend did not serve after the cancel"
echo "ok: cancel during training (57014, backend $before still serving)"
