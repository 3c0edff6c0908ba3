-- The model behind the serving-latency benchmark (bench/serve_latency.cpp):
-- 100,000 videos, 200,000 users with ~20 views each (4.1M rows), 64 factors,
-- saved as 'bench_serving' in the registry. Generated, deterministic (setseed).
--
-- Video popularity is Zipf-like with exponent 0.8: the video of a view is
--   floor(x), x = (1 + u * ((N+1)^0.2 - 1))^5, u uniform in [0,1), N = 100000,
-- the inverse CDF of a power law with density proportional to x^-0.8 on
-- [1, N+1); so P(video = k) is proportional to (k+1)^0.2 - k^0.2 ~ 0.2 k^-0.8,
-- video 1 the most popular. Users are uniform. Every video also gets one view
-- (from user 1 + k mod 200000) so that the catalogue has exactly 100,000 items.
-- The training iterations do not matter for serving: 3 of them.
--
--   psql -v ON_ERROR_STOP=1 -f bench/serving_setup.sql     (about a minute on 2 cores)
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_views;
\timing on
SELECT setseed(0.42) AS seeded \gset
CREATE UNLOGGED TABLE bench_views AS
SELECT 1 + floor(random() * 200000)::bigint AS user_id,
       floor(power(1 + random() * (power(100001, 0.2) - 1), 5))::bigint AS item_id
FROM generate_series(1, 4000000)
UNION ALL
SELECT 1 + k % 200000, k FROM generate_series(1, 100000) k;

SET recsys.max_memory = '4GB';
DELETE FROM recsys.models WHERE name = 'bench_serving';
SELECT recsys.save_model('bench_serving',
                         recsys.als_fit(user_id, item_id, 1.0, '{"factors": 64, "iterations": 3}'))
       AS model_id
FROM bench_views;
\timing off
SELECT info->'metadata'->'dimensions' AS dimensions,
       info->'metadata'->'training'->'interactions' AS interactions,
       round((info->'metadata'->'training'->>'seconds')::numeric, 2) AS training_seconds,
       pg_size_pretty(pg_column_size(model)::bigint) AS stored_size
FROM (SELECT recsys.model_info(model) AS info, model FROM recsys.models WHERE name = 'bench_serving') m;
