-- Training speed of recsys.als_fit (see bench/README.md). Driven by bench/run.sh speed.
--
--   psql -X -v ON_ERROR_STOP=1 -f bench/train_speed.sql                 generated data (default 10M)
--   psql -X -v ON_ERROR_STOP=1 -v data=movielens -f bench/train_speed.sql   needs table ml (u.data)
--
-- Generated data (psql variables, defaults): rows 10000000, users 1000000, items 100000,
-- zipf 0.8, iterations 5. Table speed_<rows>_<users>_<items>, UNLOGGED, made once and reused:
--   user = 1 + floor(users * u1)                                   uniform
--   item = floor((1 + u2 * ((items + 1)^(1 - s) - 1))^(1 / (1 - s)))  Zipf-like, s = zipf
-- u1, u2 uniform in [0, 1) from random() after setseed(0.8). The item formula is the inverse CDF
-- of a power law with density proportional to x^-s on [1, items + 1), floored: P(item = k) is
-- proportional to (k+1)^(1-s) - k^(1-s), about (1-s) k^-s, item 1 the most popular. Rows may repeat
-- a (user, item) pair; als_fit sums those, so "interactions" (nnz) is a little below "rows".
--
-- Measured, with recsys.max_memory = '8GB':
--  (a) aggregation: als_fit with {"factors": 1, "iterations": 1} (so that training and model
--      serialization are negligible): statement time minus the training time that the model records
--      (model_info -> metadata -> training -> seconds, which starts when the final function has all
--      rows); once without parallel query, once with the planner's parallel plan (2 workers);
--      next to a plain scan of the same table for reference.
--  (b) ALS at 64 factors, 3 CG steps, :iterations iterations, recsys.threads = 1 (once) and = 2
--      (three times):
--      training seconds / iterations ("per iteration, incl. setup": includes building the sparse
--      layouts from the rows and the random start). bench/run.sh also reads the per-iteration
--      progress NOTICEs (recsys.progress) to give the steady per-iteration time.
--  MovieLens 100K (data=movielens): the training split of bench/movielens_quality.sql, 15 and 1
--      iterations, best of 3 each, so that (t15 - t1) / 14 is the steady per-iteration time.
-- GFLOP/s use the nominal work per iteration of bench/README.md and ANCHORS:
--      (cg + 1) * (2 f^2 (users + items) + 8 f nnz).
\set ON_ERROR_STOP 1
\if :{?data}
\else
\set data generated
\endif
SET recsys.max_memory = '8GB';
SET recsys.progress = on;
SET client_min_messages = warning;
DROP TABLE IF EXISTS speed_runs;
DROP TABLE IF EXISTS speed_ml;
CREATE TEMP TABLE speed_runs (
    seq serial, label text, tbl text, threads int, parallel int, statement_s float8, info jsonb);
SET client_min_messages = notice;

SELECT :'data' = 'movielens' AS is_movielens \gset
\if :is_movielens
-- ------------------------------------------------------------------ MovieLens 100K
CREATE TEMP TABLE speed_ml AS
SELECT user_id, item_id FROM (
  SELECT user_id, item_id,
         row_number() OVER (PARTITION BY user_id ORDER BY ts DESC, item_id DESC)
           <= greatest(1, round(count(*) OVER (PARTITION BY user_id) / 5.0)) AS held_out
  FROM ml) s
WHERE NOT held_out;
ANALYZE speed_ml;
\set tbl speed_ml
\set parallel 0
\set opts '{"factors": 64, "iterations": 15, "l2": 10, "alpha": 2, "cg_steps": 3}'
\set opts1 '{"factors": 64, "iterations": 1, "l2": 10, "alpha": 2, "cg_steps": 3}'
SET recsys.progress = off;
\set threads 1
\set label ml_t1_i15
\ir train_speed_run.sql
\ir train_speed_run.sql
\ir train_speed_run.sql
\set label ml_t1_i1
\set opts_save :opts
\set opts :opts1
\ir train_speed_run.sql
\ir train_speed_run.sql
\ir train_speed_run.sql
\set opts :opts_save
\set threads 2
\set label ml_t2_i15
\ir train_speed_run.sql
\ir train_speed_run.sql
\ir train_speed_run.sql
\set label ml_t2_i1
\set opts :opts1
\ir train_speed_run.sql
\ir train_speed_run.sql
\ir train_speed_run.sql

