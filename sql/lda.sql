-- lda_fit, predict_class, predict_proba and lda_transform: three planted
-- classes, the solvers and shrinkage, text classes, every error, and a
-- parallel plan (the per-class moments merged).
SELECT setseed(0.19);
CREATE TABLE flowers AS
SELECT g AS id, (ARRAY['setosa', 'versicolor', 'virginica'])[g % 3 + 1] AS species,
       ARRAY[(g % 3) * 1.5 + x1, (g % 3) * -1.0 + 0.5 * x1 + x2, x3 + 100] AS features
FROM (SELECT g, random() - 0.5 AS x1, random() - 0.5 AS x2, random() - 0.5 AS x3
      FROM generate_series(1, 3000) g) s;
CREATE TABLE discriminant AS SELECT recsys.lda_fit(species, features) AS model FROM flowers;
-- what the model is: options, dimensions, the classes, their priors, the variance each direction explains
SELECT recsys.model_info(model)->>'kind' AS kind, recsys.model_info(model)->'metadata'->'options' AS options,
       recsys.model_info(model)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(model)->'metadata'->'statistics'->'classes' AS classes,
       recsys.model_info(model)->'metadata'->'training'->'rows' AS rows
FROM discriminant;
SELECT round((recsys.model_info(model)->'metadata'->'statistics'->'priors'->>0)::numeric, 4) AS first_prior,
       jsonb_array_length(recsys.model_info(model)->'metadata'->'statistics'->'explained_variance_ratio') AS directions
FROM discriminant;
-- the classes are found; the probabilities sum to 1
SELECT avg((recsys.predict_class(d.model, f.features) = f.species)::int) > 0.95 AS accurate
FROM flowers f, discriminant d;
SELECT recsys.predict_class(model, ARRAY[3.0, -2.0, 100]) AS class,
       (SELECT round(sum(value::float8)::numeric, 12) FROM jsonb_each_text(recsys.predict_proba(model, ARRAY[3.0, -2.0, 100]))) AS total,
       (SELECT array_agg(key ORDER BY key) FROM jsonb_each(recsys.predict_proba(model, ARRAY[3.0, -2.0, 100]))) AS keys
FROM discriminant;
-- the discriminant directions: two for three classes; the classes' means are apart on them
SELECT array_length(recsys.lda_transform(model, ARRAY[0.0, 0.0, 100]), 1) AS directions FROM discriminant;
SELECT f.species, round(avg((recsys.lda_transform(d.model, f.features))[1])::numeric, 0) <> 0 AS away_from_centre
FROM flowers f, discriminant d GROUP BY f.species ORDER BY f.species;
-- the solvers agree on the classes; shrinkage, a number or Ledoit-Wolf
SELECT avg((recsys.predict_class(e.m, f.features) = recsys.predict_class(d.model, f.features))::int) = 1 AS eigen_agrees,
       avg((recsys.predict_class(s.m, f.features) = f.species)::int) > 0.9 AS shrunk_accurate,
       avg((recsys.predict_class(a.m, f.features) = f.species)::int) > 0.9 AS auto_accurate
FROM flowers f, discriminant d,
     (SELECT recsys.lda_fit(species, features, '{"solver": "eigen"}') AS m FROM flowers) e,
     (SELECT recsys.lda_fit(species, features, '{"solver": "eigen", "shrinkage": 0.2}') AS m FROM flowers) s,
     (SELECT recsys.lda_fit(species, features, '{"solver": "eigen", "shrinkage": "auto"}') AS m FROM flowers) a;
SELECT recsys.model_info(recsys.lda_fit(species, features, '{"solver": "eigen", "shrinkage": 0.2}'))->'metadata'->'options' AS options
FROM flowers;
-- NULL class or features skip the row; NULL features give NULL
SELECT (recsys.model_info(recsys.lda_fit(c, f))->'metadata'->'training') - 'seconds' AS training
FROM (VALUES ('a', ARRAY[1.0, 2.0]), (NULL, ARRAY[1.0, 2.0]), ('b', NULL), ('b', ARRAY[0.0, 0.5]),
             ('a', ARRAY[2.0, 2.5]), ('b', ARRAY[1.0, 0.0])) v(c, f);
SELECT recsys.lda_transform(model, NULL) IS NULL AS null_transform, recsys.predict_class(model, NULL) IS NULL AS null_class
FROM discriminant;
-- by name
SELECT recsys.save_model('species', model) > 0 AS saved FROM discriminant;
SELECT recsys.predict_class('species', ARRAY[3.0, -2.0, 100]) = recsys.predict_class(model, ARRAY[3.0, -2.0, 100]) AS same_class,
       recsys.lda_transform('species', ARRAY[3.0, -2.0, 100]) = recsys.lda_transform(model, ARRAY[3.0, -2.0, 100]) AS same_transform
FROM discriminant;
-- errors
SELECT recsys.lda_fit(species, features, '{"shrinkage": 0.2}') FROM flowers;
SELECT recsys.lda_fit(species, features, '{"solver": "eigen", "shrinkage": 2}') FROM flowers;
SELECT recsys.lda_fit(species, features, '{"solver": "eigen", "shrinkage": "some"}') FROM flowers;
SELECT recsys.lda_fit(species, features, '{"solver": "lsqr"}') FROM flowers;
SELECT recsys.lda_fit(species, features, '{"priors": [0.5, 0.5]}') FROM flowers;
SELECT recsys.lda_fit('one', features) FROM flowers;
SELECT recsys.lda_fit(c, f) FROM (VALUES ('a', ARRAY[1.0]), ('b', ARRAY[2.0])) v(c, f);
SELECT recsys.lda_fit(c, ARRAY[1.0, 1.0]) FROM (VALUES ('a'), ('b'), ('a'), ('b')) v(c);
SELECT recsys.lda_fit(species, ARRAY[features[1], 2 * features[1]], '{"solver": "eigen"}') FROM flowers;
SELECT recsys.lda_fit(id::text, features) FROM flowers;
SELECT recsys.lda_fit(species, ARRAY[1.0, 'NaN']) FROM flowers;
SELECT recsys.predict(model, ARRAY[3.0, -2.0, 100]) FROM discriminant;
SELECT recsys.predict_class(model, ARRAY[3.0, -2.0]) FROM discriminant;
SELECT recsys.predict_class(model, ARRAY[1e308, -1e308, 1e308]) FROM discriminant;
SELECT recsys.lda_transform(recsys.knn_fit(1.0::float8, ARRAY[1.0]::float8[], '{"neighbors": 1}'), ARRAY[1.0]);
SELECT recsys.lda_transform('nope', ARRAY[1.0]);
-- a forced parallel plan gives the serial model (the moments merged across workers)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT recsys.lda_fit(species, features) FROM flowers;
CREATE TEMP TABLE parallel_discriminant AS
SELECT recsys.lda_fit(species, features, '{"solver": "eigen", "shrinkage": "auto"}') AS model FROM flowers;
RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
SELECT max(abs((recsys.predict_proba(p.model, f.features)->>f.species)::float8 -
               (recsys.predict_proba(s.m, f.features)->>f.species)::float8)) < 1e-9 AS same_probabilities
FROM flowers f, parallel_discriminant p,
     (SELECT recsys.lda_fit(species, features, '{"solver": "eigen", "shrinkage": "auto"}') AS m FROM flowers) s;
DROP TABLE flowers, discriminant;
