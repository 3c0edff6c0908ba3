#!/usr/bin/env bash
# Registry races: 4 sessions of a trainer change the same two model names at
# random for 60 s (save_model, deploy, rollback, undeploy, prune_models, and
# serving by name), three in READ COMMITTED and one in REPEATABLE READ, while
# a role without any recsys grant holds the advisory locks that used to guard
# the names. Then checks that
#   - every error was one of the SQLSTATEs the README documents for races:
#     42704 (a deploy of a version a prune deleted meanwhile), 55000 (nothing
#     to roll back to), 22023 (a deploy of the other name's version, asked on
#     purpose), 40001 (REPEATABLE READ only: another change came first);
#   - the stranger's locks held nothing up (the sessions kept going);
#   - the registry is consistent: every served version and every pin is a
#     version of its name; the newest history row is what is served now; each
#     history row points back to the row before it (commit order; a rollback
#     to an older one); saves are recorded in the order of their versions;
#     history times and version times follow their ids;
#   - the server did not crash (same postmaster start time, no session lost).
#
#   bash tests/pg/registry_race.sh [DATABASE]   # a server in PG*, recsys created in DATABASE
#   RACE_SECONDS=10 bash tests/pg/registry_race.sh   # shorter
#
# Needs a superuser (it creates two roles, dropped at the end).
# Prints "ok: ..." or "FAILED: ..." and exits 0 or 1.
set -euo pipefail
db=${1:-contrib_regression}
seconds=${RACE_SECONDS:-60}
tag=recsys_race_$$
names=("${tag}_a" "${tag}_b")
work=$(mktemp -d)
q() { psql -X -v ON_ERROR_STOP=1 -Atq -d "$db" "$@"; }

cleanup() {
    q -c "DELETE FROM recsys.deployment_pins WHERE name LIKE '${tag}%'" \
      -c "DELETE FROM recsys.deployments WHERE name LIKE '${tag}%'" \
      -c "DELETE FROM recsys.models WHERE name LIKE '${tag}%'" \
      -c "DELETE FROM recsys_internal.model_names WHERE name LIKE '${tag}%'" \
      -c "DROP TABLE IF EXISTS ${tag}_models" \
      -c "DROP ROLE IF EXISTS ${tag}_trainer, ${tag}_stranger" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: registry race: $*"; exit 1; }

# Three small models to save, a trainer and a stranger.
q -c "CREATE ROLE ${tag}_trainer NOLOGIN IN ROLE recsys_trainer" -c "CREATE ROLE ${tag}_stranger NOLOGIN" \
  -c "CREATE TABLE ${tag}_models AS
      SELECT k, recsys.als_fit(u, i, 1.0, jsonb_build_object('factors', k + 1, 'iterations', 1)) AS model
      FROM generate_series(1, 3) k, generate_series(1, 30) u, generate_series(1, 4) j, LATERAL (SELECT (u * j) % 17 AS i) x
      GROUP BY k" \
  -c "GRANT SELECT ON ${tag}_models TO ${tag}_trainer" \
  -c "SELECT recsys.save_model(n, model) FROM unnest(ARRAY['${names[0]}', '${names[1]}']) n, ${tag}_models ORDER BY n, k" \
  >/dev/null || fail "setup"
started_before=$(q -c "SELECT pg_postmaster_start_time()")

# The statements of session $1 for $seconds seconds (session 4: each in a
# REPEATABLE READ transaction), counted by kind in $work/ops.$1.
statements() {
    local s=$1 end=$((SECONDS + seconds)) n other op sql
    declare -A count=()
    RANDOM=$((s * 7919 + $$))
    echo "SET ROLE ${tag}_trainer;"
    echo "SET client_min_messages = warning;"
    echo "SET statement_timeout = '10s';"  # a change held up would end in 57014, not hang the test
    while (( SECONDS < end )); do
        n=${names[RANDOM % 2]}
        other=${names[0]}; [[ $n == "$other" ]] && other=${names[1]}
        case $((RANDOM % 10)) in
            0|1|2) op=save; sql="SELECT recsys.save_model('$n', model) FROM ${tag}_models WHERE k = $((RANDOM % 3 + 1))" ;;
            3|4) op=deploy; sql="SELECT recsys.deploy('$n', (SELECT id FROM recsys.models WHERE name = '$n' ORDER BY random() LIMIT 1))" ;;
            5) op=rollback; sql="SELECT recsys.rollback('$n')" ;;
            6) op=undeploy; sql="SELECT recsys.undeploy('$n')" ;;
            7) op=prune; sql="SELECT recsys.prune_models('$n', $((RANDOM % 2 + 1)))" ;;
            8) op=deploy_other; sql="SELECT recsys.deploy('$n', (SELECT id FROM recsys.models WHERE name = '$other' ORDER BY random() LIMIT 1))" ;;
            9) op=serve; sql="SELECT count(*) FROM recsys.recommend('$n', 1, 3)" ;;
        esac
        count[$op]=$(( ${count[$op]:-0} + 1 ))
        if (( s == 4 )); then
            echo "BEGIN ISOLATION LEVEL REPEATABLE READ; $sql; COMMIT;"
        else
            echo "$sql;"
        fi
    done
    for op in "${!count[@]}"; do echo "$op ${count[$op]}"; done >"$work/ops.$s"
}

