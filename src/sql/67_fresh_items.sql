-- Fresh items: videos no one has watched yet, placed in a trained ALS model
-- without retraining it. recsys.item_factors_fit (30_training_aggregates.sql)
-- learns item features -> item factors on the items that have factors;
-- recsys.add_items gives new items the factors it predicts and returns the
-- ALS model with them added (popularity 0, every user's seen items kept),
-- to save as the model's next version (serving uses the newest).

-- The transition functions (one per form: models as bytes, or as registry
-- names) and the final call. Internal: the aggregate's owner runs them.
CREATE FUNCTION recsys_internal.add_items_collect(internal, bytea, bytea, bigint, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_add_items_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL RESTRICTED;
CREATE FUNCTION recsys_internal.add_items_collect(internal, text, text, bigint, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_add_items_collect_by_name' LANGUAGE C CALLED ON NULL INPUT PARALLEL RESTRICTED;
CREATE FUNCTION recsys_internal.add_items_final(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'recsys_add_items_final' LANGUAGE C CALLED ON NULL INPUT PARALLEL RESTRICTED;

-- Over the new items (one row each): the ALS model with them added, NULL
-- without rows. The two models are the same in every row (one value, a
-- different one is an error); an id given twice or already in the model,
-- features of the wrong width, or an item_factors model predicting another
-- number of factors than the ALS model has are errors (22023) naming it.
CREATE AGGREGATE recsys.add_items(model bytea, item_factors_model bytea, item_id bigint, features float8[]) (
    SFUNC = recsys_internal.add_items_collect, STYPE = internal, FINALFUNC = recsys_internal.add_items_final,
    PARALLEL = RESTRICTED);
COMMENT ON AGGREGATE recsys.add_items(bytea, bytea, bigint, float8[]) IS
    'The ALS model with new items added, their factors predicted from their features by an item_factors model';
CREATE AGGREGATE recsys.add_items(model text, item_factors_model text, item_id bigint, features float8[]) (
    SFUNC = recsys_internal.add_items_collect, STYPE = internal, FINALFUNC = recsys_internal.add_items_final,
    PARALLEL = RESTRICTED);
COMMENT ON AGGREGATE recsys.add_items(text, text, bigint, float8[]) IS
    'add_items with the models a registry name serves (each name''s served version)';
