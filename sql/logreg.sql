-- logreg_fit and predict: training on a planted signal, options, NULLs,
-- errors, parallel plans, and prediction from name and bytea.
SELECT setseed(0.3);
CREATE TABLE impressions AS
SELECT g AS id, (random() < 1 / (1 + exp(-(2 * x1 - x2 - 1)))) AS watched, ARRAY[x1, x2, x3] AS features
FROM (SELECT g, random() * 2 - 1 AS x1, random() * 2 - 1 AS x2, random() * 2 - 1 AS x3
      FROM generate_series(1, 20000) g) s;
CREATE TABLE ranker AS SELECT recsys.logreg_fit(watched, features, '{"l2": 0.0001}') AS model FROM impressions;
-- what the model is: the options, one dimension, the solver's convergence
SELECT recsys.model_info(model)->>'kind' AS kind,
       recsys.model_info(model)->'metadata'->'options' AS options,
       recsys.model_info(model)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(model)->'metadata'->'training'->'solver' AS solver,
       recsys.model_info(model)->'metadata'->'training'->'converged' AS converged,
       (recsys.model_info(model)->'metadata'->'training'->>'gradient_max')::float8 < 1e-8 AS at_optimum
FROM ranker;
-- the planted signs are found; the mean prediction is the base rate (a property of the optimum)
SELECT round(avg(recsys.predict(r.model, i.features))::numeric, 6) = round(avg(i.watched::int)::numeric, 6) AS mean_is_base_rate,
       recsys.predict(r.model, ARRAY[1, 0, 0]) > recsys.predict(r.model, ARRAY[0, 0, 0]) AS x1_raises,
       recsys.predict(r.model, ARRAY[0, 1, 0]) < recsys.predict(r.model, ARRAY[0, 0, 0]) AS x2_lowers
FROM ranker r, impressions i GROUP BY r.model;
-- by name, through the registry: the newest version
SELECT recsys.save_model('ranker', model) > 0 AS saved FROM ranker;
SELECT recsys.predict('ranker', ARRAY[0.5, -0.5, 0]) = recsys.predict(model, ARRAY[0.5, -0.5, 0]) AS same FROM ranker;
SELECT count(*) FILTER (WHERE recsys.predict('ranker', features) BETWEEN 0 AND 1) AS scored FROM impressions;
-- the solvers agree; l1 zeroes the useless feature
SELECT abs((recsys.model_info(recsys.logreg_fit(watched, features, '{"solver": "lbfgs", "l2": 0.0001}'))
            ->'metadata'->'training'->'loss'->>-1)::float8 -
           (recsys.model_info(model)->'metadata'->'training'->'loss'->>-1)::float8) < 1e-10 AS lbfgs_agrees
FROM impressions, ranker GROUP BY model;
SELECT recsys.predict(m, ARRAY[0, 0, 1]) = recsys.predict(m, ARRAY[0, 0, -1]) AS x3_is_zero
FROM (SELECT recsys.logreg_fit(watched, features, '{"l1": 0.01}') AS m FROM impressions) s;
-- down-sampled negatives: predictions are corrected back to the base rate
SELECT abs(avg(recsys.predict(m, features)) - avg(watched::int)) < 0.02 AS corrected,
       (recsys.model_info(m)->'metadata'->'training'->>'used_rows')::int < 15000 AS sampled
FROM impressions, (SELECT recsys.logreg_fit(watched, features, '{"negative_sample_rate": 0.3, "seed": 1}') AS m
                   FROM impressions) s GROUP BY m;
-- NULL label or features skip the row; zero rows give NULL
SELECT recsys.model_info(recsys.logreg_fit(l, f))->'metadata'->'training'->'skipped_rows' AS skipped
FROM (VALUES (true, ARRAY[1.0, 2.0]), (NULL, ARRAY[1.0, 0.0]), (false, NULL), (false, ARRAY[0.0, 1.0])) v(l, f);
SELECT recsys.logreg_fit(watched, features) IS NULL AS is_null FROM impressions WHERE false;
-- bad rows are errors that say which element
SELECT recsys.logreg_fit(l, f) FROM (VALUES (true, ARRAY[1.0, 2.0]), (false, ARRAY[1.0])) v(l, f);
SELECT recsys.logreg_fit(l, f) FROM (VALUES (true, ARRAY[1.0, NULL])) v(l, f);
SELECT recsys.logreg_fit(l, f) FROM (VALUES (true, ARRAY[1.0, 'NaN'])) v(l, f);
SELECT recsys.logreg_fit(l, f) FROM (VALUES (true, ARRAY[]::float8[])) v(l, f);
SELECT recsys.logreg_fit(l, f) FROM (VALUES (true, ARRAY[[1.0, 2.0]])) v(l, f);
-- bad options
SELECT recsys.logreg_fit(watched, features, '{"solver": "sgd"}') FROM impressions;
SELECT recsys.logreg_fit(watched, features, '{"l1": 0.1, "solver": "newton"}') FROM impressions;
SELECT recsys.logreg_fit(watched, features, '{"negative_sample_rate": 0}') FROM impressions;
SELECT recsys.logreg_fit(watched, features, '{"C": 1}') FROM impressions;
-- predict's errors
SELECT recsys.predict(model, ARRAY[1.0, 2.0]) FROM ranker;
SELECT recsys.predict(model, ARRAY[1.0, NULL, 2.0]) FROM ranker;
SELECT recsys.predict(model, ARRAY[1.0, 'Infinity', 2.0]) FROM ranker;
SELECT recsys.predict(model, NULL::float8[]) IS NULL AS null_features FROM ranker;
SELECT recsys.predict(NULL::bytea, ARRAY[1.0]);
SELECT recsys.predict('nope', ARRAY[1.0]);
SELECT recsys.predict(m, ARRAY[1.0]) FROM (SELECT recsys.als_fit(1, 2, 1.0) AS m) s;
-- a forced parallel plan gives the serial model
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT recsys.logreg_fit(watched, features) FROM impressions;
CREATE TEMP TABLE parallel_ranker AS SELECT recsys.logreg_fit(watched, features, '{"l2": 0.0001}') AS model FROM impressions;
RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
-- (the workers' rows arrive in another order, so sums may differ in the last bits)
SELECT recsys.model_info(p.model)->'metadata'->'options' = recsys.model_info(r.model)->'metadata'->'options' AS same_options,
       (recsys.model_info(p.model)->'metadata'->'training') - 'seconds' - 'loss' - 'gradient_max' - 'iterations' =
       (recsys.model_info(r.model)->'metadata'->'training') - 'seconds' - 'loss' - 'gradient_max' - 'iterations' AS same_rows,
       abs(recsys.predict(p.model, ARRAY[0.3, 0.2, 0.1]) - recsys.predict(r.model, ARRAY[0.3, 0.2, 0.1])) < 1e-9
         AS same_predictions
FROM parallel_ranker p, ranker r;
-- its terms, named by the option feature_names (the log-odds; no tests for a penalized fit)
SELECT feature, name, round(coefficient::numeric, 1) AS coefficient, std_error IS NULL AS no_std_error
FROM recsys.coefficients((SELECT recsys.logreg_fit(watched, features, '{"feature_names": ["x1", "x2", "noise"]}')
                          FROM impressions))
ORDER BY feature;
