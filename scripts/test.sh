#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs the GoogleTest
# suite (with AddressSanitizer and UndefinedBehaviorSanitizer) and the
# pg_regress suite against a throwaway PostgreSQL, checks the README's option
# table against it, then prints one summary line.
#
#   bash scripts/test.sh
#
# Uses the server in PG* when PGHOST or PGDATABASE is set; otherwise starts a
# private cluster under .test/pg and removes it afterwards.
#
# Two lanes run side by side: the sanitized GoogleTest build and its run (the
# unit lane, its output kept in a log and printed at the end), and the
# extension's build followed by everything that needs a server (the SQL lane,
# printed as it runs). The SQL lane spends much of its time in one backend or
# waiting (pg_regress runs its files one at a time, pg_cron fires once a
# minute), so the compiler of the unit lane fills the idle core.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

bash scripts/install-deps.sh

started=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/recsys-test.XXXXXX")
unit_pid=
cleanup() {
    if [[ -n "$unit_pid" ]]; then kill -- "-$unit_pid" 2>/dev/null || kill "$unit_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

phase() {  # phase TITLE: a heading with the seconds since the start, to see where CI's time goes
    echo "== $1 (at $((SECONDS - started)) s)"
}
count() {  # count PASSED FAILED: adds to the lane's tally (a file, as the lanes are separate processes)
    echo "$1 $2" >>"$tally"
}

unit_lane() {
    phase "unit tests: sanitized build (GoogleTest, ASan + UBSan)"
    # Ninja: the test files start compiling while the core's last files still do (under Make
    # they wait for the whole library), so the lane's long tail keeps both cores busy.
    if [[ -f build/test/CMakeCache.txt ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' build/test/CMakeCache.txt; then
        rm -rf build/test  # configured by an earlier version with Make: CMake cannot switch generators
    fi
    cmake -G Ninja -S . -B build/test -DRECSYS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
    if ! cmake --build build/test -j"$(nproc)" --target recsys_tests >/dev/null; then
        echo "FAILED: the sanitized build"; count 0 1; return
    fi
    phase "unit tests: run"
    local ctest_log line total bad
    ctest_log=$work/ctest.log
    if ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build/test --output-on-failure -j"$(nproc)" >"$ctest_log" 2>&1; then :; fi
    cat "$ctest_log"
    line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$ctest_log" || true)
    if [[ -z "$line" ]]; then
        echo "ctest did not report" >&2; count 0 1
    else
        total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
        bad=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
        count $((total - bad)) "$bad"
    fi
    phase "unit tests: done"
}

sql_lane() {
    phase "extension build"
    # Without the JIT bitcode (with_llvm=no): clang compiling every file a second time is a third of
    # the build, and the tests never JIT-inline recsys' functions. Without debug information
    # (DEBUG_INFO=0): the same code, a third less compile time.
    if ! { make -s -j"$(nproc)" with_llvm=no DEBUG_INFO=0 >/dev/null && make -s install with_llvm=no DEBUG_INFO=0 >/dev/null; }; then
        echo "FAILED: the extension build"; count 0 1; return
    fi

    phase "SQL tests (pg_regress)"
    source scripts/pg-cluster.sh
    if [[ -z "${PGHOST:-}" && -z "${PGDATABASE:-}" ]]; then
        trap 'pg_cluster_stop; cleanup' EXIT
        pg_cluster_start "$root/.test/pg"
    fi
    local regress_log r_ok r_bad
    regress_log=$work/regress.log
    if make -s installcheck >"$regress_log" 2>&1; then :; fi
    cat "$regress_log"
    r_ok=$(grep -E '^(ok|test) ' "$regress_log" | grep -cvE 'FAILED|failed' || true)
    r_bad=$(grep -E '^(not ok|test) ' "$regress_log" | grep -cE 'FAILED|failed' || true)
    if [[ $((r_ok + r_bad)) -eq 0 ]]; then r_bad=1; echo "pg_regress did not run" >&2; fi
    if [[ $r_bad -gt 0 && -f regression.diffs ]]; then head -200 regression.diffs; fi
    count "$r_ok" "$r_bad"

    phase "README reference tables (scripts/check-reference-tables.sh)"
    if bash scripts/check-reference-tables.sh contrib_regression; then count 1 0; else count 0 1; fi

    phase "progress NOTICEs"
    local notices
    notices=$(psql -X -q -d contrib_regression 2>&1 <<'SQL' | grep -c 'als_fit iteration' || true
SET recsys.progress = on;
SELECT length(recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 3}')) > 0 FROM watch;
SQL
)
    if [[ "$notices" -eq 3 ]]; then echo "ok: 3 progress NOTICEs"; count 1 0; else echo "FAILED: $notices progress NOTICEs, expected 3"; count 0 1; fi

    phase "two-connection tests (tests/pg)"
    # The registry race for 30 s rather than its default 60: four sessions on two cores take the
    # CPU the unit lane's compiler needs, and 30 s is still some 13,000 statements (26,000 in 60 s in a CI run).
    local t
    for t in tests/pg/*.sh; do
        if RACE_SECONDS=${RACE_SECONDS:-30} bash "$t" contrib_regression; then count 1 0; else count 0 1; fi
    done

    phase "README examples on the demo's data (demo/demo.sql, then scripts/doc-test.sh)"
    # In the database pg_cron lives in (cron.database_name, postgres), as on the demo's server, so
    # that the README's scheduling example runs as written.
    local demo_log=$work/demo.log doc_log=$work/doc.log d_ran d_bad
    if PGDATABASE=postgres psql -X -q -v ON_ERROR_STOP=1 -f demo/demo.sql >"$demo_log" 2>&1; then
        PGDATABASE=postgres bash scripts/doc-test.sh README.md | tee "$doc_log" || true
        d_ran=$(sed -nE 's/^doc-test: ([0-9]+) blocks run, ([0-9]+) failed.*/\1/p' "$doc_log")
        d_bad=$(sed -nE 's/^doc-test: ([0-9]+) blocks run, ([0-9]+) failed.*/\2/p' "$doc_log")
        if [[ -z "$d_ran" ]]; then echo "FAILED: doc-test did not report"; count 0 1; else count $((d_ran - d_bad)) "$d_bad"; fi
    else
        echo "FAILED: demo/demo.sql"; tail -30 "$demo_log"; count 0 1
    fi

    if pg_cluster_crashed; then echo "FAILED: the server log shows a crash"; count 0 1; fi
    phase "SQL lane: done"
}

# The unit lane in its own process group (so that an interrupted run stops its compilers too).
set -m
( tally=$work/unit.tally; unit_lane >"$work/unit.out" 2>&1 ) &
unit_pid=$!
set +m
tally=$work/sql.tally
sql_lane
phase "waiting for the unit lane"
wait "$unit_pid" || true
unit_pid=
cat "$work/unit.out"

passed=0 failed=0
while read -r p f; do passed=$((passed + p)); failed=$((failed + f)); done < <(cat "$work"/*.tally 2>/dev/null)
if [[ ! -s $work/unit.tally ]]; then echo "FAILED: the unit lane reported nothing"; failed=$((failed + 1)); fi
if [[ ! -s $work/sql.tally ]]; then echo "FAILED: the SQL lane reported nothing"; failed=$((failed + 1)); fi
phase "done"
echo "summary: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
