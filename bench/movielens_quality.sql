-- Offline quality of recsys ALS on MovieLens 100K (see bench/README.md).
-- Protocol: per user, the chronologically last max(1, round(n/5)) ratings
-- (ties broken by item id) are held out; ALS trains on the rest with weight 1;
-- top 10 excluding training items; averages over users with a held-out item.
-- Needs table ml(user_id bigint, item_id bigint, rating real, ts bigint) and
-- psql variable :options (jsonb text); :fit names the training aggregate
-- (default als_fit; bench/bpr.sh passes bpr_fit, bench/candidates.sh also itemknn_fit: the same
-- (user, item, weight) columns). The last line, fit_seconds|S, is the training's own seconds.
\set ON_ERROR_STOP 1
\if :{?fit}
\else
\set fit als_fit
\endif
DROP TABLE IF EXISTS ml_split;
CREATE TEMP TABLE ml_split AS
SELECT user_id, item_id,
       row_number() OVER (PARTITION BY user_id ORDER BY ts DESC, item_id DESC)
         <= greatest(1, round(count(*) OVER (PARTITION BY user_id) / 5.0)) AS held_out
FROM ml;
CREATE INDEX ON ml_split (user_id);
ANALYZE ml_split;
-- Popularity: training interactions per item (the baseline ranks by it, ties by item id).
DROP TABLE IF EXISTS ml_item_counts;
CREATE TEMP TABLE ml_item_counts AS
SELECT item_id, count(*) AS n FROM ml_split WHERE NOT held_out GROUP BY item_id;

\timing on
DROP TABLE IF EXISTS ml_model;
CREATE TEMP TABLE ml_model AS
SELECT recsys.:fit(user_id, item_id, 1.0, :'options') AS model FROM ml_split WHERE NOT held_out;
\timing off

WITH truth AS (
  SELECT user_id, array_agg(item_id) AS relevant FROM ml_split WHERE held_out GROUP BY user_id
), als AS (
  SELECT t.user_id, t.relevant,
         (SELECT array_agg(r.item_id ORDER BY r.rank) FROM recsys.recommend(m.model, t.user_id, 10) r) AS recommended
  FROM truth t, ml_model m
), popular AS (
  SELECT t.user_id, t.relevant,
         (SELECT array_agg(p.item_id ORDER BY p.n DESC, p.item_id)
            FROM (SELECT c.item_id, c.n FROM ml_item_counts c
                  WHERE NOT EXISTS (SELECT 1 FROM ml_split s2
                                    WHERE s2.user_id = t.user_id AND s2.item_id = c.item_id AND NOT s2.held_out)
                  ORDER BY c.n DESC, c.item_id LIMIT 10) p) AS recommended
  FROM truth t
)
SELECT method, count(*) AS users,
       round(avg(recsys.precision_at_k(recommended, relevant, 10))::numeric, 4) AS "P@10",
       round(avg(recsys.recall_at_k(recommended, relevant, 10))::numeric, 4) AS "R@10",
       round(avg(recsys.ndcg_at_k(recommended, relevant, 10))::numeric, 4) AS "NDCG@10",
       round(avg(recsys.average_precision_at_k(recommended, relevant, 10))::numeric, 4) AS "MAP@10"
FROM (SELECT 'als' AS method, * FROM als UNION ALL SELECT 'popularity', * FROM popular) x
GROUP BY method ORDER BY method;
SELECT 'fit_seconds', (recsys.model_info(model)) #>> '{metadata,training,seconds}' FROM ml_model;
