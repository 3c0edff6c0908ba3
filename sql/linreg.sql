-- linreg_fit and coefficients: OLS against PostgreSQL's own regr_* aggregates,
-- its statistics, ridge / lasso / elastic net, NULLs, errors, GROUP BY,
-- a forced parallel plan, prediction and the registry.
CREATE TABLE houses AS
SELECT g AS id, x1, x2, x3, 3 + 2 * x1 - x2 + 0.5 * sin(g * 1.7) AS price, ARRAY[x1, x2, x3] AS features,
       (g % 3) AS region
FROM (SELECT g, (g % 17) / 17.0::float8 AS x1, (g % 13) / 13.0::float8 AS x2, cos(g * 0.3) / 10 AS x3
      FROM generate_series(1, 3000) g) s;

-- one feature: the same line, R², and slope standard error as PostgreSQL's regr_* aggregates
WITH m AS (SELECT recsys.linreg_fit(price, ARRAY[x1]) AS model FROM houses),
     ref AS (SELECT regr_intercept(price, x1) AS b, regr_slope(price, x1) AS a, regr_r2(price, x1) AS r2,
                    sqrt((regr_syy(price, x1) - regr_slope(price, x1) * regr_sxy(price, x1)) / (count(*) - 2)
                         / regr_sxx(price, x1)) AS se
             FROM houses)
SELECT abs((SELECT coefficient FROM recsys.coefficients(model) WHERE feature = 0) - ref.b) < 1e-12 AS intercept,
       abs((SELECT coefficient FROM recsys.coefficients(model) WHERE feature = 1) - ref.a) < 1e-12 AS slope,
       abs((SELECT std_error FROM recsys.coefficients(model) WHERE feature = 1) / ref.se - 1) < 1e-10 AS std_error,
       abs((recsys.model_info(model)->'metadata'->'statistics'->>'r_squared')::float8 - ref.r2) < 1e-12 AS r_squared
FROM m, ref;

-- three features, named; the terms a statistician reads
CREATE TABLE ols AS
SELECT recsys.linreg_fit(price, features, '{"feature_names": ["size", "age", "noise"]}') AS model FROM houses;
SELECT feature, name, round(coefficient::numeric, 6) AS coefficient, round(std_error::numeric, 6) AS std_error,
       round(t_stat::numeric, 3) AS t_stat, p_value < 1e-6 AS significant
FROM recsys.coefficients((SELECT model FROM ols)) ORDER BY feature;
SELECT key, round(value::numeric, 6) AS value
FROM ols, jsonb_each_text(recsys.model_info(model)->'metadata'->'statistics') ORDER BY key;
SELECT recsys.model_info(model)->'metadata'->'training'->>'solver' AS solver,
       recsys.model_info(model)->'metadata'->'training'->>'rows' AS rows,
       recsys.model_info(model)->'metadata'->'dimensions' AS dimensions
FROM ols;
-- predictions are b + x . beta, by bytea and by name through the registry
SELECT recsys.save_model('prices', model) > 0 AS saved FROM ols;
SELECT round(recsys.predict('prices', ARRAY[0.5, 0.5, 0])::numeric, 6) AS by_name,
       round(recsys.predict(model, ARRAY[0.5, 0.5, 0])::numeric, 6) AS by_bytea,
       round((SELECT sum(coefficient * CASE feature WHEN 0 THEN 1 WHEN 1 THEN 0.5 WHEN 2 THEN 0.5 ELSE 0 END)
              FROM recsys.coefficients('prices'))::numeric, 6) AS by_hand
FROM ols;
-- the residuals of the fit sum to zero and the mean prediction is the mean price
SELECT abs(avg(recsys.predict(o.model, features)) - avg(price)) < 1e-12 AS mean_fits FROM houses, ols o;

-- without an intercept: no intercept row
SELECT feature, name, round(coefficient::numeric, 6) AS coefficient, std_error IS NOT NULL AS has_std_error
FROM recsys.coefficients((SELECT recsys.linreg_fit(price, features, '{"fit_intercept": false}') FROM houses))
ORDER BY feature;

