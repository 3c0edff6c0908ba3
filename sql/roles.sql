-- Roles: CREATE EXTENSION made recsys_reader and recsys_trainer (NOLOGIN). A
-- reader serves and evaluates but cannot write the registry; a trainer also
-- saves, deploys, rolls back, prunes and retrains. Tested with login roles of
-- this test (SET ROLE), neither of them a superuser.
SELECT rolname, rolcanlogin, rolsuper, rolcreaterole FROM pg_roles
WHERE rolname IN ('recsys_reader', 'recsys_trainer') ORDER BY 1;
SELECT pg_has_role('recsys_trainer', 'recsys_reader', 'MEMBER') AS trainer_reads;
-- the registry's writers are SECURITY DEFINER, owned by the extension's owner (no other function is);
-- every plpgsql function pins its search_path
SELECT p.oid::regprocedure AS security_definer, p.proowner = e.extowner AS owned_by_extension_owner
FROM pg_proc p, pg_extension e
WHERE e.extname = 'recsys' AND p.pronamespace IN ('recsys'::regnamespace, 'recsys_internal'::regnamespace)
  AND p.prosecdef ORDER BY 1;
SELECT p.oid::regprocedure AS without_search_path FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace IN ('recsys'::regnamespace, 'recsys_internal'::regnamespace) AND l.lanname = 'plpgsql'
  AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false);
-- the functions a reader may not execute (nor PUBLIC); a trainer may execute all
SELECT p.oid::regprocedure AS writer,
       EXISTS (SELECT FROM aclexplode(p.proacl) a WHERE a.grantee = 0) AS public_may
FROM pg_proc p WHERE p.pronamespace = 'recsys'::regnamespace
  AND NOT has_function_privilege('recsys_reader', p.oid, 'EXECUTE') ORDER BY 1;
SELECT p.oid::regprocedure AS trainer_may_not FROM pg_proc p WHERE p.pronamespace = 'recsys'::regnamespace
  AND NOT has_function_privilege('recsys_trainer', p.oid, 'EXECUTE') ORDER BY 1;
