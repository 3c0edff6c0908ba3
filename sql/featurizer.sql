-- The featurizer: featurizer_fit, transform, feature_names, impute; a pipeline
-- of a featurizer and an estimator served on raw rows (predict, coefficients);
-- every error; jsonb numbers read exactly as numeric_float8 reads them; a
-- forced parallel plan.
--
-- House listings: square footage missing in every 5th row, a neighbourhood
-- with three levels, a garage flag missing in every 11th row, an id column.
CREATE TABLE listings AS
SELECT g AS id,
       CASE WHEN g % 5 = 0 THEN NULL ELSE 800 + (g * 37) % 1200 END AS sqft,
       1 + g % 4 AS bedrooms,
       (ARRAY['downtown', 'suburb', 'rural'])[1 + (g / 3) % 3] AS area,
       CASE WHEN g % 11 = 0 THEN NULL ELSE g % 3 <> 0 END AS garage,
       round((50000 + 150 * (800 + (g * 37) % 1200) + 10000 * (1 + g % 4) + 20000 * ((g / 3) % 3)
              + 5000 * (g % 3 <> 0)::int + 3000 * sin(g))::numeric, 2) AS price
FROM generate_series(1, 60) g;

-- ---------------------------------------------------------------- fit
CREATE TABLE house_features AS
SELECT recsys.featurizer_fit(to_jsonb(l) - 'price') AS model FROM listings l;
SELECT recsys.model_info(model)->>'kind' AS kind,
       recsys.model_info(model)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(model)->'metadata'->'training'->'rows' AS rows,
       recsys.model_info(model)->'metadata'->'options'->'impute' AS impute
FROM house_features;
-- what each column is and what was learned and chosen for it
SELECT c->>'name' AS name, c->>'kind' AS kind, c->>'missing_rate' AS missing_rate, c->>'impute' AS impute,
       c->>'encode' AS encode, c->>'scale' AS scale, c->>'features' AS features
FROM house_features, jsonb_array_elements(recsys.model_info(model)->'metadata'->'statistics'->'columns') c
ORDER BY 1;
-- names and values one to one; a hole is imputed and flagged
SELECT n.i, n.name, round(x::numeric, 6) AS value
FROM house_features, listings l,
     unnest(recsys.feature_names(model), recsys.transform(model, to_jsonb(l) - 'price')) WITH ORDINALITY n(name, x, i)
WHERE l.id = 5 ORDER BY n.i;
SELECT count(*) AS rows,
       bool_and(cardinality(recsys.transform(model, to_jsonb(l) - 'price')) = cardinality(recsys.feature_names(model)))
           AS aligned
FROM house_features, listings l GROUP BY model;
-- a key the featurizer does not know is ignored; a missing one is a hole; NULL row gives NULL
SELECT recsys.transform(model, to_jsonb(l) - 'price') = recsys.transform(model, to_jsonb(l)) AS price_ignored,
       recsys.transform(model, to_jsonb(l) - 'price' - 'sqft') =
           recsys.transform(model, jsonb_set(to_jsonb(l) - 'price', '{sqft}', 'null')) AS absent_is_null,
       recsys.transform(model, NULL::jsonb) IS NULL AS null_row
FROM house_features, listings l WHERE l.id = 1;
SELECT recsys.feature_names(model) AS names, recsys.transform(model, '{}'::jsonb) AS all_missing FROM house_features;

-- ---------------------------------------------------------------- by name, impute
SELECT recsys.save_model('house_features', model) > 0 AS saved FROM house_features;
SELECT count(*) FILTER (WHERE recsys.transform('house_features', to_jsonb(l)) = recsys.transform(f.model, to_jsonb(l)))
           AS same_by_name,
       recsys.feature_names('house_features') = recsys.feature_names(f.model) AS same_names
FROM house_features f, listings l GROUP BY f.model;
-- holes filled (sqft by its median, garage by its mode), other values kept
SELECT id, recsys.impute('house_features', to_jsonb(l) - 'price') AS imputed
FROM listings l WHERE id IN (4, 5, 11, 55) ORDER BY id;
SELECT recsys.impute(model, NULL) IS NULL AS null_row FROM house_features;
-- per-column settings: knn imputation of sqft from bedrooms with an indicator
SELECT id, sqft, (recsys.impute(m, to_jsonb(l))->>'sqft')::numeric AS knn_sqft
FROM listings l, (SELECT recsys.featurizer_fit(to_jsonb(l) - 'price' - 'id',
                         '{"columns": {"sqft": {"impute": "knn", "neighbors": 3}}}') AS m FROM listings l) s
