-- mlp_fit and predict: a nonlinear planted signal that logistic regression
-- cannot learn, options and model_info, the registry, NULLs, errors,
-- determinism, and a forced parallel plan giving the serial model.
SELECT setseed(0.5);
CREATE TABLE shown AS
SELECT g AS id, ((x1 > 0) <> (x2 > 0)) = (random() < 0.9) AS watched, ARRAY[x1, x2, x3] AS features
FROM (SELECT g, random() * 2 - 1 AS x1, random() * 2 - 1 AS x2, random() * 2 - 1 AS x3
      FROM generate_series(1, 4000) g) s;
CREATE TABLE nets AS
SELECT recsys.mlp_fit(watched, features, '{"hidden_layers": [16, 8], "epochs": 60, "learning_rate": 0.01, "seed": 7}') AS mlp,
       recsys.logreg_fit(watched, features) AS logreg
FROM shown;
-- what the model is
SELECT recsys.model_info(mlp)->>'kind' AS kind,
       recsys.model_info(mlp)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(mlp)->'metadata'->'options'->'hidden_layers' AS hidden_layers,
       recsys.model_info(mlp)->'metadata'->'training'->>'rows' AS rows,
       jsonb_array_length(recsys.model_info(mlp)->'metadata'->'training'->'loss') BETWEEN 1 AND 60 AS loss_per_epoch
FROM nets;
-- the XOR signal: the network finds it, logistic regression cannot
SELECT recsys.auc(recsys.predict(n.mlp, s.features), s.watched) > 0.85 AS mlp_learns,
       recsys.auc(recsys.predict(n.logreg, s.features), s.watched) < 0.6 AS logreg_cannot
FROM nets n, shown s;
-- by name through the registry; predictions are probabilities
SELECT recsys.save_model('ranker_mlp', mlp) > 0 AS saved FROM nets;
SELECT recsys.predict('ranker_mlp', ARRAY[0.5, -0.5, 0]) = recsys.predict(mlp, ARRAY[0.5, -0.5, 0]) AS same,
       recsys.predict('ranker_mlp', ARRAY[0.5, -0.5, 0]) > 0.5 AS opposite_signs_watch,
       recsys.predict('ranker_mlp', ARRAY[0.5, 0.5, 0]) < 0.5 AS same_signs_skip
FROM nets;
SELECT count(*) FILTER (WHERE recsys.predict('ranker_mlp', features) BETWEEN 0 AND 1) AS scored FROM shown;
-- the same seed gives the same model; another seed another
SELECT recsys.mlp_fit(watched, features, '{"hidden_layers": [4], "epochs": 3, "seed": 1}') =
       recsys.mlp_fit(watched, features, '{"hidden_layers": [4], "epochs": 3, "seed": 1}') AS same_seed_same_model,
       recsys.mlp_fit(watched, features, '{"hidden_layers": [4], "epochs": 3, "seed": 1}') <>
       recsys.mlp_fit(watched, features, '{"hidden_layers": [4], "epochs": 3, "seed": 2}') AS other_seed_other_model
FROM shown;
-- down-sampled negatives: the mean prediction is corrected back near the base rate
SELECT abs(avg(recsys.predict(m, features)) - avg(watched::int)) < 0.05 AS corrected
FROM shown, (SELECT recsys.mlp_fit(watched, features, '{"hidden_layers": [8], "epochs": 20, "negative_sample_rate": 0.3}') AS m
             FROM shown) t;
-- early stopping on a held-out fraction
SELECT recsys.model_info(m)->'metadata'->'training'->>'used_rows' AS used_rows
FROM (SELECT recsys.mlp_fit(watched, features, '{"hidden_layers": [8], "epochs": 5, "early_stopping": true, "validation_fraction": 0.2}') AS m
      FROM shown) t;
-- a NULL label or NULL features skip the row; no rows give NULL
SELECT recsys.model_info(recsys.mlp_fit(CASE WHEN id % 10 = 0 THEN NULL ELSE watched END,
                                        CASE WHEN id % 11 = 0 THEN NULL ELSE features END,
                                        '{"hidden_layers": [2], "epochs": 1}'))->'metadata'->'training'->>'skipped_rows' AS skipped
FROM shown;
SELECT recsys.mlp_fit(watched, features) IS NULL AS no_model FROM shown WHERE false;

-- a forced parallel plan gives the serial model: the rows are ordered by their contents first
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT recsys.mlp_fit(watched, features) FROM shown;
CREATE TEMP TABLE parallel_net AS
SELECT recsys.mlp_fit(watched, features, '{"hidden_layers": [8], "epochs": 4, "seed": 3}') AS m FROM shown;
RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
SET max_parallel_workers_per_gather = 0;
SELECT recsys.predict(p.m, ARRAY[0.1, 0.2, 0.3]) = recsys.predict(s.m, ARRAY[0.1, 0.2, 0.3]) AS same_predictions
FROM parallel_net p,
     (SELECT recsys.mlp_fit(watched, features, '{"hidden_layers": [8], "epochs": 4, "seed": 3}') AS m FROM shown) s;
RESET max_parallel_workers_per_gather;

-- errors
\set VERBOSITY terse
SELECT recsys.mlp_fit(watched, features, '{"hidden_layers": [0]}') FROM shown;
SELECT recsys.mlp_fit(watched, features, '{"hidden_layers": 64}') FROM shown;
SELECT recsys.mlp_fit(watched, features, '{"validation_fraction": 0.2}') FROM shown;
SELECT recsys.mlp_fit(watched, features, '{"learning_rate": 0}') FROM shown;
SELECT recsys.mlp_fit(watched, features, '{"batch_size": 0}') FROM shown;
SELECT recsys.mlp_fit(watched, features, '{"layers": [4]}') FROM shown;
SELECT recsys.mlp_fit(watched, features, NULL) FROM shown;
SELECT recsys.mlp_fit(watched, ARRAY[1, NULL]) FROM shown;
SELECT recsys.mlp_fit(watched, ARRAY[1, 'NaN']::float8[]) FROM shown;
SELECT recsys.mlp_fit(watched, features, '{"early_stopping": true}') FROM shown WHERE id = 1;
SELECT recsys.predict('ranker_mlp', ARRAY[1, 2]);
SELECT recsys.predict('ranker_mlp', ARRAY[1, NULL, 2]);
SELECT * FROM recsys.coefficients('ranker_mlp');
\set VERBOSITY default
