-- The featurizer: its aggregate featurizer_fit, and what applies a trained
-- featurizer to rows (transform, feature_names, impute) or joins it to an
-- estimator (pipeline).

-- The featurizer: raw rows (JSON objects, typically to_jsonb(t) - 'price') in,
-- dense float8[] features out, every statistic learned in one pass over the
-- training rows. featurizer_fit(row [, target], [options]) keeps a bounded
-- summary, not the rows; parallel workers hand theirs over and merge. A NULL
-- row is skipped; a NULL target is a row without one. It runs on the shared
-- training aggregate (30_training_aggregates.sql), as every kind does.
-- featurizer_fit(row, target) and featurizer_fit(row, options) have the same
-- arity, so an untyped literal (featurizer_fit(row, '{"impute": "median"}'))
-- could be either: the form with options as text is the one PostgreSQL picks
-- for it, and parses the text as JSON.
SELECT recsys.install_aggregate(a.aggregate, a.arguments, 'featurizer_collect', 'recsys_featurizer_collect',
                                16777216, 'training', 'training_final')
FROM (VALUES ('featurizer_fit', '"row" jsonb [, options jsonb]'),
             ('featurizer_fit', '"row" jsonb, target float8 [, options jsonb]'),
             ('featurizer_fit', '"row" jsonb, options text')) AS a(aggregate, arguments);

-- A featurizer (or a pipeline's) applied to a row: its features, named one to
-- one by feature_names. training => true for the training rows themselves:
-- target encodings then use out-of-fold statistics, so the target does not
-- leak. A NULL row gives NULL; a key the featurizer does not know is ignored.
CREATE FUNCTION recsys.transform(featurizer bytea, "row" jsonb, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.transform(name text, "row" jsonb, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform_by_name' LANGUAGE C STABLE PARALLEL SAFE;
-- The same for a table's row (recsys.transform('f', h) FROM houses h): its
-- columns are read as to_jsonb(h) would give them (numbers, booleans, text),
-- without building the JSON; columns the featurizer does not know (the
-- target) are not read. A column of another type that it reads is an error.
CREATE FUNCTION recsys.transform(featurizer bytea, "row" record, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.transform(name text, "row" record, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform_by_name' LANGUAGE C STABLE PARALLEL SAFE;
-- The row as JSON text: the form an untyped literal takes
-- (recsys.transform('f', '{"age": 3}')), which PostgreSQL could not choose
-- between jsonb and record (see recsys.predict's text form).
CREATE FUNCTION recsys.transform(featurizer bytea, "row" text, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.transform(name text, "row" text, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform_by_name' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION recsys.feature_names(featurizer bytea) RETURNS text[]
    AS 'MODULE_PATHNAME', 'recsys_feature_names' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.feature_names(name text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'recsys_feature_names_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
-- The row with its holes filled by the featurizer's imputers (row || filled columns).
CREATE FUNCTION recsys.impute(featurizer bytea, "row" jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_impute' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.impute(name text, "row" jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_impute_by_name' LANGUAGE C STABLE PARALLEL SAFE;

-- A featurizer and an estimator trained on its transform output (logreg,
-- linreg, mlp) as one model, kind "pipeline": predict(model, row jsonb) serves
-- it on raw rows, coefficients names its terms by the featurizer's features.
CREATE FUNCTION recsys.pipeline(featurizer bytea, estimator bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'recsys_pipeline' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.pipeline(name text, estimator bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'recsys_pipeline_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED;
