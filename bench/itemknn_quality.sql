-- Item neighbours on MovieLens 100K (see bench/README.md, "Item neighbours"), the
-- protocol of bench/movielens_quality.sql and ../shared/ANCHORS.md: per user the
-- chronologically last max(1, round(n/5)) ratings held out (ties by item id),
-- weight 1, top 10 excluding training items, averages over the 943 users.
-- Needs table ml(user_id, item_id, rating, ts) and psql variable :options (jsonb).
-- Prints "itemknn|users|P@10|R@10|NDCG@10|MAP@10|training s"; \timing around the fit.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE TEMP TABLE IF NOT EXISTS ml_split AS
SELECT user_id, item_id,
       row_number() OVER (PARTITION BY user_id ORDER BY ts DESC, item_id DESC)
         <= greatest(1, round(count(*) OVER (PARTITION BY user_id) / 5.0)) AS held_out
FROM ml;
DROP TABLE IF EXISTS knn_model;
RESET client_min_messages;
\timing on
CREATE TEMP TABLE knn_model AS
SELECT recsys.itemknn_fit(user_id, item_id, 1.0, :'options') AS model FROM ml_split WHERE NOT held_out;
\timing off
WITH truth AS (
  SELECT user_id, array_agg(item_id) AS relevant FROM ml_split WHERE held_out GROUP BY user_id
), knn AS (
  SELECT t.user_id, t.relevant,
         (SELECT array_agg(r.item_id ORDER BY r.rank) FROM recsys.recommend(m.model, t.user_id, 10) r) AS recommended
  FROM truth t, knn_model m
)
SELECT 'itemknn', count(*) AS users,
       round(avg(recsys.precision_at_k(recommended, relevant, 10))::numeric, 4) AS "P@10",
       round(avg(recsys.recall_at_k(recommended, relevant, 10))::numeric, 4) AS "R@10",
       round(avg(recsys.ndcg_at_k(recommended, relevant, 10))::numeric, 4) AS "NDCG@10",
       round(avg(recsys.average_precision_at_k(recommended, relevant, 10))::numeric, 4) AS "MAP@10",
       (SELECT round((recsys.model_info(model)->'metadata'->'training'->>'seconds')::numeric, 4) FROM knn_model)
FROM knn;
