-- demo/demo.sql -- recsys end to end on a generated video platform.
--
--   psql -v ON_ERROR_STOP=1 -f demo/demo.sql        (or: bash scripts/demo.sh)
--
-- 1. builds schema `demo` (users, videos, watch_history, recommendation_log) with a generated but
--    realistic watch history: 8 categories, users who like 1-3 of them, Zipf-like popularity,
--    5..109 picks per user over the last 60 days (3..97 distinct videos after repeats), ~580k rows;
-- 2. holds out the last 20% of each user's watches (chronologically);
-- 3. trains implicit ALS on the rest with recsys.als_fit and saves it in the model registry;
-- 4. serves top-10 recommendations and evaluates them against a popularity baseline;
-- 5. two stages: generates an impression log, trains a logistic-regression ranker on it
--    (recsys.logreg_fit, saved as 'demo_ranker'), ranks 500 ALS candidates per user with it
--    (demo.recommend_ranked) and compares AUC, log loss and NDCG@10 with the candidates alone;
-- 6. closes the loop: serves and logs a day of pages (with explored slots), labels the log with
--    recsys.label_impressions (the 10-minute rule), retrains the ranker on it as a new version,
--    serves again, and compares the versions' next-day pages (pinning the old one with recsys.deploy).
-- Re-runnable: it drops schema demo and the registry's 'demo_candidates' and 'demo_ranker' versions first.

\set QUIET on
\pset footer off
\pset null '-'
SET client_min_messages = warning;

\echo
\echo '== 1. Generating a video platform: 20,000 users, 10,000 videos, ~580k watches =='
SELECT extract(epoch FROM clock_timestamp()) AS gen_started \gset

DROP SCHEMA IF EXISTS demo CASCADE;
CREATE SCHEMA demo;

CREATE TABLE demo.users (
    user_id   bigint PRIMARY KEY,
    country   text NOT NULL,
    age       int,            -- optional at signup: NULL for about 1 user in 6
    signup_at timestamptz NOT NULL
);
CREATE TABLE demo.videos (
    item_id    bigint PRIMARY KEY,
    category    text NOT NULL,
    channel_id  bigint NOT NULL,
    duration_s  int NOT NULL,
    uploaded_at timestamptz NOT NULL
);
CREATE TABLE demo.watch_history (
    user_id         bigint NOT NULL,
    item_id        bigint NOT NULL,
    minutes_watched real NOT NULL,
    watched_at      timestamptz NOT NULL
);
CREATE TABLE demo.recommendation_log (
    user_id         bigint NOT NULL,
    item_id        bigint NOT NULL,
    model_id        bigint NOT NULL,
    position        int NOT NULL,
    shown_at        timestamptz NOT NULL DEFAULT now(),
    clicked         bool NOT NULL DEFAULT false,
    minutes_watched real,
    -- what the candidate stage said of the video when the page was served: the ranker's features
    -- are rebuilt from the log exactly as serving saw them
    candidate_rank  int,
    candidate_score real
);

SELECT setseed(0.42) AS seeded \gset
-- (the same data on every run: random() is never run by parallel workers)

-- The hidden truth the recommender has to discover. Not visible to the model.
-- Categories, their share of the catalogue and of casual viewing, and typical durations.
CREATE TEMP TABLE genre (g int PRIMARY KEY, name text, cum_share float8, min_s int, max_s int);
INSERT INTO genre VALUES
    (1, 'music',     0.00,  150,   420),
    (2, 'gaming',    0.20,  300,  2700),
    (3, 'comedy',    0.38,  120,   900),
    (4, 'education', 0.52,  360,  2400),
    (5, 'sports',    0.64,  120,  1200),
    (6, 'news',      0.75,   90,   900),
    (7, 'cooking',   0.85,  240,  1500),
    (8, 'travel',    0.93,  300,  1800);
-- a weighted draw of a genre from a uniform number in [0,1)
CREATE FUNCTION pg_temp.draw_genre(r float8) RETURNS int LANGUAGE sql IMMUTABLE
    RETURN width_bucket(r, ARRAY[0.00, 0.20, 0.38, 0.52, 0.64, 0.75, 0.85, 0.93]);

-- Users: demographics, and 1-3 liked genres (more popular genres are liked more often).
CREATE TEMP TABLE user_taste AS
SELECT u AS user_id,
       (SELECT array_agg(DISTINCT pg_temp.draw_genre(random()))
          FROM generate_series(1, 1 + floor(random() * 3)::int + 0 * u)) AS likes,  -- 1..3 draws
       floor(5 * power(22, random()))::int AS n_watches                          -- 5..109, log-uniform
  FROM generate_series(1, 20000) AS u;

