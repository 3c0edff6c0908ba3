-- knn_fit, predict, predict_class, predict_proba and knn_neighbors: a
-- classifier and a regression on planted clusters, the canonical order
-- (ids, or features then target), ties, every error, and a parallel plan.
SELECT setseed(0.18);
CREATE TABLE points AS
SELECT g AS id, (g % 3)::float8 AS class,
       ARRAY[(g % 3) * 4 + random() * 3, (g % 3) * -2 + random() * 3] AS features,
       (g % 3) * 10 + random() AS amount
FROM generate_series(1, 3000) g;
CREATE TABLE voter AS SELECT recsys.knn_fit(class, features, id, '{"neighbors": 7}') AS model FROM points;
CREATE TABLE averager AS
SELECT recsys.knn_fit(amount, features, '{"neighbors": 4, "task": "regression", "weights": "distance"}') AS model
FROM points;
-- what the models are
SELECT recsys.model_info(model)->>'kind' AS kind, recsys.model_info(model)->'metadata'->'options' AS options,
       recsys.model_info(model)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(model)->'metadata'->'training'->'rows' AS rows
FROM voter UNION ALL
SELECT recsys.model_info(model)->>'kind', recsys.model_info(model)->'metadata'->'options',
       recsys.model_info(model)->'metadata'->'dimensions', recsys.model_info(model)->'metadata'->'training'->'rows'
FROM averager;
-- the clusters are found: accuracy, and the regression's error
SELECT avg((recsys.predict(v.model, p.features) = p.class)::int) > 0.95 AS accurate,
       avg((recsys.predict_class(v.model, p.features) = p.class::text)::int) > 0.95 AS class_accurate,
       avg(abs(recsys.predict(a.model, p.features) - p.amount)) < 1 AS close
FROM points p, voter v, averager a;
-- one query, every answer: the class, the probabilities, the neighbours by id
SELECT recsys.predict(model, ARRAY[4.5, -0.5]) AS class, recsys.predict_class(model, ARRAY[4.5, -0.5]) AS class_name,
       recsys.predict_proba(model, ARRAY[4.5, -0.5]) AS proba
FROM voter;
-- the neighbours are the nearest rows: checked against the table
SELECT n."row", round(n.distance::numeric, 9) =
         round(sqrt((p.features[1] - 4.5) ^ 2 + (p.features[2] + 0.5) ^ 2)::numeric, 9) AS distance_right,
       n.target = p.class AS target_right
FROM voter v, recsys.knn_neighbors(v.model, ARRAY[4.5, -0.5], 5) n JOIN points p ON p.id = n."row";
SELECT array_agg(n."row" ORDER BY n.distance, n."row") =
       (SELECT array_agg(id::bigint ORDER BY sqrt((features[1] - 4.5) ^ 2 + (features[2] + 0.5) ^ 2), id)
        FROM (SELECT * FROM points ORDER BY sqrt((features[1] - 4.5) ^ 2 + (features[2] + 0.5) ^ 2), id LIMIT 25) s)
       AS same_as_sorting
FROM voter v, recsys.knn_neighbors(v.model, ARRAY[4.5, -0.5], 25) n;
-- k past the rows returns every row
SELECT count(*) FROM voter v, recsys.knn_neighbors(v.model, ARRAY[0, 0], 2147483647);
-- ties: four rows at distance 1 and a vote tie; without an id, row is the
-- position in the rows sorted by features, then target
CREATE TABLE grid(target float8, features float8[]);
INSERT INTO grid VALUES (5, '{1,0}'), (2, '{0,1}'), (5, '{-1,0}'), (2, '{0,-1}'), (9, '{3,3}');
SELECT n.* FROM (SELECT recsys.knn_fit(target, features, '{"neighbors": 2}') AS m FROM grid) s,
     recsys.knn_neighbors(s.m, ARRAY[0, 0], 5) n;
SELECT recsys.predict(m, ARRAY[0, 0]) AS smaller_class_wins,
       recsys.predict_proba(m, ARRAY[0, 0]) AS proba
