-- The two-stage recommendation of the README: candidates from recsys.recommend, their features
-- joined from the user's own tables, scored by a ranker named in the registry, the top k. The
-- query is wrapped in a SQL function, as the README and the demo do, and must be inlined.
SELECT setseed(0.25);
-- the candidate model, on setup's watch table (users 1..40, items 100..129)
SELECT recsys.save_model('ts_candidates', recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 5}')) > 0 AS saved
FROM watch;
-- the features' tables: a length per item, a taste per user
CREATE TABLE ts_items AS SELECT i AS item_id, (60 * (1 + (i * 7) % 20))::int AS duration_s FROM generate_series(100::bigint, 129) i;
CREATE TABLE ts_users AS SELECT u AS user_id, u % 2 = 0 AS likes_short FROM generate_series(1::bigint, 40) u;
-- one definition of the feature vector for training and serving
CREATE FUNCTION ts_features(score real, rank int, duration_s int, likes_short bool) RETURNS float8[]
    LANGUAGE sql IMMUTABLE
    RETURN ARRAY[score, ln(rank::float8), duration_s / 600.0::float8, coalesce(likes_short, false)::int * duration_s / 600.0::float8];
-- impressions: every user's 20 candidates shown 10 times; short videos are watched, more so by the
-- users who like them; 'ts_ranker_long' learns the opposite taste
CREATE TABLE ts_impressions AS
SELECT c.user_id, c.item_id, ts_features(c.score, c.rank, i.duration_s, u.likes_short) AS features,
       random() < 1 / (1 + exp(-(1 - 3 * i.duration_s / 600.0 - 2 * u.likes_short::int * i.duration_s / 600.0))) AS watched_short,
       random() < 1 / (1 + exp(-(-3 + 3 * i.duration_s / 600.0))) AS watched_long
FROM (SELECT w.user_id, r.item_id, r.score, r.rank
      FROM generate_series(1::bigint, 40) w(user_id), recsys.recommend('ts_candidates', w.user_id, 20) r
      ORDER BY 1, 3 DESC, 2) c
JOIN ts_items i USING (item_id) JOIN ts_users u USING (user_id), generate_series(1, 10);
SELECT recsys.save_model('ts_ranker', recsys.logreg_fit(watched_short, features, '{"negative_sample_rate": 0.5, "seed": 1}')) > 0 AS saved,
       recsys.save_model('ts_ranker_long', recsys.logreg_fit(watched_long, features)) > 0 AS saved_long
FROM ts_impressions;
-- the two-stage query as a SQL function (STABLE, not STRICT: the planner inlines it)
CREATE FUNCTION ts_recommend_ranked(user_id bigint, k int DEFAULT 10, ranker text DEFAULT 'ts_ranker',
                                    candidates_k int DEFAULT 20, candidates text DEFAULT 'ts_candidates')
    RETURNS TABLE(item_id bigint, p float8, rank int, candidate_rank int) LANGUAGE sql STABLE
AS $$
    SELECT item_id, p, CAST(row_number() OVER (ORDER BY p DESC, candidate_rank) AS int), candidate_rank
    FROM (SELECT c.item_id, c.rank AS candidate_rank,
                 recsys.predict(ranker, ts_features(c.score, c.rank, i.duration_s, u.likes_short)) AS p
          FROM recsys.recommend(candidates, user_id, candidates_k) c
          JOIN ts_items i ON i.item_id = c.item_id
          LEFT JOIN ts_users u ON u.user_id = ts_recommend_ranked.user_id) scored
    ORDER BY p DESC, candidate_rank
    LIMIT k
