-- Fresh items: item_factors_fit (item features -> ALS item factors) and
-- add_items (new items in an ALS model without retraining it), on the shared
-- watch history: users 1..20 like items 100..114, users 21..40 items 115..129.
SELECT setseed(0.25);
CREATE TABLE fresh_als AS
SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 10, "seed": 1}') AS model FROM watch;
-- Item features: the item's taste group (one-hot) and a number that says nothing.
CREATE TABLE fresh_features AS
SELECT i::bigint AS item_id, ARRAY[(i < 115)::int, (i >= 115)::int, (i * 7 % 10) / 10.0]::float8[] AS features
FROM generate_series(100, 129) i;
CREATE TABLE fresh_mapper AS
SELECT recsys.item_factors_fit(f.factors::float8[], x.features, '{"l2": 0.001}') AS model
FROM fresh_als a, recsys.item_factors(a.model) f JOIN fresh_features x USING (item_id);
SELECT recsys.model_info(model)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(model)->'metadata'->'options' AS options,
       (recsys.model_info(model)->'metadata'->'statistics'->>'r_squared')::float8 > 0.5 AS features_explain_factors
FROM fresh_mapper;
-- Two new items, one of each taste, one before the trained ids (they are renumbered) and one after.
CREATE TABLE fresh_new(item_id bigint, features float8[]);
INSERT INTO fresh_new VALUES (1001, '{0, 1, 0.5}'), (50, '{1, 0, 0.5}');
CREATE TABLE fresh_added AS
SELECT recsys.add_items(a.model, m.model, n.item_id, n.features) AS model FROM fresh_als a, fresh_mapper m, fresh_new n;
SELECT recsys.model_info(model)->'metadata'->'dimensions' AS dimensions FROM fresh_added;
-- Every old recommendation keeps its score and order; the new items fall in between.
SELECT count(*) AS recommendations,
       count(*) FILTER (WHERE o.score = n.score) AS same_score,
       bool_and(o.rank_among_old = n.rank_among_old) AS same_order
FROM (SELECT u, r.item_id, r.score, rank() OVER (PARTITION BY u ORDER BY r.score DESC, r.item_id) AS rank_among_old
        FROM generate_series(1, 40) u, fresh_als a, recsys.recommend(a.model, u, 100) r) o
JOIN (SELECT u, r.item_id, r.score, rank() OVER (PARTITION BY u ORDER BY r.score DESC, r.item_id) AS rank_among_old
        FROM generate_series(1, 40) u, fresh_added a, recsys.recommend(a.model, u, 100) r
       WHERE r.item_id NOT IN (50, 1001)) n USING (u, item_id);
-- Seen items are the same items (their indices were renumbered).
SELECT (SELECT count(*) FROM fresh_als a, recsys.seen_items(a.model)) AS seen,
       (SELECT count(*) FROM (SELECT s.* FROM fresh_als a, recsys.seen_items(a.model) s
                              EXCEPT SELECT s.* FROM fresh_added a, recsys.seen_items(a.model) s) d) AS lost,
       (SELECT count(*) FROM (SELECT s.* FROM fresh_added a, recsys.seen_items(a.model) s
                              EXCEPT SELECT s.* FROM fresh_als a, recsys.seen_items(a.model) s) d) AS gained;
-- The new items reach the users of their taste: the mean rank of each among
-- users 1..20 and users 21..40.
SELECT r.item_id, round(avg(r.rank) FILTER (WHERE u <= 20)) < round(avg(r.rank) FILTER (WHERE u > 20)) AS first_taste_ranks_it_higher
FROM generate_series(1, 40) u, fresh_added a, recsys.recommend(a.model, u, 32) r
WHERE r.item_id IN (50, 1001) GROUP BY r.item_id ORDER BY r.item_id;
-- Its neighbours are items of its taste.
SELECT 50 AS item, bool_and(item_id BETWEEN 100 AND 114) AS all_of_its_taste FROM fresh_added a, recsys.similar_items(a.model, 50, 5);
SELECT 1001 AS item, bool_and(item_id >= 115) AS all_of_its_taste FROM fresh_added a, recsys.similar_items(a.model, 1001, 5);
-- The registry form: names serve their newest versions, and the result is the next version.
SELECT recsys.save_model('fresh_videos', model) > 0 AS saved FROM fresh_als;
SELECT recsys.save_model('fresh_mapper', model) > 0 AS saved FROM fresh_mapper;
SELECT recsys.save_model('fresh_videos', recsys.add_items('fresh_videos', 'fresh_mapper', item_id, features)) > 0 AS saved
FROM fresh_new;
SELECT count(*) AS new_items_served FROM generate_series(1, 40) u, recsys.recommend('fresh_videos', u, 32) r WHERE r.item_id IN (50, 1001);
SELECT count(*) AS neighbours FROM recsys.similar_items('fresh_videos', 50, 3);
-- No rows: NULL.
SELECT recsys.add_items(a.model, m.model, n.item_id, n.features) IS NULL AS no_rows
FROM fresh_als a, fresh_mapper m, fresh_new n WHERE false;
-- Errors.
SELECT error_of($$SELECT recsys.add_items(a.model, m.model, n.item_id, n.features)
                  FROM fresh_als a, fresh_mapper m, (VALUES (7::bigint, '{1,0,0}'::float8[]), (7, '{0,1,0}')) n(item_id, features)$$) AS given_twice;