\pset footer off
\echo
\echo 'MovieLens 100K, training split of bench/movielens_quality.sql, 64 factors, 3 CG steps (best of 3 runs)'
WITH best AS (
  SELECT threads,
         min((info->'metadata'->'training'->>'seconds')::float8) FILTER (WHERE label LIKE '%_i15') AS s15,
         min((info->'metadata'->'training'->>'seconds')::float8) FILTER (WHERE label LIKE '%_i1') AS s1,
         max((info->'metadata'->'dimensions'->>'users')::float8) AS users,
         max((info->'metadata'->'dimensions'->>'items')::float8) AS items,
         max((info->'metadata'->'training'->>'interactions')::float8) AS nnz
  FROM speed_runs GROUP BY threads
)
SELECT threads AS "recsys.threads", users::int AS users, items::int AS items, nnz::int AS interactions,
       round(s15::numeric, 4) AS "15 iterations s",
       round((s15 / 15)::numeric, 4) AS "s/iter incl. setup",
       round(((s15 - s1) / 14)::numeric, 4) AS "s/iter steady",
       round((4 * (2 * 64 * 64 * (users + items) + 8 * 64 * nnz) / 1e9)::numeric, 3) AS "GFLOP/iter",
       round((4 * (2 * 64 * 64 * (users + items) + 8 * 64 * nnz) / 1e9 / ((s15 - s1) / 14))::numeric, 1)
         AS "GFLOP/s steady"
FROM best ORDER BY threads;
\pset tuples_only on
SELECT 'SPEED ml threads=' || threads || ' s_per_iter=' || round(((s15 - s1) / 14)::numeric, 5)
       || ' s_per_iter_incl_setup=' || round((s15 / 15)::numeric, 5) AS " "
FROM (SELECT threads,
             min((info->'metadata'->'training'->>'seconds')::float8) FILTER (WHERE label LIKE '%_i15') AS s15,
             min((info->'metadata'->'training'->>'seconds')::float8) FILTER (WHERE label LIKE '%_i1') AS s1
      FROM speed_runs GROUP BY threads) b ORDER BY threads;
\pset tuples_only off

\else
-- ------------------------------------------------------------------ generated data
\if :{?rows}
\else
\set rows 10000000
\endif
\if :{?users}
\else
\set users 1000000
\endif
\if :{?items}
\else
\set items 100000
\endif
\if :{?zipf}
\else
\set zipf 0.8
\endif
\if :{?iterations}
\else
\set iterations 5
\endif
\set tbl speed_ :rows _ :users _ :items
SELECT to_regclass(:'tbl') IS NULL AS need_data \gset
\if :need_data
\else
-- An UNLOGGED table comes back empty after an unclean server stop: make it again.
SELECT NOT EXISTS (SELECT 1 FROM :"tbl") AS need_data \gset
\endif
\if :need_data
DROP TABLE IF EXISTS :"tbl";
\echo generating :rows rows (:users users, :items items, Zipf :zipf) into :tbl
SELECT extract(epoch FROM clock_timestamp()) AS g0 \gset
SELECT setseed(0.8) AS seeded \gset
CREATE UNLOGGED TABLE :"tbl" AS
SELECT 1 + floor(random() * :users)::bigint AS user_id,
       floor(power(1 + random() * (power(:items + 1, 1 - :zipf) - 1), 1 / (1 - :zipf)))::bigint AS item_id
FROM generate_series(1, :rows);
VACUUM ANALYZE :"tbl";
SELECT round((extract(epoch FROM clock_timestamp()) - :g0)::numeric, 1) AS "generated in s";
\endif