WHERE id IN (5, 10, 15) ORDER BY id;

-- ---------------------------------------------------------------- target encoding
CREATE TABLE target_features AS
SELECT recsys.featurizer_fit(to_jsonb(l) - 'price', price::float8, '{"columns": {"area": {"encode": "target"}}}')
           AS model
FROM listings l;
SELECT recsys.feature_names(model) FROM target_features;
-- training rows get out-of-fold statistics: their own target does not leak
SELECT count(*) FILTER (WHERE recsys.transform(model, to_jsonb(l), true) <> recsys.transform(model, to_jsonb(l)))
           > 0 AS out_of_fold,
       count(*) FILTER (WHERE recsys.transform(model, to_jsonb(l), true) = recsys.transform(model, to_jsonb(l), true))
           AS repeatable
FROM target_features, listings l GROUP BY model;
-- a NULL target is a row without one
SELECT recsys.model_info(recsys.featurizer_fit(r, t, '{}'))->'metadata'->'training'->'rows' AS rows
FROM (VALUES ('{"a": 1}'::jsonb, 1.0::float8), ('{"a": 2}', NULL), ('{"a": 3}', 2.0)) v(r, t);
-- (row, target) without options: the defaults, as for every kind's two-argument form; an
-- untyped literal in its place is the options (as JSON text), a number or a float8 column the
-- target
SELECT (recsys.model_info(m2)->'metadata') - 'training' = (recsys.model_info(m3)->'metadata') - 'training' AS same_model,
       round((recsys.model_info(m2)->'metadata'->'statistics'->>'target_mean')::numeric, 2) AS target_mean,
       recsys.model_info(lit)->'metadata'->'options'->'impute' AS literal_options
FROM (SELECT recsys.featurizer_fit(to_jsonb(l) - 'price', price::float8) AS m2,
             recsys.featurizer_fit(to_jsonb(l) - 'price', price::float8, '{}') AS m3,
             recsys.featurizer_fit(to_jsonb(l) - 'price', '{"impute": "mean"}') AS lit
      FROM listings l) s;
SELECT recsys.model_info(recsys.featurizer_fit(r, 7))->'metadata'->'statistics'->'target_mean' AS literal_target
FROM (VALUES ('{"a": 1}'::jsonb), ('{"a": 2}')) v(r);
SELECT recsys.featurizer_fit(r, '{"impute": "mean"') FROM (VALUES ('{"a": 1}'::jsonb)) v(r);
SELECT recsys.featurizer_fit(r, CASE WHEN r ? 'a' THEN '{}' ELSE '{"impute": "mean"}' END)
FROM (VALUES ('{"a": 1}'::jsonb), ('{"b": 1}')) v(r);

-- ---------------------------------------------------------------- pipeline
-- an estimator trained on the training rows' features, saved with its featurizer
CREATE TABLE price_model AS
SELECT f.model AS featurizer,
       recsys.linreg_fit(l.price::float8, recsys.transform(f.model, to_jsonb(l) - 'price', true),
                         '{"l2": 0.001}') AS estimator
FROM house_features f, listings l GROUP BY f.model;
CREATE TABLE price_pipeline AS SELECT recsys.pipeline(featurizer, estimator) AS model FROM price_model;
SELECT recsys.model_info(model)->>'kind' AS kind,
       recsys.model_info(model)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(model)->'metadata'->'featurizer'->>'kind' AS featurizer,
       recsys.model_info(model)->'metadata'->'estimator'->>'kind' AS estimator,
       recsys.model_info(model)->'metadata'->'estimator'->'metadata'->'training'->'rows' AS estimator_rows
FROM price_pipeline;
-- raw rows in, the estimator's predictions out
SELECT count(*) AS rows,
       count(*) FILTER (WHERE recsys.predict(p.model, to_jsonb(l)) =
                              recsys.predict(m.estimator, recsys.transform(m.featurizer, to_jsonb(l)))) AS same,
       round(sqrt(avg((recsys.predict(p.model, to_jsonb(l)) - l.price::float8) ^ 2))::numeric, -2) AS rmse
