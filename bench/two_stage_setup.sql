-- The data behind the two-stage latency benchmark (bench/run.sh twostage): on top of the serving
-- benchmark's catalogue and candidate model (bench/serving_setup.sql: 100,000 videos, 200,000
-- users, 4.1M views, ALS 'bench_serving'), the feature tables of the README's two-stage query and
-- a ranker trained on generated impressions. Generated, deterministic but for now() (setseed).
--
--   bench_videos(item_id, category, duration_s, uploaded_at)    100,000 rows, 20 categories
--   bench_video_stats(item_id, views)                           views in bench_views
--   bench_user_features(user_id, category_share jsonb)           each user's share of views per category
--   bench_ranker_features(...) -> float8[]                       the feature vector (as the demo's)
--   bench_recommend_ranked(user_id, k, ranker, candidates_k)     the two-stage query as a SQL function
--   model 'bench_two_stage_ranker'                               logreg_fit on 200,000 impressions of
--                                                                2,000 users' candidates, ~2 % watched
--
--   psql -v ON_ERROR_STOP=1 -f bench/two_stage_setup.sql     (about a minute on 2 cores)
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET recsys.max_memory = '4GB';
\timing on
SELECT setseed(0.5) AS seeded \gset
DROP FUNCTION IF EXISTS bench_recommend_ranked(bigint, int, text, int);
DROP TABLE IF EXISTS bench_videos, bench_video_stats, bench_user_features, bench_impressions_2s;

CREATE TABLE bench_videos AS
SELECT v AS item_id,
       'category_' || (1 + floor(random() * 20)::int) AS category,
       60 + floor(power(random(), 2) * 2400)::int AS duration_s,
       now() - interval '730 days' * power(random(), 1.5) AS uploaded_at
FROM generate_series(1::bigint, 100000) v;
ALTER TABLE bench_videos ADD PRIMARY KEY (item_id);

CREATE TABLE bench_video_stats AS SELECT item_id, count(*) AS views FROM bench_views GROUP BY item_id ORDER BY item_id;
ALTER TABLE bench_video_stats ADD PRIMARY KEY (item_id);

CREATE TABLE bench_user_features AS
SELECT user_id, jsonb_object_agg(category, round(share, 4)) AS category_share
FROM (SELECT w.user_id, v.category, count(*) / sum(count(*)) OVER (PARTITION BY w.user_id) AS share
      FROM bench_views w JOIN bench_videos v USING (item_id) GROUP BY 1, 2) s
GROUP BY user_id;
ALTER TABLE bench_user_features ADD PRIMARY KEY (user_id);
VACUUM ANALYZE bench_videos, bench_video_stats, bench_user_features;

CREATE OR REPLACE FUNCTION bench_ranker_features(category_share float8, duration_s int, uploaded_at timestamptz,
                                                 views bigint, candidate_score real, candidate_rank int, at timestamptz)
    RETURNS float8[] LANGUAGE sql IMMUTABLE
RETURN ARRAY[coalesce(category_share, 0),
             ln(duration_s / 60.0::float8),
             exp(-date_part('epoch', at - uploaded_at) / (30 * 86400)),
             ln(1 + coalesce(views, 0)::float8),
             candidate_score,
             ln(candidate_rank::float8)];

-- Impressions: 2,000 users, a random fifth of their 500 candidates, a planted watch probability.
CREATE UNLOGGED TABLE bench_impressions_2s AS
SELECT c.user_id, c.item_id,
       bench_ranker_features((uf.category_share ->> v.category)::float8, v.duration_s, v.uploaded_at,
                             vs.views, c.score, c.rank, now()) AS features,
       random() < 1 / (1 + exp(2.4 - 3 * coalesce((uf.category_share ->> v.category)::float8, 0)
                               - 1.5 * exp(-date_part('epoch', now() - v.uploaded_at) / (30 * 86400))
                               + 0.3 * ln(v.duration_s / 60.0::float8) + 0.25 * ln(c.rank))) AS watched
FROM (SELECT u AS user_id, r.item_id, r.score, r.rank
      FROM generate_series(1::bigint, 200000, 100) u,
           recsys.recommend('bench_serving', u, 500) r
      WHERE random() < 0.2
      ORDER BY 1, r.rank) c
JOIN bench_videos v USING (item_id)
LEFT JOIN bench_video_stats vs USING (item_id)
LEFT JOIN bench_user_features uf USING (user_id);

DELETE FROM recsys.models WHERE name = 'bench_two_stage_ranker';
SELECT recsys.save_model('bench_two_stage_ranker',
                         recsys.logreg_fit(watched, features, '{"negative_sample_rate": 0.1, "seed": 1}')) AS model_id
FROM bench_impressions_2s;
-- the design's network ranker on the same impressions
DELETE FROM recsys.models WHERE name = 'bench_two_stage_mlp';
SELECT recsys.save_model('bench_two_stage_mlp',
                         recsys.mlp_fit(watched, features, '{"hidden_layers": [64, 32], "epochs": 10,
                                                             "negative_sample_rate": 0.1, "seed": 1}')) AS model_id
FROM bench_impressions_2s;

-- The two-stage query of the README as a SQL function (inlined by the planner).
CREATE FUNCTION bench_recommend_ranked(user_id bigint, k int DEFAULT 100, ranker text DEFAULT 'bench_two_stage_ranker',
                                       candidates_k int DEFAULT 500)
    RETURNS TABLE (item_id bigint, p_watch float8, rank int, candidate_rank int)
    LANGUAGE sql STABLE
AS $$
    SELECT item_id, p_watch, CAST(row_number() OVER (ORDER BY p_watch DESC, candidate_rank) AS int), candidate_rank
      FROM (SELECT c.item_id, c.rank AS candidate_rank,
                   recsys.predict(ranker, bench_ranker_features((uf.category_share ->> v.category)::float8,
                                                                v.duration_s, v.uploaded_at, vs.views, c.score,
                                                                c.rank, now())) AS p_watch
              FROM recsys.recommend('bench_serving', user_id, candidates_k) c
              JOIN bench_videos v ON v.item_id = c.item_id
              LEFT JOIN bench_video_stats vs ON vs.item_id = c.item_id
              LEFT JOIN bench_user_features uf ON uf.user_id = bench_recommend_ranked.user_id) scored
     ORDER BY p_watch DESC, candidate_rank
     LIMIT k
$$;
\timing off
SELECT count(*) AS impressions, round(100 * avg(watched::int), 2) AS watched_per_100,
       (SELECT count(*) FROM bench_videos) AS videos, (SELECT count(*) FROM bench_user_features) AS users,
       recsys.model_info('bench_two_stage_ranker') #> '{metadata,training,used_rows}' AS ranker_rows
FROM bench_impressions_2s;
