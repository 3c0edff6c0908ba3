-- The README's evaluation query, on the test watch history: a per-user
-- chronological holdout, training on the rest, scoring with the metrics.
CREATE TABLE watch_history AS
SELECT user_id, item_id AS video_id, weight AS minutes_watched,
       timestamptz '2026-01-01' + (row_number() OVER (ORDER BY user_id, item_id)) * interval '1 minute' AS watched_at
FROM watch;
WITH split AS (
  SELECT user_id, video_id,
         row_number() OVER (PARTITION BY user_id ORDER BY watched_at DESC)
           <= greatest(1, round(count(*) OVER (PARTITION BY user_id) / 5.0)) AS held_out
  FROM watch_history
), model AS (
  SELECT recsys.als_fit(user_id, video_id, 1.0, '{"factors": 2, "regularization": 1}') AS m FROM split WHERE NOT held_out
), truth AS (
  SELECT user_id, array_agg(video_id) AS relevant FROM split WHERE held_out GROUP BY user_id
)
SELECT count(*) AS users,
       avg(recsys.precision_at_k(rec, relevant, 10)) BETWEEN 0 AND 1 AS "P@10 valid",
       avg(recsys.recall_at_k(rec, relevant, 10)) > 0.3 AS "R@10 beats random",
       avg(recsys.ndcg_at_k(rec, relevant, 10)) BETWEEN 0 AND 1 AS "NDCG@10 valid",
       avg(recsys.average_precision_at_k(rec, relevant, 10)) BETWEEN 0 AND 1 AS "MAP@10 valid"
FROM truth t, model,
     LATERAL (SELECT array_agg(item_id ORDER BY rank) AS rec
              FROM recsys.recommend(model.m, t.user_id, 10)) r;
