#!/usr/bin/env bash
# k-NN, LDA and the linear SVM side by side with scikit-learn on the same prepared rows
# (bench/classics_sklearn.py writes them): test accuracy of both, and time: the whole SQL statement
# (recsys) against the peer's fit from an in-memory array (+ predict of the test rows for k-NN,
# which predicts at query time: the SQL side is knn_fit + recsys.batch_predict over the test rows,
# and, once, the same with recsys.predict row by row). scikit-learn runs on OpenBLAS told this
# CPU's kernel (bench_peer_env: OPENBLAS_CORETYPE, as ../shared/ANCHORS.md advises).
#
#   bash bench/classics_sklearn.sh [bank|adult]     (default bank)
#
# Needs a running server with recsys installed (PGHOST, PGPORT; e.g. scripts/pg-cluster.sh) and
# the data under RECSYS_DATA (../shared/data).
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
peer=$(bench_peer_env)
RECSYS_DATA=${RECSYS_DATA:-/work/shared/data}
dataset=${1:-bank}
prepared=$(mktemp "/tmp/classics_$dataset.XXXXXX.csv")
trap 'rm -f "$prepared"' EXIT
chmod 644 "$prepared"
# shellcheck disable=SC2086  # $peer is the command prefix `env -u ... OPENBLAS_CORETYPE=...`
sk=$(cd "$BENCH_ROOT/bench" && $peer /usr/bin/python3 classics_sklearn.py "$dataset" "$RECSYS_DATA" "$prepared")
echo "CLASSICS $dataset scikit-learn ($peer): $sk"
table=bench_classics_$dataset
psql -X -q -v ON_ERROR_STOP=1 <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS $table;
CREATE TABLE $table (id int, split text, label bool, features float8[]);
\copy $table FROM '$prepared' WITH (FORMAT csv)
ANALYZE $table;
SQL
# The best of 3 (or of $3) of each whole statement (client-side \timing), and its test accuracy.
run() {  # name, statement returning one accuracy[, runs]
    local best="" ms acc runs=${3:-3}
    for _ in $(seq "$runs"); do
        out=$(psql -X -q -At -v ON_ERROR_STOP=1 -c "SET client_min_messages = error" -c '\timing on' -c "$2")
        acc=$(echo "$out" | grep -v '^Time:' | head -1)
        ms=$(echo "$out" | grep -o 'Time: [0-9.]*' | tail -1 | cut -d' ' -f2)
        if [[ -z "$best" ]] || (( $(echo "$ms < $best" | bc) )); then best=$ms; fi
    done
    echo "CLASSICS $dataset recsys $1: test accuracy $acc; whole statement $best ms (best of $runs)"
}
# k-NN: the test table scored by the window function batch_predict (the model, computed in the
# statement, passed as a scalar subquery: a join would copy it into every row the window keeps).
knn_model="SELECT recsys.knn_fit(label::int, features, id::bigint, '{\"neighbors\": 5}') FROM $table WHERE split = 'train'"
run knn "SELECT avg(((p = 1) = label)::int)
         FROM (SELECT recsys.batch_predict(($knn_model), t.features) OVER () AS p, t.label
               FROM $table t WHERE t.split = 'test') s"
run knn_one_thread "SET recsys.threads = 1;
         SELECT avg(((p = 1) = label)::int)
         FROM (SELECT recsys.batch_predict(($knn_model), t.features) OVER () AS p, t.label
               FROM $table t WHERE t.split = 'test') s"
# ... and row by row with recsys.predict, as before batch_predict (once: a minute on adult).
run knn_predict_per_row "SELECT avg(((recsys.predict(m.model, t.features) = 1) = t.label)::int)
         FROM ($knn_model) m(model), $table t WHERE t.split = 'test'" 1
run lda "WITH m AS (SELECT recsys.lda_fit(label::text, features) AS model FROM $table WHERE split = 'train')
         SELECT avg((recsys.predict_class(m.model, t.features) = t.label::text)::int) FROM m, $table t WHERE t.split = 'test'"
run lda_fit_only "SELECT length(recsys.lda_fit(label::text, features)) FROM $table WHERE split = 'train'"
run svm "WITH m AS (SELECT recsys.svm_fit(label, features) AS model FROM $table WHERE split = 'train')
         SELECT avg(((recsys.predict(m.model, t.features) > 0) = t.label)::int) FROM m, $table t WHERE t.split = 'test'"
run svm_fit_only "SELECT length(recsys.svm_fit(label, features)) FROM $table WHERE split = 'train'"
psql -X -q -c "DROP TABLE $table"
