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
CREATE FUNCTION recsys.predict(name text, features float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_by_name' LANGUAGE C STABLE PARALLEL SAFE;
-- A pipeline's prediction for a raw row (a JSON object, or a table's row as
-- transform reads it). NULL row gives NULL.
CREATE FUNCTION recsys.predict(model bytea, "row" jsonb) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_row' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.predict(name text, "row" jsonb) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_row_by_name' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION recsys.predict(model bytea, "row" record) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_row' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.predict(name text, "row" record) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_predict_row_by_name' LANGUAGE C STABLE PARALLEL SAFE;

-- The terms of a linear model (linreg, logreg, or a pipeline of one, named by
-- its featurizer's features): feature 0 is the intercept;
-- standard error, t statistic and p-value where the fit has them (OLS).
CREATE FUNCTION recsys.coefficients(model bytea)
    RETURNS TABLE(feature int, name text, coefficient float8, std_error float8, t_stat float8, p_value float8)
    AS 'MODULE_PATHNAME', 'recsys_coefficients' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
CREATE FUNCTION recsys.coefficients(name text)
    RETURNS TABLE(feature int, name text, coefficient float8, std_error float8, t_stat float8, p_value float8)
    AS 'MODULE_PATHNAME', 'recsys_coefficients_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 20;

-- Serving: recommendations and factors of an ALS model.
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

CREATE FUNCTION recsys.item_factors(model bytea) RETURNS TABLE(item_id bigint, factors real[])
    AS 'MODULE_PATHNAME', 'recsys_item_factors' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
CREATE FUNCTION recsys.item_factors(name text) RETURNS TABLE(item_id bigint, factors real[])
    AS 'MODULE_PATHNAME', 'recsys_item_factors_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 1000;
CREATE FUNCTION recsys.user_factors(model bytea) RETURNS TABLE(user_id bigint, factors real[])
    AS 'MODULE_PATHNAME', 'recsys_user_factors' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
CREATE FUNCTION recsys.user_factors(name text) RETURNS TABLE(user_id bigint, factors real[])
    AS 'MODULE_PATHNAME', 'recsys_user_factors_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 1000;