FROM price_pipeline p, price_model m, listings l GROUP BY p.model;
SELECT recsys.save_model('house_prices', model) > 0 AS saved FROM price_pipeline;
-- (a literal row needs its type: predict also takes a float8[])
SELECT recsys.predict('house_prices', '{"sqft": 1500, "bedrooms": 3, "area": "suburb", "garage": true}'::jsonb) =
       recsys.predict(model, '{"sqft": 1500, "bedrooms": 3, "area": "suburb", "garage": true}'::jsonb) AS same_by_name,
       recsys.predict('house_prices', '{"sqft": 1900}'::jsonb) > recsys.predict('house_prices', '{"sqft": 900}'::jsonb)
           AS larger_costs_more,
       recsys.predict('house_prices', NULL::jsonb) IS NULL AS null_row
FROM price_pipeline;
-- its terms named by the featurizer's features
SELECT feature, name, coefficient IS NOT NULL AS has_coefficient
FROM recsys.coefficients('house_prices') ORDER BY feature;
SELECT recsys.feature_names('house_prices') = recsys.feature_names('house_features') AS featurizer_names;
-- any feature model: a logistic regression on the same features
SELECT count(*) FILTER (WHERE recsys.predict(p, to_jsonb(l)) BETWEEN 0 AND 1) AS probabilities
FROM listings l,
     (SELECT recsys.pipeline(f.model, recsys.logreg_fit(l.price > 150000, recsys.transform(f.model, to_jsonb(l), true)))
             AS p
      FROM house_features f, listings l GROUP BY f.model) s;

-- ---------------------------------------------------------------- a table's row
-- transform(f, l) and predict(p, l) read the row's columns as to_jsonb(l) gives
-- them, without building the JSON; the target column is not a featurizer column
-- and is not read. (An untyped literal is JSON text: see the end of this section.)
SELECT count(*) AS rows,
       count(*) FILTER (WHERE recsys.transform(f.model, l) = recsys.transform(f.model, to_jsonb(l))) AS same,
       count(*) FILTER (WHERE recsys.transform('house_features', l, true) = recsys.transform(f.model, to_jsonb(l), true))
           AS same_by_name,
       count(*) FILTER (WHERE recsys.predict('house_prices', l) = recsys.predict('house_prices', to_jsonb(l)))
           AS same_prediction
FROM house_features f, listings l;
-- every column type a row is read from, NULLs, a domain, a column the featurizer does not know
CREATE DOMAIN pg_temp.rooms AS int CHECK (VALUE >= 0);
CREATE TEMP TABLE typed AS
SELECT g AS id, g::int2 AS small, g::int8 * 1234567890123456 AS big, (g / 3.0)::real AS ratio, (g / 7.0)::float8 AS share,
       (g / 9.0)::numeric(12, 5) AS amount, CASE WHEN g % 4 = 0 THEN NULL ELSE 'v' || (g % 3) END AS label,
       ('c' || (g % 2))::varchar(5) AS code, ('p' || (g % 2))::char(4) AS padded, ('n' || (g % 2))::name AS tag,
       g % 2 = 0 AS flag, (g % 5)::pg_temp.rooms AS rooms, now() AS not_a_feature
FROM generate_series(1, 40) g;
CREATE TEMP TABLE typed_features AS
SELECT recsys.featurizer_fit(to_jsonb(t) - 'not_a_feature') AS model FROM typed t;
SELECT count(*) AS rows, count(*) FILTER (WHERE recsys.transform(f.model, t) = recsys.transform(f.model, to_jsonb(t)))
           AS same_as_to_jsonb
FROM typed_features f, typed t;
-- a row type without the featurizer's columns: all of them missing, as an empty object
SELECT recsys.transform(model, ROW(1, 'x')) = recsys.transform(model, '{}'::jsonb) AS unknown_columns_missing,
       recsys.transform(model, NULL::listings) IS NULL AS null_row
