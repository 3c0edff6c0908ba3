-- gbt_fit and forest_fit (XGBoost): regression, binary and multi-class
-- classification, learning to rank over query groups, missing values,
-- early stopping, options, NULLs, errors, parallel plans, and prediction
-- through recsys.predict from name and bytea.
SELECT setseed(0.4);
CREATE TABLE trees_houses AS
SELECT g AS id, x1, x2, x3,
       CASE WHEN g % 10 = 0 THEN NULL ELSE x1 END AS x1_or_null,
       (CASE WHEN x1 > 0.2 THEN 3 ELSE -1 END) + 2 * x2 + 0.1 * (random() - 0.5) AS price,
       (x1 + x2 + 0.3 * (random() - 0.5) > 0)::int AS sold,
       CASE WHEN x1 < -0.3 THEN 10 WHEN x1 < 0.3 THEN 20 ELSE 30 END AS segment
FROM (SELECT g, random() * 2 - 1 AS x1, random() * 2 - 1 AS x2, random() * 2 - 1 AS x3
      FROM generate_series(1, 5000) g) s;
-- regression: a planted step and a slope
CREATE TABLE trees_price_model AS
SELECT recsys.gbt_fit(price, ARRAY[x1, x2, x3], '{"trees": 50, "max_depth": 3}') AS model FROM trees_houses;
SELECT recsys.model_info(model)->>'kind' AS kind,
       recsys.model_info(model)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(model)->'metadata'->'training'->'rounds' AS rounds,
       recsys.model_info(model)->'metadata'->'training'->>'metric' AS metric,
       recsys.model_info(model)->'metadata'->'options'->>'objective' AS objective
FROM trees_price_model;
SELECT round(sqrt(avg((recsys.predict(m.model, ARRAY[x1, x2, x3]) - price) ^ 2))::numeric, 1) AS rmse,
       round(recsys.predict(m.model, ARRAY[0.5, 0, 0])::numeric) AS above_step,
       round(recsys.predict(m.model, ARRAY[-0.5, 0, 0])::numeric) AS below_step
FROM trees_houses, trees_price_model m GROUP BY m.model;
-- by name, through the registry
SELECT recsys.save_model('price_trees', model) > 0 AS saved FROM trees_price_model;
SELECT recsys.predict('price_trees', ARRAY[0.5, 0.5, 0]) = recsys.predict(model, ARRAY[0.5, 0.5, 0]) AS same FROM trees_price_model;
-- missing values: NULL and NaN features train and predict; they follow the learned direction
CREATE TABLE trees_missing_model AS
SELECT recsys.gbt_fit(price, ARRAY[x1_or_null, x2, x3], '{"trees": 50, "max_depth": 3}') AS model FROM trees_houses;
SELECT recsys.predict(model, ARRAY[NULL, 0, 0]) = recsys.predict(model, ARRAY['NaN'::float8, 0, 0]) AS null_is_nan,
       recsys.predict(model, ARRAY[NULL, 0, 0]) BETWEEN -1.5 AND 3.5 AS in_range
FROM trees_missing_model;
SELECT recsys.predict(model, ARRAY[NULL, 0, 0]) IS NOT NULL AS trees_take_missing FROM trees_price_model;
-- binary: the probability of 1
SELECT avg(((recsys.predict(m, ARRAY[x1, x2, x3]) > 0.5)::int = sold)::int) > 0.9 AS accurate,
       recsys.predict(m, ARRAY[0.9, 0.9, 0]) > 0.9 AS high, recsys.predict(m, ARRAY[-0.9, -0.9, 0]) < 0.1 AS low
FROM trees_houses, (SELECT recsys.gbt_fit(sold, ARRAY[x1, x2, x3], '{"objective": "binary:logistic", "trees": 30}') AS m
              FROM trees_houses) s GROUP BY m;
-- multi-class: predict is the most probable class's target value
CREATE TABLE trees_segment_model AS
SELECT recsys.gbt_fit(segment, ARRAY[x1, x2], '{"objective": "multi:softprob", "trees": 20, "max_depth": 2}') AS model
FROM trees_houses;
SELECT recsys.predict(model, ARRAY[-0.8, 0]) AS low, recsys.predict(model, ARRAY[0, 0]) AS middle,
       recsys.predict(model, ARRAY[0.8, 0]) AS high,
       recsys.model_info(model)->'metadata'->'dimensions'->'classes' AS classes
