-- bench/fresh_items.sql -- how often a video held out of training entirely reaches the top 100 of
-- the users who did watch it, when it is placed in the trained ALS model by its features
-- (item_factors_fit + add_items), against two placements that ignore its features. Run by
-- bench/fresh_items.sh, which makes the data set first:
--   fi_all(user_id, item_id)         every interaction (the held-out items' included)
--   fi_features(item_id, features)   every item's features
--   fi_held(item_id)                 the items held out of training entirely
-- and sets psql variables als_options, mapper_options (jsonb text) and seed (0..1).
--
-- Placements of each held-out item:
--   features    the factors item_factors_fit predicts from its features
--   popularity  the factors of a trained item drawn in proportion to its popularity: the
--               item lands where a typical watched video lands, for every user alike
--   random      the factors of a trained item drawn uniformly
-- All held-out items are added at once (add_items), so they compete with each other too.
-- Per placement: hit@100 = the share of (held-out item, user who watched it) pairs with the
-- item in that user's top 100 (unseen items, recommend_all); reach = the share of all (held-out
-- item, user) pairs with the item in the top 100; lift = hit / reach (1: no better than
-- showing the item to users at random); auc (below) = whether the right users rank the item
-- higher than the others do (0.5: chance), which does not depend on how high the item lands.
\set QUIET on
SET client_min_messages = warning;
SELECT setseed(:seed);
DROP TABLE IF EXISTS fi_model, fi_mapper, fi_donor, fi_placed, fi_right, fi_rank;
CREATE TABLE fi_model AS
SELECT recsys.als_fit(user_id, item_id, 1, :'als_options') AS model
  FROM fi_all WHERE item_id NOT IN (SELECT item_id FROM fi_held);
CREATE TABLE fi_mapper AS
SELECT recsys.item_factors_fit(f.factors::float8[], x.features, :'mapper_options') AS model
  FROM fi_model a, recsys.item_factors(a.model) f JOIN fi_features x USING (item_id);

-- The donors of the two baselines: a trained item per held-out item.
CREATE TABLE fi_donor AS
WITH pop AS (SELECT item_id, count(*) AS c FROM fi_all WHERE item_id NOT IN (SELECT item_id FROM fi_held) GROUP BY item_id),
     cum AS (SELECT item_id, sum(c) OVER (ORDER BY item_id) - c AS lo, sum(c) OVER (ORDER BY item_id) AS hi FROM pop),
     catalogue AS (SELECT array_agg(item_id ORDER BY item_id) AS ids, (SELECT sum(c) FROM pop) AS total FROM pop),
     draws AS (SELECT h.item_id, row_number() OVER (ORDER BY h.item_id) AS slot, random() * c.total AS r,
                      c.ids[1 + floor(random() * cardinality(c.ids))::int] AS uniform
                 FROM fi_held h, catalogue c)
SELECT d.item_id, d.slot, cum.item_id AS popular, d.uniform
  FROM draws d JOIN cum ON d.r >= cum.lo AND d.r < cum.hi;