INSERT INTO demo.users
SELECT user_id,
       (ARRAY['US','US','US','IN','IN','BR','GB','DE','FR','JP','MX','ID','CA','ES','PL'])
           [1 + floor(random() * 15)::int],
       13 + floor(power(random(), 1.6) * 62)::int,
       now() - interval '3 years' * random()
  FROM user_taste;
-- Age is optional at signup; younger users leave it out more often (the README's featurizer example
-- imputes it). Decided by the user id, so that no random() draw moves and the rest of the data stays.
UPDATE demo.users SET age = NULL WHERE (user_id * 2654435761) % 100 < CASE WHEN age < 25 THEN 30 ELSE 10 END;

-- Videos: one genre each; channels belong to one genre; popularity is a Zipf-like rank inside
-- the genre; uploads skew recent.
CREATE TEMP TABLE video_truth AS
SELECT v AS item_id, pg_temp.draw_genre(random()) AS g, random() AS r1, random() AS r2,
       now() - interval '730 days' * power(random(), 1.5) AS uploaded_at
  FROM generate_series(1, 10000) AS v;
ALTER TABLE video_truth ADD COLUMN pop_rank int;
UPDATE video_truth t SET pop_rank = x.rk
  FROM (SELECT item_id, row_number() OVER (PARTITION BY g ORDER BY r1) AS rk FROM video_truth) x
 WHERE x.item_id = t.item_id;
CREATE INDEX ON video_truth (g, pop_rank);
ANALYZE video_truth;

INSERT INTO demo.videos
SELECT t.item_id, genre.name,
       1000 * t.g + floor(power(t.r2, 2) * 120)::bigint,                 -- ~120 channels per genre
       genre.min_s + floor(power(random(), 2) * (genre.max_s - genre.min_s))::int,
       t.uploaded_at
  FROM video_truth t JOIN genre USING (g);

-- Watches. Each user makes n_watches picks: 80% from a liked genre, 20% from any genre weighted
-- by its share; inside the genre a video is drawn by its popularity rank with Zipf's law
-- (P(rank) ~ 1/rank: rank = N^u for a uniform u, so ~1% of the videos get a third of the watches).
-- A video is watched after its upload, in the last 60 days; how much of it is watched depends
-- on whether its genre is liked. Repeat picks of the same video are kept once.
CREATE TEMP TABLE pick AS
SELECT ut.user_id,
       CASE WHEN random() < 0.8
            THEN ut.likes[1 + floor(random() * cardinality(ut.likes))::int]
            ELSE pg_temp.draw_genre(random()) END AS g,
       random() AS r
  FROM user_taste ut, generate_series(1, ut.n_watches);

CREATE TEMP TABLE genre_size AS SELECT g, count(*)::int AS n FROM video_truth GROUP BY g;

INSERT INTO demo.watch_history (user_id, item_id, minutes_watched, watched_at)
SELECT DISTINCT ON (user_id, item_id) user_id, item_id, minutes_watched, watched_at
  FROM (SELECT p.user_id, t.item_id,
               greatest(0.1, round((v.duration_s / 60.0 *
                   CASE WHEN p.g = ANY (ut.likes) THEN 0.35 + 0.65 * random()
                        ELSE 0.02 + 0.38 * random() END)::numeric, 1))::real AS minutes_watched,
               greatest(t.uploaded_at, now() - interval '60 days')
                 + (now() - greatest(t.uploaded_at, now() - interval '60 days')) * random() AS watched_at
          FROM pick p
          JOIN genre_size gs USING (g)
          JOIN video_truth t ON t.g = p.g AND t.pop_rank = least(gs.n, floor(power(gs.n + 1, p.r))::int)
          JOIN demo.videos v ON v.item_id = t.item_id
          JOIN user_taste ut ON ut.user_id = p.user_id) w
 ORDER BY user_id, item_id, watched_at;

ALTER TABLE demo.watch_history ADD FOREIGN KEY (user_id) REFERENCES demo.users,
                                ADD FOREIGN KEY (item_id) REFERENCES demo.videos;
CREATE INDEX ON demo.watch_history (user_id, watched_at);
CREATE INDEX ON demo.watch_history (item_id);
ANALYZE demo.users, demo.videos, demo.watch_history;

