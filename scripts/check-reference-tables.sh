#!/usr/bin/env bash
# The README's reference tables must be what the installed extension says of itself:
#   "### Functions"             every function, aggregate, view and table of schema recsys, with
#                               its arguments and its COMMENT (pg_catalog);
#   "### Options of every kind" recsys.options(): every option of every kind, its default and meaning.
# A function or option added, renamed or removed, a changed default or comment, fails here until
# the README says the same. scripts/test.sh runs it against the test database after pg_regress.
#
#   bash scripts/check-reference-tables.sh [database]                        check both (default contrib_regression)
#   bash scripts/check-reference-tables.sh --print functions|options [database]   print one, to paste
#
# Connects with psql and the PG* environment, to a database with the extension installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

print=
if [[ "${1:-}" == --print ]]; then print=${2:?--print takes functions or options}; shift 2; fi
db=${1:-contrib_regression}

# Each query gives the table's rows; in a text cell a | is escaped so that it stays in its cell,
# and a < so that Markdown does not read <missing> as a tag.
declare -A heading query
heading[options]='### Options of every kind'
query[options]=$(cat <<'SQL'
SELECT '| kind | option | default | meaning |' UNION ALL SELECT '|---|---|---|---|'
UNION ALL
SELECT format('| %s | `%s` | `%s` | %s |', kind, option, coalesce(default_value, 'null'),
              replace(replace(description, '|', '\|'), '<', '&lt;'))
FROM recsys.options();
SQL
)
heading[functions]='### Functions'
query[functions]=$(cat <<'SQL'
WITH objects AS (
    SELECT p.proname AS name, CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'function' END AS kind,
           pg_get_function_identity_arguments(p.oid) AS arguments, pg_get_function_result(p.oid) AS result,
           obj_description(p.oid, 'pg_proc') AS description
    FROM pg_proc p WHERE p.pronamespace = 'recsys'::regnamespace
    UNION ALL
    SELECT c.relname, CASE c.relkind WHEN 'v' THEN 'view' ELSE 'table' END,
           (SELECT string_agg(a.attname, ', ' ORDER BY a.attnum) FROM pg_attribute a
            WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), NULL,
           obj_description(c.oid, 'pg_class')
    FROM pg_class c WHERE c.relnamespace = 'recsys'::regnamespace AND c.relkind IN ('r', 'v')
)
SELECT '| name | kind | forms | returns | what it does |' UNION ALL SELECT '|---|---|---|---|---|'
UNION ALL
SELECT format('| `%s` | %s | %s | %s | %s |', name, kind,
              string_agg(format('`(%s)`', arguments), '<br>' ORDER BY arguments),
              coalesce(format('`%s`', (array_agg(result ORDER BY arguments))[1]), ''),
              replace(replace((array_agg(description ORDER BY arguments))[1], '|', '\|'), '<', '&lt;'))
FROM (SELECT * FROM objects ORDER BY name, kind) o
GROUP BY name, kind;
SQL
)

table_of() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "${query[$1]}"; }

if [[ -n $print ]]; then
    [[ -n "${query[$print]:-}" ]] || { echo "--print takes functions or options" >&2; exit 2; }
    table_of "$print"
    exit 0
fi

status=0
for table in functions options; do
    expected=$(table_of "$table")
    # The README's table: the lines starting with | after the section's heading, up to the next heading.
    readme=$(awk -v h="${heading[$table]}" '$0 == h { inside = 1; next } /^#/ { inside = 0 } inside && /^\|/' README.md)
    if [[ -z "$readme" ]]; then
        echo "FAILED: README.md has no table under \"${heading[$table]}\"" >&2
        status=1
    elif ! difference=$(diff <(printf '%s\n' "$readme") <(printf '%s\n' "$expected")); then
        echo "FAILED: README.md's \"${heading[$table]}\" differs from the extension's (< README, > extension):" >&2
        printf '%s\n' "$difference" >&2
        echo "print the table with: bash scripts/check-reference-tables.sh --print $table $db" >&2
        status=1
    else
        echo "ok: README.md's \"${heading[$table]}\" is the extension's ($(($(wc -l <<<"$expected") - 2)) rows)"
    fi
done
exit $status
