#!/usr/bin/env bash
# The README's table "Options of every kind" must be what recsys.options()
# lists: the options the kinds' schemas accept, with their defaults and
# meanings. A renamed, added or removed option, a changed default or meaning,
# fails here until the README says the same. scripts/test.sh runs it against
# the test database after pg_regress.
#
#   bash scripts/check-options-table.sh [database]          check (default contrib_regression)
#   bash scripts/check-options-table.sh --print [database]  print the table to paste into README.md
#
# Connects with psql and the PG* environment, to a database with the extension installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

print=false
if [[ "${1:-}" == --print ]]; then print=true; shift; fi
db=${1:-contrib_regression}

# One Markdown row per option, in the order recsys.options() lists them; a |
# in a meaning is escaped so that it stays in its cell, a < so that
# "<missing>" is not taken for an HTML tag.
rows=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
SELECT format('| %s | `%s` | `%s` | %s |', kind, option, coalesce(default_value, 'null'),
              replace(replace(description, '|', '\|'), '<', '&lt;'))
FROM recsys.options();
SQL
)
table=$(printf '%s\n%s\n%s' '| kind | option | default | meaning |' '|---|---|---|---|' "$rows")
if $print; then
    printf '%s\n' "$table"
    exit 0
fi

# The README's table: the lines starting with | after the section's heading, up to the next heading.
readme=$(awk '/^### Options of every kind/ { inside = 1; next } /^#/ { inside = 0 } inside && /^\|/' README.md)
if [[ -z "$readme" ]]; then
    echo "FAILED: README.md has no table under \"### Options of every kind\"" >&2
    exit 1
fi
if ! difference=$(diff <(printf '%s\n' "$readme") <(printf '%s\n' "$table")); then
    echo "FAILED: README.md's \"Options of every kind\" differs from recsys.options() (< README, > recsys.options()):" >&2
    printf '%s\n' "$difference" >&2
    echo "print the table with: bash scripts/check-options-table.sh --print $db" >&2
    exit 1
fi
echo "ok: README.md's option table is recsys.options() ($(($(wc -l <<<"$table") - 2)) options)"
