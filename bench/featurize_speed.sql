-- featurizer_fit and transform throughput next to the floor PostgreSQL itself sets (building
-- to_jsonb(row) in the same scan). Driven by bench/featurize_speed.sh, which reads the "RUN label"
-- lines and psql's "Time:" lines (\timing), best of 3 per query:
--   psql -X -v rows=1000000 -f bench/featurize_speed.sql
-- (-v only_table=1: make the table and stop)
--
-- Table bench_featurize_speed (UNLOGGED, made once per row count, setseed(0.42)), 20 columns + label:
--   n01..n12   float8, 10 % NULL (missing), uniform, normal-like, skewed and integer-valued
--   c10, c100, c1k, c100k   text categories of 10 / 100 / 1,000 / 100,000 uniform levels
--   b1, b2     boolean
--   user_id    bigint, 500,000 distinct (a name ending in _id: categorical)
--   title      text, md5 of the row number (1M distinct)
--   label      float8, a linear function of a few columns + noise (the target of featurizer_fit)
-- and bench_featurize_speed_jsonb(row jsonb, label): the same rows stored as jsonb, for transform's
-- and featurizer_fit's own speed without to_jsonb in the scan.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT count(*) > 0 AS ready FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = 'bench_featurize_speed' AND n.nspname = current_schema() \gset
\if :ready
  SELECT count(*) <> :rows AS stale FROM bench_featurize_speed \gset
\else
  SELECT true AS stale \gset
\endif
\if :stale
DROP TABLE IF EXISTS bench_featurize_speed;
SELECT setseed(0.42);
CREATE UNLOGGED TABLE bench_featurize_speed AS
SELECT n01, n02, n03, n04, n05, n06, n07, n08, n09, n10, n11, n12, c10, c100, c1k, c100k, b1, b2, user_id, title,
       coalesce(n01, 0) * 2 - coalesce(n02, 0) + CASE WHEN b1 THEN 1 ELSE 0 END + length(c10) * 0.1 + random() AS label
FROM (
  SELECT CASE WHEN random() < 0.1 THEN NULL ELSE random() END AS n01,
         CASE WHEN random() < 0.1 THEN NULL ELSE random() + random() + random() - 1.5 END AS n02,
         CASE WHEN random() < 0.1 THEN NULL ELSE -ln(1 - random()) * 1000 END AS n03,
         CASE WHEN random() < 0.1 THEN NULL ELSE floor(random() * 10)::float8 END AS n04,
         CASE WHEN random() < 0.1 THEN NULL ELSE random() * 1e6 END AS n05,
         CASE WHEN random() < 0.1 THEN NULL ELSE exp(random() * 5) END AS n06,
         CASE WHEN random() < 0.1 THEN NULL ELSE random() * 100 - 50 END AS n07,
         CASE WHEN random() < 0.1 THEN NULL ELSE floor(random() * 5)::float8 END AS n08,
         CASE WHEN random() < 0.1 THEN NULL ELSE 1900 + floor(random() * 124)::float8 END AS n09,
         CASE WHEN random() < 0.1 THEN NULL ELSE round((random() * 500)::numeric, 2)::float8 END AS n10,
         CASE WHEN random() < 0.1 THEN NULL ELSE random() ^ 3 END AS n11,
         CASE WHEN random() < 0.1 THEN NULL ELSE sqrt(random()) END AS n12,
         'k' || floor(random() * 10)::int AS c10,
         'cat' || floor(random() * 100)::int AS c100,
         'level_' || floor(random() * 1000)::int AS c1k,
         'v' || floor(random() * 100000)::int AS c100k,
         random() < 0.3 AS b1,
         random() < 0.7 AS b2,
         floor(random() * 500000)::bigint AS user_id,
         md5(i::text) AS title
  FROM generate_series(1, :rows) i
) s;
ANALYZE bench_featurize_speed;
DROP TABLE IF EXISTS bench_featurize_speed_jsonb;
\endif
-- the same rows stored as jsonb (the row as recsys reads it, made once): transform's own speed
SELECT to_regclass('bench_featurize_speed_jsonb') IS NULL AS make_jsonb \gset
\if :make_jsonb
CREATE UNLOGGED TABLE bench_featurize_speed_jsonb AS SELECT to_jsonb(t) - 'label' AS row, label FROM bench_featurize_speed t;
ANALYZE bench_featurize_speed_jsonb;
\endif
SELECT pg_size_pretty(pg_table_size('bench_featurize_speed')) AS size,
       (SELECT avg(pg_column_size(to_jsonb(t) - 'label'))::int FROM (SELECT * FROM bench_featurize_speed LIMIT 10000) t) AS jsonb_bytes \gset
