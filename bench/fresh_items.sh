#!/usr/bin/env bash
# bench/fresh_items.sh -- fresh videos (bench/README.md "Fresh videos"): how often a video held
# out of training entirely reaches the top 100 of the users who watched it, placed in the
# trained ALS model by its features (item_factors_fit + add_items), by popularity, or at random.
#
#   bash bench/fresh_items.sh
#
# Two data sets, each evaluated by bench/fresh_items.sql (its header defines the figures):
#   generated  3,000 users, 3,000 videos in 20 categories and 200 channels (each channel in one
#              category); each user draws 40 videos, 60% of them from a favourite category
#              (Zipf-like within it), the rest Zipf-like over the catalogue; features: one-hot category, one-hot
#              channel, log duration; 10% of the videos held out (drawn independently of the rest)
#   ml-100k    MovieLens 100K (weight 1 per rating), features: the 19 genre flags of u.item and
#              the release year; 10% of the movies held out (hash of the id), skipped with a
#              message when the data is absent ($RECSYS_DATA/ml-100k)
# ALS: {"factors": 64, "l2": 10, "alpha": 2, "iterations": 15, "seed": 0} (the MovieLens
# benchmark's); item_factors_fit: {"l2": 0.01}. Baseline draws: setseed(0.5).
#
# Server: PG* from the environment if PGHOST or PGDATABASE is set, else a throwaway cluster.
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_ROOT/bench/lib.sh"
cd "$BENCH_ROOT"

bench_header "Fresh videos: held-out items placed by features (bench/fresh_items.sql)" "bash bench/fresh_items.sh"
bench_server_start

als='{"factors": 64, "l2": 10, "alpha": 2, "iterations": 15, "seed": 0}'
mapper='{"l2": 0.01}'
run() {
    bench_psql -v als_options="$als" -v mapper_options="$mapper" -v seed=0.5 -f bench/fresh_items.sql
}

echo
echo "--- generated data with planted taste"
bench_psql -q <<'SQL'
SET client_min_messages = warning;
SELECT setseed(0.1);
DROP TABLE IF EXISTS fi_all, fi_features, fi_held, fi_videos;
-- Videos: a category, a channel of that category, a duration, and whether it is held out, drawn
-- at random (setseed above) independently of each other.
CREATE TABLE fi_videos AS
SELECT v AS item_id, c.category, c.category * 10 + floor(random() * 10)::int AS channel,
       60 + floor(random() * 3600)::int AS duration_s, random() < 0.1 AS held
  FROM generate_series(1, 3000) v, LATERAL (SELECT floor(random() * 20)::int AS category WHERE v > 0) c;
CREATE TABLE fi_features AS
SELECT item_id,
       (SELECT array_agg((c = category)::int::float8 ORDER BY c) FROM generate_series(0, 19) c) ||
       (SELECT array_agg((c = channel)::int::float8 ORDER BY c) FROM generate_series(0, 199) c) ||
       ARRAY[(ln(duration_s) - 6.5)::float8] AS features
  FROM fi_videos;
-- Watches: 60% from the user's favourite category (a Zipf-like pick within it), 40% anywhere
-- (a Zipf-like pick over the catalogue: a few videos everyone watches).
CREATE TABLE fi_all AS
WITH cats AS (SELECT category, array_agg(item_id ORDER BY item_id) AS ids FROM fi_videos GROUP BY category)
SELECT DISTINCT u AS user_id,
       CASE WHEN r.favourite THEN c.ids[1 + floor(cardinality(c.ids) * power(r.x, 2))::int] ELSE r.anywhere END AS item_id
  FROM generate_series(1, 3000) u CROSS JOIN generate_series(1, 40) j JOIN cats c ON c.category = u % 20,
       LATERAL (SELECT random() < 0.6 AS favourite, random() AS x,
                       1 + floor(3000 * power(random(), 3))::bigint AS anywhere WHERE j > 0) r;
CREATE TABLE fi_held AS SELECT item_id FROM fi_videos WHERE held;
ANALYZE fi_all, fi_features, fi_held;
SQL
run

echo
echo "--- MovieLens 100K, genres and year as features"
if ml_file=$(bench_ml_file); then
    bench_ml_load
    items=$(dirname "$ml_file")/u.item
    bench_psql -q <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS fi_all, fi_features, fi_held, fi_movies;
CREATE TABLE fi_movies (item_id bigint, title text, released text, video text, url text,
                        g0 int, g1 int, g2 int, g3 int, g4 int, g5 int, g6 int, g7 int, g8 int, g9 int,
                        g10 int, g11 int, g12 int, g13 int, g14 int, g15 int, g16 int, g17 int, g18 int);
\copy fi_movies FROM '$items' WITH (FORMAT csv, DELIMITER '|', QUOTE E'\x01', ENCODING 'LATIN1')
CREATE TABLE fi_features AS
SELECT item_id,
       ARRAY[g0, g1, g2, g3, g4, g5, g6, g7, g8, g9, g10, g11, g12, g13, g14, g15, g16, g17, g18]::float8[] ||
       ARRAY[coalesce((nullif(right(released, 4), '')::int - 1990) / 10.0, 0)]::float8[] AS features
  FROM fi_movies;
CREATE TABLE fi_all AS SELECT DISTINCT user_id, item_id FROM ml;
CREATE TABLE fi_held AS SELECT item_id FROM fi_movies WHERE (item_id * 2654435761) % 1000 < 100;
ANALYZE fi_all, fi_features, fi_held;
SQL
    run
fi
