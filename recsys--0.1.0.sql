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
    -- unpinned, serving uses the new version from now on: recsys.deployments records it
    PERFORM recsys.set_serving(name, new_id, 'save', false);
    RETURN new_id;
END
$$;

-- ---------------------------------------------------------------- deployments
-- What serving by name uses: the version pinned by recsys.deploy or
-- recsys.rollback, else the newest. recsys.deployment_pins holds the pins (a
-- pinned version cannot be deleted: undeploy first); recsys.deployments is the
-- history of what each name served from when, one row per change: a save while
-- unpinned, a deploy, an undeploy, a rollback. `previous` is the row whose state
-- a rollback from this one returns to. Serving reads the pin with the version,
-- in the one registry query a call site makes per statement.
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
    previous    bigint,
    deployed_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    deployed_by name NOT NULL DEFAULT CURRENT_USER
);
CREATE INDEX deployments_name ON recsys.deployments (name, id DESC);
SELECT pg_catalog.pg_extension_config_dump('recsys.deployment_pins', '');
SELECT pg_catalog.pg_extension_config_dump('recsys.deployments', '');
SELECT pg_catalog.pg_extension_config_dump('recsys.deployments_id_seq', '');

-- The version serving by name uses now (the pinned one, else the newest); 42704 for an unknown name.
CREATE FUNCTION recsys.serving_version(name text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'recsys_serving_version' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

-- Internal: `name` serves `model_id` from now on, pinned or as its newest, and
-- the history records it. A save changes nothing while the name is pinned.
-- Changes of one name are serialized (a transaction-scoped advisory lock).
CREATE FUNCTION recsys.set_serving(name text, model_id bigint, action text, pinned boolean,
                                   rollback_to bigint DEFAULT NULL) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('recsys.serving ' || set_serving.name, 0));
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
    INSERT INTO recsys.deployments (name, model_id, action, pinned, previous)
    VALUES (set_serving.name, set_serving.model_id, set_serving.action, set_serving.pinned,
            CASE WHEN set_serving.action = 'rollback' THEN set_serving.rollback_to
                 ELSE (SELECT max(d.id) FROM recsys.deployments d WHERE d.name = set_serving.name) END);
    RETURN set_serving.model_id;
END
$$;

-- Internal: the version recsys.rollback would return to (NULL when none), and
-- the history row a further rollback would go on from. Walks the history back
-- from the state served now, past versions deleted since and the one served now;
-- with no such state, the version that was newest before the served one.
CREATE FUNCTION recsys.rollback_target(name text, OUT model_id bigint, OUT previous bigint)
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
        SELECT * INTO state FROM recsys.deployments d WHERE d.id = next_id;
        EXIT WHEN NOT FOUND;
        IF state.model_id <> served AND EXISTS (SELECT FROM recsys.models m WHERE m.id = state.model_id) THEN
            model_id := state.model_id;
            previous := state.previous;
            RETURN;
        END IF;
        next_id := state.previous;
    END LOOP;
    SELECT m.id INTO model_id
    FROM recsys.models m, recsys.models s
    WHERE s.id = served AND m.name = rollback_target.name AND (m.created_at, m.id) < (s.created_at, s.id)
    ORDER BY m.created_at DESC, m.id DESC LIMIT 1;
END
$$;

-- Pins version `id` of `name`: serving by name uses it until another deploy,
-- a rollback or recsys.undeploy. Returns the version now served.
CREATE FUNCTION recsys.deploy(name text, id bigint) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    owner_name text;
BEGIN
    IF deploy.name IS NULL OR deploy.id IS NULL THEN
        RAISE EXCEPTION 'recsys.deploy: % must not be NULL', CASE WHEN deploy.name IS NULL THEN 'name' ELSE 'id' END
            USING ERRCODE = '22004';
    END IF;
    PERFORM recsys.serving_version(deploy.name);  -- 42704 for an unknown name
    SELECT m.name INTO owner_name FROM recsys.models m WHERE m.id = deploy.id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'recsys.deploy: model "%" has no version %', deploy.name, deploy.id
            USING ERRCODE = '42704', HINT = format('SELECT id, created_at FROM recsys.models WHERE name = %L lists its versions', deploy.name);
    ELSIF owner_name <> deploy.name THEN
        RAISE EXCEPTION 'recsys.deploy: version % is a version of model "%", not of "%"', deploy.id, owner_name, deploy.name
            USING ERRCODE = '22023';
    END IF;
    RETURN recsys.set_serving(deploy.name, deploy.id, 'deploy', true);
END
$$;