SELECT error_of($$SELECT recsys.add_items(a.model, m.model, 105, '{1,0,0}') FROM fresh_als a, fresh_mapper m$$) AS already_in_the_model;
SELECT error_of($$SELECT recsys.add_items(a.model, m.model, 7, '{1,0}') FROM fresh_als a, fresh_mapper m$$) AS width;
SELECT error_of($$SELECT recsys.add_items(a.model, m.model, 7, '{1,0,NaN}') FROM fresh_als a, fresh_mapper m$$) AS not_finite;
SELECT error_of($$SELECT recsys.add_items(a.model, m.model, 7, '{1,NULL,0}') FROM fresh_als a, fresh_mapper m$$) AS null_element;
SELECT error_of($$SELECT recsys.add_items(a.model, m.model, NULL, '{1,0,0}') FROM fresh_als a, fresh_mapper m$$) AS null_id;
SELECT error_of($$SELECT recsys.add_items(a.model, m.model, 7, NULL) FROM fresh_als a, fresh_mapper m$$) AS null_features;
SELECT error_of($$SELECT recsys.add_items(NULL::bytea, m.model, 7, '{1,0,0}') FROM fresh_mapper m$$) AS null_model;
SELECT error_of($$SELECT recsys.add_items(m.model, m.model, 7, '{1,0,0}') FROM fresh_mapper m$$) AS wrong_kind;
SELECT error_of($$SELECT recsys.add_items(a.model, a.model, 7, '{1,0,0}') FROM fresh_als a$$) AS wrong_kind_mapper;
SELECT error_of($$SELECT recsys.add_items('no_such_model', 'fresh_mapper', 7, '{1,0,0}')$$) AS unknown_name;
-- A mapper trained on 2 of the 4 factors.
SELECT error_of($$SELECT recsys.add_items(a.model, (SELECT recsys.item_factors_fit(f.factors[1:2]::float8[], x.features)
                                                     FROM recsys.item_factors(a.model) f JOIN fresh_features x USING (item_id)),
                                          7, '{1,0,0}') FROM fresh_als a$$) AS factors_mismatch;
-- A different model in a later row.
SELECT error_of($$SELECT recsys.add_items(CASE WHEN n.item_id = 50 THEN a.model ELSE b.model END, m.model, n.item_id, n.features)
                  FROM fresh_als a, fresh_added b, fresh_mapper m, (SELECT * FROM fresh_new ORDER BY item_id) n$$) AS model_changes;
SELECT error_of($$SELECT recsys.item_factors_fit(ARRAY[1,2]::float8[], ARRAY[1]::float8[], '{"l2": -1}')$$) AS negative_l2;
SELECT error_of($$SELECT recsys.item_factors_fit(ARRAY[1,2]::float8[], ARRAY[1]::float8[], '{"alpha": 1}')$$) AS unknown_option;
SELECT error_of($$SELECT recsys.item_factors_fit(f, x) FROM (VALUES ('{1,2}'::float8[], '{1}'::float8[]), ('{1}', '{2}')) v(f, x)$$) AS ragged_factors;
-- recsys.max_memory: the new model is claimed before it is made (an ALS model of about 1.5 MB).
CREATE TABLE fresh_big AS
SELECT recsys.als_fit(u, (u * 7 + j * 13) % 2000, 1, '{"factors": 64, "iterations": 1}') AS model
FROM generate_series(1, 3000) u, generate_series(1, 10) j;
CREATE TABLE fresh_big_mapper AS
SELECT recsys.item_factors_fit(f.factors::float8[], ARRAY[1, f.item_id % 2, 0]::float8[]) AS model
FROM fresh_big b, recsys.item_factors(b.model) f;
SET recsys.max_memory = '1MB';
SELECT regexp_replace(error_of($$SELECT recsys.add_items(b.model, m.model, 5000, '{1,0,0}')
                                FROM fresh_big b, fresh_big_mapper m$$), '[0-9]+ MB', 'N MB', 'g') AS over_the_limit;
RESET recsys.max_memory;
SELECT recsys.model_info(recsys.add_items(b.model, m.model, 5000, '{1,0,0}'))->'metadata'->'dimensions' AS under_the_default
FROM fresh_big b, fresh_big_mapper m;
