-- Roles and privileges. Keep this file last: it grants on the functions and
-- tables above.
--
-- recsys_reader serves, scores and evaluates (every function of schema
-- recsys but the writing ones) and reads the registry (its tables and
-- views); recsys_trainer is a reader that also saves, deploys, rolls back,
-- prunes and retrains. Both are NOLOGIN roles, created when absent (roles
-- belong to the cluster: CREATE EXTENSION in a second database finds them)
-- and given this database's privileges; grant them to login roles (GRANT
-- recsys_reader TO app).
--
-- Nobody but the extension's owner writes a registry table: the writers are
-- SECURITY DEFINER functions owned by it (00_registry.sql), and a trainer may
-- execute them, not write the tables, so that every row they hold went
-- through their checks: valid model bytes, a sane name, the server's clock,
-- the name's lock, history in commit order. No role but the owner may lock a
-- row of the registry, so none can hold a name's changes up.
--
-- Schema recsys_internal is the owner's alone: the writers' internals (the
-- lock, set_serving, rollback_target), the name lock's table, and the
-- aggregates' support functions (PostgreSQL checks that the aggregate's
-- owner may execute those, not its caller). One exception: retrain_als runs
-- with its caller's privileges (it reads the source as its caller may) and
-- checks the name as the writers do, so a trainer may execute
-- recsys_internal.check_model_name, a check of a string and nothing else.
-- Likewise cross-validation (cross_validate, cross_validate_grid,
-- learning_curve) runs as its caller: a reader may execute its helpers.
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
    GRANT SELECT ON recsys.models, recsys.deployment_pins, recsys.deployments, recsys.retrain_log,
                    recsys.model_versions, recsys.deployment_history TO recsys_reader;
    -- internal: the owner's (functions are executable by PUBLIC unless revoked)
    REVOKE ALL ON SCHEMA recsys_internal FROM PUBLIC;
    REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA recsys_internal FROM PUBLIC;
    GRANT USAGE ON SCHEMA recsys_internal TO recsys_trainer;
    GRANT EXECUTE ON FUNCTION recsys_internal.check_model_name(text, text) TO recsys_trainer;
    -- cross_validate, its grid and learning_curve run with their caller's privileges and call
    -- helpers that take checked names, never SQL text (55_model_selection.sql)
    GRANT USAGE ON SCHEMA recsys_internal TO recsys_reader;
    GRANT EXECUTE ON FUNCTION recsys_internal.cv_source(text, regclass, text, text, text, int, int, text),
                              recsys_internal.cv_kinds(),
                              recsys_internal.cv_column(regclass, text, text, boolean),
                              recsys_internal.cv_fold(text, regclass, text, text, text, int, int, text, jsonb, int,
                                                      float8, boolean),
                              recsys_internal.cv_mean_std(float8[]) TO recsys_reader;
    -- the writers: a trainer's
    FOREACH writer IN ARRAY ARRAY['recsys.save_model(text, bytea, jsonb)',
                                  'recsys.deploy(text, bigint)', 'recsys.undeploy(text)', 'recsys.rollback(text)',
                                  'recsys.prune_models(text, int)', 'recsys.log_retrain(recsys.retrain_log)',
                                  'recsys.retrain_als(text, regclass, int, jsonb, float8, int, text, int, jsonb)']::regprocedure[]
    LOOP
        EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC, recsys_reader', writer);
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO recsys_trainer', writer);
    END LOOP;
END
$$;