FROM house_features;
-- errors: a column of a type rows are not read from, a non-finite number, a
-- string or an array where training had a number
SELECT recsys.transform(f.model, t) FROM house_features f, (SELECT 1 AS id, now() AS area) t;
SELECT recsys.transform(f.model, t) FROM house_features f, (SELECT 1 AS id, 'NaN'::float8 AS sqft) t;
SELECT recsys.transform(f.model, t) FROM house_features f, (SELECT 1 AS id, '-Infinity'::real AS sqft) t;
SELECT recsys.transform(f.model, t) FROM house_features f, (SELECT 1 AS id, 'NaN'::numeric AS sqft) t;
SELECT recsys.transform(f.model, t) FROM house_features f, (SELECT 1 AS id, 'large' AS sqft) t;
SELECT recsys.transform(f.model, t) FROM house_features f, (SELECT 1 AS id, ARRAY[1] AS sqft) t;
SELECT recsys.predict('house_features', l) FROM listings l;
-- an untyped literal row is JSON text, read as jsonb (PostgreSQL resolves an unknown literal to
-- the text form, where it could not choose between jsonb and record)
SELECT recsys.transform('house_features', '{}') = recsys.transform('house_features', '{}'::jsonb) AS text_is_json,
       recsys.transform(f.model, '{"sqft": 900, "rooms": 2}', true)
           = recsys.transform(f.model, '{"sqft": 900, "rooms": 2}'::jsonb, true) AS bytes_form,
       recsys.predict('house_prices', '{"sqft": 900, "rooms": 2}')
           = recsys.predict('house_prices', '{"sqft": 900, "rooms": 2}'::jsonb) AS predict_text_is_json,
       recsys.transform('house_features', NULL) IS NULL AS null_row
FROM house_features f;
-- text that is not a JSON object: 22P02 or the row's own error, with what a row may be
SELECT recsys.transform('house_features', '{"sqft": 900');
SELECT recsys.transform('house_features', '[1, 2]');
SELECT recsys.predict('house_prices', '{1, 2, 3}');

-- ---------------------------------------------------------------- errors
-- rows must be JSON objects of scalars, each column of one JSON type
SELECT recsys.featurizer_fit(r) FROM (VALUES ('{"a": 1}'::jsonb), ('[1, 2]')) v(r);
SELECT recsys.featurizer_fit('"text"'::jsonb);
SELECT recsys.featurizer_fit('{"a": {"b": 1}}'::jsonb);
SELECT recsys.featurizer_fit(r) FROM (VALUES ('{"a": 1}'::jsonb), ('{"a": "one"}')) v(r);
SELECT recsys.featurizer_fit(r, t, '{}') FROM (VALUES ('{"a": 1}'::jsonb, 'NaN'::float8)) v(r, t);
SELECT recsys.transform(model, '{"sqft": "large"}'::jsonb) FROM house_features;
SELECT recsys.transform(model, '{"area": 3}'::jsonb) FROM house_features;
SELECT recsys.transform(model, '{"garage": [true]}'::jsonb) FROM house_features;
SELECT recsys.transform(model, '[{"sqft": 1}]'::jsonb) FROM house_features;
SELECT recsys.transform(model, 'null'::jsonb) FROM house_features;
SELECT recsys.transform(model, '{"sqft": 1e400}'::jsonb) FROM house_features;
-- options: unknown key, unknown column setting, bad choices, NULL, differing between rows
SELECT recsys.featurizer_fit(to_jsonb(l), '{"imputer": "mean"}') FROM listings l;
SELECT recsys.featurizer_fit(to_jsonb(l), '{"columns": {"sqft": {"imputer": "knn"}}}') FROM listings l;
SELECT recsys.featurizer_fit(to_jsonb(l), '{"impute": "average"}') FROM listings l;
SELECT recsys.featurizer_fit(to_jsonb(l), '{"columns": {"sqft": {"scale": "log"}}}') FROM listings l;
SELECT recsys.featurizer_fit(to_jsonb(l), '{"columns": {"sqft": "knn"}}') FROM listings l;
SELECT recsys.featurizer_fit(to_jsonb(l), NULL) FROM listings l;
SELECT recsys.featurizer_fit(to_jsonb(l), CASE WHEN id < 30 THEN '{}' ELSE '{"impute": "mean"}' END::jsonb)
FROM listings l;
-- the wrong kind of model
SELECT recsys.transform(estimator, '{}'::jsonb) FROM price_model;
SELECT recsys.impute('house_prices', '{}'::jsonb) IS NOT NULL AS pipeline_imputes;
SELECT recsys.feature_names(recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 1}')) FROM watch;
SELECT recsys.predict(estimator, '{"sqft": 1000}'::jsonb) FROM price_model;
SELECT recsys.predict('house_features', '{"sqft": 1000}'::jsonb);
SELECT recsys.predict('house_prices', ARRAY[1, 2, 3]);
SELECT recsys.pipeline(estimator, estimator) FROM price_model;
SELECT recsys.pipeline('house_prices', estimator) FROM price_model;
SELECT recsys.pipeline('house_features', recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 1}'))
FROM watch;
SELECT recsys.pipeline('house_features', recsys.linreg_fit(y, ARRAY[y, y * y]))
FROM (VALUES (1.0), (2.0), (4.0), (5.0)) v(y);
SELECT recsys.pipeline('house_features', '\x00'::bytea);
SELECT * FROM recsys.coefficients('house_features');
-- NULL arguments: a NULL model or flag is an error; a NULL row gives NULL, or is skipped by the fit
SELECT recsys.transform(NULL::bytea, '{}'::jsonb);
SELECT recsys.transform('house_features', '{}'::jsonb, NULL);
SELECT recsys.pipeline('house_features', NULL);
SELECT recsys.predict(NULL::text, '{}'::jsonb);
SELECT recsys.feature_names(NULL::bytea) IS NULL AS strict;
SELECT recsys.model_info(recsys.featurizer_fit(r))->'metadata'->'training'->'rows' AS rows
FROM (VALUES ('{"a": 1}'::jsonb), (NULL), ('{"a": 2}')) v(r);
SELECT recsys.featurizer_fit(r) IS NULL AS no_rows FROM (VALUES (NULL::jsonb)) v(r);
SELECT recsys.featurizer_fit(r) IS NULL AS no_rows FROM (VALUES ('{}'::jsonb)) v(r) WHERE false;
-- the memory limit is a clean error, not an exhausted server
SET recsys.max_memory = '1MB';
SELECT recsys.featurizer_fit(jsonb_build_object('name', md5(g::text), 'x', g)) FROM generate_series(1, 50000) g;
RESET recsys.max_memory;

