-- The featurizer: its aggregate featurizer_fit, and what applies a trained
-- featurizer to rows (transform, feature_names, impute) or joins it to an
-- estimator (pipeline), and what it learned of each column (featurizer_columns).

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
SELECT recsys_internal.install_aggregate(a.aggregate, a.arguments, 'featurizer_collect', 'recsys_featurizer_collect',
                                         16777216, 'training', 'training_final',
                                         'Learns a featurizer (imputers, encoders, scalers) from JSON object rows; returns the model')
FROM (VALUES ('featurizer_fit', '"row" jsonb [, options jsonb]'),
             ('featurizer_fit', '"row" jsonb, target float8 [, options jsonb]'),
             ('featurizer_fit', '"row" jsonb, options text')) AS a(aggregate, arguments);

-- A featurizer (or a pipeline's) applied to a row: its features, named one to
-- one by feature_names. training => true for the training rows themselves:
-- target encodings then use out-of-fold statistics, so the target does not
-- leak. A NULL row gives NULL; a key the featurizer does not know is ignored.
CREATE FUNCTION recsys.transform(featurizer bytea, "row" jsonb, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.transform(bytea, jsonb, bool) IS 'A featurizer''s (or pipeline''s) features of a JSON object row, as float8[]';
CREATE FUNCTION recsys.transform(name text, "row" jsonb, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform_by_name' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.transform(text, jsonb, bool) IS 'transform by the featurizer a name serves';
-- The same for a table's row (recsys.transform('f', h) FROM houses h): its
-- columns are read as to_jsonb(h) would give them (numbers, booleans, text),
-- without building the JSON; columns the featurizer does not know (the
-- target) are not read. A column of another type that it reads is an error.
CREATE FUNCTION recsys.transform(featurizer bytea, "row" record, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.transform(bytea, record, bool) IS 'A featurizer''s (or pipeline''s) features of a table''s row, as float8[]';
CREATE FUNCTION recsys.transform(name text, "row" record, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform_by_name' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.transform(text, record, bool) IS 'transform of a table''s row by the featurizer a name serves';
-- The row as JSON text: the form an untyped literal takes
-- (recsys.transform('f', '{"age": 3}')), which PostgreSQL could not choose
-- between jsonb and record (see recsys.predict's text form).
CREATE FUNCTION recsys.transform(featurizer bytea, "row" text, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.transform(name text, "row" text, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform_by_name' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.transform(bytea, text, bool) IS 'transform of a row given as JSON text (the form an untyped literal takes)';
COMMENT ON FUNCTION recsys.transform(text, text, bool) IS 'transform of a row given as JSON text by the featurizer a name serves';
CREATE FUNCTION recsys.feature_names(featurizer bytea) RETURNS text[]
    AS 'MODULE_PATHNAME', 'recsys_feature_names' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION recsys.feature_names(bytea) IS 'The names of a featurizer''s features, one to one with transform''s elements';
CREATE FUNCTION recsys.feature_names(name text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'recsys_feature_names_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION recsys.feature_names(text) IS 'feature_names of the featurizer a name serves';
-- The row with its holes filled by the featurizer's imputers (row || filled columns).
CREATE FUNCTION recsys.impute(featurizer bytea, "row" jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_impute' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.impute(bytea, jsonb) IS 'A JSON object row with its missing values filled by the featurizer''s imputers';
CREATE FUNCTION recsys.impute(name text, "row" jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_impute_by_name' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.impute(text, jsonb) IS 'impute by the featurizer a name serves';

-- A featurizer and an estimator trained on its transform output (logreg,
-- linreg, mlp) as one model, kind "pipeline": predict(model, row jsonb) serves
-- it on raw rows, coefficients names its terms by the featurizer's features.
CREATE FUNCTION recsys.pipeline(featurizer bytea, estimator bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'recsys_pipeline' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.pipeline(bytea, bytea) IS 'A featurizer and an estimator trained on its features as one model (kind pipeline)';
CREATE FUNCTION recsys.pipeline(name text, estimator bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'recsys_pipeline_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION recsys.pipeline(text, bytea) IS 'pipeline of the featurizer a name serves and an estimator';

-- What a featurizer (or a pipeline's) learned of each input column, as rows:
-- its kind (numeric, boolean, categorical), share missing, the numeric
-- statistics and scaler, the imputer and its fill value (a number, or a level
-- of a categorical column), the categorical levels and encoder, and how many
-- features it makes. What a column's kind does not have is NULL. The rows of
-- the "columns" array of model_info's statistics, typed. A model of another
-- kind is an error (22023).
CREATE FUNCTION recsys.featurizer_columns(featurizer bytea)
    RETURNS TABLE("position" int, name text, kind text, missing_rate float8, mean float8, std float8, min float8,
                  max float8, median float8, scale text, true_rate float8, impute text, fill float8,
                  fill_level text, neighbors int, l2 float8, missing_indicator bool, levels int, other bool,
                  encode text, buckets int, features int)
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    info jsonb := recsys.model_info(featurizer);
    columns jsonb := coalesce(info #> '{metadata,statistics,columns}',
                              info #> '{metadata,featurizer,metadata,statistics,columns}');
BEGIN
    IF info IS NULL THEN
        RETURN;
    ELSIF columns IS NULL OR info ->> 'kind' NOT IN ('featurizer', 'pipeline') THEN
        RAISE EXCEPTION 'recsys.featurizer_columns: model is of kind "%", expected "featurizer" or "pipeline"',
                        info ->> 'kind' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    SELECT e.i::int, c ->> 'name', c ->> 'kind', (c ->> 'missing_rate')::float8, (c ->> 'mean')::float8,
           (c ->> 'std')::float8, (c ->> 'min')::float8, (c ->> 'max')::float8, (c ->> 'median')::float8,
           c ->> 'scale', (c ->> 'true_rate')::float8, c ->> 'impute',
           CASE WHEN jsonb_typeof(c -> 'fill') = 'number' THEN (c ->> 'fill')::float8 END,
           CASE WHEN jsonb_typeof(c -> 'fill') = 'string' THEN c ->> 'fill' END,
           (c ->> 'neighbors')::int,
           coalesce(c ->> 'l2', c ->> 'alpha')::float8,                             -- (the names of
           coalesce(c ->> 'missing_indicator', c ->> 'indicator')::bool,            -- models before 0.1)
           (c ->> 'levels')::int,
           (c ->> 'other')::bool, c ->> 'encode', (c ->> 'buckets')::int, (c ->> 'features')::int
    FROM jsonb_array_elements(columns) WITH ORDINALITY AS e(c, i)
    ORDER BY e.i;
END
$$;
COMMENT ON FUNCTION recsys.featurizer_columns(bytea) IS
    'Per input column of a featurizer: kind, missing rate, statistics, scaler, imputer and fill, levels, encoder, features';
SELECT recsys_internal.install_by_name('featurizer_columns');  -- and by name (15_model_info_rows.sql)