-- A baseline's placement through the same API: an item_factors model fit exactly (l2 = 0) on
-- one row per held-out item, (its donor's factors, the one-hot of its slot), gives each its
-- donor's factors.
CREATE FUNCTION pg_temp.one_hot(slot bigint, width bigint) RETURNS float8[] LANGUAGE sql IMMUTABLE AS
$$ SELECT array_agg((g = slot)::int::float8 ORDER BY g) FROM generate_series(1, width) g $$;
CREATE TABLE fi_placed AS
SELECT 'features' AS placement, recsys.add_items(a.model, m.model, h.item_id, x.features) AS model
  FROM fi_model a, fi_mapper m, fi_held h JOIN fi_features x USING (item_id);
INSERT INTO fi_placed
SELECT p.placement, recsys.add_items(a.model, m.model, d.item_id, pg_temp.one_hot(d.slot, n.n))
  FROM fi_model a, fi_donor d, (SELECT count(*) AS n FROM fi_donor) n,
       (VALUES ('popularity'), ('random')) p(placement),
       LATERAL (SELECT recsys.item_factors_fit(f.factors::float8[], pg_temp.one_hot(dd.slot, n.n), '{"l2": 0}') AS model
                  FROM fi_donor dd JOIN recsys.item_factors(a.model) f
                    ON f.item_id = CASE p.placement WHEN 'popularity' THEN dd.popular ELSE dd.uniform END) m
 GROUP BY p.placement;

-- The users who watched a held-out item (and are in the model), and each placement's top 100.
CREATE TABLE fi_right AS
SELECT DISTINCT w.user_id, w.item_id FROM fi_all w JOIN fi_held USING (item_id)
 WHERE w.user_id IN (SELECT user_id FROM fi_all WHERE item_id NOT IN (SELECT item_id FROM fi_held));
-- Each held-out item's rank in every user's whole list of unseen items.
CREATE TABLE fi_rank AS
SELECT p.placement, r.user_id, r.item_id, r.rank
  FROM fi_placed p, recsys.recommend_all(p.model, 1000000) r WHERE r.item_id IN (SELECT item_id FROM fi_held);
ANALYZE fi_rank;
\set QUIET off
\pset footer off
-- AUC: per held-out item, the probability that a user who watched it ranks it higher in their
-- own list than a user who did not (Mann-Whitney over the users, ties halved), averaged over
-- the items: whether the placement finds the right users, whatever the item's general appeal.
WITH sizes AS (
    SELECT (SELECT count(*) FROM fi_held) AS held, (SELECT count(*) FROM fi_right) AS pairs,
           (SELECT count(DISTINCT user_id) FROM fi_all WHERE item_id NOT IN (SELECT item_id FROM fi_held)) AS users,
           (SELECT (recsys.model_info(model)->'metadata'->'statistics'->>'r_squared')::numeric FROM fi_mapper) AS r2),
positioned AS (
    SELECT k.placement, k.item_id, k.rank, (f.user_id IS NOT NULL) AS watched,
           rank() OVER w + (count(*) OVER (PARTITION BY k.placement, k.item_id, k.rank) - 1) / 2.0 AS position
      FROM fi_rank k LEFT JOIN fi_right f USING (user_id, item_id)
    WINDOW w AS (PARTITION BY k.placement, k.item_id ORDER BY k.rank DESC)),
per_item AS (
    SELECT placement, item_id, count(*) FILTER (WHERE watched) AS n_right, count(*) FILTER (WHERE NOT watched) AS n_other,
           sum(position) FILTER (WHERE watched) AS position_sum
      FROM positioned GROUP BY placement, item_id),
auc AS (
    SELECT placement, avg((position_sum - n_right * (n_right + 1) / 2.0) / (n_right * n_other)) AS auc
      FROM per_item WHERE n_right > 0 AND n_other > 0 GROUP BY placement),
counts AS (
    SELECT p.placement,
           (SELECT count(*) FROM fi_right r JOIN fi_rank t USING (user_id, item_id)
             WHERE t.placement = p.placement AND t.rank <= 100) AS hits,
           (SELECT count(*) FROM fi_rank t WHERE t.placement = p.placement AND t.rank <= 100) AS shown
      FROM (VALUES ('features'), ('popularity'), ('random')) p(placement))
SELECT c.placement, round(s.r2, 3) AS mapper_r2, s.held AS held_items, s.users, s.pairs AS right_pairs,
       round(c.hits / s.pairs::numeric, 4) AS hit_at_100, round(c.shown / (s.held * s.users)::numeric, 4) AS reach,
       round((c.hits / s.pairs::numeric) / nullif(c.shown / (s.held * s.users)::numeric, 0), 2) AS lift,
       round(a.auc, 4) AS auc
  FROM counts c JOIN auc a USING (placement), sizes s
 ORDER BY c.placement;
