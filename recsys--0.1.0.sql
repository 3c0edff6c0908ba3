-- recsys 0.1.0: install script. Every object is schema-qualified so that a
-- hostile search_path cannot redirect any call.
\echo Use "CREATE EXTENSION recsys" to load this file. \quit

-- ---------------------------------------------------------------- registry
CREATE TABLE recsys.models (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    kind       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    params     jsonb,
    metrics    jsonb,
    model      bytea NOT NULL
);
CREATE INDEX models_name_newest ON recsys.models (name, created_at DESC, id DESC);
SELECT pg_catalog.pg_extension_config_dump('recsys.models', '');
SELECT pg_catalog.pg_extension_config_dump('recsys.models_id_seq', '');

CREATE FUNCTION recsys.model_info(model bytea) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_model_info' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.model_info(name text) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_model_info_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

-- This backend's cache of registry models: its size, entries and counters.
CREATE FUNCTION recsys.model_cache_stats() RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_model_cache_stats' LANGUAGE C VOLATILE PARALLEL RESTRICTED;

CREATE FUNCTION recsys.save_model(name text, model bytea, metrics jsonb DEFAULT NULL) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    info jsonb;
    new_id bigint;
BEGIN
    IF name IS NULL OR name = '' THEN
        RAISE EXCEPTION 'recsys.save_model: name must not be NULL or empty' USING ERRCODE = '22004';
    END IF;
    IF model IS NULL THEN
        RAISE EXCEPTION 'recsys.save_model: model must not be NULL'
            USING ERRCODE = '22004', HINT = 'a *_fit aggregate returns NULL when it saw no rows';
    END IF;
    info := recsys.model_info(model);
    INSERT INTO recsys.models (name, kind, params, metrics, model)
    VALUES (name, info->>'kind', info->'metadata'->'options', metrics, model)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