-- Removes the pin: serving by name uses the newest version again. Returns it.
CREATE FUNCTION recsys.undeploy(name text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    newest bigint;
BEGIN
    IF undeploy.name IS NULL THEN
        RAISE EXCEPTION 'recsys.undeploy: name must not be NULL' USING ERRCODE = '22004';
    END IF;
    PERFORM recsys.serving_version(undeploy.name);  -- 42704 for an unknown name
    IF NOT EXISTS (SELECT FROM recsys.deployment_pins p WHERE p.name = undeploy.name) THEN
        RAISE NOTICE 'model "%" is not pinned: serving uses its newest version', undeploy.name;
        RETURN recsys.serving_version(undeploy.name);
    END IF;
    SELECT m.id INTO newest FROM recsys.models m WHERE m.name = undeploy.name ORDER BY m.created_at DESC, m.id DESC LIMIT 1;
    RETURN recsys.set_serving(undeploy.name, newest, 'undeploy', false);
END
$$;

-- Pins the version served before the one served now (each rollback goes one
-- step further back in recsys.deployments). Returns it.
CREATE FUNCTION recsys.rollback(name text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    target record;
BEGIN
    IF rollback.name IS NULL THEN
        RAISE EXCEPTION 'recsys.rollback: name must not be NULL' USING ERRCODE = '22004';
    END IF;
    PERFORM recsys.serving_version(rollback.name);  -- 42704 for an unknown name
    PERFORM pg_advisory_xact_lock(hashtextextended('recsys.serving ' || rollback.name, 0));
    SELECT * INTO target FROM recsys.rollback_target(rollback.name);
    IF target.model_id IS NULL THEN
        RAISE EXCEPTION 'recsys.rollback: model "%" has no version served before version %',
                        rollback.name, recsys.serving_version(rollback.name)
            USING ERRCODE = '55000',
                  HINT = format('recsys.deployments(%L) lists what was served when; recsys.deploy(%L, id) pins any version',
                                rollback.name, rollback.name);
    END IF;
    RETURN recsys.set_serving(rollback.name, target.model_id, 'rollback', true, target.previous);
END
$$;

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

-- Deletes the versions of `name` older than its newest `keep`, except the one
-- served now and the one recsys.rollback would return to. Returns how many.
CREATE FUNCTION recsys.prune_models(name text, keep int) RETURNS int
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
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
    PERFORM pg_advisory_xact_lock(hashtextextended('recsys.serving ' || prune_models.name, 0));
    served := recsys.serving_version(prune_models.name);  -- 42704 for an unknown name
    kept_for_rollback := (recsys.rollback_target(prune_models.name)).model_id;
    DELETE FROM recsys.models m
    WHERE m.id IN (SELECT o.id FROM recsys.models o WHERE o.name = prune_models.name
                   ORDER BY o.created_at DESC, o.id DESC OFFSET prune_models.keep)
      AND m.id <> served AND m.id IS DISTINCT FROM kept_for_rollback;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$;

-- ---------------------------------------------------------------- scheduled retraining
-- One row per run of recsys.retrain_als: what it trained, how the candidate
-- and the serving version scored on the same held-out rows, and what it did
-- (saved, skipped, failed) and why.
CREATE TABLE recsys.retrain_log (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL,
    status          text NOT NULL CHECK (status IN ('saved', 'skipped', 'failed')),
    model_id        bigint,  -- the version saved
    serving_id      bigint,  -- the version served when the run started, compared with
    metrics         jsonb,   -- the candidate's, on the held-out rows
    serving_metrics jsonb,   -- the serving version's, on the same rows
    pruned          int,     -- old versions deleted after the save (recsys.prune_models)
    reason          text
);
CREATE INDEX retrain_log_name ON recsys.retrain_log (name, id DESC);
SELECT pg_catalog.pg_extension_config_dump('recsys.retrain_log', '');
SELECT pg_catalog.pg_extension_config_dump('recsys.retrain_log_id_seq', '');

-- Retrains ALS model `name` on the last `days` days of `source` (columns named
-- by `columns`; the defaults are the design's watch_history), each user's
-- chronologically last fifth (at least one row) held out. The candidate and the
-- serving version are scored on the held-out rows of the users the candidate
-- was trained on (top 10, training items excluded: P, R, NDCG, MAP at 10). The
-- candidate is saved, with its metrics, unless its `metric` is below the
-- serving version's by more than `margin` (a fraction: 0.05 allows 5% lower);
-- then the versions past the newest `keep` are pruned. With `warm_iterations`,
-- a candidate starts from the serving version (ALS option warm_start) and runs
-- that many iterations. Every run is logged in recsys.retrain_log; an error
-- during training or evaluation is logged as 'failed' (a WARNING), not raised,
-- so that a scheduled job records it. Made for pg_cron (README "Scheduled retraining").
CREATE FUNCTION recsys.retrain_als(name text, source regclass, days int DEFAULT 30, options jsonb DEFAULT '{}',
                                   margin float8 DEFAULT 0, keep int DEFAULT 10, metric text DEFAULT 'ndcg@10',
                                   warm_iterations int DEFAULT NULL, columns jsonb DEFAULT NULL)
    RETURNS recsys.retrain_log
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    entry recsys.retrain_log;
    cols jsonb := '{"user": "user_id", "item": "video_id", "weight": "minutes_watched", "time": "watched_at"}';
    fit_options jsonb := coalesce(retrain_als.options, '{}');
    metrics_list constant text[] := ARRAY['ndcg@10', 'recall@10', 'precision@10', 'map@10'];
    serving bytea;
    serving_kind text;
    candidate bytea;
    scored bytea;
    pass int;
    result jsonb;
    candidate_value float8;
    serving_value float8;
BEGIN
    entry.name := retrain_als.name;
    entry.started_at := clock_timestamp();
    IF retrain_als.name IS NULL OR retrain_als.name = '' OR retrain_als.source IS NULL OR retrain_als.days IS NULL
       OR retrain_als.margin IS NULL OR retrain_als.metric IS NULL THEN
        RAISE EXCEPTION 'recsys.retrain_als: % must not be NULL%',
            CASE WHEN retrain_als.name IS NULL OR retrain_als.name = '' THEN 'name' WHEN retrain_als.source IS NULL THEN 'source'
                 WHEN retrain_als.days IS NULL THEN 'days' WHEN retrain_als.margin IS NULL THEN 'margin' ELSE 'metric' END,
            CASE WHEN retrain_als.name = '' THEN ' or empty' ELSE '' END
            USING ERRCODE = '22004';
    ELSIF retrain_als.days < 1 THEN
        RAISE EXCEPTION 'recsys.retrain_als: days must be at least 1, got %', retrain_als.days USING ERRCODE = '22023';
    ELSIF NOT (retrain_als.margin >= 0 AND retrain_als.margin < 1) THEN
        RAISE EXCEPTION 'recsys.retrain_als: margin must be in [0, 1), got %', retrain_als.margin
            USING ERRCODE = '22023', HINT = 'margin is the fraction the candidate may score below the serving version: 0.05 allows 5%';
    ELSIF retrain_als.keep < 1 THEN
        RAISE EXCEPTION 'recsys.retrain_als: keep must be at least 1 (or NULL: no pruning), got %', retrain_als.keep
            USING ERRCODE = '22023';
    ELSIF NOT retrain_als.metric = ANY (metrics_list) THEN
        RAISE EXCEPTION 'recsys.retrain_als: unknown metric "%"', retrain_als.metric
            USING ERRCODE = '22023', HINT = 'valid metrics are: ' || array_to_string(metrics_list, ', ');
    ELSIF jsonb_typeof(fit_options) <> 'object' THEN
        RAISE EXCEPTION 'recsys.retrain_als: options must be a JSON object of als_fit options' USING ERRCODE = '22023';
    ELSIF retrain_als.columns IS NOT NULL AND (jsonb_typeof(retrain_als.columns) <> 'object' OR EXISTS (
              SELECT FROM jsonb_each(retrain_als.columns) c
              WHERE c.key NOT IN ('user', 'item', 'weight', 'time')
                 OR NOT (jsonb_typeof(c.value) = 'string' OR (c.key = 'weight' AND jsonb_typeof(c.value) = 'null')))) THEN
        RAISE EXCEPTION 'recsys.retrain_als: columns must be a JSON object naming source columns'
            USING ERRCODE = '22023',
                  HINT = 'keys: user, item, weight (null: every row weighs 1), time; the defaults are ' || cols::text;
    END IF;
    cols := cols || coalesce(retrain_als.columns, '{}');

    IF EXISTS (SELECT FROM recsys.models m WHERE m.name = retrain_als.name) THEN
        entry.serving_id := recsys.serving_version(retrain_als.name);
        SELECT m.model, m.kind INTO serving, serving_kind FROM recsys.models m WHERE m.id = entry.serving_id;
        IF serving_kind <> 'als' THEN
            RAISE EXCEPTION 'recsys.retrain_als: model "%" is a % model, not als', retrain_als.name, serving_kind
                USING ERRCODE = '22023';
        END IF;
        IF retrain_als.warm_iterations IS NOT NULL AND NOT fit_options ? 'warm_start' THEN
            fit_options := fit_options || jsonb_build_object('warm_start', retrain_als.name,
                                                             'iterations', retrain_als.warm_iterations);
        END IF;
    END IF;

    BEGIN
        IF to_regclass('pg_temp.recsys_retrain_rows') IS NOT NULL THEN
            DROP TABLE pg_temp.recsys_retrain_rows;
        END IF;
        EXECUTE format(
            'CREATE TEMP TABLE recsys_retrain_rows AS '
            'SELECT u AS user_id, i AS item_id, w AS weight, row_number() OVER (PARTITION BY u ORDER BY t DESC, i) '
            '       <= greatest(1, round(count(*) OVER (PARTITION BY u) / 5.0)) AS held_out '
            'FROM (SELECT %I::bigint AS u, %I::bigint AS i, %s::float8 AS w, %I AS t FROM %s '
            '      WHERE %I > now() - make_interval(days => %s)) s '
            'WHERE u IS NOT NULL AND i IS NOT NULL',
            cols->>'user', cols->>'item', coalesce(quote_ident(cols->>'weight'), '1'), cols->>'time',
            retrain_als.source, cols->>'time', retrain_als.days);
        SELECT recsys.als_fit(r.user_id, r.item_id, r.weight, fit_options) INTO candidate
        FROM pg_temp.recsys_retrain_rows r WHERE NOT r.held_out;
        IF candidate IS NULL THEN
            entry.status := 'skipped';
            entry.reason := format('no rows in the last %s days of %s', retrain_als.days, retrain_als.source);
        ELSE
            FOR pass IN 1 .. 2 LOOP  -- the candidate, then the serving version (if any)
                scored := CASE pass WHEN 1 THEN candidate ELSE serving END;
                EXIT WHEN scored IS NULL;
                SELECT jsonb_build_object(
                           'ndcg@10', round(avg(coalesce(recsys.ndcg_at_k(r.rec, t.relevant, 10), 0))::numeric, 6),
                           'recall@10', round(avg(coalesce(recsys.recall_at_k(r.rec, t.relevant, 10), 0))::numeric, 6),
                           'precision@10', round(avg(coalesce(recsys.precision_at_k(r.rec, t.relevant, 10), 0))::numeric, 6),
                           'map@10', round(avg(coalesce(recsys.average_precision_at_k(r.rec, t.relevant, 10), 0))::numeric, 6),
                           'users', count(*))
                INTO result
                FROM (SELECT h.user_id, array_agg(DISTINCT h.item_id) AS relevant
                      FROM pg_temp.recsys_retrain_rows h
                      WHERE h.held_out AND EXISTS (SELECT FROM pg_temp.recsys_retrain_rows k
                                                   WHERE k.user_id = h.user_id AND NOT k.held_out)
                      GROUP BY h.user_id) t
                LEFT JOIN (SELECT a.user_id, array_agg(a.item_id ORDER BY a.rank) AS rec
                           FROM recsys.recommend_all(scored, 10) a GROUP BY a.user_id) r ON r.user_id = t.user_id;
                IF pass = 1 THEN
                    entry.metrics := result || (SELECT jsonb_build_object('training_rows', count(*) FILTER (WHERE NOT h.held_out),
                                                                          'held_out_rows', count(*) FILTER (WHERE h.held_out))
                                                FROM pg_temp.recsys_retrain_rows h);
                ELSE
                    entry.serving_metrics := result;
                END IF;
            END LOOP;
            candidate_value := (entry.metrics ->> retrain_als.metric)::float8;
            serving_value := (entry.serving_metrics ->> retrain_als.metric)::float8;
            IF serving IS NULL THEN
                entry.reason := format('the first version of "%s"', retrain_als.name);
            ELSIF candidate_value >= serving_value * (1 - retrain_als.margin) THEN
                entry.reason := format('%s %s against %s of the serving version %s (margin %s%%)', retrain_als.metric,
                                       candidate_value, serving_value, entry.serving_id, 100 * retrain_als.margin);
            ELSE
                entry.status := 'skipped';
                entry.reason := format('%s %s is below %s of the serving version %s by more than the margin (%s%%)',
                                       retrain_als.metric, candidate_value, serving_value, entry.serving_id,
                                       100 * retrain_als.margin);
            END IF;
            IF entry.status IS NULL THEN
                entry.status := 'saved';
                entry.model_id := recsys.save_model(retrain_als.name, candidate, entry.metrics);
                IF recsys.serving_version(retrain_als.name) <> entry.model_id THEN
                    entry.reason := entry.reason || format('; serving stays on the pinned version %s',
                                                           recsys.serving_version(retrain_als.name));
                END IF;
                IF retrain_als.keep IS NOT NULL THEN
                    entry.pruned := recsys.prune_models(retrain_als.name, retrain_als.keep);
                END IF;
            END IF;
        END IF;
        DROP TABLE pg_temp.recsys_retrain_rows;
    EXCEPTION WHEN OTHERS THEN  -- (not a cancel or a timeout: those stop the run)
        entry.status := 'failed';
        entry.model_id := NULL;  -- the save and the pruning were undone
        entry.pruned := NULL;
        entry.reason := SQLSTATE || ': ' || SQLERRM;
        RAISE WARNING 'recsys.retrain_als of model "%" failed: %', retrain_als.name, SQLERRM;
    END;
    entry.finished_at := clock_timestamp();
    INSERT INTO recsys.retrain_log (name, started_at, finished_at, status, model_id, serving_id, metrics,
                                    serving_metrics, pruned, reason)
    VALUES (entry.name, entry.started_at, entry.finished_at, entry.status, entry.model_id, entry.serving_id,
            entry.metrics, entry.serving_metrics, entry.pruned, entry.reason)
    RETURNING * INTO entry;
    RETURN entry;
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
CREATE AGGREGATE recsys.featurizer_fit("row" jsonb) (
    SFUNC = recsys.featurizer_collect, STYPE = internal, SSPACE = 16777216,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.training_final, PARALLEL = SAFE
);
CREATE AGGREGATE recsys.featurizer_fit("row" jsonb, options jsonb) (
    SFUNC = recsys.featurizer_collect, STYPE = internal, SSPACE = 16777216,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.training_final, PARALLEL = SAFE
);
CREATE AGGREGATE recsys.featurizer_fit("row" jsonb, target float8, options jsonb) (
    SFUNC = recsys.featurizer_collect, STYPE = internal, SSPACE = 16777216,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.training_final, PARALLEL = SAFE
);

-- A featurizer (or a pipeline's) applied to a row: its features, named one to
-- one by feature_names. training => true for the training rows themselves:
-- target encodings then use out-of-fold statistics, so the target does not
-- leak. A NULL row gives NULL; a key the featurizer does not know is ignored.
CREATE FUNCTION recsys.transform(featurizer bytea, "row" jsonb, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.transform(name text, "row" jsonb, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform_by_name' LANGUAGE C STABLE PARALLEL SAFE;
-- The same for a table's row (recsys.transform('f', h) FROM houses h): its
-- columns are read as to_jsonb(h) would give them (numbers, booleans, text),
-- without building the JSON; columns the featurizer does not know (the
-- target) are not read. A column of another type that it reads is an error.
CREATE FUNCTION recsys.transform(featurizer bytea, "row" record, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.transform(name text, "row" record, training bool DEFAULT false) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'recsys_transform_by_name' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION recsys.feature_names(featurizer bytea) RETURNS text[]
    AS 'MODULE_PATHNAME', 'recsys_feature_names' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.feature_names(name text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'recsys_feature_names_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
-- The row with its holes filled by the featurizer's imputers (row || filled columns).
CREATE FUNCTION recsys.impute(featurizer bytea, "row" jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_impute' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION recsys.impute(name text, "row" jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_impute_by_name' LANGUAGE C STABLE PARALLEL SAFE;

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

-- ---------------------------------------------------------------- the recommendation log
-- Labelled impressions from a recommendation log and a watch history, for
-- logreg_fit / mlp_fit. Any two relations (tables or views) with these columns:
--   log:     user_id, video_id, model_id, position, shown_at [, clicked bool]
--   watches: user_id, video_id, watched_at, minutes_watched
-- A watch is credited to the latest impression of its user and video shown at
-- or before it (of two shown at the same instant, the higher one on the page),
-- if it came within `within` of it, both ends included: a watch exactly 10
-- minutes after its impression counts; one before any impression does not, and
-- an earlier impression of the same video gets no credit for it. label =
-- clicked (when the log has the column) or watched. Impressions shown in
-- [since, until) when given; rows with a NULL user, video or time are left out.
CREATE FUNCTION recsys.label_impressions(log regclass, watches regclass, within interval DEFAULT '10 minutes',
                                         since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL)
    RETURNS TABLE(user_id bigint, video_id bigint, model_id bigint, "position" int, shown_at timestamptz,
                  clicked bool, watched bool, label bool, minutes_watched real)
    LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    missing text;
    clicked_type oid;
BEGIN
    IF log IS NULL OR watches IS NULL THEN
        RAISE EXCEPTION 'recsys.label_impressions: % must not be NULL', CASE WHEN log IS NULL THEN 'log' ELSE 'watches' END
            USING ERRCODE = '22004';
    END IF;
    IF within IS NULL OR within < interval '0' THEN
        RAISE EXCEPTION 'recsys.label_impressions: within must be an interval >= 0, got %', coalesce(within::text, 'NULL')
            USING ERRCODE = CASE WHEN within IS NULL THEN '22004' ELSE '22023' END,
                  HINT = 'within is how long after an impression a watch still counts, e.g. ''10 minutes''';
    END IF;
    SELECT string_agg(format('%s %s has no column %I', r.role, r.rel, r.col), '; ') INTO missing
    FROM (VALUES ('log', log, 'user_id'), ('log', log, 'video_id'), ('log', log, 'model_id'),
                 ('log', log, 'position'), ('log', log, 'shown_at'), ('watches', watches, 'user_id'),
                 ('watches', watches, 'video_id'), ('watches', watches, 'watched_at'),
                 ('watches', watches, 'minutes_watched'))
         AS r(role, rel, col)
    WHERE NOT EXISTS (SELECT FROM pg_attribute a
                      WHERE a.attrelid = r.rel AND a.attname = r.col AND a.attnum > 0 AND NOT a.attisdropped);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'recsys.label_impressions: %', missing USING ERRCODE = '42703',
            HINT = 'pass a view that renames your columns: log (user_id, video_id, model_id, position, shown_at '
                   '[, clicked]), watches (user_id, video_id, watched_at, minutes_watched)';
    END IF;
    SELECT a.atttypid INTO clicked_type FROM pg_attribute a
    WHERE a.attrelid = log AND a.attname = 'clicked' AND a.attnum > 0 AND NOT a.attisdropped;
    IF clicked_type <> 'pg_catalog.bool'::pg_catalog.regtype THEN
        RAISE EXCEPTION 'recsys.label_impressions: log %''s column clicked is %, not boolean', log, clicked_type::regtype
            USING ERRCODE = '42804', HINT = 'pass a view with clicked as a boolean, or without it';
    END IF;
    -- Impressions and watches of one (user, video) in time order, impressions
    -- first at the same instant: the largest impression number up to a watch
    -- is the latest impression at or before it.
    RETURN QUERY EXECUTE format($q$
        WITH imp AS (
            SELECT l.user_id::bigint AS user_id, l.video_id::bigint AS video_id, l.model_id::bigint AS model_id,
                   l."position"::int AS pos, l.shown_at::timestamptz AS shown_at, %s AS clicked,
                   row_number() OVER (ORDER BY l.user_id, l.video_id, l.shown_at, l."position" DESC) AS seq
            FROM %s l
            WHERE l.user_id IS NOT NULL AND l.video_id IS NOT NULL AND l.shown_at IS NOT NULL
              AND ($1 IS NULL OR l.shown_at >= $1) AND ($2 IS NULL OR l.shown_at < $2)
        ), events AS (
            SELECT i.user_id, i.video_id, i.shown_at AS at, 0 AS kind, i.seq, NULL::real AS minutes FROM imp i
            UNION ALL
            SELECT w.user_id::bigint, w.video_id::bigint, w.watched_at::timestamptz, 1, NULL, w.minutes_watched::real
            FROM %s w
            WHERE w.user_id IS NOT NULL AND w.video_id IS NOT NULL AND w.watched_at IS NOT NULL
              AND ($1 IS NULL OR w.watched_at >= $1) AND ($2 IS NULL OR w.watched_at < $2 + $3)
        ), latest AS (
            SELECT e.kind, e.at, e.minutes,
                   max(e.seq) OVER (PARTITION BY e.user_id, e.video_id ORDER BY e.at, e.kind, e.seq) AS seq
            FROM events e
        ), credit AS (
            SELECT c.seq, sum(c.minutes) AS minutes
            FROM latest c JOIN imp i ON i.seq = c.seq
            WHERE c.kind = 1 AND c.at <= i.shown_at + $3
            GROUP BY c.seq
        )
        SELECT i.user_id, i.video_id, i.model_id, i.pos, i.shown_at, i.clicked, c.seq IS NOT NULL,
               i.clicked OR c.seq IS NOT NULL, coalesce(c.minutes, 0)::real
        FROM imp i LEFT JOIN credit c ON c.seq = i.seq
    $q$, CASE WHEN clicked_type IS NULL THEN 'false' ELSE 'coalesce(l.clicked, false)' END, log, watches)
    USING since, until, within;
END
$$;

-- ---------------------------------------------------------------- exploration
-- The bandit: per item, shows and clicks, and the Beta posterior of its
-- click-through rate. bandit_fit(item_id, shown, clicked [, options]) over
-- impressions: one row per impression (video_id, 1, clicked::int) or counts
-- per item (rows of one item add up).
CREATE FUNCTION recsys.bandit_collect(internal, bigint, bigint, bigint, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_bandit_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.bandit_collect(internal, bigint, bigint, bigint) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_bandit_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE recsys.bandit_fit(item_id bigint, shown bigint, clicked bigint, options jsonb) (
    SFUNC = recsys.bandit_collect, STYPE = internal, SSPACE = 67108864,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.training_final, PARALLEL = SAFE
);
CREATE AGGREGATE recsys.bandit_fit(item_id bigint, shown bigint, clicked bigint) (
    SFUNC = recsys.bandit_collect, STYPE = internal, SSPACE = 67108864,
    COMBINEFUNC = recsys.training_combine, SERIALFUNC = recsys.training_serialize,
    DESERIALFUNC = recsys.training_deserialize, FINALFUNC = recsys.training_final, PARALLEL = SAFE
);

-- A page of k from candidates (item_ids, with a ranker's scores or none): a
-- share epsilon of the slots explored by Thompson sampling among fresh items
-- (explored = true), the others by score, or by Thompson sampling without
-- scores. Deterministic under the seed (e.g. user_id * 1000 + page number).
CREATE FUNCTION recsys.explore(model bytea, item_ids bigint[], scores float8[] DEFAULT NULL, k int DEFAULT 10,
                               epsilon float8 DEFAULT 0.1, seed bigint DEFAULT 0)
    RETURNS TABLE(item_id bigint, rank int, score float8, sampled_ctr float8, explored bool)
    AS 'MODULE_PATHNAME', 'recsys_explore' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;
CREATE FUNCTION recsys.explore(name text, item_ids bigint[], scores float8[] DEFAULT NULL, k int DEFAULT 10,
                               epsilon float8 DEFAULT 0.1, seed bigint DEFAULT 0)
    RETURNS TABLE(item_id bigint, rank int, score float8, sampled_ctr float8, explored bool)
    AS 'MODULE_PATHNAME', 'recsys_explore_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 10;
-- What the bandit believes of each item it saw: counts, posterior, fresh or not.
CREATE FUNCTION recsys.bandit_items(model bytea)
    RETURNS TABLE(item_id bigint, shows bigint, clicks bigint, alpha float8, beta float8, mean float8, fresh bool)
    AS 'MODULE_PATHNAME', 'recsys_bandit_items' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
CREATE FUNCTION recsys.bandit_items(name text)
    RETURNS TABLE(item_id bigint, shows bigint, clicks bigint, alpha float8, beta float8, mean float8, fresh bool)
    AS 'MODULE_PATHNAME', 'recsys_bandit_items_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 1000;

-- ---------------------------------------------------------------- A/B tests
-- A user's variant 0 .. n-1 of an experiment, in proportion to the weights:
-- the same for every call, independent between experiments. A NULL user gets NULL.
CREATE FUNCTION recsys.ab_bucket(user_id bigint, experiment text, weights float8[]) RETURNS int
    AS 'MODULE_PATHNAME', 'recsys_ab_bucket' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- ab_compare(variant, value [, options]) -> jsonb: per variant n, mean, CI,
-- and against the control the difference, its CI, lift and p-value (a bool
-- value: two-proportion z-test; a number: Welch's t-test), and with the
-- expected weights in the options the sample-ratio-mismatch check. Variants
-- are numbers (recsys.ab_bucket's) or names. A row with a NULL variant or
-- value is skipped.
CREATE FUNCTION recsys.ab_collect(internal, bigint, float8, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_ab_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.ab_collect(internal, bigint, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_ab_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.ab_collect(internal, text, float8, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_ab_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.ab_collect(internal, text, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_ab_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.ab_collect(internal, bigint, bool, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_ab_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.ab_collect(internal, bigint, bool) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_ab_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.ab_collect(internal, text, bool, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_ab_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.ab_collect(internal, text, bool) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_ab_collect' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE AGGREGATE recsys.ab_compare(variant bigint, value float8, options jsonb) (
    SFUNC = recsys.ab_collect, STYPE = internal, COMBINEFUNC = recsys.training_combine,
    SERIALFUNC = recsys.training_serialize, DESERIALFUNC = recsys.training_deserialize,
    FINALFUNC = recsys.statistic_json, PARALLEL = SAFE);
CREATE AGGREGATE recsys.ab_compare(variant bigint, value float8) (
    SFUNC = recsys.ab_collect, STYPE = internal, COMBINEFUNC = recsys.training_combine,
    SERIALFUNC = recsys.training_serialize, DESERIALFUNC = recsys.training_deserialize,
    FINALFUNC = recsys.statistic_json, PARALLEL = SAFE);
CREATE AGGREGATE recsys.ab_compare(variant text, value float8, options jsonb) (
    SFUNC = recsys.ab_collect, STYPE = internal, COMBINEFUNC = recsys.training_combine,
    SERIALFUNC = recsys.training_serialize, DESERIALFUNC = recsys.training_deserialize,
    FINALFUNC = recsys.statistic_json, PARALLEL = SAFE);
CREATE AGGREGATE recsys.ab_compare(variant text, value float8) (
    SFUNC = recsys.ab_collect, STYPE = internal, COMBINEFUNC = recsys.training_combine,
    SERIALFUNC = recsys.training_serialize, DESERIALFUNC = recsys.training_deserialize,
    FINALFUNC = recsys.statistic_json, PARALLEL = SAFE);
CREATE AGGREGATE recsys.ab_compare(variant bigint, value bool, options jsonb) (
    SFUNC = recsys.ab_collect, STYPE = internal, COMBINEFUNC = recsys.training_combine,
    SERIALFUNC = recsys.training_serialize, DESERIALFUNC = recsys.training_deserialize,
    FINALFUNC = recsys.statistic_json, PARALLEL = SAFE);
CREATE AGGREGATE recsys.ab_compare(variant bigint, value bool) (
    SFUNC = recsys.ab_collect, STYPE = internal, COMBINEFUNC = recsys.training_combine,
    SERIALFUNC = recsys.training_serialize, DESERIALFUNC = recsys.training_deserialize,
    FINALFUNC = recsys.statistic_json, PARALLEL = SAFE);
CREATE AGGREGATE recsys.ab_compare(variant text, value bool, options jsonb) (
    SFUNC = recsys.ab_collect, STYPE = internal, COMBINEFUNC = recsys.training_combine,
    SERIALFUNC = recsys.training_serialize, DESERIALFUNC = recsys.training_deserialize,
    FINALFUNC = recsys.statistic_json, PARALLEL = SAFE);
CREATE AGGREGATE recsys.ab_compare(variant text, value bool) (
    SFUNC = recsys.ab_collect, STYPE = internal, COMBINEFUNC = recsys.training_combine,
    SERIALFUNC = recsys.training_serialize, DESERIALFUNC = recsys.training_deserialize,
    FINALFUNC = recsys.statistic_json, PARALLEL = SAFE);

-- ab_compare's report as rows a BI tool charts: one per variant. A SQL-standard
-- body, bound when the extension is created (no search_path can redirect it)
-- and inlined into the query that calls it.
CREATE FUNCTION recsys.ab_rows(report jsonb)
    RETURNS TABLE(variant text, control bool, n bigint, mean float8, stddev float8, ci_low float8, ci_high float8,
                  diff float8, diff_ci_low float8, diff_ci_high float8, lift float8, p_value float8,
                  significant bool, expected_share float8, observed_share float8, srm_p_value float8)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT v ->> 'variant', (v ->> 'control')::bool, (v ->> 'n')::bigint, (v ->> 'mean')::float8,
           (v ->> 'stddev')::float8, (v ->> 'ci_low')::float8, (v ->> 'ci_high')::float8, (v ->> 'diff')::float8,
           (v ->> 'diff_ci_low')::float8, (v ->> 'diff_ci_high')::float8, (v ->> 'lift')::float8,
           (v ->> 'p_value')::float8, (v ->> 'significant')::bool, (v ->> 'expected_share')::float8,
           (v ->> 'observed_share')::float8, (report -> 'srm' ->> 'p_value')::float8
    FROM pg_catalog.jsonb_array_elements(report -> 'variants') WITH ORDINALITY AS e(v, i)
    ORDER BY i;
END;

-- ---------------------------------------------------------------- roles
-- Keep this section last: it grants on the functions and tables above.
-- recsys_reader serves, scores and evaluates (every function but the writing
-- ones) and reads the registry; recsys_trainer is a reader that also saves,
-- deploys, rolls back, prunes and retrains. Both are NOLOGIN roles, created
-- when absent (roles belong to the cluster: CREATE EXTENSION in a second
-- database finds them) and given this database's privileges; grant them to
-- login roles (GRANT recsys_reader TO app). The writing functions are not
-- executable by PUBLIC. No function is SECURITY DEFINER: each runs with the
-- privileges of its caller, which these grants give.
DO $$
DECLARE
    writer regprocedure;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'recsys_reader') THEN
        CREATE ROLE recsys_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'recsys_trainer') THEN
        CREATE ROLE recsys_trainer NOLOGIN;
    END IF;
    IF NOT pg_catalog.pg_has_role('recsys_trainer', 'recsys_reader', 'MEMBER') THEN
        GRANT recsys_reader TO recsys_trainer;
    END IF;
    GRANT USAGE ON SCHEMA recsys TO recsys_reader;
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA recsys TO recsys_reader;
    GRANT SELECT ON recsys.models, recsys.deployment_pins, recsys.deployments, recsys.retrain_log TO recsys_reader;
    FOREACH writer IN ARRAY ARRAY['recsys.save_model(text, bytea, jsonb)',
                                  'recsys.set_serving(text, bigint, text, boolean, bigint)',
                                  'recsys.deploy(text, bigint)', 'recsys.undeploy(text)', 'recsys.rollback(text)',
                                  'recsys.prune_models(text, int)',
                                  'recsys.retrain_als(text, regclass, int, jsonb, float8, int, text, int, jsonb)']::regprocedure[]
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC, recsys_reader', writer);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO recsys_trainer', writer);
    END LOOP;
    GRANT INSERT, DELETE ON recsys.models TO recsys_trainer;
    GRANT INSERT, UPDATE, DELETE ON recsys.deployment_pins TO recsys_trainer;
    GRANT INSERT ON recsys.deployments, recsys.retrain_log TO recsys_trainer;
    GRANT USAGE ON SEQUENCE recsys.models_id_seq, recsys.deployments_id_seq, recsys.retrain_log_id_seq TO recsys_trainer;
END
$$;