SELECT (SELECT count(*) FROM demo.users)  AS users,
       (SELECT count(*) FROM demo.videos) AS videos,
       count(*) AS watches,
       round(count(*)::numeric / count(DISTINCT user_id), 1) AS watches_per_user,
       round(100.0 * count(*) FILTER (WHERE item_id IN (
           SELECT item_id FROM demo.watch_history GROUP BY item_id ORDER BY count(*) DESC LIMIT 100))
           / count(*), 1) AS pct_on_top_100_videos,
       min(watched_at)::date AS first_watch, max(watched_at)::date AS last_watch,
       round((extract(epoch FROM clock_timestamp()) - :gen_started)::numeric, 1) AS generated_in_s
  FROM demo.watch_history;

\echo
\echo '== 2. Chronological holdout: the last 20% of each user''s watches (at least one) =='
CREATE TABLE demo.holdout AS
SELECT user_id, item_id
  FROM (SELECT user_id, item_id,
               row_number() OVER (PARTITION BY user_id ORDER BY watched_at DESC) AS newest_first,
               count(*) OVER (PARTITION BY user_id) AS n
          FROM demo.watch_history) w
 WHERE newest_first <= ceil(0.2 * n);
ALTER TABLE demo.holdout ADD PRIMARY KEY (user_id, item_id);
CREATE TABLE demo.train AS
SELECT w.* FROM demo.watch_history w
 WHERE NOT EXISTS (SELECT 1 FROM demo.holdout h WHERE h.user_id = w.user_id AND h.item_id = w.item_id);
ANALYZE demo.holdout, demo.train;
SELECT (SELECT count(*) FROM demo.train) AS train_rows,
       count(*) AS held_out_rows, count(DISTINCT user_id) AS users_with_held_out_items
  FROM demo.holdout;

\echo
\echo '== 3. CREATE EXTENSION recsys; train implicit ALS in SQL and register the model =='
CREATE EXTENSION IF NOT EXISTS recsys;
DELETE FROM recsys.models WHERE name = 'demo_candidates';
DELETE FROM recsys.deployments WHERE name IN ('demo_candidates', 'demo_ranker');

\echo 'SELECT recsys.save_model(''demo_candidates'', recsys.als_fit(user_id, item_id, minutes_watched, ''{"factors":64,"iterations":15}'')) FROM demo.train;'
\timing on
WITH fit AS (
    SELECT recsys.als_fit(user_id, item_id, minutes_watched,
                          '{"factors": 64, "iterations": 15}') AS model
      FROM demo.train
)
SELECT recsys.save_model('demo_candidates', model) AS model_id FROM fit;
\timing off

