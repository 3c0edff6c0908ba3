-- bandit_fit, bandit_items and explore: counts to posteriors (one row per
-- impression or pre-aggregated), the prior, a page mixing exploitation and
-- explored fresh items, determinism under a seed, a parallel plan, and every
-- error.
-- 30 videos of planted quality: video v has CTR (v + 1) / 200; videos 0..24
-- were shown 400 times, 25..29 (fresh) 20 times. Clicks are the first
-- round(shows * CTR) impressions, so the counts are exact.
CREATE TABLE impressions_log AS
SELECT v::bigint AS item_id, i AS shown_no, (i <= round(n * (v + 1) / 200.0))::int AS clicked,
       CASE WHEN v % 3 = 0 THEN 'music' ELSE 'sport' END AS category
FROM generate_series(0, 29) v, LATERAL (SELECT CASE WHEN v < 25 THEN 400 ELSE 20 END AS n) s,
     generate_series(1, s.n) i;
SELECT count(*) AS impressions, sum(clicked) AS clicks FROM impressions_log;

-- one row per impression, or counts per video: the same model
CREATE TABLE bandits AS
SELECT (SELECT recsys.bandit_fit(item_id, 1, clicked) FROM impressions_log) AS per_impression,
       (SELECT recsys.bandit_fit(item_id, shows, clicks)
        FROM (SELECT item_id, count(*) AS shows, sum(clicked) AS clicks FROM impressions_log GROUP BY item_id) c
       ) AS per_video;
SELECT count(*) AS items, bool_and(a = b) AS same
FROM bandits, recsys.bandit_items(per_impression) a JOIN recsys.bandit_items(per_video) b USING (item_id);
SELECT recsys.model_info(per_impression)->'kind' AS kind,
       recsys.model_info(per_impression)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(per_impression)->'metadata'->'options' AS options,
       recsys.model_info(per_impression)->'metadata'->'training'->'rows' AS rows
FROM bandits;
-- the prior learned from the catalogue: mean the pooled CTR, strength from the spread
SELECT key, CASE WHEN jsonb_typeof(value) = 'number' THEN trim_scale(round(value::text::numeric, 4))::text ELSE value #>> '{}' END AS value
FROM bandits, jsonb_each(recsys.model_info(per_impression)->'metadata'->'statistics') ORDER BY key;
-- what it believes: Beta(prior_a + clicks, prior_b + shows - clicks) per video
SELECT item_id, shows, clicks, round(alpha::numeric, 4) AS alpha, round(beta::numeric, 4) AS beta,
       round(mean::numeric, 4) AS mean, fresh
FROM bandits, recsys.bandit_items(per_impression) WHERE item_id IN (0, 12, 24, 25, 29) ORDER BY item_id;
-- a given prior, and min_shows
SELECT item_id, alpha, beta, fresh
FROM recsys.bandit_items((SELECT recsys.bandit_fit(item_id, 1, clicked, '{"prior_a": 1, "prior_b": 99, "min_shows": 401}')
                          FROM impressions_log))
WHERE item_id IN (0, 29) ORDER BY item_id;
-- a learned prior of a given strength
SELECT round((recsys.model_info(m)->'metadata'->'statistics'->>'prior_strength')::numeric, 6) AS strength,
       recsys.model_info(m)->'metadata'->'statistics'->>'prior_source' AS source