FROM trees_segment_model;
-- random forest: one round of parallel trees
SELECT recsys.model_info(m)->>'kind' AS kind, recsys.model_info(m)->'metadata'->'dimensions'->'trees' AS trees,
       recsys.model_info(m)->'metadata'->'options'->'subsample' AS subsample,
       abs(recsys.predict(m, ARRAY[0.5, 0, 0]) - 3) < 0.5 AS above_step
FROM (SELECT recsys.forest_fit(price, ARRAY[x1, x2, x3], '{"trees": 40}') AS m FROM trees_houses) s;
SELECT recsys.predict(m, ARRAY[-0.8, 0]) AS low_segment
FROM (SELECT recsys.forest_fit(segment, ARRAY[x1, x2], '{"objective": "multi:softprob", "trees": 10}') AS m FROM trees_houses) s;
-- early stopping on held-out rows: fewer rounds than asked, the best kept
SELECT (t->>'rounds')::int < 1000 AS stopped_early, t->'rounds' = t->'best_round' AS best_kept,
       (t->>'validation_rows')::int BETWEEN 300 AND 700 AS held_out, t->>'metric' AS metric
FROM (SELECT recsys.model_info(recsys.gbt_fit(price, ARRAY[x1, x2, x3],
        '{"trees": 1000, "learning_rate": 0.5, "early_stopping_rounds": 5, "eval_metric": "mae"}'))->'metadata'->'training' AS t
      FROM trees_houses) s;
-- learning to rank: rows grouped by a query column
CREATE TABLE trees_ranked AS
SELECT recsys.gbt_fit(CASE WHEN x1 > 0.5 THEN 2 WHEN x1 > 0 THEN 1 ELSE 0 END, ARRAY[x1, x3], id % 50,
                      '{"objective": "rank:ndcg", "trees": 20}') AS model
FROM trees_houses;
SELECT recsys.predict(model, ARRAY[0.8, 0]) > recsys.predict(model, ARRAY[0.2, 0]) AS ordered_high,
       recsys.predict(model, ARRAY[0.2, 0]) > recsys.predict(model, ARRAY[-0.5, 0]) AS ordered_low