-- ---------------------------------------------------------------- jsonb numbers
-- Numbers are decoded from jsonb's numeric form, exactly as numeric_float8
-- reads them: integers, fixed-point, random digits at every scale, the
-- extremes of double precision.
CREATE TABLE numbers_featurizer AS
SELECT recsys.featurizer_fit(jsonb_build_object('x', g), '{"scale": "none", "missing_indicator": "never"}') AS model
FROM generate_series(1, 10) g;
SELECT setseed(0.25);
CREATE TEMP TABLE json_numbers AS
SELECT v FROM (
    SELECT g::numeric AS v FROM generate_series(-20000, 20000) g
    UNION ALL SELECT (random() * 1e6)::numeric(20, 6) FROM generate_series(1, 20000)
    UNION ALL SELECT round((random() - 0.5)::numeric * 10::numeric ^ (g % 40 - 20), g % 25)
              FROM generate_series(1, 20000) g
    UNION ALL SELECT (floor(random() * 1e17)::bigint || 'e' || floor(random() * 80) - 40)::numeric
              FROM generate_series(1, 20000)
    UNION ALL SELECT (floor(random() * 1e9)::bigint || 'e' || floor(random() * 600) - 300)::numeric
              FROM generate_series(1, 20000)
    UNION ALL SELECT random()::numeric FROM generate_series(1, 20000)
    UNION ALL SELECT unnest('{0, -0.0, 9007199254740991, 9007199254740992, 9007199254740993, 1e22, 1e23, 1e-22, 1e-23,
                             1.7976931348623157e308, 2.2250738585072014e-308, 4.9406564584124654e-324, 0.1, 0.2, 0.3,
                             123456789012345678901234567890, -1e-300, 1e300, 99999999999999999999.5}'::numeric[])
) s;
SELECT count(*) AS numbers,
       count(*) FILTER (WHERE (recsys.transform(model, jsonb_build_object('x', v)))[1] IS DISTINCT FROM v::float8)
           AS mismatches
FROM json_numbers, numbers_featurizer;
SELECT recsys.transform(model, '{"x": -1e-400}'::jsonb) FROM numbers_featurizer;

-- ---------------------------------------------------------------- parallel
-- Workers summarize their rows and hand the summaries over; the model is the
-- one a serial scan gives (up to the rounding of sums added in another order).
CREATE TABLE many_listings AS
SELECT g % 4000 AS listing_id, CASE WHEN g % 7 = 0 THEN NULL ELSE (g * 7919) % 3001 END AS sqft,
       'area' || (g % 23) AS area, g % 3 = 0 AS garage, (g % 101)::float8 AS price