FROM (SELECT recsys.knn_fit(target, features, '{"neighbors": 4}') AS m FROM grid) s;
-- the same rows in another order give the same model bytes (but for the seconds)
SELECT (recsys.model_info(a.m)->'metadata'->'training') - 'seconds' =
       (recsys.model_info(b.m)->'metadata'->'training') - 'seconds' AS same_summary,
       (SELECT array_agg(x."row") FROM recsys.knn_neighbors(a.m, ARRAY[0.5, 0.5], 5) x) =
       (SELECT array_agg(x."row") FROM recsys.knn_neighbors(b.m, ARRAY[0.5, 0.5], 5) x) AS same_rows
FROM (SELECT recsys.knn_fit(target, features ORDER BY target) AS m FROM grid) a,
     (SELECT recsys.knn_fit(target, features ORDER BY target DESC) AS m FROM grid) b;
-- cosine: direction only
SELECT recsys.predict(m, ARRAY[10, 0.1]) AS along_x
FROM (SELECT recsys.knn_fit(target, features, '{"neighbors": 1, "metric": "cosine"}') AS m FROM grid) s;
-- NULL targets and features skip the row; NULL features give NULL
SELECT (recsys.model_info(recsys.knn_fit(t, f, '{"neighbors": 1}'))->'metadata'->'training') - 'seconds' AS training
FROM (VALUES (1.0::float8, ARRAY[1.0, 2.0]::float8[]), (NULL, ARRAY[1.0, 2.0]), (2.0, NULL), (3.0, ARRAY[0.0, 0.0])) v(t, f);
SELECT recsys.predict(model, NULL::float8[]) IS NULL AS null_prediction,
       recsys.predict_class(model, NULL) IS NULL AS null_class,
       recsys.predict_proba(model, NULL) IS NULL AS null_proba FROM voter;
-- by name, through the registry
SELECT recsys.save_model('voter', model) > 0 AS saved FROM voter;
SELECT recsys.predict('voter', ARRAY[4.5, -0.5]) = recsys.predict(model, ARRAY[4.5, -0.5]) AS same_predict,
       recsys.predict_class('voter', ARRAY[4.5, -0.5]) = recsys.predict_class(model, ARRAY[4.5, -0.5]) AS same_class,
       recsys.predict_proba('voter', ARRAY[4.5, -0.5]) = recsys.predict_proba(model, ARRAY[4.5, -0.5]) AS same_proba