-- schema recsys_internal is the owner's: no reader may look into it, and neither PUBLIC, a reader nor a trainer
-- may execute its functions (the aggregates run their support functions by their owner's right), but for the
-- name check that retrain_als (SECURITY INVOKER) makes with its caller's privileges
SELECT has_schema_privilege('recsys_reader', 'recsys_internal', 'USAGE') AS reader_usage,
       has_schema_privilege('recsys_trainer', 'recsys_internal', 'USAGE') AS trainer_usage,
       has_schema_privilege('recsys_trainer', 'recsys_internal', 'CREATE') AS trainer_create;
SELECT count(*) AS internal_functions,
       count(*) FILTER (WHERE EXISTS (SELECT FROM aclexplode(p.proacl) a WHERE a.grantee = 0)) AS public_may,
       count(*) FILTER (WHERE has_function_privilege('recsys_reader', p.oid, 'EXECUTE')) AS reader_may,
       string_agg(p.oid::regprocedure::text, ', ' ORDER BY p.oid::regprocedure::text) FILTER (WHERE has_function_privilege('recsys_trainer', p.oid, 'EXECUTE'))
           AS trainer_may
FROM pg_proc p WHERE p.pronamespace = 'recsys_internal'::regnamespace;
-- every aggregate's support functions are internal, and owned by the aggregates' owner
SELECT count(DISTINCT p.oid) AS aggregates,
       count(*) FILTER (WHERE f.pronamespace <> 'recsys_internal'::regnamespace) AS public_support_functions,
       count(*) FILTER (WHERE f.proowner <> p.proowner) AS foreign_owner
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid,
     LATERAL unnest(ARRAY[a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn]) fn(oid)
     JOIN pg_proc f ON f.oid = fn.oid
WHERE p.pronamespace = 'recsys'::regnamespace;
-- the registry tables and sequences: read by readers, written by nobody but the owner
SELECT c.relname, has_table_privilege('recsys_reader', c.oid, 'SELECT') AS reader_select,
       has_table_privilege('recsys_trainer', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE') AS trainer_writes,
       has_any_column_privilege('recsys_trainer', c.oid, 'INSERT, UPDATE') AS trainer_writes_a_column
FROM pg_class c WHERE c.relnamespace = 'recsys'::regnamespace AND c.relkind = 'r' ORDER BY 1;
SELECT c.relname, has_sequence_privilege('recsys_trainer', c.oid, 'USAGE, UPDATE') AS trainer_uses
FROM pg_class c WHERE c.relnamespace = 'recsys'::regnamespace AND c.relkind = 'S' ORDER BY 1;
-- login roles of this test
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_recsys_reader;
DROP ROLE IF EXISTS regress_recsys_trainer;
RESET client_min_messages;
CREATE ROLE regress_recsys_reader LOGIN IN ROLE recsys_reader;
CREATE ROLE regress_recsys_trainer LOGIN IN ROLE recsys_trainer;
CREATE VIEW role_events AS SELECT user_id, item_id, weight AS minutes_watched,
                                  now() - user_id * interval '1 hour' AS watched_at FROM watch;
GRANT SELECT ON watch, par_watch, role_events TO regress_recsys_reader, regress_recsys_trainer;
SELECT recsys.save_model('roles', recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 2}')) AS v1
FROM watch \gset
SELECT recsys.save_model('roles_ranker', recsys.logreg_fit(user_id % 2 = 0, ARRAY[item_id::float8])) > 0 AS saved FROM watch;
-- a reader serves, scores, reads the registry and evaluates
SET ROLE regress_recsys_reader;
SELECT count(*) AS recommended FROM recsys.recommend('roles', 1, 3);
SELECT count(*) AS similar FROM recsys.similar_items('roles', 100, 3);
SELECT recsys.predict('roles_ranker', ARRAY[101::float8]) BETWEEN 0 AND 1 AS predicted;
SELECT recsys.model_info('roles')->>'kind' AS kind;
SELECT recsys.serving_version('roles') = :v1 AS serving, (SELECT count(*) FROM recsys.deployments('roles')) AS history;
SELECT count(*) > 0 AS reads_registry FROM recsys.models;
SELECT recsys.ndcg_at_k(ARRAY[1, 2, 3]::bigint[], ARRAY[2]::bigint[], 3) > 0 AS metric;
SELECT length(recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 1}')) > 0 AS trains_in_memory FROM watch;
-- every kind of aggregate runs for a reader, whose support functions are internal: statistics, curves, reports
SELECT round(recsys.auc(item_id::float8, user_id % 2 = 0)::numeric, 6) AS auc,
       cardinality(recsys.roc_curve(item_id::float8, user_id % 2 = 0)) > 2 AS curve,
       recsys.classification_report(item_id > 110, user_id % 2 = 0)->'support' AS support,
       recsys.ab_compare(user_id % 2, weight)->'variants'->0->'n' AS ab_n,
       length(recsys.featurizer_fit(jsonb_build_object('i', item_id))) > 0 AS featurizer
FROM watch;
-- and in a parallel plan (combine, serialize, deserialize in the workers; parallel.sql's table)
SELECT force_parallel_plans();
SELECT workers_launched($$SELECT recsys.auc(item_id::float8, user_id % 2 = 0) FROM par_watch$$) > 0 AS parallel_auc;
SELECT workers_launched($$SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 1}') FROM par_watch$$) > 0
       AS parallel_als;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
-- but not their support functions (a NULL state would do for a final), nor anything internal
SELECT error_of($$SELECT recsys_internal.training_final(NULL)$$);
SELECT error_of($$SELECT recsys_internal.statistic_number(NULL)$$);
SELECT error_of($$SELECT recsys_internal.check_model_name('roles', 'me')$$);
-- but writes nothing
SELECT error_of($$SELECT recsys.save_model('roles', recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 1}')) FROM watch$$);
SELECT error_of($$INSERT INTO recsys.models (name, kind, model) SELECT 'roles', kind, model FROM recsys.models LIMIT 1$$);
SELECT error_of($$DELETE FROM recsys.models WHERE name = 'roles'$$);
SELECT error_of($$UPDATE recsys.models SET metrics = '{}' WHERE name = 'roles'$$);
SELECT error_of(format('SELECT recsys.deploy(%L, %s)', 'roles', :v1));
SELECT error_of($$SELECT recsys.undeploy('roles')$$);
SELECT error_of($$SELECT recsys.rollback('roles')$$);
SELECT error_of($$SELECT recsys.prune_models('roles', 1)$$);
SELECT error_of($$SELECT recsys.retrain_als('roles', 'role_events')$$);
SELECT error_of(format('INSERT INTO recsys.deployment_pins VALUES (%L, %s)', 'roles', :v1));
SELECT error_of($$INSERT INTO recsys.deployments (name, model_id, action, pinned) VALUES ('roles', 1, 'deploy', true)$$);
RESET ROLE;
-- a trainer saves, deploys, rolls back, prunes and retrains
SET ROLE regress_recsys_trainer;
SELECT recsys.save_model('roles', recsys.als_fit(user_id, item_id, weight, '{"factors": 3, "iterations": 2}')) - :v1
       AS saved_after_v1
FROM watch;
SELECT recsys.deploy('roles', :v1) = :v1 AS deployed;
SELECT count(*) AS recommended FROM recsys.recommend('roles', 1, 3);
SELECT recsys.rollback('roles') > :v1 AS rolled_back;
SELECT recsys.undeploy('roles') > :v1 AS undeployed;
SELECT recsys.prune_models('roles', 1) AS pruned;
SELECT status FROM recsys.retrain_als('roles', 'role_events', 30, '{"factors": 3, "iterations": 2}', margin => 0.5);
SELECT action, pinned, deployed_by FROM recsys.deployments('roles') WHERE deployed_by = current_user;
-- a retraining reads its source with the trainer's privileges (SECURITY INVOKER): a table it may not read fails the run
RESET ROLE;
CREATE TABLE role_secrets AS SELECT * FROM role_events;
SET ROLE regress_recsys_trainer;
SELECT status, reason FROM recsys.retrain_als('roles', 'public.role_secrets', 30, '{"factors": 3}');
-- but writes no registry table itself: every row goes through the writers' checks
SELECT error_of($$INSERT INTO recsys.models (name, kind, created_at, model)
                  SELECT 'roles', kind, '2999-01-01', model FROM recsys.models WHERE name = 'roles_ranker'$$);
SELECT error_of($$INSERT INTO recsys.models (name, kind, model) VALUES ('roles', 'als', '\x00')$$);
SELECT error_of($$DELETE FROM recsys.models WHERE name = 'roles'$$);
SELECT error_of($$UPDATE recsys.models SET created_at = '2999-01-01' WHERE name = 'roles'$$);
SELECT error_of($$UPDATE recsys.models SET name = 'other' WHERE name = 'roles'$$);
SELECT error_of($$INSERT INTO recsys.deployments (name, model_id, action, pinned, previous) VALUES ('roles', 1, 'deploy', true, 1)$$);
SELECT error_of($$UPDATE recsys.deployments SET deployed_by = 'someone_else' WHERE name = 'roles'$$);
SELECT error_of($$DELETE FROM recsys.deployments WHERE name = 'roles'$$);
SELECT error_of(format('INSERT INTO recsys.deployment_pins VALUES (%L, %s)', 'roles', :v1));
SELECT error_of($$UPDATE recsys.deployment_pins SET model_id = model_id WHERE name = 'roles'$$);
SELECT error_of($$DELETE FROM recsys.deployment_pins WHERE name = 'roles'$$);
SELECT error_of($$INSERT INTO recsys.retrain_log (name, started_at, finished_at, status) VALUES ('roles', now(), now(), 'saved')$$);
SELECT error_of($$UPDATE recsys.retrain_log SET status = 'saved' WHERE name = 'roles'$$);
SELECT error_of($$DELETE FROM recsys.retrain_log WHERE name = 'roles'$$);
SELECT error_of($$INSERT INTO recsys_internal.model_names VALUES ('roles', 0)$$);
SELECT error_of($$SELECT nextval('recsys.models_id_seq')$$);
-- nor calls the writers' internals, nor locks a registry row (no stranger can hold a name's changes up)
SELECT error_of($$SELECT recsys_internal.set_serving('roles', 1, 'deploy', true)$$);
SELECT error_of($$SELECT recsys_internal.lock_model_name('roles', true)$$);
SELECT error_of($$SELECT recsys_internal.rollback_target('roles')$$);
SELECT error_of($$SELECT FROM recsys.models WHERE name = 'roles' FOR UPDATE$$);
SELECT error_of($$SELECT FROM recsys.models WHERE name = 'roles' FOR KEY SHARE$$);
SELECT error_of($$SELECT FROM recsys.deployment_pins FOR SHARE$$);
SELECT error_of($$SELECT FROM recsys_internal.model_names FOR UPDATE$$);
SELECT error_of($$LOCK TABLE recsys.models IN SHARE MODE$$);
-- the retraining log takes only runs that can be true (recsys.log_retrain, which recsys.retrain_als calls)
SELECT error_of($$SELECT recsys.log_retrain(ROW(NULL, 'roles', now() - interval '1 day', NULL, 'skipped',
                                                NULL, NULL, NULL, NULL, NULL, 'forged')::recsys.retrain_log)$$);
SELECT regexp_replace(error_of(format(
           'SELECT recsys.log_retrain(ROW(NULL, %L, now(), NULL, %L, %s, NULL, NULL, NULL, NULL, NULL)::recsys.retrain_log)',
           'roles', 'saved', :v1)), '[0-9]+ is', 'N is') AS error_of;
SELECT regexp_replace(error_of($$SELECT recsys.log_retrain(ROW(NULL, 'roles', now(), NULL, 'skipped', NULL,
                                                (SELECT min(id) FROM recsys.models WHERE name = 'roles_ranker'),
                                                NULL, NULL, NULL, NULL)::recsys.retrain_log)$$), '[0-9]+ was', 'N was') AS error_of;
SELECT error_of($$SELECT recsys.log_retrain(ROW(NULL, 'roles', now(), NULL, 'skipped', NULL, NULL, '[1]', NULL, NULL, NULL)::recsys.retrain_log)$$);
SELECT error_of($$SELECT recsys.log_retrain(ROW(NULL, 'roles', now(), NULL, 'done', NULL, NULL, NULL, NULL, NULL, NULL)::recsys.retrain_log)$$);
SELECT (l).status, (l).finished_at >= (l).started_at AS server_finished, length((l).reason) AS reason_kept
FROM (SELECT recsys.log_retrain(ROW(NULL, 'roles', now(), '1999-01-01', 'skipped', NULL, NULL, NULL, NULL, NULL,
                                    repeat('x', 20000))::recsys.retrain_log) AS l) r;
-- and owns nothing: no DDL on the registry
SELECT error_of($$DROP TABLE recsys.models$$);
SELECT error_of($$TRUNCATE recsys.models$$);
SELECT error_of($$ALTER TABLE recsys.deployments DROP CONSTRAINT deployments_previous_is_older$$);
RESET ROLE;
-- a role without any recsys grant cannot even see the schema's tables, let alone lock them
CREATE ROLE regress_recsys_stranger;
SET ROLE regress_recsys_stranger;
SELECT error_of($$SELECT FROM recsys_internal.model_names FOR UPDATE$$);
SELECT error_of($$SELECT recsys.save_model('roles', NULL)$$);
RESET ROLE;
DROP ROLE regress_recsys_stranger;
DROP TABLE role_secrets;
-- the extension in a second database of the cluster finds the roles and grants them there too
SET client_min_messages = warning;
DROP DATABASE IF EXISTS regress_recsys_second;
CREATE EXTENSION IF NOT EXISTS dblink;
RESET client_min_messages;
CREATE DATABASE regress_recsys_second;
SELECT dblink_connect('second', format('dbname=regress_recsys_second host=%s port=%s',
                      split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')));
SELECT dblink_exec('second', 'CREATE EXTENSION recsys');
SELECT * FROM dblink('second', $$SELECT has_table_privilege('recsys_reader', 'recsys.models', 'SELECT'),
                                        has_function_privilege('recsys_trainer', 'recsys.deploy(text, bigint)', 'EXECUTE'),
                                        has_function_privilege('recsys_reader', 'recsys.deploy(text, bigint)', 'EXECUTE')$$)
         AS t(reader_select bool, trainer_deploys bool, reader_deploys bool);
SELECT dblink_disconnect('second');
DROP DATABASE regress_recsys_second;
DROP VIEW role_events;
DROP OWNED BY regress_recsys_reader, regress_recsys_trainer;
DROP ROLE regress_recsys_reader, regress_recsys_trainer;
