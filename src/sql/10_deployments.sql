-- Deployments: what serving by name uses (the version pinned by deploy or
-- rollback, else the newest), the history of what each name served from when,
-- and the writers that change it: deploy, undeploy, rollback, prune_models.
-- Each writer takes the name's lock (recsys_internal.lock_model_name) before it reads
-- anything, so a change that raced another one answers from the state that
-- one left: 42704 for a version it deleted, 55000 for nothing to roll back to.

-- recsys.deployment_pins holds the pins (a pinned version cannot be deleted:
-- undeploy first); recsys.deployments is the history of what each name served
-- from when, one row per change: a save while unpinned, a deploy, an undeploy,
-- a rollback. `previous` is the row whose state a rollback from this one
-- returns to: always an older row (the check), so the walk back ends. Serving
-- reads the pin with the version, in the one registry query a call site makes
-- per statement.
CREATE TABLE recsys.deployment_pins (
    name     text PRIMARY KEY,
    model_id bigint NOT NULL REFERENCES recsys.models (id)
);
CREATE TABLE recsys.deployments (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL,
    model_id    bigint NOT NULL,
    action      text NOT NULL CHECK (action IN ('save', 'deploy', 'undeploy', 'rollback')),
    pinned      boolean NOT NULL,
    previous    bigint CONSTRAINT deployments_previous_is_older CHECK (previous < id),
    deployed_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    deployed_by name NOT NULL DEFAULT CURRENT_USER
);
CREATE INDEX deployments_name ON recsys.deployments (name, id DESC);
SELECT pg_catalog.pg_extension_config_dump('recsys.deployment_pins', '');
SELECT pg_catalog.pg_extension_config_dump('recsys.deployments', '');
SELECT pg_catalog.pg_extension_config_dump('recsys.deployments_id_seq', '');
COMMENT ON TABLE recsys.deployment_pins IS 'The version each pinned name serves (recsys.deploy, recsys.rollback); read-only to users';
COMMENT ON TABLE recsys.deployments IS 'The history of what each name served from when: one row per save, deploy, undeploy, rollback';