FROM voter;
SELECT count(*) AS neighbours FROM recsys.knn_neighbors('voter', ARRAY[4.5, -0.5], 3);
-- errors
SELECT recsys.knn_fit(class, features, '{"neighbors": 0}') FROM points;
SELECT recsys.knn_fit(class, features, '{"k": 3}') FROM points;
SELECT recsys.knn_fit(class, features, '{"task": "ranking"}') FROM points;
SELECT recsys.knn_fit(class, features, '{"metric": "manhattan"}') FROM points;
SELECT recsys.knn_fit(target, features, '{"neighbors": 6}') FROM grid;
SELECT recsys.knn_fit(target, features, id, '{"neighbors": 1}')
FROM (VALUES (1.0::float8, ARRAY[1.0]::float8[], 7::bigint), (2.0, ARRAY[2.0], 7)) v(target, features, id);
SELECT recsys.knn_fit(target, features, id)
FROM (VALUES (1.0::float8, ARRAY[1.0]::float8[], 7::bigint), (2.0, ARRAY[2.0], NULL)) v(target, features, id);
SELECT length(recsys.knn_fit(g::float8, ARRAY[g::float8])) FROM generate_series(1, 10001) g;
SELECT recsys.knn_fit(t, ARRAY[1e200, 1.0], '{"neighbors": 1}') FROM (VALUES (1.0::float8), (2.0)) v(t);
SELECT recsys.knn_fit(t, ARRAY[1.0, 'NaN']) FROM (VALUES (1.0::float8)) v(t);
SELECT recsys.knn_fit(t, ARRAY[1.0]) FROM (VALUES ('Infinity'::float8)) v(t);
SELECT recsys.predict(model, ARRAY[1.0]) FROM voter;
SELECT recsys.predict(model, ARRAY[1.0, NULL]) FROM voter;
SELECT recsys.predict(model, ARRAY[1e300, -1e300]) FROM voter;
SELECT * FROM voter, recsys.knn_neighbors(model, ARRAY[1.0, 2.0], 0);
SELECT * FROM voter, recsys.knn_neighbors(model, ARRAY[1.0, 2.0], NULL);
SELECT * FROM voter, recsys.knn_neighbors(model, NULL, 3);
SELECT * FROM voter, recsys.knn_neighbors(model, ARRAY[[1.0, 2.0]], 3);
SELECT recsys.predict_class(model, ARRAY[1.0, 2.0]) FROM averager;
SELECT recsys.predict_proba(recsys.logreg_fit(class > 0, features), ARRAY[1.0, 2.0]) FROM points;
SELECT * FROM recsys.knn_neighbors((SELECT recsys.logreg_fit(class > 0, features) FROM points), ARRAY[1.0, 2.0], 1);
SELECT * FROM recsys.knn_neighbors('nope', ARRAY[1.0, 2.0], 1);
-- a forced parallel plan gives the serial model: the rows in the same canonical order
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT recsys.knn_fit(class, features, id) FROM points;
CREATE TEMP TABLE parallel_voter AS SELECT recsys.knn_fit(class, features, id, '{"neighbors": 7}') AS model FROM points;
CREATE TEMP TABLE parallel_averager AS
SELECT recsys.knn_fit(amount, features, '{"neighbors": 4, "task": "regression", "weights": "distance"}') AS model
FROM points;
RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
SELECT substring(p.model from 1 for 16) = substring(v.model from 1 for 16) AS same_header,
       (SELECT array_agg(n) FROM recsys.knn_neighbors(p.model, ARRAY[2, 0], 50) n) =
       (SELECT array_agg(n) FROM recsys.knn_neighbors(v.model, ARRAY[2, 0], 50) n) AS same_neighbours,
       (SELECT array_agg(n) FROM recsys.knn_neighbors(pa.model, ARRAY[2, 0], 50) n) =
       (SELECT array_agg(n) FROM recsys.knn_neighbors(a.model, ARRAY[2, 0], 50) n) AS same_positions
FROM parallel_voter p, voter v, parallel_averager pa, averager a;
-- batch_predict: a whole table scored at once, each answer exactly predict's
-- (the same kernel and heap), NULL features NULL
CREATE TABLE probes AS
SELECT g AS id, CASE WHEN g % 50 = 0 THEN NULL ELSE ARRAY[random() * 12 - 2, random() * 8 - 5] END AS features
FROM generate_series(1, 700) g;
INSERT INTO probes SELECT 1000 + id, features FROM points WHERE id <= 100;  -- at distance 0 from a training row
CREATE TABLE probe_models AS
SELECT 'voter' AS name, model FROM voter UNION ALL
SELECT 'averager', model FROM averager UNION ALL
SELECT 'cosine', recsys.knn_fit(amount, features, '{"neighbors": 3, "metric": "cosine", "task": "regression"}') FROM points UNION ALL
SELECT 'logreg', recsys.logreg_fit(class > 0, features) FROM points UNION ALL
SELECT 'gbt', recsys.gbt_fit(amount, features, '{"trees": 20, "max_depth": 3}') FROM points;
SELECT m.name, count(*) AS rows, count(s.batch) AS scored,
       count(*) FILTER (WHERE s.batch IS DISTINCT FROM recsys.predict(m.model, s.features)) AS differ_from_predict
FROM probe_models m,
     LATERAL (SELECT p.features, recsys.batch_predict(m.model, p.features) OVER () AS batch FROM probes p) s
GROUP BY m.name ORDER BY m.name;
-- several models in one query: a partition each; by name
SELECT m.name, count(*) FILTER (WHERE s.batch IS DISTINCT FROM recsys.predict(m.model, s.features)) AS differ
FROM (SELECT m.name, p.features, recsys.batch_predict(m.model, p.features) OVER (PARTITION BY m.name) AS batch
      FROM probe_models m, probes p) s JOIN probe_models m USING (name)
