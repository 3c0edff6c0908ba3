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
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

bash scripts/install-deps.sh

passed=0 failed=0
count() {  # count PASSED FAILED
    passed=$((passed + $1)); failed=$((failed + $2))
}

echo "== unit tests (GoogleTest, sanitizers on)"
cmake -S . -B build/test -DRECSYS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build/test -j"$(nproc)" --target recsys_tests >/dev/null
ctest_log=$(mktemp)
if ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build/test --output-on-failure -j"$(nproc)" | tee "$ctest_log"; then :; fi
line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$ctest_log" || true)
if [[ -z "$line" ]]; then
    echo "ctest did not report" >&2; count 0 1
else
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
    bad=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
    count $((total - bad)) "$bad"
fi
rm -f "$ctest_log"

echo "== extension build"
# Without the JIT bitcode (with_llvm=no): clang compiling every file a second time is a third of
# the build, and the tests never JIT-inline recsys' functions.
make -s -j"$(nproc)" with_llvm=no >/dev/null
make -s install with_llvm=no >/dev/null

echo "== SQL tests (pg_regress)"
source scripts/pg-cluster.sh
if [[ -z "${PGHOST:-}" && -z "${PGDATABASE:-}" ]]; then
    trap pg_cluster_stop EXIT
    pg_cluster_start "$root/.test/pg"
fi
regress_log=$(mktemp)
if make -s installcheck >"$regress_log" 2>&1; then :; fi
cat "$regress_log"
r_ok=$(grep -E '^(ok|test) ' "$regress_log" | grep -cvE 'FAILED|failed' || true)
r_bad=$(grep -E '^(not ok|test) ' "$regress_log" | grep -cE 'FAILED|failed' || true)
if [[ $((r_ok + r_bad)) -eq 0 ]]; then r_bad=1; echo "pg_regress did not run" >&2; fi
if [[ $r_bad -gt 0 && -f regression.diffs ]]; then head -200 regression.diffs; fi
count "$r_ok" "$r_bad"
rm -f "$regress_log"

echo "== README reference tables (scripts/check-reference-tables.sh)"
if bash scripts/check-reference-tables.sh contrib_regression; then count 1 0; else count 0 1; fi

echo "== progress NOTICEs"
notices=$(psql -X -q -d contrib_regression 2>&1 <<'SQL' | grep -c 'als_fit iteration' || true
SET recsys.progress = on;
SELECT length(recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 3}')) > 0 FROM watch;
SQL
)
if [[ "$notices" -eq 3 ]]; then echo "ok: 3 progress NOTICEs"; count 1 0; else echo "FAILED: $notices progress NOTICEs, expected 3"; count 0 1; fi

echo "== two-connection tests (tests/pg)"
for t in tests/pg/*.sh; do
    if bash "$t" contrib_regression; then count 1 0; else count 0 1; fi
done

echo "== README examples on the demo's data (demo/demo.sql, then scripts/doc-test.sh)"
# In the database pg_cron lives in (cron.database_name, postgres), as on the demo's server, so
# that the README's scheduling example runs as written.
demo_log=$(mktemp)
if PGDATABASE=postgres psql -X -q -v ON_ERROR_STOP=1 -f demo/demo.sql >"$demo_log" 2>&1; then
    doc_log=$(mktemp)
    PGDATABASE=postgres bash scripts/doc-test.sh README.md | tee "$doc_log" || true
    d_ran=$(sed -nE 's/^doc-test: ([0-9]+) blocks run, ([0-9]+) failed.*/\1/p' "$doc_log")
    d_bad=$(sed -nE 's/^doc-test: ([0-9]+) blocks run, ([0-9]+) failed.*/\2/p' "$doc_log")
    if [[ -z "$d_ran" ]]; then echo "FAILED: doc-test did not report"; count 0 1; else count $((d_ran - d_bad)) "$d_bad"; fi
    rm -f "$doc_log"
else
    echo "FAILED: demo/demo.sql"; tail -30 "$demo_log"; count 0 1
fi
rm -f "$demo_log"

if pg_cluster_crashed; then echo "FAILED: the server log shows a crash"; count 0 1; fi

echo "summary: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