# The stranger: no grant on recsys, yet any role may take an advisory lock.
psql -X -q -d "$db" >"$work/stranger.out" 2>&1 <<SQL &
SET ROLE ${tag}_stranger;
SELECT pg_advisory_lock(hashtextextended('recsys.serving ' || n, 0)) FROM unnest(ARRAY['${names[0]}', '${names[1]}']) n;
SELECT pg_sleep($seconds);
SQL
stranger=$!
for _ in $(seq 1 100); do
    [[ $(q -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()") -ge 2 ]] && break
    sleep 0.1
done
[[ $(q -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()") -ge 2 ]] ||
    fail "the stranger did not get the advisory locks: $(cat "$work/stranger.out")"

sessions=()
for s in 1 2 3 4; do
    statements "$s" | psql -X -q -d "$db" -v VERBOSITY=verbose -v SHOW_CONTEXT=never >/dev/null 2>"$work/err.$s" &
    sessions+=($!)
done
lost=0
for pid in "${sessions[@]}"; do wait "$pid" || lost=$((lost + 1)); done
wait "$stranger" || true

# What the sessions did and the errors they got.
total=$(cat "$work"/ops.* | awk '{ n += $2 } END { print n + 0 }')
ops=$(cat "$work"/ops.* | awk '{ n[$1] += $2 } END { for (k in n) printf "%s %d, ", k, n[k] }' | sed 's/, $//')
tally() { grep -ohE 'ERROR:  [0-9A-Z]{5}:' "$@" | sort | uniq -c | awk '{ sub(":", "", $3); printf "%s x %d, ", $3, $1 }' | sed 's/, $//'; }
errors=$(tally "$work"/err.[123])
rr_errors=$(tally "$work/err.4")
unexpected=$(cat "$work"/err.[123] | grep -E 'ERROR:  ' | grep -vE 'ERROR:  (42704|55000|22023):' | head -5 || true)
unexpected+=$'\n'$(grep -E 'ERROR:  ' "$work/err.4" | grep -vE 'ERROR:  (42704|55000|22023|40001):' | head -5 || true)
[[ -z "${unexpected//$'\n'/}" ]] || fail "errors outside the documented SQLSTATEs:
$unexpected"
(( lost == 0 )) || fail "$lost session(s) ended abnormally: $(cat "$work"/err.* | grep -vE 'ERROR|LOCATION|HINT|DETAIL' | head -5)"
[[ $(q -c "SELECT pg_postmaster_start_time()") == "$started_before" ]] || fail "the server restarted (a crash)"
(( total >= 40 * seconds / 10 )) || fail "only $total statements in $seconds s: held up? ($ops)"
if grep -q ERROR "$work/stranger.out"; then fail "the stranger's session failed: $(cat "$work/stranger.out")"; fi

# The registry after the race.
problems=$(q <<SQL
WITH names AS (SELECT unnest(ARRAY['${names[0]}', '${names[1]}']) AS name),
history AS (
    SELECT d.*, lag(d.id) OVER w AS row_before, lag(d.deployed_at) OVER w AS at_before,
           max(d.model_id) FILTER (WHERE d.action = 'save') OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS saved_before
    FROM recsys.deployments d JOIN names USING (name) WINDOW w AS (PARTITION BY d.name ORDER BY d.id))
SELECT format('%s: serves %s, not one of its versions', n.name, recsys.serving_version(n.name)) FROM names n
WHERE NOT EXISTS (SELECT FROM recsys.models m WHERE m.id = recsys.serving_version(n.name) AND m.name = n.name)
UNION ALL
SELECT format('%s: pinned to %s, a version of %s', p.name, p.model_id, m.name)
FROM recsys.deployment_pins p JOIN names USING (name) JOIN recsys.models m ON m.id = p.model_id WHERE m.name <> p.name
UNION ALL
SELECT format('%s: the newest history row (%s, pinned %s) is not what is served (%s, pinned %s)', n.name,
              h.model_id, h.pinned, recsys.serving_version(n.name), p.name IS NOT NULL)
FROM names n LEFT JOIN recsys.deployment_pins p USING (name)
CROSS JOIN LATERAL (SELECT * FROM recsys.deployments d WHERE d.name = n.name ORDER BY d.id DESC LIMIT 1) h
WHERE (h.model_id, h.pinned) IS DISTINCT FROM (recsys.serving_version(n.name), p.name IS NOT NULL)
UNION ALL
SELECT format('%s: history row %s (%s) points back to %s, not to the row before it, %s', h.name, h.id, h.action,
              h.previous, h.row_before)
FROM history h WHERE h.action <> 'rollback' AND h.previous IS DISTINCT FROM h.row_before
UNION ALL
SELECT format('%s: rollback row %s points back to %s', h.name, h.id, h.previous)
FROM history h WHERE h.action = 'rollback'
  AND NOT EXISTS (SELECT FROM recsys.deployments o WHERE o.id = h.previous AND o.name = h.name AND o.id < h.id)
  AND h.previous IS NOT NULL
UNION ALL
SELECT format('%s: history row %s records the save of %s after that of %s', h.name, h.id, h.model_id, h.saved_before)
FROM history h WHERE h.action = 'save' AND h.model_id < h.saved_before
UNION ALL
SELECT format('%s: history row %s is dated before the row before it', h.name, h.id)
FROM history h WHERE h.deployed_at < h.at_before
UNION ALL
SELECT format('%s: version %s is dated before version %s', m.name, m.id, m.id_before)
FROM (SELECT m.*, lag(m.id) OVER w AS id_before, lag(m.created_at) OVER w AS at_before
      FROM recsys.models m JOIN names USING (name) WINDOW w AS (PARTITION BY m.name ORDER BY m.id)) m
WHERE m.created_at < m.at_before;
SQL
) || fail "the consistency query failed"
[[ -z "$problems" ]] || fail "the registry is inconsistent after the race:
$(head -10 <<<"$problems")"
history_rows=$(q -c "SELECT count(*) FROM recsys.deployments WHERE name LIKE '${tag}%'")

echo "ok: registry race, 4 sessions x ${seconds} s against ${#names[@]} names (a stranger holding the old advisory locks):" \
     "$total statements ($ops); errors ${errors:-none}; REPEATABLE READ session ${rr_errors:-none};" \
     "$history_rows history rows, consistent"
