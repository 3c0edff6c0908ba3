-- Scoring and serving: predictions of the ranking models, their coefficients,
-- and the recommendations and factors of ALS models, each by model bytes or
-- by registry name.

-- The model's prediction for one feature vector: a probability for
-- classifiers (logreg, mlp), a value for regressions. NULL features give NULL.
-- Row-wise scoring by name (predict, transform, impute) is PARALLEL SAFE: a
-- worker reads the registry under the leader's snapshot, so it serves the same
-- version, and decodes it once for its share of the rows. (Serving functions
-- stay PARALLEL RESTRICTED: a worker would decode a whole candidate model for
-- a handful of rows, and keep none of it for the next query.)
CREATE FUNCTION recsys.predict(model bytea, features float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.predict(bytea, float8[]) IS 'The prediction of a feature model (logreg, linreg, mlp) for a feature vector';
CREATE FUNCTION recsys.predict(name text, features float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_by_name' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.predict(text, float8[]) IS 'predict by the model a name serves';
-- A pipeline's prediction for a raw row (a JSON object, or a table's row as
-- transform reads it). NULL row gives NULL.
CREATE FUNCTION recsys.predict(model bytea, "row" jsonb) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_row' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.predict(bytea, jsonb) IS 'A pipeline''s prediction for a raw row (a JSON object)';
CREATE FUNCTION recsys.predict(name text, "row" jsonb) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_row_by_name' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.predict(text, jsonb) IS 'predict of a raw row (a JSON object) by the pipeline a name serves';
CREATE FUNCTION recsys.predict(model bytea, "row" record) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_row' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.predict(bytea, record) IS 'A pipeline''s prediction for a table''s row';
CREATE FUNCTION recsys.predict(name text, "row" record) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_row_by_name' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.predict(text, record) IS 'predict of a table''s row by the pipeline a name serves';
-- The row as JSON text: the form an untyped literal takes,
-- recsys.predict('house_price', '{"rooms": 3}'). PostgreSQL resolves an
-- unknown literal to a text parameter where there is one; among jsonb,
-- record and float8[] alone it cannot choose ("function is not unique"). Text
-- that is not JSON is an error (22P02) saying which forms a row takes.
CREATE FUNCTION recsys.predict(model bytea, "row" text) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_row' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.predict(name text, "row" text) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_row_by_name' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.predict(bytea, text) IS 'predict of a row given as JSON text (the form an untyped literal takes)';
COMMENT ON FUNCTION recsys.predict(text, text) IS 'predict of a row given as JSON text by the pipeline a name serves';

-- The terms of a linear model (linreg, logreg, or a pipeline of one, named by
-- its featurizer's features): feature 0 is the intercept;
-- standard error, t statistic and p-value where the fit has them (OLS).
CREATE FUNCTION recsys.coefficients(model bytea)
    RETURNS TABLE(feature int, name text, coefficient float8, std_error float8, t_stat float8, p_value float8)
    AS 'MODULE_PATHNAME', 'recsys_coefficients' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION recsys.coefficients(bytea) IS 'The terms of a linear model: coefficient, standard error, t statistic, p-value (intercept: feature 0)';
CREATE FUNCTION recsys.coefficients(name text)
    RETURNS TABLE(feature int, name text, coefficient float8, std_error float8, t_stat float8, p_value float8)
    AS 'MODULE_PATHNAME', 'recsys_coefficients_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 20;
COMMENT ON FUNCTION recsys.coefficients(text) IS 'coefficients of the linear model a name serves';

-- Serving: recommendations and factors of an ALS model.
CREATE FUNCTION recsys.recommend(model bytea, user_id bigint, k int DEFAULT 10, exclude_seen bool DEFAULT true,
                                 candidates bigint[] DEFAULT NULL, exclude bigint[] DEFAULT NULL)
    RETURNS TABLE(item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_recommend' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION recsys.recommend(bytea, bigint, int, bool, bigint[], bigint[]) IS 'The top k items of an ALS model for a user (among candidates, without excluded ones)';
CREATE FUNCTION recsys.recommend(name text, user_id bigint, k int DEFAULT 10, exclude_seen bool DEFAULT true,
                                 candidates bigint[] DEFAULT NULL, exclude bigint[] DEFAULT NULL)
    RETURNS TABLE(item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_recommend_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 10;
COMMENT ON FUNCTION recsys.recommend(text, bigint, int, bool, bigint[], bigint[]) IS 'recommend by the ALS model a name serves';

CREATE FUNCTION recsys.recommend_for_items(model bytea, item_ids bigint[], weights float8[] DEFAULT NULL,
                                           k int DEFAULT 10, exclude_seen bool DEFAULT true)
    RETURNS TABLE(item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_recommend_for_items' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION recsys.recommend_for_items(bytea, bigint[], float8[], int, bool) IS 'The top k items of an ALS model for a user known only by (weighted) items';
CREATE FUNCTION recsys.recommend_for_items(name text, item_ids bigint[], weights float8[] DEFAULT NULL,
                                           k int DEFAULT 10, exclude_seen bool DEFAULT true)
    RETURNS TABLE(item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_recommend_for_items_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 10;
COMMENT ON FUNCTION recsys.recommend_for_items(text, bigint[], float8[], int, bool) IS 'recommend_for_items by the ALS model a name serves';

CREATE FUNCTION recsys.similar_items(model bytea, item_id bigint, k int DEFAULT 10)
    RETURNS TABLE(item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_similar_items' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION recsys.similar_items(bytea, bigint, int) IS 'The k items most similar to an item (cosine of ALS item factors)';
CREATE FUNCTION recsys.similar_items(name text, item_id bigint, k int DEFAULT 10)
    RETURNS TABLE(item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_similar_items_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 10;
COMMENT ON FUNCTION recsys.similar_items(text, bigint, int) IS 'similar_items by the ALS model a name serves';

CREATE FUNCTION recsys.recommend_all(model bytea, k int DEFAULT 10, exclude_seen bool DEFAULT true)
    RETURNS TABLE(user_id bigint, item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_recommend_all' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10000;
COMMENT ON FUNCTION recsys.recommend_all(bytea, int, bool) IS 'The top k items of an ALS model for every user it knows';
CREATE FUNCTION recsys.recommend_all(name text, k int DEFAULT 10, exclude_seen bool DEFAULT true)
    RETURNS TABLE(user_id bigint, item_id bigint, score real, rank int)
    AS 'MODULE_PATHNAME', 'recsys_recommend_all_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 10000;
COMMENT ON FUNCTION recsys.recommend_all(text, int, bool) IS 'recommend_all by the ALS model a name serves';

CREATE FUNCTION recsys.item_factors(model bytea) RETURNS TABLE(item_id bigint, factors real[])
    AS 'MODULE_PATHNAME', 'recsys_item_factors' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION recsys.item_factors(bytea) IS 'The factors of every item of an ALS model';
CREATE FUNCTION recsys.item_factors(name text) RETURNS TABLE(item_id bigint, factors real[])
    AS 'MODULE_PATHNAME', 'recsys_item_factors_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 1000;
COMMENT ON FUNCTION recsys.item_factors(text) IS 'item_factors of the ALS model a name serves';
CREATE FUNCTION recsys.user_factors(model bytea) RETURNS TABLE(user_id bigint, factors real[])
    AS 'MODULE_PATHNAME', 'recsys_user_factors' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION recsys.user_factors(bytea) IS 'The factors of every user of an ALS model';
CREATE FUNCTION recsys.user_factors(name text) RETURNS TABLE(user_id bigint, factors real[])
    AS 'MODULE_PATHNAME', 'recsys_user_factors_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 1000;
COMMENT ON FUNCTION recsys.user_factors(text) IS 'user_factors of the ALS model a name serves';
-- The (user_id, item_id) pairs the model was trained on: for each user the
-- items exclude_seen leaves out (recsys.retrain_als compares models on the
-- held-out pairs neither was trained on).
CREATE FUNCTION recsys.seen_items(model bytea) RETURNS TABLE(user_id bigint, item_id bigint)
    AS 'MODULE_PATHNAME', 'recsys_seen_items' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10000;
CREATE FUNCTION recsys.seen_items(name text) RETURNS TABLE(user_id bigint, item_id bigint)
    AS 'MODULE_PATHNAME', 'recsys_seen_items_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 10000;
COMMENT ON FUNCTION recsys.seen_items(bytea) IS 'The (user_id, item_id) pairs an ALS model was trained on: what exclude_seen leaves out';
COMMENT ON FUNCTION recsys.seen_items(text) IS 'seen_items of the ALS model a name serves';