FROM generate_series(1, 30000) g;
ANALYZE many_listings;
-- the largest difference between two models' features over the rows
CREATE FUNCTION pg_temp.largest_difference(a bytea, b bytea, training bool) RETURNS float8 LANGUAGE sql AS $$
  SELECT max(abs(x - y)) FROM many_listings l,
         unnest(recsys.transform(a, to_jsonb(l) - 'price', training),
                recsys.transform(b, to_jsonb(l) - 'price', training)) u(x, y)
$$;
SELECT force_parallel_plans();
EXPLAIN (COSTS OFF)
SELECT recsys.featurizer_fit(to_jsonb(l) - 'price', price, '{"sample_rows": 1000}') FROM many_listings l;
SELECT workers_launched($$SELECT recsys.featurizer_fit(to_jsonb(l) - 'price', price, '{"sample_rows": 1000}')
                          FROM many_listings l$$) AS workers_launched;
CREATE TEMP TABLE parallel_featurizer AS
SELECT recsys.featurizer_fit(to_jsonb(l) - 'price', price, '{"sample_rows": 1000}') AS model FROM many_listings l;
CREATE TEMP TABLE parallel_defaults AS
SELECT recsys.featurizer_fit(to_jsonb(l) - 'price') AS model FROM many_listings l;
RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_featurizer AS
SELECT recsys.featurizer_fit(to_jsonb(l) - 'price', price, '{"sample_rows": 1000}') AS model FROM many_listings l;
CREATE TEMP TABLE serial_defaults AS
SELECT recsys.featurizer_fit(to_jsonb(l) - 'price') AS model FROM many_listings l;
RESET max_parallel_workers_per_gather;
SELECT recsys.feature_names(p.model) = recsys.feature_names(s.model) AS same_names,
       recsys.model_info(p.model)->'metadata'->'training'->'rows' AS rows,
       pg_temp.largest_difference(p.model, s.model, false) < 1e-9 AS same_features,
       pg_temp.largest_difference(p.model, s.model, true) < 1e-9 AS same_training_features
FROM parallel_featurizer p, serial_featurizer s;
SELECT recsys.feature_names(p.model) = recsys.feature_names(s.model) AS same_names,
       pg_temp.largest_difference(p.model, s.model, false) < 1e-9 AS same_features
FROM parallel_defaults p, serial_defaults s;
-- table rows read by parallel workers give the features to_jsonb rows give
CREATE TABLE listing_featurizer AS SELECT model FROM serial_featurizer;
SELECT force_parallel_plans();
SELECT recsys.save_model('listing_featurizer', model) > 0 AS saved FROM listing_featurizer;
CREATE VIEW parallel_rows AS
SELECT count(*) FILTER (WHERE recsys.transform((SELECT model FROM listing_featurizer), l) =
                              recsys.transform((SELECT model FROM listing_featurizer), to_jsonb(l))) AS same,
       count(*) FILTER (WHERE recsys.transform('listing_featurizer', l) =
                              recsys.transform((SELECT model FROM listing_featurizer), l)) AS same_by_name,
       count(*) AS rows
FROM many_listings l;
EXPLAIN (COSTS OFF) SELECT * FROM parallel_rows;
SELECT workers_launched('SELECT * FROM parallel_rows') AS workers_launched;
SELECT * FROM parallel_rows;
RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
-- ---------------------------------------------------------------- memory claimed before it is allocated
-- Rows of 10,000 keys: every sampled row holds 160 kB, so 2,000 of them would take 320 MB. Under
-- 32 MB the summary reserves each growth first and stops at the row that would pass the limit, and
-- the backend's peak resident memory (VmHWM, read on a fresh connection) grows far less than that.
\c
SELECT (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmHWM:\s+(\d+)'))[1]::bigint
    AS before_kb \gset
SET recsys.max_memory = '32MB';
WITH r AS MATERIALIZED (SELECT jsonb_object_agg('k' || i, i) AS j FROM generate_series(1, 10000) i)
SELECT recsys.featurizer_fit(r.j) FROM r, generate_series(1, 2000);
SELECT (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmHWM:\s+(\d+)'))[1]::bigint
       - :before_kb < 200 * 1024 AS peak_grew_under_200mb;
RESET recsys.max_memory;
