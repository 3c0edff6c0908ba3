-- Bad model bytes give clear errors, never a crash.
SELECT recsys.model_info('\x'::bytea);
SELECT recsys.model_info('\x0102'::bytea);
SELECT recsys.model_info(substr(model, 1, 40)) FROM m;
SELECT recsys.model_info(substr(model, 1, length(model) - 1)) FROM m;
-- one flipped byte in the factors
SELECT recsys.model_info(overlay(model placing '\xff'::bytea from length(model) - 100 for 1)) FROM m;
SELECT * FROM m, recsys.recommend(overlay(model placing '\x00'::bytea from 200 for 1), 1);
-- a newer format version
SELECT recsys.model_info(overlay(model placing '\x09000000'::bytea from 9 for 4)) FROM m;
-- numbers that must not go silently wrong: weights that add up past a real,
-- a confidence 1 + alpha * weight that overflows, a training that diverges
SELECT recsys.als_fit(u, i, w, '{}') FROM (VALUES (5::bigint, 77::bigint, 3e38::float8), (5, 77, 3e38), (6, 78, 1)) v(u, i, w);
SELECT recsys.als_fit(u, i, w, '{"alpha": 2}') FROM (VALUES (5::bigint, 77::bigint, 3e38::float8), (6, 78, 1)) v(u, i, w);
SELECT recsys.als_fit(u, i, CASE WHEN u = 5 AND i = 77 THEN 1e20 ELSE 1 END, '{"cg_steps": 0}')
FROM (SELECT (g % 40)::bigint AS u, (70 + g % 13)::bigint AS i FROM generate_series(1, 400) g) v;
DO $$
BEGIN
  PERFORM recsys.als_fit(u, i, w, '{"alpha": 2}') FROM (VALUES (5::bigint, 77::bigint, 3e38::float8)) v(u, i, w);
EXCEPTION WHEN invalid_parameter_value THEN
  RAISE NOTICE 'caught 22023: %', SQLERRM;