\echo
\echo 'recsys.model_info(''demo_candidates'')  (the loss history shortened to first -> last):'
\pset format unaligned
\pset tuples_only on
SELECT jsonb_pretty(CASE WHEN jsonb_typeof(info #> '{metadata,training,loss}') = 'array'
                         THEN jsonb_set(info, '{metadata,training,loss}', to_jsonb(format('%s iterations: %s -> %s',
                                  jsonb_array_length(info #> '{metadata,training,loss}'),
                                  round((info #>> '{metadata,training,loss,0}')::numeric, 6),
                                  round((info #>> '{metadata,training,loss,-1}')::numeric, 6))))
                         ELSE info END) AS model_info
  FROM recsys.model_info('demo_candidates') AS info;
\pset format aligned
\pset tuples_only off

\echo
\echo '== 4. Top-10 videos for three users (what they watched first, then what recsys suggests) =='
SELECT user_id, string_agg(category || ' ' || n, ', ' ORDER BY n DESC, category) AS watched_categories
  FROM (SELECT t.user_id, v.category, count(*) AS n
          FROM demo.train t JOIN demo.videos v USING (item_id)
         WHERE t.user_id IN (1, 2, 3)
         GROUP BY 1, 2) s
 GROUP BY user_id ORDER BY user_id;

SELECT u.user_id, r.rank, r.item_id, v.category, v.channel_id,
       round(r.score::numeric, 4) AS score
  FROM (VALUES (1), (2), (3)) AS u(user_id)
 CROSS JOIN LATERAL recsys.recommend('demo_candidates', u.user_id, 10) AS r
  JOIN demo.videos v ON v.item_id = r.item_id
 ORDER BY u.user_id, r.rank;

\echo
\echo '== 5. Held-out evaluation @10 (users with a held-out item; seen training items excluded) =='
\timing on
WITH relevant AS (            -- what each user really watched next
    SELECT user_id, array_agg(item_id) AS items FROM demo.holdout GROUP BY user_id
),
als AS (                      -- method 1: the ALS model, all users in one batch call
    SELECT 'recsys ALS (64 factors)' AS method,
           avg(recsys.precision_at_k(coalesce(r.items, '{}'), rel.items, 10)) AS precision_at_10,
           avg(recsys.recall_at_k(coalesce(r.items, '{}'), rel.items, 10))    AS recall_at_10,
           avg(recsys.ndcg_at_k(coalesce(r.items, '{}'), rel.items, 10))      AS ndcg_at_10,
           count(*) AS users
      FROM relevant rel
      LEFT JOIN (SELECT user_id, array_agg(item_id ORDER BY rank) AS items
                   FROM recsys.recommend_all('demo_candidates', 10) GROUP BY user_id) r USING (user_id)
),
top_videos AS MATERIALIZED (  -- the most watched videos in the training data
    SELECT item_id, row_number() OVER (ORDER BY count(*) DESC, item_id) AS pos
      FROM demo.train GROUP BY item_id ORDER BY pos LIMIT 200
),
popularity AS (               -- method 2: the 10 most watched videos the user has not seen yet
    SELECT 'most popular (unseen)' AS method,
           avg(recsys.precision_at_k(coalesce(r.items, '{}'), rel.items, 10)),
           avg(recsys.recall_at_k(coalesce(r.items, '{}'), rel.items, 10)),
           avg(recsys.ndcg_at_k(coalesce(r.items, '{}'), rel.items, 10)),
           count(*)
      FROM relevant rel
      LEFT JOIN (SELECT user_id, array_agg(item_id) AS items FROM demo.train GROUP BY user_id) seen USING (user_id)
     CROSS JOIN LATERAL (SELECT array_agg(item_id ORDER BY pos) AS items
                           FROM (SELECT item_id, pos FROM top_videos
                                  WHERE item_id <> ALL (coalesce(seen.items, '{}'))
                                  ORDER BY pos LIMIT 10) top10) r
)
SELECT method, round(precision_at_10::numeric, 4) AS "precision@10", round(recall_at_10::numeric, 4) AS "recall@10",
       round(ndcg_at_10::numeric, 4) AS "ndcg@10", users
  FROM (SELECT * FROM als UNION ALL SELECT * FROM popularity) m;
\timing off

\echo
\echo '== 6. Serving: a home-page visit, 100 recommendations logged for user 42 =='
\timing on
INSERT INTO demo.recommendation_log (user_id, item_id, model_id, position, candidate_rank, candidate_score)
SELECT 42, r.item_id, recsys.serving_version('demo_candidates'), r.rank, r.rank, r.score
  FROM recsys.recommend('demo_candidates', 42, 100) AS r;
\timing off
SELECT count(*) AS logged, min(position) AS first_position, max(position) AS last_position
  FROM demo.recommendation_log WHERE user_id = 42;

\echo
\echo '== 7. Two-stage recommendation: 500 ALS candidates, re-ranked by a model trained on impressions =='
SELECT extract(epoch FROM clock_timestamp()) AS two_stage_started \gset
SELECT setseed(0.7) AS seeded \gset
DELETE FROM recsys.models WHERE name = 'demo_ranker';

-- The demo's present moment: the end of its generated history (the newest upload). A real system
-- writes now(); the demo ranks as of this fixed moment so that its output is the same on every run.
SELECT max(uploaded_at) AS as_of FROM demo.videos \gset
CREATE FUNCTION demo.clock() RETURNS timestamptz LANGUAGE sql IMMUTABLE RETURN :'as_of'::timestamptz;

-- The features the ranker sees, from the platform's own tables: one row per user (the share of
-- their training watches in each category) and one per video (its training views).
CREATE TABLE demo.user_features AS
SELECT user_id, jsonb_object_agg(category, round(share, 4)) AS category_share
  FROM (SELECT t.user_id, v.category, count(*) / sum(count(*)) OVER (PARTITION BY t.user_id) AS share
          FROM demo.train t JOIN demo.videos v USING (item_id) GROUP BY 1, 2) s
 GROUP BY user_id;
ALTER TABLE demo.user_features ADD PRIMARY KEY (user_id);
CREATE TABLE demo.video_stats AS SELECT item_id, count(*) AS views FROM demo.train GROUP BY item_id ORDER BY item_id;
ALTER TABLE demo.video_stats ADD PRIMARY KEY (item_id);
-- One row per watch with what is known of its user and its video, raw (holes in age, ~960 channel
-- ids): the README's featurizer and linear regression examples read it.
CREATE VIEW demo.watch_facts AS
SELECT w.user_id, w.item_id, u.age, u.country, v.category, v.channel_id, v.duration_s,
       (uf.category_share ->> v.category)::float8 AS category_share, w.minutes_watched
  FROM demo.watch_history w JOIN demo.users u USING (user_id) JOIN demo.videos v USING (item_id)
  LEFT JOIN demo.user_features uf USING (user_id);

-- One definition of the feature vector, for training and serving alike (no skew between them).
-- A one-expression SQL function: the planner inlines it.
CREATE FUNCTION demo.ranker_features(category_share float8, duration_s int, uploaded_at timestamptz,
                                     views bigint, candidate_score real, candidate_rank int, at timestamptz)
    RETURNS float8[] LANGUAGE sql IMMUTABLE
RETURN ARRAY[coalesce(category_share, 0),                                     -- the user's taste for the category
             ln(duration_s / 60.0::float8),                                   -- length (log minutes)
             exp(-date_part('epoch', at - uploaded_at) / (30 * 86400)),       -- freshness (30-day decay)
             ln(1 + coalesce(views, 0)::float8),                              -- popularity (log views)
             candidate_score,                                                 -- the ALS score
             ln(candidate_rank::float8)];                                     -- the ALS rank

-- Whether a user watches a video shown to them is drawn from a planted probability -- the hidden
-- truth, never shown to the ranker: a liked genre, a fresh, popular or short video, a high
-- candidate rank. The intercept makes about 2 of every 100 impressions a watch.
CREATE FUNCTION pg_temp.p_true(liked bool, uploaded_at timestamptz, pop_rank int, genre_videos int,
                               duration_s int, candidate_rank int) RETURNS float8
    LANGUAGE sql IMMUTABLE
RETURN 1 / (1 + exp(3.9 - 2.0 * liked::int::float8
                        - 1.5 * exp(-date_part('epoch', demo.clock() - uploaded_at) / (30 * 86400))
                        - 0.8 * (1 - ln(pop_rank) / ln(genre_videos))
                        + 0.3 * ln(duration_s / 60.0::float8)
                        + 0.25 * ln(candidate_rank)));
-- what the truth knows of each video
CREATE TEMP VIEW video_fact AS
SELECT v.item_id, t.g, t.pop_rank, gs.n AS genre_videos, v.uploaded_at, v.duration_s
  FROM demo.videos v JOIN video_truth t USING (item_id) JOIN genre_size gs USING (g);

-- The impression log. A quarter of the users (user_id % 4 = 0) visit once; each visit shows about
-- 100 of the user's 500 candidates, drawn at random (an exploration slot: every candidate rank is
-- shown), and whether each is watched is drawn from the hidden truth.
\timing on
CREATE TABLE demo.impressions AS
SELECT user_id, item_id, candidate_rank, candidate_score, demo.clock() AS shown_at, random() < p AS watched
  FROM (SELECT c.*, pg_temp.p_true(f.g = ANY (ut.likes), f.uploaded_at, f.pop_rank, f.genre_videos, f.duration_s,
                                   c.candidate_rank) AS p
          FROM (SELECT u.user_id, r.item_id, r.rank AS candidate_rank, r.score AS candidate_score
                  FROM demo.users u
                 CROSS JOIN LATERAL recsys.recommend('demo_candidates', u.user_id, 500) r
                 WHERE u.user_id % 4 = 0 AND random() < 0.2) c
          JOIN video_fact f USING (item_id)
          JOIN user_taste ut USING (user_id)
         ORDER BY c.user_id, c.candidate_rank) s;    -- (random() runs in this order, whatever the join plan)
\timing off
SELECT count(*) AS impressions, count(DISTINCT user_id) AS visits,
       round(100.0 * avg(watched::int), 2) AS watched_per_100
  FROM demo.impressions;

-- Features by joins; a fifth of the visiting users (user_id % 20 = 0) are held out from training.
CREATE TABLE demo.ranker_rows AS
SELECT i.user_id, i.item_id, i.watched, i.user_id % 20 = 0 AS held_out,
       demo.ranker_features((uf.category_share ->> v.category)::float8, v.duration_s, v.uploaded_at,
                            vs.views, i.candidate_score, i.candidate_rank, i.shown_at) AS features
  FROM demo.impressions i
  JOIN demo.videos v USING (item_id)
  LEFT JOIN demo.video_stats vs USING (item_id)
  LEFT JOIN demo.user_features uf USING (user_id);

\echo
\echo 'SELECT recsys.save_model(''demo_ranker'', recsys.logreg_fit(watched, features, ''{"negative_sample_rate": 0.1, "seed": 1}''))'
\echo '  FROM demo.ranker_rows WHERE NOT held_out;'
\timing on
SELECT recsys.save_model('demo_ranker',
                         recsys.logreg_fit(watched, features, '{"negative_sample_rate": 0.1, "seed": 1}')) AS model_id
  FROM demo.ranker_rows WHERE NOT held_out;
\timing off
SELECT info #> '{metadata,training,rows}' AS impressions, info #> '{metadata,training,positives}' AS watched,
       info #> '{metadata,training,used_rows}' AS rows_after_down_sampling,
       info #> '{metadata,training,solver}' AS solver, info #> '{metadata,training,converged}' AS converged
  FROM recsys.model_info('demo_ranker') AS info;

\echo
\echo 'On the held-out users'' impressions: the ranker against the candidate stage''s own score and rank'
SELECT method, round(auc::numeric, 4) AS auc, round(log_loss::numeric, 4) AS log_loss, impressions
  FROM (SELECT 'ranker (demo_ranker)' AS method, recsys.auc(p, watched) AS auc,
               recsys.logloss(p, watched) AS log_loss, count(*) AS impressions, 1 AS o
          FROM (SELECT recsys.predict('demo_ranker', features) AS p, watched
                  FROM demo.ranker_rows WHERE held_out) s
        UNION ALL
        SELECT 'ALS score alone', recsys.auc(features[5], watched), NULL, count(*), 2
          FROM demo.ranker_rows WHERE held_out
        UNION ALL
        SELECT 'base rate (a constant)', NULL, recsys.logloss(base, watched), count(*), 3
          FROM demo.ranker_rows, (SELECT avg(watched::int)::float8 AS base FROM demo.ranker_rows WHERE NOT held_out) b
         WHERE held_out GROUP BY base) m
 ORDER BY o;

-- The two-stage query, wrapped in a SQL function so that it reads as one call. The planner
-- inlines it into the calling query (no plan of its own), and the ranker is a parameter: a model
-- name from the registry, so another model with recsys.predict (the MLP) slots in by name.
CREATE FUNCTION demo.recommend_ranked(user_id bigint, k int DEFAULT 100, ranker text DEFAULT 'demo_ranker',
                                      candidates_k int DEFAULT 500)
    RETURNS TABLE (item_id bigint, p_watch float8, rank int, candidate_rank int, candidate_score real)
    LANGUAGE sql STABLE
AS $$
    SELECT item_id, p_watch, CAST(row_number() OVER (ORDER BY p_watch DESC, candidate_rank) AS int), candidate_rank,
           candidate_score
      FROM (SELECT c.item_id, c.rank AS candidate_rank, c.score AS candidate_score,
                   recsys.predict(ranker, demo.ranker_features((uf.category_share ->> v.category)::float8, v.duration_s,
                                                               v.uploaded_at, vs.views, c.score, c.rank, demo.clock())) AS p_watch
              FROM recsys.recommend('demo_candidates', user_id, candidates_k) c
              JOIN demo.videos v ON v.item_id = c.item_id
              LEFT JOIN demo.video_stats vs ON vs.item_id = c.item_id
              LEFT JOIN demo.user_features uf ON uf.user_id = recommend_ranked.user_id) scored
     ORDER BY p_watch DESC, candidate_rank
     LIMIT k
$$;

\echo
\echo 'SELECT * FROM demo.recommend_ranked(42, 10);   -- 500 candidates, ranked, the top 10'
SELECT r.rank, r.item_id, v.category, round(r.p_watch::numeric, 4) AS p_watch, r.candidate_rank,
       round(date_part('epoch', demo.clock() - v.uploaded_at)::numeric / 86400) AS age_days,
       round(v.duration_s / 60.0, 1) AS minutes, uf.category_share ->> v.category AS user_share_of_category
  FROM demo.recommend_ranked(42, 10) r
  JOIN demo.videos v USING (item_id)
  LEFT JOIN demo.user_features uf ON uf.user_id = 42
 ORDER BY r.rank;

\echo
\echo 'Held-out watches @10 of the held-out users: the candidates alone against candidates + ranker'
\timing on
WITH relevant AS (
    SELECT user_id, array_agg(item_id) AS items FROM demo.holdout WHERE user_id % 20 = 0 GROUP BY user_id
)
SELECT method, round(avg(recsys.precision_at_k(items, relevant, 10))::numeric, 4) AS "precision@10",
       round(avg(recsys.ndcg_at_k(items, relevant, 10))::numeric, 4) AS "ndcg@10", count(*) AS users
  FROM (SELECT 'ALS candidates alone' AS method, r.items, rel.items AS relevant, 1 AS o
          FROM relevant rel
         CROSS JOIN LATERAL (SELECT coalesce(array_agg(item_id ORDER BY rank), '{}') AS items
                               FROM recsys.recommend('demo_candidates', rel.user_id, 10)) r
        UNION ALL
        SELECT 'ALS 500 candidates + ranker', r.items, rel.items, 2
          FROM relevant rel
         CROSS JOIN LATERAL (SELECT coalesce(array_agg(item_id ORDER BY rank), '{}') AS items
                               FROM demo.recommend_ranked(rel.user_id, 10)) r) m
 GROUP BY method, o ORDER BY o;
\timing off
SELECT round((extract(epoch FROM clock_timestamp()) - :two_stage_started)::numeric, 1) AS section_7_took_s;

\echo
\echo '== 8. Closing the loop: a day of visits served and logged, the log labelled, the ranker retrained, served again =='
SELECT extract(epoch FROM clock_timestamp()) AS loop_started \gset
SELECT setseed(0.9) AS seeded \gset
SELECT recsys.serving_version('demo_ranker') AS ranker_v1,
       :'as_of'::timestamptz + interval '1 day' AS day2, :'as_of'::timestamptz + interval '2 days' AS day3 \gset

-- Day 2: every user with user_id % 10 = 1 visits once, at some minute of the day, and is served a
-- page of 20 by the two-stage query: the ranker's top 18 and 2 explored slots drawn at random from
-- the other 482 candidates (so that tomorrow's training rows are not only the ranker's own picks).
-- Each row of the page is logged with the model version that served it.
CREATE TEMP TABLE served AS
SELECT u.user_id, :'day2'::timestamptz + interval '1 minute' * (u.user_id % 1440) AS shown_at, r.*
  FROM demo.users u CROSS JOIN LATERAL demo.recommend_ranked(u.user_id, 500) r
 WHERE u.user_id % 10 = 1
 ORDER BY u.user_id, r.rank;
\timing on
INSERT INTO demo.recommendation_log (user_id, item_id, model_id, position, shown_at, candidate_rank, candidate_score)
SELECT user_id, item_id, :ranker_v1, row_number() OVER (PARTITION BY user_id ORDER BY rank > 18, rank)::int,
       shown_at, candidate_rank, candidate_score
  FROM (SELECT s.*, row_number() OVER (PARTITION BY user_id ORDER BY rank <= 18, draw) AS explore_order
          FROM (SELECT *, random() AS draw FROM served ORDER BY user_id, rank) s) page
 WHERE rank <= 18 OR explore_order <= 2;
\timing off

-- What the users do (the hidden truth again): a watch starts a few minutes after the page is shown
-- (exponential, 6 minutes on average), so about 1 in 5 starts after the 10-minute window and is,
-- by the design's rule, not credited to the page.
INSERT INTO demo.watch_history (user_id, item_id, minutes_watched, watched_at)
SELECT user_id, item_id,
       greatest(0.1, round((duration_s / 60.0 * CASE WHEN liked THEN 0.35 + 0.65 * random() ELSE 0.02 + 0.38 * random() END)::numeric, 1)),
       shown_at + interval '1 minute' * (-6 * ln(1 - random()))
  FROM (SELECT l.*, f.duration_s, f.g = ANY (ut.likes) AS liked,
               random() < pg_temp.p_true(f.g = ANY (ut.likes), f.uploaded_at, f.pop_rank, f.genre_videos,
                                         f.duration_s, l.candidate_rank) AS watches
          FROM demo.recommendation_log l
          JOIN video_fact f USING (item_id)
          JOIN user_taste ut USING (user_id)
         WHERE l.shown_at >= :'day2' AND l.shown_at < :'day3'
         ORDER BY l.user_id, l.position) w
 WHERE watches;
-- Fresh statistics for the day's rows: label_impressions' plan depends on them (with the counts of
-- before the inserts it joins by nested loops, minutes instead of a second).
ANALYZE demo.recommendation_log, demo.watch_history;

\echo
\echo 'SELECT * FROM recsys.label_impressions(''demo.recommendation_log'', ''demo.watch_history'', ''10 minutes'', :day2, :day3);'
\timing on
CREATE TABLE demo.day2_labels AS
SELECT l.user_id, l.item_id, l.model_id, l.position, l.shown_at, l.label, l.minutes_watched,
       g.candidate_rank, g.candidate_score
  FROM recsys.label_impressions('demo.recommendation_log', 'demo.watch_history', '10 minutes', :'day2', :'day3') l
  JOIN demo.recommendation_log g USING (user_id, item_id, shown_at);
\timing off
SELECT count(*) AS impressions, count(*) FILTER (WHERE label) AS watched_within_10_min,
       (SELECT count(*) FROM demo.watch_history w
         WHERE w.watched_at >= :'day2' AND w.watched_at < :'day3'::timestamptz + interval '1 hour') - count(*) FILTER (WHERE label)
           AS started_later_so_misses,
       round(100.0 * avg(label::int) FILTER (WHERE position <= 18), 2) AS watched_per_100_ranked,
       round(100.0 * avg(label::int) FILTER (WHERE position > 18), 2) AS watched_per_100_explored,
       round(avg(minutes_watched) FILTER (WHERE label)::numeric, 1) AS minutes_per_watch
  FROM demo.day2_labels;

\echo
\echo 'The ranker retrained on yesterday''s impressions and today''s labelled log, saved as a new version:'
\timing on
SELECT recsys.save_model('demo_ranker',
                         recsys.logreg_fit(watched, features, '{"negative_sample_rate": 0.1, "seed": 1}')) AS ranker_v2
  FROM (SELECT watched, features FROM demo.ranker_rows WHERE NOT held_out
        UNION ALL
        SELECT d.label, demo.ranker_features((uf.category_share ->> v.category)::float8, v.duration_s, v.uploaded_at,
                                             vs.views, d.candidate_score, d.candidate_rank, d.shown_at)
          FROM demo.day2_labels d
          JOIN demo.videos v USING (item_id)
          LEFT JOIN demo.video_stats vs USING (item_id)
          LEFT JOIN demo.user_features uf USING (user_id)) t \gset
\timing off
SELECT :ranker_v1 AS ranker_v1, :ranker_v2 AS ranker_v2, recsys.serving_version('demo_ranker') AS now_serving;

\echo
\echo 'Serving again: the same call now ranks with the new version (user 42, the top 5)'
SELECT rank, item_id, round(p_watch::numeric, 4) AS p_watch, candidate_rank FROM demo.recommend_ranked(42, 5);

\echo
\echo 'Day 3 (users with user_id % 10 = 2), pages of 20: expected watches per 100 shown under the hidden truth'
\echo '(the old version is served again for the comparison by pinning it: recsys.deploy, then recsys.rollback)'
CREATE TEMP TABLE day3_pages (version text, o int, user_id bigint, item_id bigint, candidate_rank int);
INSERT INTO day3_pages
SELECT 'ALS candidates alone', 1, u.user_id, r.item_id, r.rank
  FROM demo.users u CROSS JOIN LATERAL recsys.recommend('demo_candidates', u.user_id, 20) r WHERE u.user_id % 10 = 2;
SELECT recsys.deploy('demo_ranker', :ranker_v1) AS pinned \gset
INSERT INTO day3_pages
SELECT 'ranker v1 (pinned)', 2, u.user_id, r.item_id, r.candidate_rank
  FROM demo.users u CROSS JOIN LATERAL demo.recommend_ranked(u.user_id, 20) r WHERE u.user_id % 10 = 2;
SELECT recsys.rollback('demo_ranker') AS serving_after_rollback \gset
INSERT INTO day3_pages
SELECT 'ranker v2 (retrained)', 3, u.user_id, r.item_id, r.candidate_rank
  FROM demo.users u CROSS JOIN LATERAL demo.recommend_ranked(u.user_id, 20) r WHERE u.user_id % 10 = 2;
SELECT version, round(100 * avg(pg_temp.p_true(f.g = ANY (ut.likes), f.uploaded_at, f.pop_rank, f.genre_videos,
                                                f.duration_s, p.candidate_rank))::numeric, 2) AS expected_watches_per_100,
       count(DISTINCT p.user_id) AS users
  FROM day3_pages p JOIN video_fact f USING (item_id) JOIN user_taste ut USING (user_id)
 GROUP BY version, o ORDER BY o;
-- rollback pinned the retrained version; unpinned, serving follows the newest version again
SELECT :serving_after_rollback AS serving_after_rollback, recsys.undeploy('demo_ranker') AS serving_newest;
SELECT action, model_id, pinned FROM recsys.deployments('demo_ranker');
SELECT round((extract(epoch FROM clock_timestamp()) - :loop_started)::numeric, 1) AS section_8_took_s;
\echo
\echo 'Done.'
