-- Exploration against exploitation, simulated: a catalogue of videos of planted quality (a true
-- click-through rate each), new uploads every round, users who get a page of k videos from
-- their candidates, clicks drawn from the true rates, and a bandit retrained from each
-- policy's own log before every round. Run by bench/explore_sim.sh (psql variables below).
--
-- Policies (recsys.explore on the policy's newest bandit_fit model):
--   random            k candidates at random (scores: a hash)                       the floor
--   greedy            by posterior mean, epsilon 0: pure exploitation
--   greedy+fresh      by posterior mean, epsilon of the slots explored among fresh videos
--   thompson          by a draw of each posterior (no scores, epsilon 0)
--   thompson+fresh    the same, epsilon of the slots explored among fresh videos
-- and the oracle (the k candidates of the highest true CTR), for regret.
--
-- Every policy sees the same users, candidates and click coins (a hash of round, user and
-- video: common random numbers), so the differences are the policies'. Figures over rounds
-- 1..rounds, after a history of 200 impressions of every video of the starting catalogue:
--   ctr             clicks / impressions;  exp_ctr: the mean true CTR of what was shown
--   regret_%        (oracle's expected clicks - the policy's) / the oracle's
--   coverage        videos shown at least once / videos in the catalogue at the end
--   fresh_share     impressions of videos uploaded in the last 5 rounds
--   uploads_seen    new uploads shown at least once
--   top_found       the best 10 % of new uploads (true CTR) that reached min_shows (100) shows
\if :{?rounds} \else \set rounds 30 \endif
\if :{?users} \else \set users 500 \endif
\if :{?k} \else \set k 10 \endif
\if :{?candidates} \else \set candidates 200 \endif
\if :{?catalogue} \else \set catalogue 2000 \endif
\if :{?uploads} \else \set uploads 40 \endif
\if :{?epsilon} \else \set epsilon 0.1 \endif
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP TABLE IF EXISTS sim_params, sim_videos, sim_candidates, sim_history, sim_log, sim_oracle, sim_policies, sim_means;
CREATE TABLE sim_params AS
SELECT :rounds AS rounds, :users AS users, :k AS k, :candidates AS candidates, :catalogue AS catalogue,
       :uploads AS uploads, :epsilon::float8 AS epsilon;

-- A uniform number in [0, 1) from three integers (round, user, video): the same everywhere.
CREATE OR REPLACE FUNCTION sim_u(a bigint, b bigint, c bigint) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (hashint8extended(c, hashint8extended(b, a)) & 9007199254740991)::float8 / 9007199254740992;

-- Planted quality: log-normal CTRs, median 2 %, about 1 in 10 above 5.5 %. Videos 1..catalogue
-- exist at round 0; `uploads` new ones arrive at each round 1..rounds.
CREATE TABLE sim_videos AS
SELECT v::bigint AS item_id,
       least(0.5, 0.02 * exp(0.8 * sqrt(-2 * ln(1 - sim_u(0, v, 1))) * cos(2 * pi() * sim_u(0, v, 2)))) AS ctr,
       CASE WHEN v <= p.catalogue THEN 0 ELSE (v - p.catalogue - 1) / p.uploads + 1 END AS uploaded
FROM sim_params p, generate_series(1, p.catalogue + p.rounds * p.uploads) v;
CREATE UNIQUE INDEX ON sim_videos (item_id);
ANALYZE sim_videos;

-- Each user's candidates of each round: about `candidates` of the videos uploaded so far, drawn
-- at random (the candidate stage knows nothing of quality here).
CREATE TABLE sim_candidates AS
SELECT r AS round, u::bigint AS user_id, array_agg(v.item_id ORDER BY v.item_id) AS items
FROM sim_params p, generate_series(1, p.rounds) r, generate_series(1, p.users) u, sim_videos v
WHERE v.uploaded <= r
  AND sim_u(r, u, v.item_id) < p.candidates::float8 / (p.catalogue + r * p.uploads)
GROUP BY r, u;
-- The oracle: the expected clicks of the k best candidates of each page.
CREATE TABLE sim_oracle AS
SELECT c.round, c.user_id, (SELECT sum(ctr) FROM (SELECT v.ctr FROM unnest(c.items) i JOIN sim_videos v ON v.item_id = i
                                                  ORDER BY v.ctr DESC LIMIT (SELECT k FROM sim_params)) b) AS clicks
FROM sim_candidates c;

CREATE TABLE sim_policies (policy text PRIMARY KEY, by_mean bool, random bool, epsilon float8);
INSERT INTO sim_policies
SELECT x.* FROM sim_params p,
       LATERAL (VALUES ('random', false, true, 0::float8), ('greedy', true, false, 0::float8),
                       ('greedy+fresh', true, false, p.epsilon), ('thompson', false, false, 0::float8),
                       ('thompson+fresh', false, false, p.epsilon)) AS x(policy, by_mean, random, epsilon);

-- The history every policy starts from: 200 impressions of each video of the catalogue, as
-- counts per video (bandit_fit adds them up with the policies' own rows).
CREATE TABLE sim_history AS
SELECT v.item_id, count(*) AS shows, count(*) FILTER (WHERE sim_u(-1, -i, v.item_id) < v.ctr) AS clicks
FROM sim_videos v, generate_series(1, 200) i WHERE v.uploaded = 0 GROUP BY v.item_id;
CREATE TABLE sim_log (policy text, round int, user_id bigint, item_id bigint, rank int, explored bool, clicked bool);

CREATE TABLE sim_means (item_id bigint PRIMARY KEY, mean float8);
DO $$
DECLARE
    p sim_params;
    s sim_policies;
    model bytea;
    prior_mean float8;
    started timestamptz := clock_timestamp();
BEGIN
    SELECT * INTO p FROM sim_params;
    FOR r IN 1..p.rounds LOOP
        FOR s IN SELECT * FROM sim_policies ORDER BY policy LOOP
            -- retrain from the policy's whole log
            SELECT recsys.bandit_fit(x.item_id, x.shows, x.clicks) INTO model
            FROM (SELECT l.item_id, 1 AS shows, l.clicked::int AS clicks FROM sim_log l WHERE l.policy = s.policy
                  UNION ALL SELECT h.item_id, h.shows, h.clicks FROM sim_history h) x;
            prior_mean := (recsys.model_info(model)->'metadata'->'statistics'->>'prior_mean')::float8;
            TRUNCATE sim_means;
            INSERT INTO sim_means SELECT b.item_id, b.mean FROM recsys.bandit_items(model) b;
            INSERT INTO sim_log
            SELECT s.policy, r, c.user_id, e.item_id, e.rank, e.explored, sim_u(-r, c.user_id, e.item_id) < v.ctr
            FROM sim_candidates c
            CROSS JOIN LATERAL (
                SELECT CASE WHEN s.random THEN array_agg(sim_u(r, c.user_id, -i.id) ORDER BY i.n)
                            WHEN s.by_mean THEN array_agg(coalesce(m.mean, prior_mean) ORDER BY i.n) END AS scores
                FROM unnest(c.items) WITH ORDINALITY AS i(id, n) LEFT JOIN sim_means m ON m.item_id = i.id) sc
            CROSS JOIN LATERAL recsys.explore(model, c.items, sc.scores, p.k, s.epsilon, r * 1000000 + c.user_id) e
            JOIN sim_videos v ON v.item_id = e.item_id
            WHERE c.round = r;
        END LOOP;
        IF r % 10 = 0 THEN
            RAISE NOTICE 'round % of %: % s', r, p.rounds, round(extract(epoch FROM clock_timestamp() - started)::numeric, 1);
        END IF;
    END LOOP;
END
$$;

\echo
\echo rounds :rounds, users per round :users, page :k, candidates :candidates, catalogue :catalogue + :uploads uploads a round, epsilon :epsilon
WITH played AS (
    SELECT l.*, v.ctr, v.uploaded FROM sim_log l JOIN sim_videos v USING (item_id) WHERE l.round > 0
), shows AS (
    SELECT l.policy, l.item_id, count(*) AS n FROM sim_log l GROUP BY 1, 2
), uploads AS (
    SELECT item_id, ctr >= (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY ctr) FROM sim_videos WHERE uploaded > 0) AS top
    FROM sim_videos WHERE uploaded > 0
), totals AS (
    SELECT (SELECT sum(clicks) FROM sim_oracle) AS oracle_clicks, (SELECT count(*) FROM sim_videos) AS videos,
           (SELECT count(*) FROM sim_videos WHERE uploaded > 0) AS new_videos
)
SELECT p.policy,
       count(*) AS impressions,
       round(avg(p.clicked::int), 4) AS ctr,
       round(avg(p.ctr)::numeric, 4) AS exp_ctr,
       round(avg(p.clicked::int) FILTER (WHERE p.round > (SELECT rounds - 10 FROM sim_params)), 4) AS ctr_last10,
       round((100 * (1 - sum(p.ctr) / t.oracle_clicks))::numeric, 1) AS "regret_%",
       round(count(DISTINCT p.item_id)::numeric / t.videos, 3) AS coverage,
       round(avg((p.round - p.uploaded < 5 AND p.uploaded > 0)::int), 4) AS fresh_share,
       round(count(DISTINCT p.item_id) FILTER (WHERE p.uploaded > 0)::numeric / t.new_videos, 3) AS uploads_seen,
       (SELECT round(avg((coalesce(s.n, 0) >= 100)::int), 3) FROM uploads u
        LEFT JOIN shows s ON s.item_id = u.item_id AND s.policy = p.policy WHERE u.top) AS top_found,
       round(avg(p.explored::int), 3) AS explored
FROM played p, totals t
GROUP BY p.policy, t.oracle_clicks, t.videos, t.new_videos
ORDER BY "regret_%";
SELECT round((avg(clicks) / (SELECT k FROM sim_params))::numeric, 4) AS oracle_exp_ctr FROM sim_oracle;
DROP TABLE sim_params, sim_videos, sim_candidates, sim_history, sim_log, sim_oracle, sim_policies, sim_means;
DROP FUNCTION sim_u(bigint, bigint, bigint);
