-- Roles: CREATE EXTENSION made recsys_reader and recsys_trainer (NOLOGIN). A
-- reader serves and evaluates but cannot write the registry; a trainer also
-- saves, deploys, rolls back, prunes and retrains. Tested with login roles of
-- this test (SET ROLE), neither of them a superuser.
SELECT rolname, rolcanlogin, rolsuper, rolcreaterole FROM pg_roles
WHERE rolname IN ('recsys_reader', 'recsys_trainer') ORDER BY 1;
SELECT pg_has_role('recsys_trainer', 'recsys_reader', 'MEMBER') AS trainer_reads;
-- no function is SECURITY DEFINER; every plpgsql one pins its search_path
SELECT count(*) AS security_definer FROM pg_proc WHERE pronamespace = 'recsys'::regnamespace AND prosecdef;
SELECT p.oid::regprocedure AS without_search_path FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'recsys'::regnamespace AND l.lanname = 'plpgsql'
  AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false);
-- the functions a reader may not execute (nor PUBLIC); a trainer may execute all
SELECT p.oid::regprocedure AS writer,
       EXISTS (SELECT FROM aclexplode(p.proacl) a WHERE a.grantee = 0) AS public_may
FROM pg_proc p WHERE p.pronamespace = 'recsys'::regnamespace
  AND NOT has_function_privilege('recsys_reader', p.oid, 'EXECUTE') ORDER BY 1;
SELECT count(*) AS trainer_may_not FROM pg_proc p WHERE p.pronamespace = 'recsys'::regnamespace
  AND NOT has_function_privilege('recsys_trainer', p.oid, 'EXECUTE');
-- the registry tables
SELECT c.relname, has_table_privilege('recsys_reader', c.oid, 'SELECT') AS reader_select,
       has_table_privilege('recsys_reader', c.oid, 'INSERT, UPDATE, DELETE') AS reader_writes,
       has_table_privilege('recsys_trainer', c.oid, 'INSERT') AS trainer_insert,
       has_table_privilege('recsys_trainer', c.oid, 'DELETE') AS trainer_delete
FROM pg_class c WHERE c.relnamespace = 'recsys'::regnamespace AND c.relkind = 'r' ORDER BY 1;
-- login roles of this test
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_recsys_reader;
DROP ROLE IF EXISTS regress_recsys_trainer;
RESET client_min_messages;
CREATE ROLE regress_recsys_reader LOGIN IN ROLE recsys_reader;
CREATE ROLE regress_recsys_trainer LOGIN IN ROLE recsys_trainer;
CREATE VIEW role_events AS SELECT user_id, item_id AS video_id, weight AS minutes_watched,
                                  now() - user_id * interval '1 hour' AS watched_at FROM watch;
GRANT SELECT ON watch, role_events TO regress_recsys_reader, regress_recsys_trainer;
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
-- but owns nothing: no DDL on the registry
SELECT error_of($$DROP TABLE recsys.models$$);
SELECT error_of($$TRUNCATE recsys.models$$);
SELECT error_of($$UPDATE recsys.models SET name = 'other' WHERE name = 'roles'$$);
RESET ROLE;
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
