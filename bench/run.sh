#!/usr/bin/env bash
# bench/run.sh -- the recsys benchmarks (bench/README.md says what each one measures).
#
#   bash bench/run.sh                  everything (~10 min on 2 cores)
#   bash bench/run.sh latency          one part (or several: bench/run.sh peak speed)
#
# Parts:
#   peak     dense float GEMM with Eigen, 1 thread and all cores (build-bench/gemm_peak_bench),
#            and numpy/OpenBLAS for reference when /usr/bin/python3 has numpy
#   latency  recsys.recommend(name, user, 100) round trips from a libpq client, 1 and 8 clients
#            (build-bench/serve_latency), on the model of bench/serving_setup.sql
#   twostage the two-stage recommendation: 500 candidates of that model ranked by a ranker, the
#            top 100, from a libpq client (build-bench/serve_latency --query), as the README's
#            plain query and as a SQL function, on the tables of bench/two_stage_setup.sql;
#            RECSYS_BENCH_RANKER (default "bench_two_stage_ranker bench_two_stage_mlp": logreg and
#            the MLP) names the rankers
#   speed    als_fit: aggregation time and seconds per ALS iteration at 64 factors with
#            recsys.threads = 1 and 2 (bench/train_speed.sql) on MovieLens 100K and on generated
#            data of 1M and 10M interactions
#   quality  MovieLens 100K P@10, R@10, NDCG@10, MAP@10 (bench/movielens.sh)
#   logreg   logreg_fit against scikit-learn's LogisticRegression(C=1) on UCI Bank Marketing and
#            UCI Adult: test log loss and fit time of both (bench/logreg_sklearn.sh bank|adult)
#   trees    gbt_fit against xgboost.train (same library, same parameters) and forest_fit against
#            scikit-learn's RandomForest* on House Prices, Bank Marketing and Adult: test metric and
#            time of both (bench/trees_xgboost.sh house|bank|adult)
#   classics knn_fit, lda_fit and svm_fit against scikit-learn's KNeighbors*, LinearDiscriminantAnalysis
#            and LinearSVC on Bank Marketing and Adult (bench/classics_sklearn.sh bank|adult)
#   survival coxph_fit against statsmodels PHReg and kaplan_meier against SurvfuncRight on 100,000
#            generated lifetimes x 10 features (bench/survival_statsmodels.sh)
#   cv       5-fold cross_validate of logreg against scikit-learn's cross_val_score on Bank
#            Marketing (bench/cross_validate.sh)
#   predict  recsys.predict over 1M rows x 50 features next to reading the rows, and logreg_fit's and linreg_fit's
#            throughput on them (bench/predict_speed.sql)
#   ols      linreg_fit against statsmodels OLS on Kaggle House Prices: coefficients, standard
#            errors and statistics of both, fit time of both (bench/ols_statsmodels.sh)
#   mlp      mlp_fit against scikit-learn's MLPClassifier, the same network: test AUC and seconds
#            per epoch on UCI Bank Marketing, rows/s on 1M generated rows (bench/mlp_sklearn.sh)
#   featurize_house   the featurizer's imputers against scikit-learn's on House Prices with GrLivArea
#            hidden in 20 % of rows: RMSE on the hidden values, test RMSE of a ridge price model
#            (bench/featurize_house.sh)
#   featurize_bank    one-hot / target / hash encodings under logistic regression on Bank Marketing,
#            and target / hash / frequency on a generated 100,000-id column, against scikit-learn
#            (bench/featurize_bank.sh)
#   featurize_speed   featurizer_fit and transform rows/s on 1M generated rows x 20 columns next to
#            building to_jsonb(row) (bench/featurize_speed.sh)
#   featurize_zillow  100,000 generated listings, 20 % missing sqft (not at random): price model
#            test RMSE with each imputer, recsys and scikit-learn (bench/featurize_zillow.sh)
#   featurize         the four featurize_* parts
#   explore  exploration against exploitation on generated data with planted video quality: click
#            rate, regret, catalogue coverage and fresh videos shown per page policy of
#            recsys.explore (bench/explore_sim.sh)
#   warm_start  ALS retraining warm-started from the serving model against cold, on MovieLens 100K
#            and 1M generated rows: fit time and NDCG@10 (bench/warm_start.sh)
#   itemknn  item neighbours (itemknn_fit) on MovieLens 100K (quality, every similarity) and their fit
#            on the generated 1M set (bench/itemknn.sh); with IMPLICIT_PEER set, implicit beside them
#   bpr      bpr_fit on MovieLens 100K and 10 epochs on the generated 1M set (bench/bpr.sh)
#   cooccurrence  co-occurrence embeddings on MovieLens 100K (bench/cooccurrence.sh)
#   fresh_items   new videos placed by item_factors_fit + add_items (bench/fresh_items.sh)
#   candidates    every candidate generator side by side on MovieLens 100K (bench/candidates.sh);
#            IMPLICIT_PEER=DIR (bench/implicit_build.sh's folder) adds implicit's in the same run
#   one_query  the README's evaluation in one statement (split, train, score with the model a value
#            computed inside the query) against the model stored first, on 20,000 generated users
#            (bench/one_query_eval.sh)
#   soak     not in the default set (10 minutes): 8 libpq clients issue the two-stage query while
#            a new candidate model is saved every minute: p50/p99/p99.9, errors, version switches,
#            backend memory (bench/soak.sh; SOAK_SECONDS for a shorter run)
#   cancel   how long an als_fit statement takes to end after pg_cancel_backend, cancelled at
#            several moments of a training on 1M interactions (bench/cancel_latency.sql)
#
# What it does first: builds the bench programs with CMake (-DRECSYS_NATIVE=ON, Release) into
# build-bench/, and (for the parts that need a server) builds and installs the extension with
# `make && make install` when the installed files differ from the tree's (RECSYS_MAKE_FLAGS are
# passed to make, e.g. RECSYS_MAKE_FLAGS="NATIVE=1"; RECSYS_BENCH_NO_INSTALL=1 skips this step and
# benchmarks whatever is installed).
# Server: PG* from the environment if PGHOST or PGDATABASE is set (the extension is created there
# if missing; tables bench_views, speed_*, ml and the model 'bench_serving' are left there for the
# next run), else a throwaway cluster under /tmp started with scripts/pg-cluster.sh.
# Environment: RECSYS_DATA (default /work/shared/data) holds ml-100k/; RECSYS_BENCH_REBUILD=1
# regenerates the serving model; RECSYS_BENCH_SPEED_SETS (default "ml 1m 10m") picks the speed
# data sets; RECSYS_BENCH_CALLS (default 2000) calls per latency client.
# Output is also written to build-bench/results/run-<date>.log.
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
cd "$BENCH_ROOT"

