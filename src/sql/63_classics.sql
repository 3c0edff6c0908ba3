-- The classic classifiers' serving functions: the class and the class
-- probabilities of any classifier (LDA, k-NN classification), and what is
-- particular to k-NN (the neighbours of a feature vector). Their aggregates
-- are lines of 30_training_aggregates.sql; recsys.predict scores them too.

-- The most probable class of a feature vector, and every class's
-- probability, for every kind that tells classes apart. NULL features give NULL.
CREATE FUNCTION recsys.predict_class(model bytea, features float8[]) RETURNS text
    AS 'MODULE_PATHNAME', 'recsys_predict_class' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.predict_class(bytea, float8[]) IS 'The most probable class of a feature vector, by a classifier (lda, knn classification)';
CREATE FUNCTION recsys.predict_class(name text, features float8[]) RETURNS text
    AS 'MODULE_PATHNAME', 'recsys_predict_class_by_name' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.predict_class(text, float8[]) IS 'predict_class by the classifier a name serves';
CREATE FUNCTION recsys.predict_proba(model bytea, features float8[]) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_predict_proba' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.predict_proba(bytea, float8[]) IS 'Each class''s probability for a feature vector, by a classifier, as {class: probability}';
CREATE FUNCTION recsys.predict_proba(name text, features float8[]) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_predict_proba_by_name' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.predict_proba(text, float8[]) IS 'predict_proba by the classifier a name serves';

-- The k nearest training rows of a feature vector, nearest first (of rows at
-- an equal distance, the smaller row first). row: the id of knn_fit's id
-- column, or without one the row's position (from 1) in the rows sorted by
-- their features, then target. k beyond the rows returns every row.
CREATE FUNCTION recsys.knn_neighbors(model bytea, features float8[], k int)
    RETURNS TABLE("row" bigint, distance float8, target float8)
    AS 'MODULE_PATHNAME', 'recsys_knn_neighbors' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION recsys.knn_neighbors(bytea, float8[], int) IS 'The k nearest training rows of a feature vector by a knn model: row (id or position), distance, target';
CREATE FUNCTION recsys.knn_neighbors(name text, features float8[], k int)
    RETURNS TABLE("row" bigint, distance float8, target float8)
    AS 'MODULE_PATHNAME', 'recsys_knn_neighbors_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 10;
COMMENT ON FUNCTION recsys.knn_neighbors(text, float8[], int) IS 'knn_neighbors by the knn model a name serves';

-- An LDA's features projected on its discriminant directions (min(classes - 1,
-- features) numbers; scikit-learn's transform, each direction up to its sign).
CREATE FUNCTION recsys.lda_transform(model bytea, features float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_lda_transform' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.lda_transform(bytea, float8[]) IS 'A feature vector projected on an lda model''s discriminant directions';
CREATE FUNCTION recsys.lda_transform(name text, features float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_lda_transform_by_name' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.lda_transform(text, float8[]) IS 'lda_transform by the lda model a name serves';