END $$;
-- memory cap: 53200 with a hint
SET recsys.max_memory = '1MB';
SELECT recsys.als_fit(g, g % 1000, 1.0, '{}') FROM generate_series(1, 100000) g;
SELECT recsys.als_fit(g % 3000, g % 1000, 1.0, '{"factors": 1024}') FROM generate_series(1, 20000) g;
-- the cap holds for all the states of a backend together: each group's
-- 40,000 rows (800 kB) fit in 1 MB, but a hash aggregate holds both at once
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT g % 2, recsys.als_fit(g, g % 1000, 1.0, '{}') FROM generate_series(1, 80000) g GROUP BY 1;
SELECT g % 2, recsys.als_fit(g, g % 1000, 1.0, '{}') FROM generate_series(1, 80000) g GROUP BY 1;
RESET enable_sort;
-- the claims of a failed statement are released: one state may again use it all
SELECT recsys.als_fit(g, g % 1000, 1.0, '{}') FROM generate_series(1, 100000) g;
RESET recsys.max_memory;
-- cancellation: statement_timeout stops a long training promptly
SET statement_timeout = '200ms';
SELECT recsys.als_fit(g % 20000, g % 5000, 1.0, '{"factors": 256, "iterations": 1000}') FROM generate_series(1, 200000) g;
RESET statement_timeout;
-- the session is still alive
SELECT 1 AS alive;
-- a saved model of the format version 1 fixture stays readable
\set fixture `cat tests/fixtures/als_v1.hex`
SELECT recsys.model_info(decode(:'fixture', 'hex'))->'metadata'->'dimensions' AS fixture_dims;
SELECT item_id, rank FROM recsys.recommend(decode(:'fixture', 'hex'), 10, 2);
-- ---------------------------------------------------------------- ceilings
-- a superuser sets the ceilings; a session may lower its setting below them, never raise it above
SET recsys.max_memory_ceiling = '64MB';
SET recsys.max_memory = '2000GB';
SET recsys.max_memory = '32MB';
SHOW recsys.max_memory;
SET recsys.max_model_cache_mb = 100;
SET recsys.model_cache_mb = 1000000;
SET recsys.model_cache_mb = 50;
SHOW recsys.model_cache_mb;
CREATE ROLE recsys_errors_stranger;
SET ROLE recsys_errors_stranger;
SET recsys.max_memory_ceiling = '1TB';
SET recsys.max_model_cache_mb = 1000000;
SET recsys.max_memory = '1GB';
RESET ROLE;
DROP ROLE recsys_errors_stranger;
RESET recsys.max_memory;
RESET recsys.model_cache_mb;
RESET recsys.max_memory_ceiling;
RESET recsys.max_model_cache_mb;
-- ---------------------------------------------------------------- bounded by the input
-- 2^31 - 1 bins: the curve has a row per bin that holds a point, its memory follows the points
SELECT (unnest(recsys.calibration_curve(p, l, '{"bins": 2147483647}'))).*
FROM (VALUES (0.1, true), (0.2, false), (1.0, true)) v(p, l);
SELECT 1 AS alive;
-- ---------------------------------------------------------------- the model is claimed before it is built
-- 40 string columns hashed to 2^20 buckets each make 42 million features (a 743 MB model): under
-- 32 MB the fit claims their names first and stops, and the backend's peak resident memory (read
-- on a fresh connection) does not grow by the model.
\c
SELECT (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmHWM:\s+(\d+)'))[1]::bigint
    AS before_kb \gset
SET recsys.max_memory = '32MB';
WITH r AS MATERIALIZED (SELECT jsonb_object_agg('c' || i, 'v' || i) AS j FROM generate_series(1, 40) i)
SELECT recsys.featurizer_fit(r.j, '{"encode": "hash", "buckets": 1048576}') FROM r, generate_series(1, 10);
SELECT (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmHWM:\s+(\d+)'))[1]::bigint
       - :before_kb < 200 * 1024 AS peak_grew_under_200mb;
-- ab_compare's variants are claimed as they come: 1,000 names of 4 kB pass 1 MB
SET recsys.max_memory = '1MB';
SELECT recsys.ab_compare(repeat('x', 4000) || g, g % 2 = 0) FROM generate_series(1, 1000) g;
RESET recsys.max_memory;
-- ---------------------------------------------------------------- a call's buffers under recsys.max_memory
CREATE TEMP TABLE bounded AS
SELECT (SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 1}') FROM watch) AS als,
       (SELECT recsys.bandit_fit(item_id, 1, 0) FROM watch) AS bandit;
-- k sizes nothing: 2^31 - 1 asks for every item there is
SELECT count(*) AS all_items FROM bounded, recsys.recommend(als, 1, 2147483647, false);
SELECT count(*) AS all_similar FROM bounded, recsys.similar_items(als, 100, 2147483647);
SELECT count(*) AS all_candidates FROM bounded, recsys.explore(bandit, ARRAY[1, 2, 3]::bigint[], NULL, 2147483647);
-- the working memory of a call on a long list is checked before it is allocated
SET recsys.max_memory = '1MB';
SELECT count(*) FROM bounded, recsys.explore(bandit, (SELECT array_agg(g::bigint) FROM generate_series(1, 20000) g));
SELECT count(*) FROM bounded, recsys.recommend(als, 1, 10, true, (SELECT array_agg(g::bigint) FROM generate_series(1, 20000) g),
                                               (SELECT array_agg(g::bigint) FROM generate_series(1, 20000) g));
SELECT count(*) FROM bounded, recsys.recommend_for_items(als, (SELECT array_agg(g::bigint) FROM generate_series(1, 20000) g));
SELECT cardinality(recsys.roc_curve(g % 100 / 100.0, g % 2 = 0)) FROM generate_series(1, 20000) g;
SELECT recsys.ndcg_at_k(ARRAY[1]::bigint[], (SELECT array_agg(g::bigint) FROM generate_series(1, 200000) g), 10);
-- linreg_fit claims its solve (eight (p + 2)^2 matrices) before it makes it
SET recsys.max_memory = '4MB';
SELECT recsys.linreg_fit(g, array_fill(g::float8, ARRAY[300])) FROM generate_series(1, 20) g;
-- ab_compare's weights name no more variants than it compares
SELECT recsys.ab_compare(g % 2, g::float8, jsonb_build_object('weights', (SELECT jsonb_object_agg(h, 1) FROM generate_series(1, 1001) h))) FROM generate_series(1, 10) g;
SELECT recsys.ab_compare(g % 2, g::float8, jsonb_build_object('weights', array_fill(1, ARRAY[1001]))) FROM generate_series(1, 10) g;
-- options are at most 4 MB of JSON (their parse takes tens of times that)
SELECT recsys.logreg_fit(true, ARRAY[1.0], jsonb_build_object('feature_names', (SELECT jsonb_agg(repeat('x', 100)) FROM generate_series(1, 50000))));
-- the model cache holds no more than recsys.max_memory either
SELECT recsys.model_cache_stats()->'capacity_bytes' AS cache_capacity;
RESET recsys.max_memory;
-- ---------------------------------------------------------------- forged model bytes
-- a featurizer whose boolean column "member" was edited to impute by regression, its checksum
-- recomputed (tests/fixtures/featurizer_forged_regression.hex; the CRC is no authentication):
-- its envelope reads, but the model is refused when read, naming the column (XX001), never a crash
\set forged `cat tests/fixtures/featurizer_forged_regression.hex`
CREATE TEMP TABLE forged AS SELECT decode(:'forged', 'hex') AS model;
SELECT recsys.model_info(model)->>'kind' AS forged_kind FROM forged;
SELECT recsys.transform(model, '{"member": null}'::jsonb) FROM forged;
SELECT recsys.impute(model, '{}'::jsonb) FROM forged;
DO $$
BEGIN
  PERFORM recsys.transform(model, '{"age": 30}'::jsonb) FROM forged;
EXCEPTION WHEN data_corrupted THEN
  RAISE NOTICE 'transform of the forged featurizer: SQLSTATE %', SQLSTATE;
END $$;
-- and the registry does not store it: save_model loads what it saves in full
SELECT recsys.save_model('forged', model) FROM forged;
DROP TABLE forged;
SELECT 1 AS alive;
-- ---------------------------------------------------------------- errors name the model
-- A model by name is named with the version it served (written V below: ids depend on the
-- tests before, and error_naming checks that it is the one recsys.serving_version gives); model
-- bytes are "the model argument", with their kind where the message does not say it otherwise.
-- The SQLSTATEs are those of before (22023).
CREATE FUNCTION error_naming(query text, name text) RETURNS text LANGUAGE sql AS $$
  SELECT replace(error_of(query), format('(version %s)', recsys.serving_version(name)), '(version V)')
$$;
CREATE TEMP TABLE named AS
SELECT (SELECT recsys.logreg_fit(g % 2 = 0, ARRAY[g, g % 3, 1]::float8[]) FROM generate_series(1, 60) g) AS ranker,
       (SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 1}') FROM watch) AS candidates,
       (SELECT recsys.featurizer_fit(jsonb_build_object('a', g % 7, 'b', g % 3)) FROM generate_series(1, 60) g)
           AS featurizer;
CREATE TEMP TABLE nonlinear AS
SELECT recsys.pipeline(n.featurizer,
         (SELECT recsys.mlp_fit(g % 2 = 0, recsys.transform(n.featurizer, jsonb_build_object('a', g % 7, 'b', g % 3), true))
          FROM generate_series(1, 60) g)) AS model
FROM named n;
SELECT recsys.save_model('errors_ranker', ranker) > 0 AND recsys.save_model('errors_candidates', candidates) > 0
       AND recsys.save_model('errors_featurizer', featurizer) > 0
       AND recsys.save_model('errors_pipeline', (SELECT model FROM nonlinear)) > 0 AS saved
FROM named;
-- a model of another kind than the function takes
SELECT error_naming($$SELECT * FROM recsys.recommend('errors_ranker', 1)$$, 'errors_ranker') AS recommend;
SELECT error_of($$SELECT r.* FROM named, recsys.recommend(named.ranker, 1) r$$) AS recommend_bytes;
SELECT error_naming($$SELECT * FROM recsys.explore('errors_candidates', ARRAY[1]::bigint[])$$, 'errors_candidates') AS explore;
SELECT error_naming($$SELECT recsys.predict('errors_candidates', ARRAY[1, 2, 3]::float8[])$$, 'errors_candidates')
           AS predict;
SELECT error_naming($$SELECT recsys.predict('errors_pipeline', ARRAY[1, 2]::float8[])$$, 'errors_pipeline')
           AS predict_pipeline;
SELECT error_naming($$SELECT recsys.transform('errors_ranker', '{}'::jsonb)$$, 'errors_ranker') AS transform;
SELECT error_naming($$SELECT recsys.predict('errors_featurizer', '{}'::jsonb)$$, 'errors_featurizer') AS predict_row;
SELECT error_naming($$SELECT * FROM recsys.coefficients('errors_candidates')$$, 'errors_candidates') AS coefficients;
SELECT error_naming($$SELECT recsys.pipeline('errors_ranker', ranker) FROM named$$, 'errors_ranker') AS pipeline;
SELECT error_of($$SELECT recsys.pipeline(ranker, ranker) FROM named$$) AS pipeline_bytes;
-- features of another length
SELECT error_naming($$SELECT recsys.predict('errors_ranker', ARRAY[1, 2]::float8[])$$, 'errors_ranker') AS by_name;
SELECT error_of($$SELECT recsys.predict(ranker, ARRAY[1, 2]::float8[]) FROM named$$) AS by_bytes;
-- a pipeline's parts: the estimator it is given, the featurizer it is built on, the estimator in it
SELECT error_of($$SELECT recsys.pipeline(featurizer, candidates) FROM named$$) AS estimator;
SELECT error_naming($$SELECT recsys.pipeline('errors_featurizer', ranker) FROM named$$, 'errors_featurizer')
           AS estimator_features;
SELECT error_naming($$SELECT * FROM recsys.coefficients('errors_pipeline')$$, 'errors_pipeline') AS pipeline_estimator;
SELECT error_of($$SELECT c.* FROM nonlinear, recsys.coefficients(model) c$$) AS pipeline_estimator_bytes;
-- ---------------------------------------------------------------- untyped JSON literals
-- Where a row or options may be jsonb or another type of the same place (a table's row, a
-- float8[], a target), an untyped literal goes to the form that takes text and is read as JSON:
-- predict, transform (both forms of the model) and featurizer_fit. impute takes only jsonb.
SELECT recsys.predict('errors_pipeline', '{"a": 3, "b": 1}') = recsys.predict('errors_pipeline', '{"a": 3, "b": 1}'::jsonb)
           AS predict,
       recsys.transform('errors_featurizer', '{"a": 3}') = recsys.transform('errors_featurizer', '{"a": 3}'::jsonb)
           AS transform,
       recsys.transform('errors_pipeline', '{"a": 3}', true) = recsys.transform('errors_pipeline', '{"a": 3}'::jsonb, true)
           AS transform_training,
       recsys.impute('errors_featurizer', '{"a": null}') = recsys.impute('errors_featurizer', '{"a": null}'::jsonb)
           AS impute;
SELECT recsys.predict(model, '{"a": 3, "b": 1}') = recsys.predict(model, '{"a": 3, "b": 1}'::jsonb) AS predict_bytes,
       recsys.transform(model, '{"a": 3}') = recsys.transform(model, '{"a": 3}'::jsonb) AS transform_bytes
FROM nonlinear;
SELECT recsys.feature_names(recsys.featurizer_fit(r, '{"columns": {"b": {"type": "categorical"}}}')) AS literal_options
FROM (SELECT jsonb_build_object('a', g % 7, 'b', g % 3) AS r FROM generate_series(1, 30) g) s;
-- text that is not JSON: 22P02 naming the argument, with what it may be
SELECT error_of($$SELECT recsys.predict('errors_pipeline', '{"a": 3')$$) AS predict;
SELECT error_naming($$SELECT recsys.predict('errors_ranker', '{1, 2, 3}')$$, 'errors_ranker') AS array_literal;
SELECT error_of($$SELECT recsys.transform('errors_featurizer', 'a = 3')$$) AS transform;
SELECT error_of($$SELECT recsys.featurizer_fit('{"a": 1}', '{columns}')$$) AS featurizer_fit;
