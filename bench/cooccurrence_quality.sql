-- Co-occurrence embeddings on MovieLens 100K (see bench/README.md): fit time
-- and how often an item's 10 most similar items share a genre with it, for
-- cooccurrence_fit, for ALS's similar_items and for 10 random other items.
-- Training rows: the split of bench/movielens_quality.sql (per user the
-- chronologically last max(1, round(n/5)) ratings held out), weight 1.
-- Needs tables ml(user_id, item_id, rating, ts bigint: unix seconds) and
-- ml_genres(item_id, mask int: u.item's 19 genre flags as bits), and psql
-- variables :options (cooccurrence_fit's) and :als_options.
\set ON_ERROR_STOP 1
DROP TABLE IF EXISTS ml_train;
CREATE TEMP TABLE ml_train AS
SELECT user_id, item_id, ts FROM (
  SELECT user_id, item_id, ts,
         row_number() OVER (PARTITION BY user_id ORDER BY ts DESC, item_id DESC)
           <= greatest(1, round(count(*) OVER (PARTITION BY user_id) / 5.0)) AS held_out
  FROM ml) s
WHERE NOT held_out;

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
FROM ml_glove m, ml_items i, recsys.similar_items(m.model, i.item_id, 10) s
JOIN ml_genres g ON g.item_id = i.item_id JOIN ml_genres n ON n.item_id = s.item_id;
SELECT 'share' AS row, 'als' AS method, avg((g.mask & n.mask <> 0)::int) AS share, count(*) AS pairs
FROM ml_als m, ml_items i, recsys.similar_items(m.model, i.item_id, 10) s
JOIN ml_genres g ON g.item_id = i.item_id JOIN ml_genres n ON n.item_id = s.item_id;
-- Random: 10 other items of the catalogue per item, drawn with a fixed seed.
SELECT setseed(0.42);
SELECT 'share' AS row, 'random' AS method, avg((g.mask & n.mask <> 0)::int) AS share, count(*) AS pairs
FROM ml_items i
CROSS JOIN LATERAL (SELECT o.item_id FROM ml_items o WHERE o.item_id <> i.item_id ORDER BY random() LIMIT 10) r
JOIN ml_genres g ON g.item_id = i.item_id JOIN ml_genres n ON n.item_id = r.item_id;
