-- model_info as rows, for a BI tool (or anyone who may only SELECT): the
-- facts every model has as one typed row (recsys.model_summary), every other
-- scalar fact as (section, key, value) rows (recsys.model_facts), and the loss
-- of each training iteration (recsys.training_history). Each takes the model
-- bytes or a registry name (the version the name serves, as model_info does).
--
-- Why two shapes: a chart across versions wants typed columns, one row per
-- model (`recsys.model_summary(m.model)` beside each row of recsys.models);
-- but the rest differs by kind (ALS users, items and factors; linreg's R² and
-- F; a bandit's prior), and typed columns for it would name every kind here,
-- so it comes as key-value rows, which a chart filters (WHERE key = ...) or
-- pivots, and which take a new kind's facts as they come.
--
-- SQL over the jsonb of recsys.model_info, with SQL-standard bodies: bound
-- when the extension is created (no search_path can redirect them) and
-- inlined into the query that calls them. A pipeline's training facts are its
-- estimator's. The name forms (recsys_internal.install_by_name, at the end)
-- read the served version's bytes, as model_info(name) does (42704 for an
-- unknown name).

-- Install-time helper (dropped by 85_end_of_aggregates.sql, no part of the
-- API): declares recsys.<function>(name text), the rows of
-- recsys.<function>(bytea) for the version the name serves: STABLE and
-- PARALLEL RESTRICTED, as it reads the registry. A SQL-standard body, bound
-- now and inlined into the calling query.
CREATE FUNCTION recsys_internal.install_by_name(function text) RETURNS void
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    model_form regprocedure := format('recsys.%I(bytea)', function)::regprocedure;
BEGIN
    EXECUTE format('CREATE FUNCTION recsys.%1$I(name text) RETURNS %2$s LANGUAGE sql STABLE PARALLEL RESTRICTED '
                   'BEGIN ATOMIC SELECT r.* FROM recsys.models m, recsys.%1$I(m.model) r '
                   'WHERE m.id OPERATOR(pg_catalog.=) recsys.serving_version(%1$I.name); END',
                   function, pg_get_function_result(model_form));
    EXECUTE format('COMMENT ON FUNCTION recsys.%I(text) IS %L', function,
                   format('%s of the version a name serves', function));
END
$$;

-- The facts every model has, as one row.
CREATE FUNCTION recsys.model_summary(model bytea)
    RETURNS TABLE(kind text, format_version int, bytes bigint, training_rows bigint, skipped_rows bigint,
                  iterations int, final_loss float8, training_seconds float8, threads int)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT i.info ->> 'kind', (i.info ->> 'format_version')::int, (i.info ->> 'size_bytes')::bigint,
           (t.training ->> 'rows')::bigint, (t.training ->> 'skipped_rows')::bigint,
           pg_catalog.jsonb_array_length(t.training -> 'loss'), (t.training -> 'loss' ->> -1)::float8,
           (t.training ->> 'seconds')::float8, (t.training ->> 'threads')::int
    FROM (SELECT recsys.model_info(model_summary.model) AS info) AS i,
         LATERAL (SELECT coalesce(i.info #> '{metadata,training}',
                                             i.info #> '{metadata,estimator,metadata,training}') AS training) AS t
    WHERE i.info IS NOT NULL;
END;
COMMENT ON FUNCTION recsys.model_summary(bytea) IS
    'model_info as one row: kind, format, bytes, training rows, iterations, final loss, training seconds, threads';

-- Every scalar fact of model_info as a row: `section` is where it sits
-- ("model" for kind, format_version and size_bytes; then "options",
-- "dimensions", "training", "statistics", a nested object's path such as
-- "training.warm_start", a pipeline's "estimator.training"), `value` its
-- text (a number's as float8 prints it), `number` its value when it is a
-- number. Arrays have rows of their own
-- (training_history, featurizer_columns) and are left out.
CREATE FUNCTION recsys.model_facts(model bytea)
    RETURNS TABLE(section text, key text, value text, number float8)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH RECURSIVE facts(path, key, value) AS (
        SELECT ARRAY[]::text[], e.key, e.value
        FROM pg_catalog.jsonb_each(recsys.model_info(model_facts.model)) AS e
        UNION ALL
        SELECT f.path OPERATOR(pg_catalog.||) f.key, e.key, e.value
        FROM facts f,
             LATERAL pg_catalog.jsonb_each(CASE WHEN pg_catalog.jsonb_typeof(f.value) = 'object' THEN f.value
                                                ELSE '{}' END) AS e
    )
    SELECT coalesce(nullif(pg_catalog.array_to_string(
               pg_catalog.array_remove(f.path, 'metadata'), '.'), ''), 'model') AS section,
           f.key, CASE WHEN n.number IS NOT NULL THEN n.number::text ELSE f.value #>> '{}' END, n.number
    FROM facts f,
         LATERAL (SELECT CASE WHEN pg_catalog.jsonb_typeof(f.value) = 'number'
                              THEN (f.value #>> '{}')::float8 END AS number) AS n
    WHERE pg_catalog.jsonb_typeof(f.value) NOT IN ('object', 'array')
    ORDER BY 1, 2;
END;
COMMENT ON FUNCTION recsys.model_facts(bytea) IS
    'Every scalar fact of model_info as (section, key, value, number) rows: dimensions, training, statistics, options';

-- The loss after each iteration of the training (each epoch of an mlp; the
-- one objective of a linreg fit), with the validation loss where the kind
-- records one (mlp with validation_fraction). No rows for a kind that does
-- not iterate (featurizer, bandit). The training records no time per
-- iteration: model_summary's training_seconds is the whole run's.
CREATE FUNCTION recsys.training_history(model bytea)
    RETURNS TABLE(iteration int, loss float8, validation_loss float8)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT e.i::int, e.loss::float8, (t.training -> 'validation_loss' ->> (e.i - 1)::int)::float8
    FROM (SELECT recsys.model_info(training_history.model) AS info) AS i,
         LATERAL (SELECT coalesce(i.info #> '{metadata,training}',
                                             i.info #> '{metadata,estimator,metadata,training}') AS training) AS t,
         LATERAL pg_catalog.jsonb_array_elements_text(coalesce(t.training -> 'loss', '[]'))
             WITH ORDINALITY AS e(loss, i)
    ORDER BY e.i;
END;
COMMENT ON FUNCTION recsys.training_history(bytea) IS
    'The loss after each training iteration (and the validation loss where recorded): a chart of the training';

SELECT recsys_internal.install_by_name(f) FROM (VALUES ('model_summary'), ('model_facts'), ('training_history')) AS v(f);
