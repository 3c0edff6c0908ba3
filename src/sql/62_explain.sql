-- Why a candidate generator recommends an item to a user: the item's score
-- decomposed over the user's training items (candidate_explain.cpp). The
-- contributions sum to the score recommend gives; a kind whose score does
-- not decompose that way refuses (22023). For ALS the decomposition is that
-- of the user's own least-squares solve, and a last row with a NULL item_id
-- holds what that exact solve leaves to the stored factors (a few CG steps
-- away from it): see the README, "Why this recommendation". An unknown user
-- or item gives no rows and a NOTICE, as recommend does.
CREATE FUNCTION recsys.explain(model bytea, user_id bigint, recommended_item_id bigint)
    RETURNS TABLE(item_id bigint, contribution real)
    AS 'MODULE_PATHNAME', 'recsys_explain' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION recsys.explain(bytea, bigint, bigint) IS 'The score of an item for a user, decomposed over the user''s training items (item_id NULL: what the stored factors add)';
CREATE FUNCTION recsys.explain(name text, user_id bigint, recommended_item_id bigint)
    RETURNS TABLE(item_id bigint, contribution real)
    AS 'MODULE_PATHNAME', 'recsys_explain_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 20;
COMMENT ON FUNCTION recsys.explain(text, bigint, bigint) IS 'explain by the candidate generator a name serves';