\if :{?only_table}
\echo TABLE bench_featurize_speed :rows rows, :size, 20 columns + label, about :jsonb_bytes bytes of jsonb a row
\q
\endif
-- warm the cache
SELECT count(*) FROM bench_featurize_speed \g /dev/null
\timing on
\o /dev/null

-- ------------------------------------------------------------ serial: one backend
SET max_parallel_workers_per_gather = 0;
SELECT recsys.save_model('bench_features', recsys.featurizer_fit(to_jsonb(t) - 'label', label, '{}')) FROM bench_featurize_speed t;
\o
SELECT 'FEATURES ' || cardinality(recsys.feature_names('bench_features')) || ' features, model of '
       || pg_size_pretty(length(model)::bigint) AS features
FROM recsys.models WHERE name = 'bench_features' ORDER BY id DESC LIMIT 1;
\echo RUN scan
\o /dev/null
SELECT count(*) FROM bench_featurize_speed t;
SELECT count(*) FROM bench_featurize_speed t;
SELECT count(*) FROM bench_featurize_speed t;
\o
\echo RUN floor_count
\o /dev/null
SELECT count(*) FROM (SELECT to_jsonb(t) FROM bench_featurize_speed t) s;
SELECT count(*) FROM (SELECT to_jsonb(t) FROM bench_featurize_speed t) s;
SELECT count(*) FROM (SELECT to_jsonb(t) FROM bench_featurize_speed t) s;
\o
\echo RUN floor_jsonb
\o /dev/null
SELECT sum(pg_column_size(to_jsonb(t))) FROM bench_featurize_speed t;
SELECT sum(pg_column_size(to_jsonb(t))) FROM bench_featurize_speed t;
SELECT sum(pg_column_size(to_jsonb(t))) FROM bench_featurize_speed t;
\o
\echo RUN floor
\o /dev/null
SELECT sum(pg_column_size(to_jsonb(t) - 'label')) FROM bench_featurize_speed t;
SELECT sum(pg_column_size(to_jsonb(t) - 'label')) FROM bench_featurize_speed t;
SELECT sum(pg_column_size(to_jsonb(t) - 'label')) FROM bench_featurize_speed t;
\o
\echo RUN fit
\o /dev/null
SELECT length(recsys.featurizer_fit(to_jsonb(t) - 'label', label, '{}')) FROM bench_featurize_speed t;
SELECT length(recsys.featurizer_fit(to_jsonb(t) - 'label', label, '{}')) FROM bench_featurize_speed t;
SELECT length(recsys.featurizer_fit(to_jsonb(t) - 'label', label, '{}')) FROM bench_featurize_speed t;
\o
\echo RUN transform
\o /dev/null
SELECT sum(cardinality(recsys.transform('bench_features', to_jsonb(t) - 'label'))) FROM bench_featurize_speed t;
SELECT sum(cardinality(recsys.transform('bench_features', to_jsonb(t) - 'label'))) FROM bench_featurize_speed t;
SELECT sum(cardinality(recsys.transform('bench_features', to_jsonb(t) - 'label'))) FROM bench_featurize_speed t;
\o
\echo RUN transform_row
\o /dev/null
SELECT sum(cardinality(recsys.transform('bench_features', t))) FROM bench_featurize_speed t;
SELECT sum(cardinality(recsys.transform('bench_features', t))) FROM bench_featurize_speed t;
SELECT sum(cardinality(recsys.transform('bench_features', t))) FROM bench_featurize_speed t;
\o
\echo RUN transform_training
\o /dev/null
SELECT sum(cardinality(recsys.transform('bench_features', to_jsonb(t) - 'label', true))) FROM bench_featurize_speed t;
SELECT sum(cardinality(recsys.transform('bench_features', to_jsonb(t) - 'label', true))) FROM bench_featurize_speed t;
SELECT sum(cardinality(recsys.transform('bench_features', to_jsonb(t) - 'label', true))) FROM bench_featurize_speed t;
-- rows already stored as jsonb: no to_jsonb in the scan
\o
\echo RUN stored_floor
\o /dev/null
SELECT sum(pg_column_size(row)) FROM bench_featurize_speed_jsonb;
SELECT sum(pg_column_size(row)) FROM bench_featurize_speed_jsonb;
SELECT sum(pg_column_size(row)) FROM bench_featurize_speed_jsonb;
\o
\echo RUN stored_fit
\o /dev/null
SELECT length(recsys.featurizer_fit(row, label, '{}')) FROM bench_featurize_speed_jsonb;
SELECT length(recsys.featurizer_fit(row, label, '{}')) FROM bench_featurize_speed_jsonb;
SELECT length(recsys.featurizer_fit(row, label, '{}')) FROM bench_featurize_speed_jsonb;
\o
\echo RUN stored_transform
\o /dev/null
SELECT sum(cardinality(recsys.transform('bench_features', row))) FROM bench_featurize_speed_jsonb;
SELECT sum(cardinality(recsys.transform('bench_features', row))) FROM bench_featurize_speed_jsonb;
SELECT sum(cardinality(recsys.transform('bench_features', row))) FROM bench_featurize_speed_jsonb;