-- ---------------------------------------------------------------- training aggregates
-- Every <kind>_fit aggregate collects its columns with its own transition
-- function (recsys.<kind>_collect) and shares the rest: combine, serialize and
-- deserialize for parallel plans, and the final function that trains.
-- SSPACE: a state holds its group's rows, far more than the planner's default
-- guess of a few kB; 64 MB keeps it from a hash aggregate that would hold
-- every group's rows at once.
CREATE FUNCTION recsys.training_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_training_combine' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.training_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'recsys_training_serialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.training_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_training_deserialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.training_final(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'recsys_training_final' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

-- ALS: als_fit(user_id, item_id, weight [, options])
CREATE FUNCTION recsys.als_collect(internal, bigint, bigint, float8, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_als_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.als_collect(internal, bigint, bigint, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_als_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE recsys.als_fit(user_id bigint, item_id bigint, weight float8, options jsonb) (
    SFUNC = recsys.als_collect, STYPE = internal, SSPACE = 67108864,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.training_final, PARALLEL = SAFE
);
CREATE AGGREGATE recsys.als_fit(user_id bigint, item_id bigint, weight float8) (
    SFUNC = recsys.als_collect, STYPE = internal, SSPACE = 67108864,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.training_final, PARALLEL = SAFE
);

-- Logistic regression: logreg_fit(label, features [, options])
CREATE FUNCTION recsys.logreg_collect(internal, bool, float8[], jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_logreg_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.logreg_collect(internal, bool, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_logreg_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE recsys.logreg_fit(label bool, features float8[], options jsonb) (
    SFUNC = recsys.logreg_collect, STYPE = internal, SSPACE = 67108864,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.training_final, PARALLEL = SAFE
);
CREATE AGGREGATE recsys.logreg_fit(label bool, features float8[]) (
    SFUNC = recsys.logreg_collect, STYPE = internal, SSPACE = 67108864,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.training_final, PARALLEL = SAFE
);

-- Linear regression: linreg_fit(y, features [, options]). It keeps a QR
-- factor of the rows, not the rows: any number of rows in (p + 2)^2 numbers.
CREATE FUNCTION recsys.linreg_collect(internal, float8, float8[], jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_linreg_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.linreg_collect(internal, float8, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_linreg_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE recsys.linreg_fit(y float8, features float8[], options jsonb) (
    SFUNC = recsys.linreg_collect, STYPE = internal, SSPACE = 1048576,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.training_final, PARALLEL = SAFE
);
CREATE AGGREGATE recsys.linreg_fit(y float8, features float8[]) (
    SFUNC = recsys.linreg_collect, STYPE = internal, SSPACE = 1048576,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.training_final, PARALLEL = SAFE
);

-- The fully connected ranker: mlp_fit(label, features [, options])
CREATE FUNCTION recsys.mlp_collect(internal, bool, float8[], jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_mlp_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.mlp_collect(internal, bool, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_mlp_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE recsys.mlp_fit(label bool, features float8[], options jsonb) (
    SFUNC = recsys.mlp_collect, STYPE = internal, SSPACE = 67108864,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.training_final, PARALLEL = SAFE
);
CREATE AGGREGATE recsys.mlp_fit(label bool, features float8[]) (
    SFUNC = recsys.mlp_collect, STYPE = internal, SSPACE = 67108864,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.training_final, PARALLEL = SAFE
);

-- ---------------------------------------------------------------- features
-- The featurizer: raw rows (JSON objects, typically to_jsonb(t) - 'price') in,
-- dense float8[] features out, every statistic learned in one pass over the
-- training rows. featurizer_fit(row [, target], [options]) keeps a bounded
-- summary, not the rows; parallel workers hand theirs over and merge. A NULL
-- row is skipped; a NULL target is a row without one. (No (row, target) form:
-- featurizer_fit(row, '{}') would be ambiguous.)
CREATE FUNCTION recsys.featurizer_collect(internal, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_featurizer_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.featurizer_collect(internal, jsonb, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_featurizer_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.featurizer_collect(internal, jsonb, float8, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_featurizer_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.featurizer_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_featurizer_combine' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.featurizer_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'recsys_featurizer_serialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.featurizer_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_featurizer_deserialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.featurizer_final(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'recsys_featurizer_final' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE recsys.featurizer_fit("row" jsonb) (
    SFUNC = recsys.featurizer_collect, STYPE = internal, SSPACE = 16777216,
    COMBINEFUNC = recsys.featurizer_combine, SERIALFUNC = recsys.featurizer_serialize,
    DESERIALFUNC = recsys.featurizer_deserialize, FINALFUNC = recsys.featurizer_final, PARALLEL = SAFE
);
CREATE AGGREGATE recsys.featurizer_fit("row" jsonb, options jsonb) (
    SFUNC = recsys.featurizer_collect, STYPE = internal, SSPACE = 16777216,
    COMBINEFUNC = recsys.featurizer_combine, SERIALFUNC = recsys.featurizer_serialize,
    DESERIALFUNC = recsys.featurizer_deserialize, FINALFUNC = recsys.featurizer_final, PARALLEL = SAFE
);
CREATE AGGREGATE recsys.featurizer_fit("row" jsonb, target float8, options jsonb) (
    SFUNC = recsys.featurizer_collect, STYPE = internal, SSPACE = 16777216,
    COMBINEFUNC = recsys.featurizer_combine, SERIALFUNC = recsys.featurizer_serialize,
    DESERIALFUNC = recsys.featurizer_deserialize, FINALFUNC = recsys.featurizer_final, PARALLEL = SAFE
);

-- A featurizer (or a pipeline's) applied to a row: its features, named one to
-- one by feature_names. training => true for the training rows themselves:
-- target encodings then use out-of-fold statistics, so the target does not
-- leak. A NULL row gives NULL; a key the featurizer does not know is ignored.
CREATE FUNCTION recsys.transform(featurizer bytea, "row" jsonb, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.transform(name text, "row" jsonb, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED;
CREATE FUNCTION recsys.feature_names(featurizer bytea) RETURNS text[]
    AS 'MODULE_PATHNAME', 'recsys_feature_names' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.feature_names(name text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'recsys_feature_names_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
-- The row with its holes filled by the featurizer's imputers (row || filled columns).
CREATE FUNCTION recsys.impute(featurizer bytea, "row" jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_impute' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.impute(name text, "row" jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_impute_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED;

-- A featurizer and an estimator trained on its transform output (logreg,
-- linreg, mlp) as one model, kind "pipeline": predict(model, row jsonb) serves
-- it on raw rows, coefficients names its terms by the featurizer's features.
CREATE FUNCTION recsys.pipeline(featurizer bytea, estimator bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'recsys_pipeline' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.pipeline(name text, estimator bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'recsys_pipeline_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED;

-- ---------------------------------------------------------------- classification metrics
-- Aggregates over (score or prediction, label) rows: they compose with any
-- query and GROUP BY (model version, day, country). A NULL in a row leaves the
-- row out, as avg() does; no rows give NULL.
CREATE FUNCTION recsys.statistic_number(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_statistic_number' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.statistic_json(internal) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_statistic_json' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.auc_collect(internal, float8, bool) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_auc_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.logloss_collect(internal, float8, bool) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_logloss_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.ranking_loss_collect(internal, float8, bool) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_ranking_loss_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.classification_report_collect(internal, bool, bool) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_classification_report_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE recsys.auc(score float8, label bool) (
    SFUNC = recsys.auc_collect, STYPE = internal, SSPACE = 67108864,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.statistic_number, PARALLEL = SAFE
);
CREATE AGGREGATE recsys.logloss(p float8, label bool) (
    SFUNC = recsys.logloss_collect, STYPE = internal, SSPACE = 67108864,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.statistic_number, PARALLEL = SAFE
);
CREATE AGGREGATE recsys.ranking_loss(score float8, label bool) (
    SFUNC = recsys.ranking_loss_collect, STYPE = internal, SSPACE = 67108864,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.statistic_number, PARALLEL = SAFE
);
CREATE AGGREGATE recsys.classification_report(predicted bool, label bool) (
    SFUNC = recsys.classification_report_collect, STYPE = internal, SSPACE = 67108864,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.statistic_json, PARALLEL = SAFE
);

-- Curves as rows (threshold, x, y), from arrays a query aggregates:
--   SELECT c.* FROM (SELECT array_agg(p) s, array_agg(watched) l FROM scored) a, recsys.roc_curve(a.s, a.l) c;
CREATE FUNCTION recsys.roc_curve(scores float8[], labels bool[])
    RETURNS TABLE(threshold float8, x float8, y float8)
    AS 'MODULE_PATHNAME', 'recsys_roc_curve' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
CREATE FUNCTION recsys.precision_recall_curve(scores float8[], labels bool[])
    RETURNS TABLE(threshold float8, x float8, y float8)
    AS 'MODULE_PATHNAME', 'recsys_precision_recall_curve' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
CREATE FUNCTION recsys.calibration_curve(p float8[], labels bool[], bins int DEFAULT 10)
    RETURNS TABLE(threshold float8, x float8, y float8)
    AS 'MODULE_PATHNAME', 'recsys_calibration_curve' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;

-- ---------------------------------------------------------------- scoring
-- The model's prediction for one feature vector: a probability for
-- classifiers (logreg, mlp), a value for regressions. NULL features give NULL.
CREATE FUNCTION recsys.predict(model bytea, features float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.predict(name text, features float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED;
-- A pipeline's prediction for a raw row (a JSON object). NULL row gives NULL.
CREATE FUNCTION recsys.predict(model bytea, "row" jsonb) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_row' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.predict(name text, "row" jsonb) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_row_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED;

-- The terms of a linear model (linreg, logreg, or a pipeline of one, named by
-- its featurizer's features): feature 0 is the intercept;
-- standard error, t statistic and p-value where the fit has them (OLS).
CREATE FUNCTION recsys.coefficients(model bytea)
    RETURNS TABLE(feature int, name text, coefficient float8, std_error float8, t_stat float8, p_value float8)
    AS 'MODULE_PATHNAME', 'recsys_coefficients' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
CREATE FUNCTION recsys.coefficients(name text)
    RETURNS TABLE(feature int, name text, coefficient float8, std_error float8, t_stat float8, p_value float8)
    AS 'MODULE_PATHNAME', 'recsys_coefficients_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 20;

-- ---------------------------------------------------------------- serving
CREATE FUNCTION recsys.recommend(model bytea, user_id bigint, k int DEFAULT 10, exclude_seen bool DEFAULT true,
                                 candidates bigint[] DEFAULT NULL, exclude bigint[] DEFAULT NULL)
    RETURNS TABLE(item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_recommend' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;
CREATE FUNCTION recsys.recommend(name text, user_id bigint, k int DEFAULT 10, exclude_seen bool DEFAULT true,
                                 candidates bigint[] DEFAULT NULL, exclude bigint[] DEFAULT NULL)
    RETURNS TABLE(item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_recommend_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 10;

CREATE FUNCTION recsys.recommend_for_items(model bytea, item_ids bigint[], weights float8[] DEFAULT NULL,
                                           k int DEFAULT 10, exclude_seen bool DEFAULT true)
    RETURNS TABLE(item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_recommend_for_items' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;
CREATE FUNCTION recsys.recommend_for_items(name text, item_ids bigint[], weights float8[] DEFAULT NULL,
                                           k int DEFAULT 10, exclude_seen bool DEFAULT true)
    RETURNS TABLE(item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_recommend_for_items_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 10;

CREATE FUNCTION recsys.similar_items(model bytea, item_id bigint, k int DEFAULT 10)
    RETURNS TABLE(item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_similar_items' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;
CREATE FUNCTION recsys.similar_items(name text, item_id bigint, k int DEFAULT 10)
    RETURNS TABLE(item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_similar_items_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 10;

CREATE FUNCTION recsys.recommend_all(model bytea, k int DEFAULT 10, exclude_seen bool DEFAULT true)
    RETURNS TABLE(user_id bigint, item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_recommend_all' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10000;
CREATE FUNCTION recsys.recommend_all(name text, k int DEFAULT 10, exclude_seen bool DEFAULT true)
    RETURNS TABLE(user_id bigint, item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_recommend_all_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 10000;

CREATE FUNCTION recsys.item_factors(model bytea) RETURNS TABLE(id bigint, factors real[])
    AS 'MODULE_PATHNAME', 'recsys_item_factors' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
CREATE FUNCTION recsys.item_factors(name text) RETURNS TABLE(id bigint, factors real[])
    AS 'MODULE_PATHNAME', 'recsys_item_factors_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 1000;
CREATE FUNCTION recsys.user_factors(model bytea) RETURNS TABLE(id bigint, factors real[])
    AS 'MODULE_PATHNAME', 'recsys_user_factors' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
CREATE FUNCTION recsys.user_factors(name text) RETURNS TABLE(id bigint, factors real[])
    AS 'MODULE_PATHNAME', 'recsys_user_factors_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 1000;

-- ---------------------------------------------------------------- metrics
CREATE FUNCTION recsys.precision_at_k(recommended bigint[], relevant bigint[], k int) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_precision_at_k' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.recall_at_k(recommended bigint[], relevant bigint[], k int) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_recall_at_k' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.ndcg_at_k(recommended bigint[], relevant bigint[], k int) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_ndcg_at_k' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.average_precision_at_k(recommended bigint[], relevant bigint[], k int) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_average_precision_at_k' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
