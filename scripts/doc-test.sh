#!/usr/bin/env bash
# scripts/doc-test.sh -- the README's SQL examples, run in order against the demo's data:
# an example that breaks fails the tests.
#
#   bash scripts/doc-test.sh [FILE.md]      (default README.md)
#
# Uses the server and database of PG* (PGHOST, PGPORT, PGDATABASE, ...), which must hold the
# demo's data: run demo/demo.sql there first (scripts/test.sh does). Each ```sql block is run
# by its own psql, top to bottom, as a newcomer pasting them one after the other would: what a
# block saves or creates is there for the blocks after it. Run it once per server (scripts/test.sh
# gives it a fresh one): the README creates roles and functions that a second run finds there.
# The fence's words say what to expect:
#
#   ```sql            must run without an error
#   ```sql error      must end in an ERROR (an example of one)
#   ```sql partial    is not run: a deliberate fragment (a signature, a template to fill in)
#
# A block that prints more than 64 KB fails too (a model's bytes printed as hex, say). Prints
# one line per block and ends with `doc-test: N blocks run, N failed, N partial`; the exit
# status is the number of failures (capped at 100).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

doc=${1:-README.md}
max_output=65536
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Splits the document into $work/NNN.sql files, one per ```sql block, and writes one line per
# block to $work/index: "NNN LINE MODE" (LINE: the line of its opening fence).
awk -v dir="$work" '
    /^```sql([ \t].*)?$/ && !inside {
        inside = 1; n++; mode = "run"
        if ($0 ~ /[ \t]error([ \t]|$)/) mode = "error"
        if ($0 ~ /[ \t]partial([ \t]|$)/) mode = "partial"
        file = sprintf("%s/%03d.sql", dir, n)
        printf "%03d %d %s\n", n, NR, mode > (dir "/index")
        printf "" > file
        next
    }
    /^```/ && inside { inside = 0; close(file); next }
    inside { print > file }
' "$doc"

if [[ ! -s "$work/index" ]]; then
    echo "doc-test: no \`\`\`sql blocks in $doc" >&2
    exit 1
fi

ran=0 failed=0 partial=0
while read -r n line mode; do
    if [[ $mode == partial ]]; then
        partial=$((partial + 1))
        echo "skip  $doc:$line (partial)"
        continue
    fi
    ran=$((ran + 1))
    started=$(date +%s.%N)
    psql -X -q -v ON_ERROR_STOP=1 -f "$work/$n.sql" >"$work/$n.out" 2>&1
    status=$?
    seconds=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
    bytes=$(wc -c <"$work/$n.out")
    problem=
    if [[ $mode == run && $status -ne 0 ]]; then
        problem="failed (psql exit $status)"
    elif [[ $mode == error && ( $status -eq 0 || $(grep -c '^psql:.*ERROR:\|^ERROR:' "$work/$n.out") -eq 0 ) ]]; then
        problem="should end in an ERROR but did not"
    elif [[ $bytes -gt $max_output ]]; then
        problem="printed $bytes bytes (more than $max_output)"
    fi
    if [[ -n $problem ]]; then
        failed=$((failed + 1))
        echo "FAIL  $doc:$line $problem (${seconds} s)"
        sed 's/^/      | /' "$work/$n.sql"
        echo "      output:"
        head -c 4000 "$work/$n.out" | sed 's/^/      > /'
    else
        echo "ok    $doc:$line (${seconds} s)"
    fi
done <"$work/index"

echo "doc-test: $ran blocks run, $failed failed, $partial partial"
exit $((failed > 100 ? 100 : failed))
