-- Co-occurrence embeddings on MovieLens 100K (see bench/README.md): fit time
-- and how often an item's 10 most similar items share a genre with it, for
-- cooccurrence_fit, for ALS's similar_items and for 10 random other items.
-- Training rows: the split of bench/movielens_quality.sql (per user the
-- chronologically last max(1, round(n/5)) ratings held out), weight 1.
-- Needs tables ml(user_id, item_id, rating, ts bigint: unix seconds) and
-- ml_genres(item_id, mask int: u.item's 19 genre flags as bits), and psql
-- variables :options (cooccurrence_fit's) and :als_options.
-- Also, as a recommender: each user's 10 latest training watches, the 50
-- most similar items of each, summed cosines, top 10 not watched in
-- training, against the held-out items (P@10, NDCG@10 as movielens_quality.sql).
\set ON_ERROR_STOP 1
DROP TABLE IF EXISTS ml_split;
CREATE TEMP TABLE ml_split AS
SELECT user_id, item_id, ts,
       row_number() OVER (PARTITION BY user_id ORDER BY ts DESC, item_id DESC)
         <= greatest(1, round(count(*) OVER (PARTITION BY user_id) / 5.0)) AS held_out
FROM ml;
DROP TABLE IF EXISTS ml_train;
CREATE TEMP TABLE ml_train AS SELECT user_id, item_id, ts FROM ml_split WHERE NOT held_out;
CREATE INDEX ON ml_train (user_id, item_id);
ANALYZE ml_train;

\timing on
DROP TABLE IF EXISTS ml_glove;
CREATE TEMP TABLE ml_glove AS
SELECT recsys.cooccurrence_fit(user_id, item_id, to_timestamp(ts), :'options') AS model FROM ml_train;
\timing off
DROP TABLE IF EXISTS ml_als;
CREATE TEMP TABLE ml_als AS
SELECT recsys.als_fit(user_id, item_id, 1.0, :'als_options') AS model FROM ml_train;

-- The catalogue both models know.
DROP TABLE IF EXISTS ml_items;
CREATE TEMP TABLE ml_items AS SELECT DISTINCT item_id FROM ml_train;

-- share: the fraction of (item, neighbour) pairs that share a genre.
SELECT 'fit' AS row, (recsys.model_info(model)->'metadata'->'training'->>'seconds')::float8 AS seconds,
       (recsys.model_info(model)->'metadata'->'training'->>'pairs')::bigint AS pairs,
       recsys.model_info(model)->'metadata'->'training'->'loss'->>0 AS first_loss,
       recsys.model_info(model)->'metadata'->'training'->'loss'->>-1 AS last_loss
FROM ml_glove;
SELECT 'share' AS row, 'cooccurrence' AS method, avg((g.mask & n.mask <> 0)::int) AS share, count(*) AS pairs
FROM ml_glove m, ml_items i, recsys.similar_items(m.model, i.item_id, 10) s, ml_genres g, ml_genres n
WHERE g.item_id = i.item_id AND n.item_id = s.item_id;
SELECT 'share' AS row, 'als' AS method, avg((g.mask & n.mask <> 0)::int) AS share, count(*) AS pairs
FROM ml_als m, ml_items i, recsys.similar_items(m.model, i.item_id, 10) s, ml_genres g, ml_genres n
WHERE g.item_id = i.item_id AND n.item_id = s.item_id;
-- Random: 10 other items of the catalogue per item, drawn with a fixed seed.
SELECT setseed(0.42);
SELECT 'share' AS row, 'random' AS method, avg((g.mask & n.mask <> 0)::int) AS share, count(*) AS pairs
FROM ml_items i
CROSS JOIN LATERAL (SELECT o.item_id FROM ml_items o WHERE o.item_id <> i.item_id ORDER BY random() LIMIT 10) r
JOIN ml_genres g ON g.item_id = i.item_id JOIN ml_genres n ON n.item_id = r.item_id;

-- From the latest watches: the same item-to-item scoring for both models.
DROP TABLE IF EXISTS ml_recent;
CREATE TEMP TABLE ml_recent AS
SELECT user_id, item_id FROM (
  SELECT user_id, item_id, row_number() OVER (PARTITION BY user_id ORDER BY ts DESC, item_id DESC) AS newest
  FROM ml_train) s
WHERE newest <= 10;
WITH truth AS (
  SELECT user_id, array_agg(item_id) AS relevant FROM ml_split WHERE held_out GROUP BY user_id
), models AS (
  SELECT 'cooccurrence' AS method, model FROM ml_glove UNION ALL SELECT 'als', model FROM ml_als
), ranked AS (
  SELECT m.method, t.user_id, t.relevant,
         (SELECT array_agg(z.item_id ORDER BY z.score DESC, z.item_id)
            FROM (SELECT s.item_id, sum(s.score) AS score
                    FROM ml_recent r, recsys.similar_items(m.model, r.item_id, 50) s
                   WHERE r.user_id = t.user_id
                     AND NOT EXISTS (SELECT 1 FROM ml_train x WHERE x.user_id = t.user_id AND x.item_id = s.item_id)
                   GROUP BY s.item_id ORDER BY score DESC, s.item_id LIMIT 10) z) AS recommended
  FROM truth t, models m
)
SELECT 'recent' AS row, method, count(*) AS users,
       round(avg(recsys.precision_at_k(recommended, relevant, 10))::numeric, 4) AS p10,
       round(avg(recsys.ndcg_at_k(recommended, relevant, 10))::numeric, 4) AS ndcg10
FROM ranked GROUP BY method ORDER BY method;
