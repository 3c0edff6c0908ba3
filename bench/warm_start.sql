-- Warm versus cold ALS retraining (bench/warm_start.sh), on MovieLens 100K
-- (data=movielens, the default) or on generated data (data=generated).
-- Rows in time order: the first 80% train the model that is serving
-- ('bench_warm_base', cold, the defaults: 15 iterations); the "new data" is the
-- first 90%; the last 10% is what to predict: for each user with rows in both,
-- the items they watched in it, against the top 10 of the catalogue without
-- their training items (NDCG@10, P@10, R@10).
--   movielens: table ml (bench_ml_load); time order = (ts, user, item).
--   generated: 1,000,000 rows, 100,000 users in 50 taste groups of 400 of the
--              20,000 videos (Zipf-like within the group, one row in ten a
--              video of any group), time order = generation order; scored on
--              3,000 users.
-- Each configuration trains once per seed 1 .. :runs (the serving model too);
-- fit seconds are model_info's, the statement's from clock_timestamp: medians;
-- losses and quality: means (and the spread of NDCG@10 over seeds).
\set ON_ERROR_STOP 1
\if :{?data}
\else
\set data movielens
\endif
SET client_min_messages = warning;
SET recsys.max_memory = '4GB';
SELECT set_config('bench.runs', :'runs', false) IS NOT NULL AS configured, :'data' = 'movielens' AS movielens \gset
DROP TABLE IF EXISTS ml_time;
\if :movielens
CREATE TEMP TABLE ml_time AS
SELECT user_id, item_id, row_number() OVER (ORDER BY ts, user_id, item_id) <= 80000 AS old,
       row_number() OVER (ORDER BY ts, user_id, item_id) <= 90000 AS known
FROM ml;
\else
SELECT setseed(0.6);
CREATE TEMP TABLE ml_time AS
SELECT u AS user_id,
       CASE WHEN random() < 0.1 THEN 1 + floor(random() * 20000)
            ELSE 1 + (u % 50) * 400 + floor(power(1 + random() * (power(401, 0.2) - 1), 5)) - 1 END::bigint AS item_id,
       g <= 800000 AS old, g <= 900000 AS known
FROM (SELECT g, 1 + floor(random() * 100000)::bigint AS u FROM generate_series(1, 1000000) g) r;
\endif
DROP TABLE IF EXISTS truth;
CREATE TEMP TABLE truth AS
SELECT t.user_id, array_agg(DISTINCT t.item_id) AS relevant FROM ml_time t
WHERE NOT t.known AND EXISTS (SELECT FROM ml_time k WHERE k.user_id = t.user_id AND k.known)
GROUP BY t.user_id ORDER BY t.user_id LIMIT 3000;

DROP TABLE IF EXISTS runs;
CREATE TEMP TABLE runs (label text, run int, fit_s float8, statement_s float8, first_loss float8, last_loss float8,
                        model bytea);
-- One training of `label` on the new data with seed `run`: its times, losses and model.
CREATE FUNCTION pg_temp.timed(label text, options jsonb, run int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE started timestamptz; m bytea; info jsonb;
BEGIN
  started := clock_timestamp();
  SELECT recsys.als_fit(user_id, item_id, 1.0, options || jsonb_build_object('seed', run)) INTO m FROM ml_time WHERE known;
  info := recsys.model_info(m)->'metadata'->'training';
  INSERT INTO runs VALUES (label, run, (info->>'seconds')::float8, extract(epoch FROM clock_timestamp() - started),
                           (info->'loss'->>0)::float8, (info->'loss'->>-1)::float8, m);
END $$;
-- Per seed: the serving model (first 80%, cold), then each retraining on the first 90%.
DO $$
DECLARE base bigint;
BEGIN
  FOR run IN 1 .. current_setting('bench.runs')::int LOOP
    DELETE FROM recsys.models WHERE name = 'bench_warm_base';
    SELECT recsys.save_model('bench_warm_base', recsys.als_fit(user_id, item_id, 1.0, jsonb_build_object('seed', run)))
      INTO base FROM ml_time WHERE old;
    INSERT INTO runs SELECT 'serving model (80%, not retrained)', run, NULL, NULL, NULL, NULL, model
    FROM recsys.models WHERE id = base;
    PERFORM pg_temp.timed('cold, 15 iterations (default)', '{}', run);
    PERFORM pg_temp.timed('cold, 3 iterations', '{"iterations": 3}', run);
    PERFORM pg_temp.timed('warm, 1 iteration', '{"iterations": 1, "warm_start": "bench_warm_base"}', run);
    PERFORM pg_temp.timed('warm, 3 iterations', '{"iterations": 3, "warm_start": "bench_warm_base"}', run);
    PERFORM pg_temp.timed('warm, 5 iterations', '{"iterations": 5, "warm_start": "bench_warm_base"}', run);
  END LOOP;
END $$;

-- quality of each run's model (one model after the other: the call site keeps it decoded)
WITH scored AS (
  SELECT r.label, r.run, q.*
  FROM runs r, LATERAL (
    SELECT avg(coalesce(recsys.ndcg_at_k(x.rec, t.relevant, 10), 0)) AS ndcg,
           avg(coalesce(recsys.precision_at_k(x.rec, t.relevant, 10), 0)) AS p,
           avg(coalesce(recsys.recall_at_k(x.rec, t.relevant, 10), 0)) AS rc, count(*) AS users
    FROM truth t
    LEFT JOIN LATERAL (SELECT array_agg(a.item_id ORDER BY a.rank) AS rec
                       FROM recsys.recommend(r.model, t.user_id, 10) a) x ON true) q
)
SELECT r.label AS configuration, count(*) AS runs, max(s.users) AS users,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r.fit_s)::numeric, 3) AS fit_s,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r.statement_s)::numeric, 3) AS statement_s,
       round(avg(r.first_loss)::numeric, 7) AS first_loss, round(avg(r.last_loss)::numeric, 7) AS last_loss,
       round(avg(s.ndcg)::numeric, 4) AS "NDCG@10", round(coalesce(stddev(s.ndcg), 0)::numeric, 4) AS "NDCG sd",
       round(avg(s.p)::numeric, 4) AS "P@10", round(avg(s.rc)::numeric, 4) AS "R@10"
FROM runs r JOIN scored s USING (label, run)
GROUP BY r.label ORDER BY min(r.ctid);
DELETE FROM recsys.models WHERE name = 'bench_warm_base';