GROUP BY m.name ORDER BY m.name;
SELECT count(*) FILTER (WHERE batch IS DISTINCT FROM recsys.predict('voter', features)) AS differ_by_name
FROM (SELECT features, recsys.batch_predict('voter', features) OVER (ORDER BY id) AS batch FROM probes) s;
-- the tied integer rows: the same neighbours kept as row by row
SELECT f, recsys.batch_predict(m, f) OVER () AS batch, recsys.predict(m, f) AS single
FROM (SELECT recsys.knn_fit(target, features, '{"neighbors": 2, "task": "regression"}') AS m FROM grid) s,
     (VALUES (ARRAY[0, 0]::float8[]), (ARRAY[1, 1]), (ARRAY[0.5, 0]), (ARRAY[2, 2])) v(f);
-- errors: two models in a partition; a NULL model; features of the wrong size or NULL elements, as predict's
SELECT error_of($$SELECT recsys.batch_predict(model, ARRAY[1.0, 2.0]) OVER () FROM probe_models$$) AS two_models;
SELECT error_of($$SELECT recsys.batch_predict(NULL::bytea, ARRAY[1.0, 2.0]) OVER ()$$) AS null_model;
SELECT error_of($$SELECT recsys.batch_predict(model, ARRAY[1.0]) OVER () FROM voter$$) AS wrong_size,
       error_of($$SELECT recsys.batch_predict(model, ARRAY[1.0]) OVER () FROM voter$$) =
       error_of($$SELECT recsys.predict(model, ARRAY[1.0]) FROM voter$$) AS as_predict;
SELECT error_of($$SELECT recsys.batch_predict(model, ARRAY[1.0, NULL]) OVER () FROM voter$$) =
       error_of($$SELECT recsys.predict(model, ARRAY[1.0, NULL]) FROM voter$$) AS null_element_as_predict,
       error_of($$SELECT recsys.batch_predict(model, ARRAY[1e300, -1e300]) OVER () FROM voter$$) =
       error_of($$SELECT recsys.predict(model, ARRAY[1e300, -1e300]) FROM voter$$) AS overflow_as_predict;
SELECT error_of($$SELECT recsys.batch_predict(recsys.als_fit(1, 2, 1.0), ARRAY[1.0]) OVER ()$$) AS not_a_feature_model;
-- its answers are claimed under recsys.max_memory
SET recsys.max_memory = '1MB';
SELECT count(b) FROM (SELECT recsys.batch_predict(v.model, p.features) OVER () AS b
                      FROM voter v, (SELECT features FROM points, generate_series(1, 40)) p) s;
RESET recsys.max_memory;
-- statement_timeout stops it between blocks of rows, not after the whole
-- batch (which takes seconds here)
CREATE TABLE knn_big AS
SELECT g AS id, (g % 2)::float8 AS class, ARRAY(SELECT random() FROM generate_series(1, 16) WHERE g > 0) AS features
FROM generate_series(1, 50000) g;
CREATE TABLE knn_big_model AS SELECT recsys.knn_fit(class, features, id) AS model FROM knn_big;
SET statement_timeout = '300ms';
DO $$
DECLARE started timestamptz := clock_timestamp();
BEGIN
    PERFORM count(p) FROM (SELECT recsys.batch_predict(m.model, b.features) OVER () AS p
                           FROM knn_big b, knn_big_model m) s;
    RAISE NOTICE 'batch_predict was not stopped';
EXCEPTION WHEN query_canceled THEN
    RAISE NOTICE 'stopped promptly: %', clock_timestamp() - started < interval '1.5s';
END $$;
SELECT count(p) FROM (SELECT recsys.batch_predict(m.model, b.features) OVER () AS p FROM knn_big b, knn_big_model m) s;
RESET statement_timeout;
DROP TABLE points, voter, averager, grid, probes, probe_models, knn_big, knn_big_model;
