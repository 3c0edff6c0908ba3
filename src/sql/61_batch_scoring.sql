-- Batch scoring: recsys.predict for a whole set of rows at once, as a window
-- function. At a partition's first row it reads every row's features, scores
-- them in one call of the model (k-NN: blocks of queries against blocks of
-- its training rows, on recsys.threads workers, far faster than a full pass
-- over the training rows per row), keeps the answers (claimed under
-- recsys.max_memory) and returns each row's:
--   SELECT id, recsys.batch_predict('knn_adult', features) OVER () FROM test;
-- Each answer is exactly recsys.predict's for that row, with the same errors;
-- NULL features give NULL. Every row of a partition must give the same model
-- (an error otherwise, 22023): PARTITION BY the model to score several.
CREATE FUNCTION recsys.batch_predict(model bytea, features float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_batch_predict' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.batch_predict(bytea, float8[]) IS
    'Window function: recsys.predict of every row of the partition, scored at once (fast for knn)';
CREATE FUNCTION recsys.batch_predict(name text, features float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_batch_predict_by_name' LANGUAGE C WINDOW STABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.batch_predict(text, float8[]) IS 'batch_predict by the model a name serves';
