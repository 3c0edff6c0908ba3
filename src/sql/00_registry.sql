-- The model registry: recsys.models (every saved version), recsys_internal.model_names
-- (one row per name: the lock its changes take), model_info, the model
-- cache's statistics, and recsys.save_model.
--
-- The registry's tables are written only by its functions: the writers
-- (save_model here, deploy, undeploy, rollback and prune_models in
-- 10_deployments.sql, the retraining log's in 20_retrain.sql) are SECURITY
-- DEFINER, owned by the extension's owner, with a fixed search_path, and
-- check every argument; no other role has a write privilege on a table
-- (90_roles.sql). Every object is schema-qualified, so that a hostile
-- search_path cannot redirect any call.
\echo Use "CREATE EXTENSION recsys" to load this file. \quit

-- What the public functions call and users do not: the registry writers'
-- internals (the name's lock, set_serving, ...) and the aggregates' support
-- functions. Neither readers nor trainers may execute them (90_roles.sql): a
-- writer runs them as the extension's owner, an aggregate's support functions
-- run by the aggregate owner's right to execute them. So `\df recsys.*` lists
-- exactly what a user may call.
CREATE SCHEMA recsys_internal;
COMMENT ON SCHEMA recsys_internal IS 'recsys internals: called by the public functions of schema recsys, not by users';

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
COMMENT ON TABLE recsys.models IS 'The model registry: every saved version (recsys.save_model adds one; read-only to users)';
SELECT pg_catalog.pg_extension_config_dump('recsys.models', '');
SELECT pg_catalog.pg_extension_config_dump('recsys.models_id_seq', '');

-- One row per model name, made by its first save: the lock that serializes
-- the changes of the name (recsys_internal.lock_model_name). Only the extension's
-- owner may lock its rows (a row lock needs UPDATE on the table), so no other
-- role can hold a name's changes up; `changes` counts them.
CREATE TABLE recsys_internal.model_names (
    name    text PRIMARY KEY,
    changes bigint NOT NULL DEFAULT 0
);
SELECT pg_catalog.pg_extension_config_dump('recsys_internal.model_names', '');
COMMENT ON TABLE recsys_internal.model_names IS 'One row per model name: the lock that serializes the changes of the name';

CREATE FUNCTION recsys.model_info(model bytea) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_model_info' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.model_info(name text) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_model_info_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION recsys.model_info(bytea) IS 'What a model is, as jsonb: kind, format, size, options, dimensions, training summary';
COMMENT ON FUNCTION recsys.model_info(text) IS 'model_info of the version the name serves';

-- model_info of bytes that load in full: the envelope and checksum, and then
-- what the kind's reader checks of the payload's meaning (every length, index
-- and enum), as serving would load them. XX001 for anything else. What
-- save_model stores.
CREATE FUNCTION recsys.validate_model(model bytea) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_validate_model' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION recsys.validate_model IS 'model_info of model bytes that load in full (what save_model stores), else the error';

-- This backend's cache of registry models: its size, entries and counters.
CREATE FUNCTION recsys.model_cache_stats() RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_model_cache_stats' LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION recsys.model_cache_stats IS 'This backend''s cache of decoded registry models: size, entries, hits, misses';
-- The same as rows, for a BI tool that reads no JSON: the totals in one row,
-- and one row per model the cache holds. SQL-standard bodies, bound now.
CREATE FUNCTION recsys.model_cache_summary()
    RETURNS TABLE(capacity_bytes bigint, bytes bigint, entries int, hits bigint, misses bigint, decodes bigint,
                  evictions bigint)
    LANGUAGE sql VOLATILE PARALLEL RESTRICTED
BEGIN ATOMIC
    SELECT (s ->> 'capacity_bytes')::bigint, (s ->> 'bytes')::bigint, pg_catalog.jsonb_array_length(s -> 'entries'),
           (s ->> 'hits')::bigint, (s ->> 'misses')::bigint, (s ->> 'decodes')::bigint, (s ->> 'evictions')::bigint
    FROM recsys.model_cache_stats() AS s;
END;
COMMENT ON FUNCTION recsys.model_cache_summary IS 'model_cache_stats as one row: capacity, bytes held, entries, hits, misses, decodes, evictions';
CREATE FUNCTION recsys.model_cache_entries() RETURNS TABLE(model_id bigint, name text, bytes bigint)
    LANGUAGE sql VOLATILE PARALLEL RESTRICTED
BEGIN ATOMIC
    SELECT (e ->> 'model_id')::bigint, e ->> 'name', (e ->> 'bytes')::bigint
    FROM recsys.model_cache_stats() AS s, pg_catalog.jsonb_array_elements(s -> 'entries') AS e;
END;
COMMENT ON FUNCTION recsys.model_cache_entries IS 'The models this backend''s cache holds, one row each: model_id, name, bytes';

-- Internal: a model name the registry accepts: not NULL or empty (22004), at
-- most 200 characters, without control characters (22023). `caller` names
-- the function in the message.
CREATE FUNCTION recsys_internal.check_model_name(name text, caller text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF name IS NULL OR name = '' THEN
        RAISE EXCEPTION '%: name must not be NULL or empty', caller USING ERRCODE = '22004';
    ELSIF length(name) > 200 OR name ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION '%: name must be at most 200 characters, without control characters', caller
            USING ERRCODE = '22023', DETAIL = format('got %s characters: %s...', length(name), left(name, 40));
    END IF;
END
$$;

-- Internal, called by the registry's writers before they read or change
-- anything of `name`: takes the name's lock (its row of recsys_internal.model_names,
-- made by the first save), held until the transaction ends. So the changes of
-- one name run one at a time, each seeing those committed before it, and the
-- history records them in commit order. An UPDATE rather than SELECT ... FOR
-- UPDATE: a REPEATABLE READ or SERIALIZABLE caller that raced another change
-- fails with 40001 instead of acting on a snapshot from before it. Without
-- `saving`, a name with no version is an error (42704).
CREATE FUNCTION recsys_internal.lock_model_name(name text, saving boolean) RETURNS void
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE recsys_internal.model_names n SET changes = n.changes + 1 WHERE n.name = lock_model_name.name;
    IF NOT FOUND AND (saving OR EXISTS (SELECT FROM recsys.models m WHERE m.name = lock_model_name.name)) THEN
        INSERT INTO recsys_internal.model_names AS n (name) VALUES (lock_model_name.name)
        ON CONFLICT ON CONSTRAINT model_names_pkey DO UPDATE SET changes = n.changes + 1;
    END IF;
    IF NOT saving THEN
        PERFORM recsys.serving_version(lock_model_name.name);  -- 42704 for an unknown name
    END IF;
END
$$;

-- Adds a version of `name`; unpinned, serving uses it from the next
-- statement. The bytes must load in full (recsys.validate_model). The lock is
-- taken before the row is made, so the id and created_at (the server's clock,
-- never the caller's; no earlier than the name's newest, so that the new
-- version is the newest whatever the clock did) follow commit order.
CREATE FUNCTION recsys.save_model(name text, model bytea, metrics jsonb DEFAULT NULL) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    info jsonb;
    new_id bigint;
BEGIN
    PERFORM recsys_internal.check_model_name(save_model.name, 'recsys.save_model');
    IF save_model.model IS NULL THEN
        RAISE EXCEPTION 'recsys.save_model: model must not be NULL'
            USING ERRCODE = '22004', HINT = 'a *_fit aggregate returns NULL when it saw no rows';
    END IF;
    IF jsonb_typeof(save_model.metrics) <> 'object' THEN
        RAISE EXCEPTION 'recsys.save_model: metrics must be a JSON object, got %', jsonb_typeof(save_model.metrics)
            USING ERRCODE = '22023', HINT = 'e.g. ''{"ndcg@10": 0.187}''';
    END IF;
    info := recsys.validate_model(save_model.model);  -- before the lock: decoding a large model takes a while
    PERFORM recsys_internal.lock_model_name(save_model.name, true);
    INSERT INTO recsys.models (name, kind, created_at, params, metrics, model)
    SELECT save_model.name, info->>'kind',
           greatest(clock_timestamp(), (SELECT max(m.created_at) FROM recsys.models m WHERE m.name = save_model.name)),
           info->'metadata'->'options', save_model.metrics, save_model.model
    RETURNING id INTO new_id;
    -- unpinned, serving uses the new version from now on: recsys.deployments records it
    PERFORM recsys_internal.set_serving(save_model.name, new_id, 'save', false);
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION recsys.save_model IS 'Adds a version of a model name to the registry (with its metrics); returns its id';
