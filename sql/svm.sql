-- svm_fit, predict (the decision value) and coefficients: a planted linear
-- rule, both losses, the intercept, NULLs, every error, and a parallel plan.
SELECT setseed(0.2);
CREATE TABLE shots AS
SELECT g AS id, (2 * x1 - x2 + 0.3 + 0.5 * noise > 0) AS scored, ARRAY[x1, x2, x3] AS features
FROM (SELECT g, random() * 2 - 1 AS x1, random() * 2 - 1 AS x2, random() * 2 - 1 AS x3, random() - 0.5 AS noise
      FROM generate_series(1, 5000) g) s;
CREATE TABLE separator AS
SELECT recsys.svm_fit(scored, features, '{"tol": 1e-8, "iterations": 10000, "feature_names": ["x1", "x2", "x3"]}') AS model
FROM shots;
-- what the model is: the solver converged, the objective, the support vectors
SELECT recsys.model_info(model)->>'kind' AS kind, recsys.model_info(model)->'metadata'->'options' AS options,
       recsys.model_info(model)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(model)->'metadata'->'training'->'solver' AS solver,
       recsys.model_info(model)->'metadata'->'training'->'converged' AS converged,
       (recsys.model_info(model)->'metadata'->'training'->>'support_vectors')::int > 0 AS has_support_vectors
FROM separator;
-- the planted signs are found, the decision's sign classifies
SELECT name, sign(coefficient) AS sign, std_error IS NULL AS no_std_error FROM separator, recsys.coefficients(model);
SELECT avg(((recsys.predict(s.model, t.features) > 0) = t.scored)::int) > 0.9 AS accurate FROM shots t, separator s;
-- the objective the model reports is the one its coefficients give
SELECT abs((recsys.model_info(model)->'metadata'->'training'->>'objective')::float8 -
           (SELECT 0.5 * (sum(coefficient ^ 2) FILTER (WHERE feature > 0) + max(coefficient ^ 2) FILTER (WHERE feature = 0))
              FROM recsys.coefficients(s.model)) -
           (SELECT sum(greatest(0, 1 - (CASE WHEN scored THEN 1 ELSE -1 END) * recsys.predict(s.model, features)) ^ 2)
              FROM shots)) < 1e-6 AS objective_right
FROM separator s;
-- hinge loss, no intercept
SELECT recsys.model_info(m)->'metadata'->'training'->'converged' AS converged,
       (SELECT count(*) FROM recsys.coefficients(m)) AS terms
FROM (SELECT recsys.svm_fit(scored, features, '{"loss": "hinge", "C": 0.1, "fit_intercept": false}') AS m FROM shots) s;
-- NULL labels and features skip the row; NULL features give NULL
SELECT (recsys.model_info(recsys.svm_fit(l, f))->'metadata'->'training') - 'seconds' - 'loss' - 'iterations' - 'objective'
       - 'support_vectors' AS training
FROM (VALUES (true, ARRAY[1.0, 2.0]::float8[]), (NULL, ARRAY[1.0, 2.0]), (false, NULL), (false, ARRAY[0.0, 0.5])) v(l, f);
SELECT recsys.predict(model, NULL::float8[]) IS NULL AS null_prediction FROM separator;
-- by name
SELECT recsys.save_model('separator', model) > 0 AS saved FROM separator;
SELECT recsys.predict('separator', ARRAY[0.5, 0.1, 0]) = recsys.predict(model, ARRAY[0.5, 0.1, 0]) AS same FROM separator;
-- errors (and a warning)
SELECT recsys.svm_fit(scored, features, '{"C": 0}') FROM shots;
SELECT recsys.svm_fit(scored, features, '{"loss": "log"}') FROM shots;
SELECT recsys.svm_fit(scored, features, '{"penalty": "l1"}') FROM shots;
SELECT recsys.svm_fit(scored, features, '{"feature_names": ["a"]}') FROM shots;
SELECT recsys.svm_fit(true, features) FROM shots;
SELECT length(recsys.svm_fit(scored, features, '{"iterations": 1, "tol": 1e-12}')) > 0 AS trained FROM shots;
SELECT recsys.svm_fit(scored, ARRAY[1.0, 'NaN']) FROM shots;
SELECT recsys.predict(model, ARRAY[1.0]) FROM separator;
SELECT recsys.predict_class(model, ARRAY[1.0, 2.0, 3.0]) FROM separator;
-- a forced parallel plan: the same optimum
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT recsys.svm_fit(scored, features) FROM shots;
CREATE TEMP TABLE parallel_separator AS
SELECT recsys.svm_fit(scored, features, '{"tol": 1e-8, "iterations": 10000, "feature_names": ["x1", "x2", "x3"]}') AS model
FROM shots;
RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
SELECT abs(recsys.predict(p.model, ARRAY[0.3, 0.2, 0.1]) - recsys.predict(s.model, ARRAY[0.3, 0.2, 0.1])) < 1e-5
       AS same_predictions
FROM parallel_separator p, separator s;
DROP TABLE shots, separator;