-- ------------------------------------------------------------ parallel: the planner's plan, up to 2 workers
\o
\echo PLAN parallel
SET max_parallel_workers_per_gather = 2;
\echo PLAN fit
EXPLAIN (COSTS OFF) SELECT length(recsys.featurizer_fit(to_jsonb(t) - 'label', label, '{}')) FROM bench_featurize_speed t;
\echo PLAN transform
EXPLAIN (COSTS OFF) SELECT sum(cardinality(recsys.transform('bench_features', to_jsonb(t) - 'label'))) FROM bench_featurize_speed t;
\echo PLAN floor
EXPLAIN (COSTS OFF) SELECT sum(pg_column_size(to_jsonb(t) - 'label')) FROM bench_featurize_speed t;
\echo RUN parallel_floor
\o /dev/null
SELECT sum(pg_column_size(to_jsonb(t) - 'label')) FROM bench_featurize_speed t;
SELECT sum(pg_column_size(to_jsonb(t) - 'label')) FROM bench_featurize_speed t;
SELECT sum(pg_column_size(to_jsonb(t) - 'label')) FROM bench_featurize_speed t;
\o
\echo RUN parallel_fit
\o /dev/null
SELECT length(recsys.featurizer_fit(to_jsonb(t) - 'label', label, '{}')) FROM bench_featurize_speed t;
SELECT length(recsys.featurizer_fit(to_jsonb(t) - 'label', label, '{}')) FROM bench_featurize_speed t;
SELECT length(recsys.featurizer_fit(to_jsonb(t) - 'label', label, '{}')) FROM bench_featurize_speed t;
\o
\echo RUN parallel_transform
\o /dev/null
SELECT sum(cardinality(recsys.transform('bench_features', to_jsonb(t) - 'label'))) FROM bench_featurize_speed t;
SELECT sum(cardinality(recsys.transform('bench_features', to_jsonb(t) - 'label'))) FROM bench_featurize_speed t;
SELECT sum(cardinality(recsys.transform('bench_features', to_jsonb(t) - 'label'))) FROM bench_featurize_speed t;
\o
\echo PLAN transform_row
EXPLAIN (COSTS OFF) SELECT sum(cardinality(recsys.transform('bench_features', t))) FROM bench_featurize_speed t;
\echo RUN parallel_transform_row
\o /dev/null
SELECT sum(cardinality(recsys.transform('bench_features', t))) FROM bench_featurize_speed t;
SELECT sum(cardinality(recsys.transform('bench_features', t))) FROM bench_featurize_speed t;
SELECT sum(cardinality(recsys.transform('bench_features', t))) FROM bench_featurize_speed t;
\o
\echo RUN end