usage() { sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-2}"; }

parts=()
featurize_parts=(featurize_house featurize_bank featurize_speed featurize_zillow)
for a in "$@"; do
    case "$a" in
        all) parts+=(peak latency twostage speed quality cancel logreg trees classics survival cv predict ols mlp "${featurize_parts[@]}") ;;
        featurize) parts+=("${featurize_parts[@]}") ;;
        peak | latency | twostage | speed | quality | cancel | logreg | trees | classics | survival | cv | predict | ols | mlp | featurize_house | featurize_bank | featurize_speed | featurize_zillow | explore | warm_start | one_query | itemknn | bpr | cooccurrence | fresh_items | candidates | soak) parts+=("$a") ;;
        -h | --help) usage 0 ;;
        *) echo "bench/run.sh: unknown part '$a' (peak, latency, twostage, speed, quality, cancel, logreg, trees, classics, survival, cv, predict, ols, mlp, featurize, ${featurize_parts[*]}, explore, warm_start, one_query, itemknn, bpr, cooccurrence, fresh_items, candidates, soak, all)" >&2; usage ;;
    esac
done
((${#parts[@]})) || parts=(peak latency twostage speed quality cancel logreg trees classics survival cv predict ols mlp "${featurize_parts[@]}" explore warm_start one_query itemknn bpr cooccurrence fresh_items candidates)
want() { local p; for p in "${parts[@]}"; do [[ $p == "$1" ]] && return 0; done; return 1; }

BUILD=$BENCH_ROOT/build-bench
mkdir -p "$BUILD/results"
LOG=$BUILD/results/run-$(date +%Y%m%d-%H%M%S).log
exec > >(tee -a "$LOG") 2>&1
SUMMARY=$BUILD/results/.summary.$$
: >"$SUMMARY"
BENCH_TMP_FILES+=("$SUMMARY")
started=$SECONDS
CMD="bash bench/run.sh ${*:-}"
CMD=${CMD% }

say() { printf '\n--- %s\n' "$*"; }

# ------------------------------------------------------------------ builds
build_bench() {
    local targets=("$@") blog=$BUILD/bench-build.log
    say "build ${targets[*]} (cmake -DRECSYS_NATIVE=ON -DCMAKE_BUILD_TYPE=Release, log $blog)"
    if ! { cmake -S "$BENCH_ROOT" -B "$BUILD" -DRECSYS_NATIVE=ON -DCMAKE_BUILD_TYPE=Release &&
           cmake --build "$BUILD" --target "${targets[@]}" -j "$(nproc)"; } >"$blog" 2>&1; then
        grep -E 'error|Error|CMake Error' "$blog" | head -n 30 >&2 || tail -n 30 "$blog" >&2
        echo "bench/run.sh: building ${targets[*]} failed (see $blog)" >&2
        return 1
    fi
    local t
    for t in "${targets[@]}"; do
        if [[ ! -x "$BUILD/$t" ]]; then
            echo "bench/run.sh: $BUILD/$t was not built" >&2
            [[ $t == serve_latency ]] &&
                echo "  (CMakeLists.txt builds it only when find_package(PostgreSQL) succeeds: install libpq-dev)" >&2
            return 1
        fi
    done
}

ensure_extension() {
    if [[ "${RECSYS_BENCH_NO_INSTALL:-0}" == 1 ]]; then
        say "extension: not building (RECSYS_BENCH_NO_INSTALL=1), using what is installed"
        return 0
    fi
    say "extension: make ${RECSYS_MAKE_FLAGS:-} (log $BUILD/extension-build.log)"
    # shellcheck disable=SC2086  # RECSYS_MAKE_FLAGS is a list of make arguments
    if ! make -j "$(nproc)" ${RECSYS_MAKE_FLAGS:-} >"$BUILD/extension-build.log" 2>&1; then
        grep -E 'error' "$BUILD/extension-build.log" | head -n 30 >&2 || tail -n 30 "$BUILD/extension-build.log" >&2
        echo "bench/run.sh: building the extension failed" >&2
        return 1
    fi
    local libdir extdir f stale=0
    libdir=$(pg_config --pkglibdir)
    extdir=$(pg_config --sharedir)/extension
    cmp -s recsys.so "$libdir/recsys.so" || stale=1
    for f in recsys.control recsys--*.sql; do cmp -s "$f" "$extdir/$f" || stale=1; done
    if ((stale)); then
        # shellcheck disable=SC2086
        make ${RECSYS_MAKE_FLAGS:-} install >>"$BUILD/extension-build.log" 2>&1 ||
            { echo "bench/run.sh: make install failed (see $BUILD/extension-build.log)" >&2; return 1; }
        echo "installed the tree's build into $libdir"
    else
        echo "the installed extension is the tree's build"
    fi
}

# ------------------------------------------------------------------ parts
part_peak() {
    bench_header "peak: dense float GEMM" "$CMD  (build-bench/gemm_peak_bench --n 4096 --reps 3)"
    "$BUILD/gemm_peak_bench" --n 4096 --reps 3 | tee "$BUILD/results/.peak"
    sed -n 's/^RESULT threads=\([0-9]*\) gflops=\(.*\)/peak   Eigen sgemm 4096^3, \1 thread(s): \2 GFLOP\/s/p' \
        "$BUILD/results/.peak" >>"$SUMMARY"
    rm -f "$BUILD/results/.peak"
    if [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
        local core=""
        grep -qw avx512f /proc/cpuinfo && core=SkylakeX
        [[ -z $core ]] && grep -qw avx2 /proc/cpuinfo && core=Haswell
        echo "reference: numpy/OpenBLAS (bench/openblas_sgemm.py), kernel named for this command only"
        local t
        for t in 1 "$(nproc)"; do
            OPENBLAS_CORETYPE=$core OPENBLAS_NUM_THREADS=$t /usr/bin/python3 bench/openblas_sgemm.py 4096 |
                tee -a "$SUMMARY"
            [[ $t == 1 && $(nproc) == 1 ]] && break
        done
        sed -i 's/^  numpy/peak   numpy/' "$SUMMARY"
    else
        echo "reference: numpy not available for /usr/bin/python3, OpenBLAS peak not measured"
    fi
}

part_latency() {
    local calls=${RECSYS_BENCH_CALLS:-2000}
    bench_header "latency: recsys.recommend('bench_serving', user, 100) from libpq clients" \
        "$CMD  (build-bench/serve_latency --model bench_serving --calls $calls --clients 1|8 --k 100)"
    local have
    have=$(bench_psql -Atc "SELECT count(*) FROM recsys.models WHERE name = 'bench_serving'")
    if [[ "$have" == 0 || "${RECSYS_BENCH_REBUILD:-0}" == 1 ]]; then
        echo "creating the model: psql -f bench/serving_setup.sql"
        local t0=$SECONDS
        bench_psql -q -f bench/serving_setup.sql
        echo "serving_setup.sql took $((SECONDS - t0)) s"
    else
        echo "model 'bench_serving' exists (RECSYS_BENCH_REBUILD=1 to regenerate it)"
    fi
    bench_psql -P footer=off -c "SELECT id, created_at::timestamp(0),
               recsys.model_info(model)->'metadata'->'dimensions' AS dimensions,
               recsys.model_info(model)->'metadata'->'training'->'interactions' AS interactions,
               pg_size_pretty(pg_column_size(model)::bigint) AS size
        FROM recsys.models WHERE name = 'bench_serving' ORDER BY created_at DESC, id DESC LIMIT 1"
    local clients out
    for clients in 1 8; do
        out=$("$BUILD/serve_latency" --model bench_serving --calls "$calls" --clients "$clients" --k 100)
        printf '%s\n' "$out"
        sed -n 's/^RESULT /latency /p' <<<"$out" >>"$SUMMARY"
    done
}

# The two-stage query (README "Two-stage recommendation") on bench_serving's catalogue: made by
# bench/serving_setup.sql and bench/two_stage_setup.sql when missing (or RECSYS_BENCH_REBUILD=1).
part_twostage() {
    local calls=${RECSYS_BENCH_CALLS:-2000} rankers=${RECSYS_BENCH_RANKER:-bench_two_stage_ranker bench_two_stage_mlp}
    local have out form sql label ranker
    bench_header "twostage: 500 candidates of bench_serving ranked by each of: $rankers; the top 100, from a libpq client" \
        "$CMD  (build-bench/serve_latency --model bench_serving --calls $calls --clients 1 --query SQL)"
    have=$(bench_psql -Atc "SELECT count(*) FROM recsys.models WHERE name = 'bench_serving' AND to_regclass('bench_views') IS NOT NULL")
    if [[ "$have" == 0 || "${RECSYS_BENCH_REBUILD:-0}" == 1 ]]; then
        echo "creating the candidate model: psql -f bench/serving_setup.sql"
        bench_psql -q -f bench/serving_setup.sql
        have=0
    else
        have=$(bench_psql -Atc "SELECT count(DISTINCT name) = 2 FROM recsys.models WHERE name IN ('bench_two_stage_ranker', 'bench_two_stage_mlp')
                                AND to_regclass('bench_user_features') IS NOT NULL
                                AND to_regprocedure('bench_recommend_ranked(bigint, int, text, int)') IS NOT NULL")
    fi
    if [[ "$have" == 0 || "$have" == f ]]; then
        echo "creating the features and the rankers: psql -f bench/two_stage_setup.sql"
        local t0=$SECONDS
        bench_psql -q -f bench/two_stage_setup.sql
        echo "two_stage_setup.sql took $((SECONDS - t0)) s"
    else
        echo "features and ranker exist (RECSYS_BENCH_REBUILD=1 to regenerate them)"
    fi
    bench_psql -P footer=off -c "SELECT name, kind, id, created_at::timestamp(0),
               recsys.model_info(model)->'metadata'->'dimensions' AS dimensions
        FROM recsys.models m WHERE name = 'bench_serving' OR name = ANY (string_to_array('$rankers', ' '))
         AND id = (SELECT id FROM recsys.models n WHERE n.name = m.name ORDER BY created_at DESC, id DESC LIMIT 1)
        ORDER BY name"
    # recommend: the candidate stage alone (top 100, no features, no ranker) at the same moment, the
    # yardstick for what the second stage adds on a machine that others share
    local runs=(recommend:)
    for ranker in $rankers; do runs+=("query:$ranker" "function:$ranker"); done
    for run in "${runs[@]}"; do
        form=${run%%:*} ranker=${run#*:}
        if [[ $form == recommend ]]; then
            sql="SELECT item_id, score, rank FROM recsys.recommend('bench_serving', \$1, 100)"
        elif [[ $form == query ]]; then
            sql="SELECT c.item_id,
       recsys.predict('$ranker', bench_ranker_features((uf.category_share ->> v.category)::float8, v.duration_s,
                      v.uploaded_at, vs.views, c.score, c.rank, now())) AS p_watch
FROM recsys.recommend('bench_serving', \$1, 500) c
JOIN bench_videos v ON v.item_id = c.item_id
LEFT JOIN bench_video_stats vs ON vs.item_id = c.item_id
LEFT JOIN bench_user_features uf ON uf.user_id = \$1
ORDER BY p_watch DESC, c.rank
LIMIT 100"
        else
            sql="SELECT item_id, p_watch, rank FROM bench_recommend_ranked(\$1, 100, '$ranker', 500)"
        fi
        out=$("$BUILD/serve_latency" --model bench_serving --calls "$calls" --clients 1 --query "$sql")
        printf '%s\n' "$out"
        label="twostage $form"
        [[ $form == recommend ]] || label+=" ranker=$ranker"
        sed -n "s/^RESULT /$label /p" <<<"$out" >>"$SUMMARY"
    done
}

# Reads train_speed.sql output: "RUN label" lines, the per-iteration NOTICEs and the SPEED lines;
# prints the steady per-iteration time, (t_last - t_first) / (n - 1) from the NOTICEs, and its GFLOP/s.
speed_steady() {
    local set=$1
    awk -v set="$set" '
        /^RUN / { label = $2 }
        /als_fit iteration [0-9]+:/ {
            for (i = 1; i <= NF; i++) if ($i == "iteration") it = $(i + 1) + 0
            t = $(NF - 1) + 0
            if (it == 1) first[label] = t
            last[label] = t; n[label] = it
        }
        /^ *SPEED / {
            sub(/^ */, "")
            delete kv
            for (i = 3; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
            lab = $2
            if (lab !~ /^als_/) next
            f = kv["factors"]; work = 4 * (2 * f * f * (kv["users"] + kv["items"]) + 8 * f * kv["nnz"]) / 1e9
            per_setup = kv["training_s"] / kv["iterations"]
            steady = (n[lab] > 1) ? (last[lab] - first[lab]) / (n[lab] - 1) : per_setup
            setup = first[lab] - steady
            printf "speed  %-4s recsys.threads=%s  %d users, %d items, nnz %d: %.3f s/iter steady (%.1f GFLOP/s), %.3f s/iter incl. setup, setup %.1f s, statement %.1f s\n",
                set, kv["threads"], kv["users"], kv["items"], kv["nnz"], steady, work / steady, per_setup,
                setup, kv["statement_s"]
        }'
}

speed_aggregation() {
    local set=$1
    awk -v set="$set" '/^ *SPEED aggregate_/ {
            sub(/^ */, ""); delete kv
            for (i = 3; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
            printf "speed  %-4s %-18s rows -> model: statement %.2f s - training %.2f s = aggregation %.2f s\n",
                set, $2, kv["statement_s"], kv["training_s"], kv["statement_s"] - kv["training_s"]
        }'
}

part_speed() {
    local sets=${RECSYS_BENCH_SPEED_SETS:-ml 1m 10m} set out
    bench_header "speed: recsys.als_fit training time" "$CMD  (psql -f bench/train_speed.sql, sets: $sets)"
    for set in $sets; do
        case $set in
            ml)
                say "MovieLens 100K: psql -v data=movielens -f bench/train_speed.sql"
                if ! bench_ml_load; then continue; fi
                out=$(bench_psql -q -v data=movielens -f bench/train_speed.sql 2>&1) ||
                    { printf '%s\n' "$out"; return 1; }
                printf '%s\n' "$out" | grep -v '^RUN '
                sed -n 's/^ *SPEED ml threads=\([0-9]*\) s_per_iter=\([0-9.]*\) s_per_iter_incl_setup=\([0-9.]*\)/speed  ml   recsys.threads=\1  ML-100K training split: \2 s\/iter steady, \3 s\/iter incl. setup/p' \
                    <<<"$out" >>"$SUMMARY"
                ;;
            1m | 10m)
                local rows users items
                if [[ $set == 1m ]]; then rows=1000000 users=100000 items=20000; else rows=10000000 users=1000000 items=100000; fi
                say "generated $set: psql -v rows=$rows -v users=$users -v items=$items -v iterations=5 -f bench/train_speed.sql"
                out=$(bench_psql -q -v rows=$rows -v users=$users -v items=$items -v iterations=5 \
                          -f bench/train_speed.sql 2>&1) || { printf '%s\n' "$out"; return 1; }
                printf '%s\n' "$out" | sed 's/^psql:[^ ]*: NOTICE:/NOTICE:/'
                echo
                echo "steady per-iteration time from the progress NOTICEs, (t_last - t_1) / (iterations - 1):"
                speed_aggregation "$set" <<<"$out" | tee -a "$SUMMARY"
                speed_steady "$set" <<<"$out" | tee -a "$SUMMARY"
                ;;
            *) echo "bench/run.sh: unknown speed set '$set' (ml, 1m, 10m)" >&2; return 1 ;;
        esac
    done
}

part_quality() {
    local out
    out=$(bash bench/movielens.sh) || { printf '%s\n' "$out"; return 1; }
    printf '%s\n' "$out"
    sed -n 's/^QUALITY /quality /p' <<<"$out" >>"$SUMMARY"
}

part_cancel() {
    local out
    bench_header "cancel: how long a training takes to stop after pg_cancel_backend" \
        "$CMD  (psql -f bench/cancel_latency.sql)"
    out=$(bench_psql -q -f bench/cancel_latency.sql 2>&1) || { printf '%s\n' "$out"; return 1; }
    printf '%s\n' "$out" | grep '^CANCEL'
    sed -n 's/^CANCEL summary: /cancel /p' <<<"$out" >>"$SUMMARY"
}

part_logreg() {
    local dataset
    for dataset in bank adult; do part_peer LOGREG bench/logreg_sklearn.sh "$dataset" || return 1; done
}

# A side-by-side script of bench/ (its own header; its lines starting with TAG go to the summary).
part_peer() {
    local tag=$1 out
    shift
    out=$(bash "$@" 2>&1) || { printf '%s\n' "$out"; return 1; }
    printf '%s\n' "$out"
    sed -n "s/^$tag /${tag,,} /p" <<<"$out" >>"$SUMMARY"
}

part_predict() {
    local out
    bench_header "predict: scoring 1M rows, and logreg_fit and linreg_fit throughput" "$CMD  (psql -f bench/predict_speed.sql)"
    out=$(bench_psql -q -f bench/predict_speed.sql 2>&1) || { printf '%s\n' "$out"; return 1; }
    printf '%s\n' "$out" | grep '^PREDICT'
    sed -n 's/^PREDICT /predict /p' <<<"$out" >>"$SUMMARY"
}

# ------------------------------------------------------------------ main
echo "bench/run.sh: parts ${parts[*]}; log $LOG"
targets=()
want peak && targets+=(gemm_peak_bench)
{ want latency || want twostage; } && targets+=(serve_latency)
((${#targets[@]} == 0)) || build_bench "${targets[@]}"

needs_server=0
for p in latency twostage speed quality cancel logreg trees classics survival cv predict ols mlp "${featurize_parts[@]}" explore warm_start one_query itemknn bpr cooccurrence fresh_items candidates soak; do want "$p" && needs_server=1; done
if ((needs_server)); then
    ensure_extension
    say "server"
    bench_server_start
fi

want peak && part_peak
want latency && part_latency
want twostage && part_twostage
want speed && part_speed
want quality && part_quality
want cancel && part_cancel
want logreg && part_logreg
want trees && for d in house bank adult; do part_peer TREES bench/trees_xgboost.sh "$d"; done
want classics && for d in bank adult; do part_peer CLASSICS bench/classics_sklearn.sh "$d"; done
want survival && part_peer SURVIVAL bench/survival_statsmodels.sh
want cv && part_peer CROSS_VALIDATE bench/cross_validate.sh
want predict && part_predict
want ols && part_peer OLS bench/ols_statsmodels.sh
want mlp && part_peer MLP bench/mlp_sklearn.sh
want featurize_house && part_peer FEATURIZE bench/featurize_house.sh
want featurize_bank && part_peer FEATURIZE bench/featurize_bank.sh
want featurize_speed && part_peer FEATURIZE bench/featurize_speed.sh
want featurize_zillow && part_peer FEATURIZE bench/featurize_zillow.sh
want explore && part_peer EXPLORE bench/explore_sim.sh
want warm_start && part_peer WARM bench/warm_start.sh
want one_query && part_peer ONE_QUERY bench/one_query_eval.sh
want itemknn && part_peer SPEED bench/itemknn.sh
want bpr && part_peer FIT bench/bpr.sh
want cooccurrence && part_peer QUALITY bench/cooccurrence.sh
want fresh_items && part_peer FRESH bench/fresh_items.sh
want candidates && part_peer CANDIDATES bench/candidates.sh
want soak && part_peer RESULT bench/soak.sh

# The share of the dense GEMM peak of this run (OpenBLAS, else Eigen, all cores) reached by the
# all-cores ALS runs of each generated set: best and median of the runs.
peak_share() {
    awk '
        /^peak .*OpenBLAS.* thread\(s\):/ { if ($0 !~ / 1 thread/) { openblas = $(NF - 1) } }
        /^peak .*Eigen.* thread\(s\):/ { if ($0 !~ / 1 thread/) { eigen = $(NF - 1) } }
        /^speed .*recsys.threads=[2-9].*GFLOP\/s\)/ {
            set = $2; n[set]++
            for (i = 2; i < NF; i++) {
                if ($i == "s/iter" && $(i + 1) == "steady") sec[set, n[set]] = $(i - 1) + 0
                if ($(i + 1) ~ /^GFLOP\/s\)/) { v = $i; sub(/^\(/, "", v); gf[set, n[set]] = v + 0 }
            }
        }
        END {
            peak = openblas ? openblas : eigen; name = openblas ? "OpenBLAS" : "Eigen"
            if (!peak) exit
            for (set in n) {
                if (set == "ml") continue
                k = n[set]
                for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
                    if (gf[set, j] > gf[set, i] || (gf[set, j] == gf[set, i] && sec[set, j] < sec[set, i])) {
                        x = gf[set, i]; gf[set, i] = gf[set, j]; gf[set, j] = x
                        x = sec[set, i]; sec[set, i] = sec[set, j]; sec[set, j] = x
                    }
                m = int((k + 1) / 2)
                printf "share  %-4s all cores, %d run(s): best %.3f s/iter = %.1f GFLOP/s = %.1f%% of the %s peak (%.1f); median %.3f s/iter = %.1f%%\n",
                    set, k, sec[set, 1], gf[set, 1], 100 * gf[set, 1] / peak, name, peak, sec[set, m], 100 * gf[set, m] / peak
            }
        }' "$SUMMARY"
}

bench_header "summary" "$CMD"
echo "extension: $(bench_extension_build)"
cat "$SUMMARY"
peak_share
echo "total $((SECONDS - started)) s; log $LOG"