FROM trees_ranked;
-- NULL target, features or query skip the row; zero rows give NULL
SELECT recsys.model_info(recsys.gbt_fit(t, f, '{"trees": 2}'))->'metadata'->'training'->'skipped_rows' AS skipped
FROM (VALUES (1.0, ARRAY[1.0, 2.0]), (NULL, ARRAY[1.0, 0.0]), (2.0, NULL), (0.0, ARRAY[0.0, NULL])) v(t, f);
SELECT recsys.gbt_fit(price, ARRAY[x1]) IS NULL AS is_null FROM trees_houses WHERE false;
-- a forced parallel plan gives the serial model (rows are put in one order before training)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT recsys.gbt_fit(price, ARRAY[x1, x2, x3]) FROM trees_houses;
CREATE TEMP TABLE trees_parallel_model AS
SELECT recsys.gbt_fit(price, ARRAY[x1, x2, x3], '{"trees": 50, "max_depth": 3}') AS model FROM trees_houses;
RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
SELECT recsys.predict(p.model, ARRAY[0.3, 0.2, 0.1]) = recsys.predict(s.model, ARRAY[0.3, 0.2, 0.1]) AS same_predictions
FROM trees_parallel_model p, trees_price_model s;
-- bad rows: infinite features, a target the objective cannot take
SELECT recsys.gbt_fit(t, f) FROM (VALUES (1.0, ARRAY[1.0, 'Infinity'])) v(t, f);
SELECT recsys.gbt_fit(t, f, '{"objective": "binary:logistic"}') FROM (VALUES (1.0, ARRAY[1.0]), (2.0, ARRAY[0.0])) v(t, f);
SELECT recsys.gbt_fit(t, f, '{"objective": "multi:softprob"}') FROM (VALUES (1.0, ARRAY[1.0]), (1.0, ARRAY[0.0])) v(t, f);
SELECT recsys.gbt_fit(t, f, q, '{"objective": "rank:ndcg"}') FROM (VALUES (-1.0, ARRAY[1.0], 1)) v(t, f, q);
SELECT recsys.gbt_fit(t, f, '{"objective": "rank:pairwise"}') FROM (VALUES (1.0, ARRAY[1.0])) v(t, f);
SELECT recsys.gbt_fit(t, f, q, '{}') FROM (VALUES (1.0, ARRAY[1.0], 1)) v(t, f, q);
SELECT recsys.gbt_fit(t, f, '{"early_stopping_rounds": 5}') FROM (VALUES (1.0, ARRAY[1.0])) v(t, f);
-- bad options
SELECT recsys.gbt_fit(price, ARRAY[x1], '{"objective": "reg:gamma"}') FROM trees_houses;
SELECT recsys.gbt_fit(price, ARRAY[x1], '{"trees": 0}') FROM trees_houses;
SELECT recsys.gbt_fit(price, ARRAY[x1], '{"eval_metric": "auc"}') FROM trees_houses;
SELECT recsys.gbt_fit(price, ARRAY[x1], '{"lambda": 1}') FROM trees_houses;
SELECT recsys.forest_fit(price, ARRAY[x1], '{"learning_rate": 0.1}') FROM trees_houses;
SELECT recsys.forest_fit(price, ARRAY[x1], '{"objective": "rank:ndcg"}') FROM trees_houses;
-- memory is claimed before XGBoost trains
SET recsys.max_memory = '8MB';
SELECT recsys.gbt_fit(price, ARRAY[x1, x2, x3, x1, x2, x3, x1, x2], '{"max_depth": 12}') FROM trees_houses;
RESET recsys.max_memory;
-- predict's errors
SELECT recsys.predict(model, ARRAY[1.0, 2.0]) FROM trees_price_model;
SELECT recsys.predict(model, ARRAY[1.0, '-Infinity', 2.0]) FROM trees_price_model;
-- why a prediction: importance per feature, contributions that sum to the raw score
SELECT feature, weight > 0 AS used, gain > 0 AS gains FROM recsys.feature_importance('price_trees') ORDER BY feature;
SELECT feature FROM recsys.feature_importance('price_trees') ORDER BY gain DESC LIMIT 1;
SELECT abs(sum(contribution) - recsys.predict('price_trees', ARRAY[0.5, -0.2, 0.1])) < 1e-5 AS sums_to_prediction,
       count(*) AS terms, count(*) FILTER (WHERE class IS NULL) AS without_class
FROM recsys.contributions('price_trees', ARRAY[0.5, -0.2, 0.1]);
SELECT abs(sum(contribution) - ln(p / (1 - p))) < 1e-4 AS sums_to_log_odds
FROM (SELECT recsys.gbt_fit(sold, ARRAY[x1, x2, x3], '{"objective": "binary:logistic", "trees": 30}') AS m FROM trees_houses) s,
     LATERAL (SELECT recsys.predict(m, ARRAY[0.2, NULL, 0]) AS p) q,
     LATERAL recsys.contributions(m, ARRAY[0.2, NULL, 0]) c GROUP BY p;
SELECT class, count(*) AS terms FROM recsys.contributions((SELECT model FROM trees_segment_model), ARRAY[0.1, 0.2])
GROUP BY class ORDER BY class;
-- a linear model's: coefficient x value, the intercept as the bias
SELECT abs(sum(contribution) - recsys.predict(m, ARRAY[0.5, -0.2, 0.1])) < 1e-9 AS linear_sums
FROM (SELECT recsys.linreg_fit(price, ARRAY[x1, x2, x3]) AS m FROM trees_houses) s, recsys.contributions(m, ARRAY[0.5, -0.2, 0.1])
GROUP BY m;
SELECT * FROM recsys.feature_importance((SELECT recsys.linreg_fit(price, ARRAY[x1, x2, x3]) FROM trees_houses));
SELECT * FROM recsys.contributions((SELECT recsys.als_fit(1, 2, 1.0)), ARRAY[1.0]);
SELECT * FROM recsys.contributions((SELECT model FROM trees_price_model), ARRAY[1.0, 2.0]);
-- statement_timeout stops training between rounds
SET statement_timeout = '300ms';
SELECT recsys.gbt_fit(price, ARRAY[x1, x2, x3], '{"trees": 20000, "max_depth": 6}') FROM trees_houses;
RESET statement_timeout;