-- penalized fits: no standard errors; ridge shrinks, lasso zeroes the useless feature
CREATE TABLE penalized AS
SELECT recsys.linreg_fit(price, features, '{"l2": 0.1}') AS ridge,
       recsys.linreg_fit(price, features, '{"l1": 0.05}') AS lasso,
       recsys.linreg_fit(price, features, '{"l1": 0.02, "l2": 0.02}') AS enet
FROM houses;
SELECT feature, round(r.coefficient::numeric, 6) AS ridge, round(l.coefficient::numeric, 6) AS lasso,
       round(e.coefficient::numeric, 6) AS elastic_net, r.std_error IS NULL AND l.p_value IS NULL AS no_tests
FROM penalized,
     recsys.coefficients(ridge) r JOIN recsys.coefficients(lasso) l USING (feature)
     JOIN recsys.coefficients(enet) e USING (feature)
ORDER BY feature;
SELECT recsys.model_info(lasso)->'metadata'->'training'->>'solver' AS solver,
       recsys.model_info(lasso)->'metadata'->'training'->>'converged' AS converged,
       recsys.model_info(ridge)->'metadata'->'training'->>'solver' AS ridge_solver
FROM penalized;

-- one model per group; rows with a NULL target or NULL features are skipped and counted
SELECT region, round((SELECT coefficient FROM recsys.coefficients(m) WHERE feature = 1)::numeric, 6) AS size,
       recsys.model_info(m)->'metadata'->'training'->>'skipped_rows' AS skipped
FROM (SELECT region, recsys.linreg_fit(CASE WHEN id % 100 = 0 THEN NULL ELSE price END,
                                       CASE WHEN id % 101 = 0 THEN NULL ELSE features END) AS m
      FROM houses GROUP BY region) s
ORDER BY region;
-- no rows: NULL
SELECT recsys.linreg_fit(price, features) IS NULL AS no_model FROM houses WHERE false;

-- a forced parallel plan gives the serial model (partial QR factors merged)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT recsys.linreg_fit(price, features) FROM houses;
CREATE TEMP TABLE parallel_ols AS SELECT recsys.linreg_fit(price, features) AS model FROM houses;
RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
SELECT bool_and(abs(p.coefficient - s.coefficient) < 1e-10 AND abs(p.std_error / s.std_error - 1) < 1e-10) AS same
FROM recsys.coefficients((SELECT model FROM parallel_ols)) p
     JOIN recsys.coefficients((SELECT model FROM ols)) s USING (feature);

-- errors
\set VERBOSITY terse
SELECT recsys.linreg_fit(price, ARRAY[x1, 2 * x1]) FROM houses;
SELECT recsys.linreg_fit(price, ARRAY[x1, 1.0]) FROM houses;
SELECT recsys.linreg_fit(price, ARRAY[x1, 0.0], '{"fit_intercept": false}') FROM houses;
SELECT recsys.linreg_fit(price, features, '{"feature_names": ["a", "b"]}') FROM houses;
SELECT recsys.linreg_fit(price, features, '{"feature_names": "size"}') FROM houses;
SELECT recsys.linreg_fit(price, features, '{"l1": -1}') FROM houses;
SELECT recsys.linreg_fit(price, features, '{"alpha": 1}') FROM houses;
SELECT recsys.linreg_fit(price, features, NULL) FROM houses;
SELECT recsys.linreg_fit(price, ARRAY[x1, NULL]) FROM houses;
SELECT recsys.linreg_fit(price, ARRAY[x1, 'NaN']) FROM houses;
SELECT recsys.linreg_fit('Infinity', features) FROM houses;
SELECT recsys.linreg_fit(price, CASE WHEN id = 7 THEN ARRAY[x1] ELSE features END) FROM houses;
SELECT recsys.linreg_fit(price, ARRAY[x1]) FROM houses WHERE id = 1;
SELECT recsys.predict('prices', ARRAY[1, 2]);
SELECT * FROM recsys.coefficients('no_such_model');
SELECT * FROM recsys.coefficients((SELECT recsys.als_fit(id, region, 1.0, '{"factors": 2, "iterations": 1}') FROM houses));
\set VERBOSITY default
-- the same one-row training with l2 is defined
SELECT recsys.linreg_fit(price, ARRAY[x1], '{"l2": 1}') IS NOT NULL AS ridge_fits_one_row FROM houses WHERE id = 1;
