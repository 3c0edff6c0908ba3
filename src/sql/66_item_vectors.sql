-- Item vectors: an item model's vector of one item (ALS's or BPR's item
-- factors, a co-occurrence embedding), as real[] for the ranker's features.
-- NULL for an unknown item or a NULL item_id; 22023 for a model that keeps
-- no vectors (item neighbours). By name it is PARALLEL SAFE as predict is
-- (60_serving.sql): it is read row by row over the ranker's rows, and a
-- worker decodes the version the leader serves once for its share.
CREATE FUNCTION recsys.item_vector(model bytea, item_id bigint) RETURNS real[]
    AS 'MODULE_PATHNAME', 'recsys_item_vector' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.item_vector(bytea, bigint) IS 'An item''s vector in an item model (item factors or embedding); NULL for an unknown item';
CREATE FUNCTION recsys.item_vector(name text, item_id bigint) RETURNS real[]
    AS 'MODULE_PATHNAME', 'recsys_item_vector_by_name' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.item_vector(text, bigint) IS 'item_vector of the item model a name serves';