-- The version serving by name uses now (the pinned one, else the newest); 42704 for an unknown name.
CREATE FUNCTION recsys.serving_version(name text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'recsys_serving_version' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION recsys.serving_version IS 'The version serving by name uses now: the pinned one, else the newest';

-- Internal, under the name's lock: `name` serves `model_id` from now on,
-- pinned or as its newest, and the history records it, by the role that made
-- the call (its SET ROLE, else its login role: inside these SECURITY DEFINER
-- functions current_user is the extension's owner). A save changes nothing
-- while the name is pinned.
CREATE FUNCTION recsys_internal.set_serving(name text, model_id bigint, action text, pinned boolean,
                                   rollback_to bigint DEFAULT NULL) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF set_serving.pinned THEN
        INSERT INTO recsys.deployment_pins (name, model_id) VALUES (set_serving.name, set_serving.model_id)
        ON CONFLICT ON CONSTRAINT deployment_pins_pkey DO UPDATE SET model_id = EXCLUDED.model_id;
    ELSIF set_serving.action = 'save' THEN
        IF EXISTS (SELECT FROM recsys.deployment_pins p WHERE p.name = set_serving.name) THEN
            RETURN recsys.serving_version(set_serving.name);
        END IF;
    ELSE
        DELETE FROM recsys.deployment_pins p WHERE p.name = set_serving.name;
    END IF;
    INSERT INTO recsys.deployments (name, model_id, action, pinned, previous, deployed_by)
    VALUES (set_serving.name, set_serving.model_id, set_serving.action, set_serving.pinned,
            CASE WHEN set_serving.action = 'rollback' THEN set_serving.rollback_to
                 ELSE (SELECT max(d.id) FROM recsys.deployments d WHERE d.name = set_serving.name) END,
            coalesce(nullif(current_setting('role'), 'none'), session_user));
    RETURN set_serving.model_id;
END
$$;

-- Internal: the version recsys.rollback would return to (NULL when none), and
-- the history row a further rollback would go on from. Walks the history back
-- from the state served now, past versions deleted since and the one served now;
-- with no such state, the version that was newest before the served one. Each
-- step goes to an older row of the same name, so the walk ends whatever the
-- rows say.
CREATE FUNCTION recsys_internal.rollback_target(name text, OUT model_id bigint, OUT previous bigint)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    served bigint := recsys.serving_version(rollback_target.name);
    is_pinned boolean := EXISTS (SELECT FROM recsys.deployment_pins p WHERE p.name = rollback_target.name);
    state recsys.deployments;
    next_id bigint;
BEGIN
    SELECT * INTO state FROM recsys.deployments d WHERE d.name = rollback_target.name ORDER BY d.id DESC LIMIT 1;
    -- the newest history row is the state served now, unless the registry changed behind the history's back
    next_id := CASE WHEN state.model_id = served AND state.pinned = is_pinned THEN state.previous ELSE state.id END;
    WHILE next_id IS NOT NULL LOOP
        SELECT * INTO state FROM recsys.deployments d WHERE d.id = next_id AND d.name = rollback_target.name;
        EXIT WHEN NOT FOUND;
        IF state.model_id <> served AND EXISTS (SELECT FROM recsys.models m WHERE m.id = state.model_id) THEN
            model_id := state.model_id;
            previous := state.previous;
            RETURN;
        END IF;
        EXIT WHEN NOT state.previous < state.id;  -- NULL: the first row; else only older rows
        next_id := state.previous;
    END LOOP;
    SELECT m.id INTO model_id
    FROM recsys.models m, recsys.models s
    WHERE s.id = served AND m.name = rollback_target.name AND (m.created_at, m.id) < (s.created_at, s.id)
    ORDER BY m.created_at DESC, m.id DESC LIMIT 1;
END
$$;

-- Pins version `model_id` of `name`: serving by name uses it until another deploy,
-- a rollback or recsys.undeploy. Returns the version now served.
CREATE FUNCTION recsys.deploy(name text, model_id bigint) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    owner_name text;
BEGIN
    IF deploy.name IS NULL OR deploy.model_id IS NULL THEN
        RAISE EXCEPTION 'recsys.deploy: % must not be NULL', CASE WHEN deploy.name IS NULL THEN 'name' ELSE 'model_id' END
            USING ERRCODE = '22004';
    END IF;
    PERFORM recsys_internal.lock_model_name(deploy.name, false);  -- 42704 for an unknown name
    SELECT m.name INTO owner_name FROM recsys.models m WHERE m.id = deploy.model_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'recsys.deploy: model "%" has no version %', deploy.name, deploy.model_id
            USING ERRCODE = '42704', HINT = format('SELECT id, created_at FROM recsys.models WHERE name = %L lists its versions', deploy.name);
    ELSIF owner_name <> deploy.name THEN
        RAISE EXCEPTION 'recsys.deploy: version % is a version of model "%", not of "%"', deploy.model_id, owner_name, deploy.name
            USING ERRCODE = '22023';
    END IF;
    RETURN recsys_internal.set_serving(deploy.name, deploy.model_id, 'deploy', true);
END
$$;
COMMENT ON FUNCTION recsys.deploy IS 'Pins a version of a name: serving by name uses it until another deploy, rollback or undeploy';

-- Removes the pin: serving by name uses the newest version again. Returns it.
CREATE FUNCTION recsys.undeploy(name text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    newest bigint;
BEGIN
    IF undeploy.name IS NULL THEN
        RAISE EXCEPTION 'recsys.undeploy: name must not be NULL' USING ERRCODE = '22004';
    END IF;
    PERFORM recsys_internal.lock_model_name(undeploy.name, false);  -- 42704 for an unknown name
    IF NOT EXISTS (SELECT FROM recsys.deployment_pins p WHERE p.name = undeploy.name) THEN
        RAISE NOTICE 'model "%" is not pinned: serving uses its newest version', undeploy.name;
        RETURN recsys.serving_version(undeploy.name);
    END IF;
    SELECT m.id INTO newest FROM recsys.models m WHERE m.name = undeploy.name ORDER BY m.created_at DESC, m.id DESC LIMIT 1;
    RETURN recsys_internal.set_serving(undeploy.name, newest, 'undeploy', false);
END
$$;
COMMENT ON FUNCTION recsys.undeploy IS 'Removes the pin of a name: serving by name uses its newest version again';

-- Pins the version served before the one served now (each rollback goes one
-- step further back in recsys.deployments). Returns it.
CREATE FUNCTION recsys.rollback(name text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    target record;
BEGIN
    IF rollback.name IS NULL THEN
        RAISE EXCEPTION 'recsys.rollback: name must not be NULL' USING ERRCODE = '22004';
    END IF;
    PERFORM recsys_internal.lock_model_name(rollback.name, false);  -- 42704 for an unknown name
    SELECT * INTO target FROM recsys_internal.rollback_target(rollback.name);
    IF target.model_id IS NULL THEN
        RAISE EXCEPTION 'recsys.rollback: model "%" has no version served before version %',
                        rollback.name, recsys.serving_version(rollback.name)
            USING ERRCODE = '55000',
                  HINT = format('recsys.deployments(%L) lists what was served when; recsys.deploy(%L, model_id) pins any version',
                                rollback.name, rollback.name);
    END IF;
    RETURN recsys_internal.set_serving(rollback.name, target.model_id, 'rollback', true, target.previous);
END
$$;
COMMENT ON FUNCTION recsys.rollback IS 'Pins the version a name served before the one it serves now';

-- What `name` served from when, oldest first.
CREATE FUNCTION recsys.deployments(name text)
    RETURNS TABLE(deployed_at timestamptz, model_id bigint, action text, pinned boolean, deployed_by name)
    LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF NOT EXISTS (SELECT FROM recsys.models m WHERE m.name = $1)
       AND NOT EXISTS (SELECT FROM recsys.deployments d WHERE d.name = $1) THEN
        PERFORM recsys.serving_version($1);  -- 42704
    END IF;
    RETURN QUERY SELECT d.deployed_at, d.model_id, d.action, d.pinned, d.deployed_by
                 FROM recsys.deployments d WHERE d.name = $1 ORDER BY d.id;
END
$$;
COMMENT ON FUNCTION recsys.deployments IS 'What a name served from when, oldest first (all names: the view recsys.deployment_history)';

-- Deletes the versions of `name` older than its newest `keep`, except the one
-- served now and the one recsys.rollback would return to. Returns how many.
CREATE FUNCTION recsys.prune_models(name text, keep int) RETURNS int
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    served bigint;
    kept_for_rollback bigint;
    deleted int;
BEGIN
    IF prune_models.name IS NULL OR prune_models.keep IS NULL THEN
        RAISE EXCEPTION 'recsys.prune_models: % must not be NULL', CASE WHEN prune_models.name IS NULL THEN 'name' ELSE 'keep' END
            USING ERRCODE = '22004';
    END IF;
    IF prune_models.keep < 1 THEN
        RAISE EXCEPTION 'recsys.prune_models: keep must be at least 1, got %', prune_models.keep
            USING ERRCODE = '22023', HINT = 'keep is how many of the newest versions stay, besides the served one and the one a rollback returns to';
    END IF;
    PERFORM recsys_internal.lock_model_name(prune_models.name, false);  -- 42704 for an unknown name
    served := recsys.serving_version(prune_models.name);
    kept_for_rollback := (recsys_internal.rollback_target(prune_models.name)).model_id;
    DELETE FROM recsys.models m
    WHERE m.id IN (SELECT o.id FROM recsys.models o WHERE o.name = prune_models.name
                   ORDER BY o.created_at DESC, o.id DESC OFFSET prune_models.keep)
      AND m.id <> served AND m.id IS DISTINCT FROM kept_for_rollback;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$;
COMMENT ON FUNCTION recsys.prune_models IS 'Deletes the versions of a name past its newest keep, but the served one and the rollback target';