FROM (SELECT recsys.bandit_fit(item_id, 1, clicked, '{"prior_strength": 50}') AS m FROM impressions_log) s;
-- a sparse log where every video has the same CTR (2 %, 25 shows each): the counts cannot tell the
-- videos apart, so the likelihood rises to any strength, which stops at min_shows (the method of
-- moments put it at 10^6, every draw the catalogue's mean); fresh videos' draws still spread
CREATE TEMP TABLE flat_log AS
SELECT v::bigint AS item_id, ((v * 7919 + i * 104729) % 50 = 0)::int AS clicked
FROM generate_series(1, 400) v, generate_series(1, 25) i;
SELECT min_shows, round((s->>'prior_strength')::numeric, 4) AS strength, s->>'prior_source' AS source
FROM (VALUES (100), (10)) o(min_shows),
     LATERAL (SELECT recsys.model_info(recsys.bandit_fit(item_id, 1, clicked, jsonb_build_object('min_shows', min_shows)))
                     ->'metadata'->'statistics' AS s FROM flat_log) m;
SELECT round(stddev(sampled_ctr)::numeric, 3) > 0.005 AS draws_spread
FROM (SELECT recsys.bandit_fit(item_id, 1, clicked) AS m FROM flat_log) b, generate_series(1, 200) s,
     recsys.explore(b.m, ARRAY[1000001]::bigint[], k => 1, epsilon => 0, seed => s) e;
-- a log without a click: said at fit time (WARNING) and by model_info; a given prior keeps the
-- posteriors apart by their shows, so it says nothing then
SELECT recsys.model_info(recsys.bandit_fit(item_id, 1, 0))->'metadata'->'statistics'->>'warning' AS warning
FROM impressions_log;
SELECT recsys.model_info(recsys.bandit_fit(item_id, 1, 0, '{"prior_a": 1, "prior_b": 49}'))->'metadata'->'statistics'
           ? 'warning' AS warned_with_a_given_prior
FROM impressions_log;
-- one model per category; NULL rows are skipped and counted
SELECT category, recsys.model_info(m)->'metadata'->'dimensions'->>'items' AS items,
       recsys.model_info(m)->'metadata'->'training'->>'skipped_rows' AS skipped
FROM (SELECT category, recsys.bandit_fit(CASE WHEN shown_no = 1 THEN NULL ELSE item_id END, 1, clicked) AS m
      FROM impressions_log GROUP BY category) s ORDER BY category;
SELECT recsys.bandit_fit(item_id, 1, clicked) IS NULL AS no_model FROM impressions_log WHERE false;

-- a forced parallel plan gives the serial model
SELECT force_parallel_plans();
SELECT workers_launched('SELECT recsys.bandit_fit(item_id, 1, clicked) FROM impressions_log') > 0 AS parallel;
SELECT bool_and(a = b) AS same_model
FROM bandits, recsys.bandit_items((SELECT recsys.bandit_fit(item_id, 1, clicked) FROM impressions_log)) a
     JOIN recsys.bandit_items(per_impression) b USING (item_id);
RESET ALL;

SELECT recsys.save_model('video_bandit', per_impression) > 0 AS saved FROM bandits;

-- a page of 10 from 20 candidates (videos 10..29; a ranker's scores fall with
-- the id, so the fresh videos 25..29 score lowest): 30 % explored among fresh videos
CREATE TABLE bandit_candidates AS
SELECT array_agg(v::bigint ORDER BY v) AS item_ids, array_agg(1 - v / 100.0::float8 ORDER BY v) AS scores
FROM generate_series(10, 29) v;
SELECT p.item_id, p.rank, p.score, round(p.sampled_ctr::numeric, 6) AS sampled_ctr, p.explored
FROM bandit_candidates c, recsys.explore('video_bandit', c.item_ids, c.scores, 10, 0.3, seed => 42) p;
-- the same seed gives the same page, by name or by bytes, whatever the candidates' order
SELECT (SELECT array_agg(item_id ORDER BY rank) FROM recsys.explore('video_bandit', c.item_ids, c.scores, 10, 0.3, 42))
     = (SELECT array_agg(item_id ORDER BY rank)
        FROM bandits b, recsys.explore(b.per_impression, (SELECT array_agg(x ORDER BY x DESC) FROM unnest(c.item_ids) x),
                                       (SELECT array_agg(x ORDER BY x) FROM unnest(c.scores) x), 10, 0.3, 42)) AS same_page
FROM bandit_candidates c;
-- over 500 pages (seed = user * 1000 + page number): 30 % of the slots
-- explored, only fresh videos, the other slots by score
SELECT round(avg(explored::int), 2) AS explored_share,
       bool_and(item_id >= 25) FILTER (WHERE explored) AS only_fresh,
       count(DISTINCT item_id) FILTER (WHERE explored) AS fresh_shown,
       count(DISTINCT (s.page, p.rank)) AS slots
FROM bandit_candidates c, generate_series(1, 500) s(page),
     recsys.explore('video_bandit', c.item_ids, c.scores, 10, 0.3, 7 * 1000 + s.page) p;
SELECT bool_and(ordered) AS exploited_by_score FROM (
    SELECT s.page, array_agg(p.score ORDER BY p.rank) FILTER (WHERE NOT explored)
           = array_agg(p.score ORDER BY p.score DESC) FILTER (WHERE NOT explored) AS ordered
    FROM bandit_candidates c, generate_series(1, 100) s(page),
         recsys.explore('video_bandit', c.item_ids, c.scores, 10, 0.3, s.page) p
    GROUP BY s.page) x;
-- without scores: pure Thompson sampling; the better videos come first more often
SELECT item_id, count(*) AS times_first FROM (
    SELECT p.item_id FROM bandit_candidates c, generate_series(1, 1000) s(page),
         recsys.explore('video_bandit', c.item_ids, NULL, 1, 0, s.page) p) x
GROUP BY item_id ORDER BY times_first DESC, item_id LIMIT 5;
-- a candidate the model never saw (a new upload) is fresh, with the prior
SELECT item_id, explored FROM recsys.explore('video_bandit', ARRAY[1, 2, 999]::bigint[], ARRAY[3, 2, 1]::float8[], 3, 0.34, 1)
ORDER BY rank;
-- fewer candidates than k: all of them
SELECT count(*) FROM recsys.explore('video_bandit', ARRAY[1, 2]::bigint[], k => 10);
SELECT count(*) FROM recsys.explore('video_bandit', '{}'::bigint[]);

-- errors
SELECT recsys.bandit_fit(item_id, -1, clicked) FROM impressions_log;
SELECT recsys.bandit_fit(item_id, 1, 2) FROM impressions_log;
SELECT recsys.bandit_fit(item_id, 1, clicked, '{"prior_a": 1}') FROM impressions_log;
SELECT recsys.bandit_fit(item_id, 1, clicked, '{"prior_a": 1, "prior_b": 1, "prior_strength": 5}') FROM impressions_log;
SELECT recsys.bandit_fit(item_id, 1, clicked, '{"prior_a": 0, "prior_b": 1}') FROM impressions_log;
SELECT recsys.bandit_fit(item_id, 1, clicked, '{"min_show": 5}') FROM impressions_log;
SELECT recsys.bandit_fit(item_id, 1, clicked, NULL) FROM impressions_log;
SELECT * FROM recsys.explore('video_bandit', NULL);
SELECT * FROM recsys.explore('video_bandit', ARRAY[1, NULL]::bigint[]);
SELECT * FROM recsys.explore('video_bandit', ARRAY[1, 2, 1]::bigint[]);
SELECT * FROM recsys.explore('video_bandit', ARRAY[1, 2]::bigint[], ARRAY[1]::float8[]);
SELECT * FROM recsys.explore('video_bandit', ARRAY[1, 2]::bigint[], ARRAY[1, 'NaN']::float8[]);
SELECT * FROM recsys.explore('video_bandit', ARRAY[1, 2]::bigint[], k => 0);
SELECT * FROM recsys.explore('video_bandit', ARRAY[1, 2]::bigint[], k => NULL);
SELECT * FROM recsys.explore('video_bandit', ARRAY[1, 2]::bigint[], epsilon => 1.5);
SELECT * FROM recsys.explore('video_bandit', ARRAY[1, 2]::bigint[], epsilon => NULL);
SELECT * FROM recsys.explore('video_bandit', ARRAY[1, 2]::bigint[], seed => NULL);
SELECT * FROM recsys.explore('no_such_bandit', ARRAY[1, 2]::bigint[]);
SELECT * FROM recsys.explore(NULL::bytea, ARRAY[1, 2]::bigint[]);
SELECT * FROM recsys.explore((SELECT recsys.logreg_fit(clicked = 1, ARRAY[item_id]::float8[]) FROM impressions_log),
                             ARRAY[1, 2]::bigint[]);
SELECT * FROM recsys.bandit_items((SELECT recsys.logreg_fit(clicked = 1, ARRAY[item_id]::float8[]) FROM impressions_log));
SELECT recsys.predict('video_bandit', ARRAY[1.0]);
DELETE FROM recsys.models WHERE name = 'video_bandit';
DROP TABLE impressions_log, bandits, bandit_candidates;
