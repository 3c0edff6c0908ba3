#!/usr/bin/env bash
# k-NN, LDA and the linear SVM side by side with scikit-learn on the same prepared rows
# (bench/classics_sklearn.py writes them): test accuracy of both, and time: the whole SQL statement
# (recsys) against the peer's fit from an in-memory array (+ predict of the test rows for k-NN,
# which predicts at query time: the SQL side is knn_fit + predict of every test row).
#
#   bash bench/classics_sklearn.sh [bank|adult]     (default bank)
#
# Needs a running server with recsys installed (PGHOST, PGPORT; e.g. scripts/pg-cluster.sh) and
# the data under RECSYS_DATA (../shared/data).
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RECSYS_DATA=${RECSYS_DATA:-/work/shared/data}
dataset=${1:-bank}
prepared=$(mktemp "/tmp/classics_$dataset.XXXXXX.csv")
trap 'rm -f "$prepared"' EXIT
chmod 644 "$prepared"
sk=$(cd "$BENCH_ROOT/bench" && /usr/bin/python3 classics_sklearn.py "$dataset" "$RECSYS_DATA" "$prepared")
echo "CLASSICS $dataset scikit-learn: $sk"
table=bench_classics_$dataset
psql -X -q -v ON_ERROR_STOP=1 <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS $table;
CREATE TABLE $table (id int, split text, label bool, features float8[]);
\copy $table FROM '$prepared' WITH (FORMAT csv)
ANALYZE $table;
SQL
# The best of 3 of each whole statement (client-side \timing), and its test accuracy.
run() {  # name, statement returning one accuracy
    local best="" ms acc
    for _ in 1 2 3; do
        out=$(psql -X -q -At -v ON_ERROR_STOP=1 -c "SET client_min_messages = error" -c '\timing on' -c "$2")
        acc=$(echo "$out" | grep -v '^Time:' | head -1)
        ms=$(echo "$out" | grep -o 'Time: [0-9.]*' | tail -1 | cut -d' ' -f2)
        if [[ -z "$best" ]] || (( $(echo "$ms < $best" | bc) )); then best=$ms; fi
    done
    echo "CLASSICS $dataset recsys $1: test accuracy $acc; whole statement $best ms (best of 3)"
}
run knn "SELECT avg(((recsys.predict(m.model, t.features) = 1) = t.label)::int)
         FROM (SELECT recsys.knn_fit(label::int, features, id::bigint, '{\"neighbors\": 5}') AS model
               FROM $table WHERE split = 'train') m, $table t WHERE t.split = 'test'"
run lda "WITH m AS (SELECT recsys.lda_fit(label::text, features) AS model FROM $table WHERE split = 'train')
         SELECT avg((recsys.predict_class(m.model, t.features) = t.label::text)::int) FROM m, $table t WHERE t.split = 'test'"
run lda_fit_only "SELECT length(recsys.lda_fit(label::text, features)) FROM $table WHERE split = 'train'"
run svm "WITH m AS (SELECT recsys.svm_fit(label, features) AS model FROM $table WHERE split = 'train')
         SELECT avg(((recsys.predict(m.model, t.features) > 0) = t.label)::int) FROM m, $table t WHERE t.split = 'test'"
run svm_fit_only "SELECT length(recsys.svm_fit(label, features)) FROM $table WHERE split = 'train'"
psql -X -q -c "DROP TABLE $table"