-- Reference: a plain scan of the table (no parallel query).
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS warm_rows FROM :"tbl" \gset
-- (that first scan warmed the buffers)
SELECT extract(epoch FROM clock_timestamp()) AS s0 \gset
SELECT count(user_id + item_id) AS scanned FROM :"tbl" \gset
SELECT extract(epoch FROM clock_timestamp()) - :s0 AS scan_s \gset

-- (a) aggregation
\set opts '{"factors": 1, "iterations": 1}'
\set threads 2
\set label aggregate_serial
\set parallel 0
\ir train_speed_run.sql
\set label aggregate_parallel
\set parallel 2
\ir train_speed_run.sql

-- (b) iterations at 64 factors
\set opts '{"factors": 64, "iterations": ' :iterations ', "cg_steps": 3}'
\set parallel 0
\set threads 1
\set label als_threads_1
\ir train_speed_run.sql
-- All cores three times: on a shared (virtual) machine the memory bandwidth left by the
-- neighbours varies from run to run, and the scattered factor rows make ALS sensitive to it;
-- bench/README.md reports the best and the median of the three.
\set threads 2
\set label als_threads_2_run1
\ir train_speed_run.sql
\set label als_threads_2_run2
\ir train_speed_run.sql
\set label als_threads_2_run3
\ir train_speed_run.sql

\pset footer off
\echo
\echo 'Generated' :rows 'rows,' :users 'users,' :items 'items, Zipf' :zipf '(table' :tbl ')'
SELECT label, threads AS "recsys.threads", parallel AS "parallel workers",
       (info->'metadata'->'dimensions'->>'users')::int AS users,
       (info->'metadata'->'dimensions'->>'items')::int AS items,
       (info->'metadata'->'training'->>'interactions')::int AS interactions,
       round(statement_s::numeric, 2) AS "statement s",
       round((info->'metadata'->'training'->>'seconds')::numeric, 2) AS "training s",
       round((statement_s - (info->'metadata'->'training'->>'seconds')::float8)::numeric, 2) AS "aggregation s"
FROM speed_runs ORDER BY seq;
SELECT round(:scan_s::numeric, 2) AS "plain scan s (count(user_id + item_id), no parallel)";

SELECT label, threads AS "recsys.threads", (info->'metadata'->'options'->>'iterations')::int AS iterations,
       round(((info->'metadata'->'training'->>'seconds')::float8
              / (info->'metadata'->'options'->>'iterations')::int)::numeric, 3) AS "s/iter incl. setup",
       round(w.gflop::numeric, 2) AS "GFLOP/iter",
       round((w.gflop / ((info->'metadata'->'training'->>'seconds')::float8
                         / (info->'metadata'->'options'->>'iterations')::int))::numeric, 2) AS "GFLOP/s incl. setup"
FROM speed_runs,
     LATERAL (SELECT 4 * (2 * 64 * 64 * ((info->'metadata'->'dimensions'->>'users')::float8
                                         + (info->'metadata'->'dimensions'->>'items')::float8)
                          + 8 * 64 * (info->'metadata'->'training'->>'interactions')::float8) / 1e9 AS gflop) w
WHERE label LIKE 'als_%' ORDER BY seq;
-- Machine-readable lines for bench/run.sh.
\pset tuples_only on
SELECT 'SPEED ' || label || ' threads=' || threads
       || ' users=' || (info->'metadata'->'dimensions'->>'users')
       || ' items=' || (info->'metadata'->'dimensions'->>'items')
       || ' nnz=' || (info->'metadata'->'training'->>'interactions')
       || ' factors=' || (info->'metadata'->'dimensions'->>'factors')
       || ' iterations=' || (info->'metadata'->'options'->>'iterations')
       || ' statement_s=' || round(statement_s::numeric, 3)
       || ' training_s=' || round((info->'metadata'->'training'->>'seconds')::numeric, 3) AS " "
FROM speed_runs ORDER BY seq;
\pset tuples_only off
\endif