$$;
CREATE FUNCTION ts_plan(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query; END $$;
-- inlined: one plan that scans recommend, no call of the wrapper
SELECT bool_or(line LIKE '%Function Scan on recommend%') AS scans_candidates,
       NOT bool_or(line LIKE '%ts_recommend_ranked%') AS inlined
FROM ts_plan('SELECT * FROM ts_recommend_ranked(3, 5)') line;
-- k rows, ranks 1..k, in the ranker's order, from the user's candidates, none already watched
SELECT count(*) AS rows, array_agg(rank ORDER BY rank) AS ranks,
       bool_and(p BETWEEN 0 AND 1) AS probabilities,
       bool_and(candidate_rank BETWEEN 1 AND 20) AS from_candidates,
       NOT bool_or(item_id IN (SELECT w.item_id FROM watch w WHERE w.user_id = 3)) AS unseen
FROM ts_recommend_ranked(3, 5);
SELECT bool_and(p >= next_p) AS ordered_by_ranker, bool_or(candidate_rank <> rank) AS reordered
FROM (SELECT p, rank, candidate_rank, lead(p) OVER (ORDER BY rank) AS next_p FROM ts_recommend_ranked(3, 20)) s
WHERE next_p IS NOT NULL;
-- the same ranking as an independent computation: every candidate scored with the model's bytes,
-- its rank = 1 + the candidates scored higher (ties by candidate rank), for every user
WITH ranker AS (SELECT model FROM recsys.models WHERE name = 'ts_ranker' ORDER BY created_at DESC, id DESC LIMIT 1),
scored AS (
    SELECT w.user_id, c.item_id, c.rank AS candidate_rank,
           recsys.predict(ranker.model, ts_features(c.score, c.rank, i.duration_s, u.likes_short)) AS p
    FROM generate_series(1::bigint, 40) w(user_id)
    CROSS JOIN LATERAL recsys.recommend('ts_candidates', w.user_id, 20) c
    JOIN ts_items i ON i.item_id = c.item_id JOIN ts_users u ON u.user_id = w.user_id, ranker
),
expected AS (
    SELECT s.user_id, s.item_id, s.p,
           (SELECT 1 + count(*) FROM scored o WHERE o.user_id = s.user_id
              AND (o.p > s.p OR (o.p = s.p AND o.candidate_rank < s.candidate_rank)))::int AS rank
    FROM scored s
)
SELECT count(*) AS compared,
       bool_and(e.item_id = r.item_id AND e.p = r.p) AS same_ranking
FROM expected e
JOIN LATERAL ts_recommend_ranked(e.user_id, 7) r ON r.rank = e.rank;
-- candidates_k bounds the candidates: k larger than candidates_k gives candidates_k rows, and
-- they are the top candidates_k of the candidate stage
SELECT count(*) AS rows, max(candidate_rank) AS deepest_candidate,
       array_agg(item_id ORDER BY item_id) =
         (SELECT array_agg(c.item_id ORDER BY c.item_id) FROM recsys.recommend('ts_candidates', 3, 4) c) AS top_4_candidates
FROM ts_recommend_ranked(3, 10, candidates_k => 4);
SELECT count(*) AS zero_k FROM ts_recommend_ranked(3, 0);
-- the ranker is a name: another model changes the order (the short videos go down)
SELECT (SELECT avg(i.duration_s) FROM ts_recommend_ranked(3, 5) r JOIN ts_items i USING (item_id)) <
       (SELECT avg(i.duration_s) FROM ts_recommend_ranked(3, 5, 'ts_ranker_long') r JOIN ts_items i USING (item_id))
       AS long_ranker_prefers_long;
-- the same as a prepared plain query (planned once, executed many times)
PREPARE two_stage(bigint) AS
SELECT c.item_id, recsys.predict('ts_ranker', ts_features(c.score, c.rank, i.duration_s, u.likes_short)) AS p
FROM recsys.recommend('ts_candidates', $1, 20) c
JOIN ts_items i ON i.item_id = c.item_id
LEFT JOIN ts_users u ON u.user_id = $1
ORDER BY p DESC, c.rank
LIMIT 5;
SET plan_cache_mode = force_generic_plan;  -- the plan a prepared statement settles on
CREATE TEMP TABLE prepared_result AS EXECUTE two_stage(3);
RESET plan_cache_mode;
SELECT (SELECT array_agg(item_id ORDER BY p DESC) FROM prepared_result) =
       (SELECT array_agg(item_id ORDER BY rank) FROM ts_recommend_ranked(3, 5)) AS same_as_function;
DEALLOCATE two_stage;
-- errors, each naming the culprit: SQLSTATE, message and hint (error_of: sql/setup.sql)
SELECT q AS call, error_of('SELECT * FROM ' || q) AS error
FROM (VALUES ('ts_recommend_ranked(3, 5, ''nope'')'),
             ('ts_recommend_ranked(3, 5, NULL)'),
             ('ts_recommend_ranked(3, 5, ''ts_candidates'')'),
             ('ts_recommend_ranked(3, 5, candidates => ''nope'')'),
             ('ts_recommend_ranked(3, 5, candidates => NULL)'),
             ('ts_recommend_ranked(3, 5, candidates => ''ts_ranker'')'),
             ('ts_recommend_ranked(3, 5, candidates_k => 0)'),
             ('ts_recommend_ranked(3, 5, candidates_k => NULL)'),
             ('ts_recommend_ranked(3, -1)')) v(q);
-- a ranker trained on other features
SELECT recsys.save_model('ts_ranker_3', recsys.logreg_fit(watched_short, features[1:3])) > 0 AS saved FROM ts_impressions;
SELECT error_of('SELECT * FROM ts_recommend_ranked(3, 5, ''ts_ranker_3'')') AS error;
-- NULL user: no candidates, so no rows (as recsys.recommend)
SELECT count(*) AS null_user_rows FROM ts_recommend_ranked(NULL, 5);
