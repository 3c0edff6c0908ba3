-- Deploy, rollback, undeploy and prune: which version serving by name uses.
-- Versions are told apart by their factors (version n has n + 1) and shown as
-- n = id - first id + 1.
SELECT recsys.save_model('dep', recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 1}')) AS v1
FROM watch \gset
SELECT recsys.save_model('dep', recsys.als_fit(user_id, item_id, weight, '{"factors": 3, "iterations": 1}')) > 0 AS saved
FROM watch;
SELECT recsys.save_model('dep', recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 1}')) > 0 AS saved
FROM watch;
-- what the next statement serves: the version and the factors of the model recommend() uses
CREATE VIEW dep_served AS
SELECT recsys.serving_version('dep') - :v1 + 1 AS version,
       (SELECT min(array_length(factors, 1)) FROM recsys.item_factors('dep')) AS factors,
       (SELECT count(*) FROM recsys.recommend('dep', 1, 3)) AS recommended,
       recsys.model_info('dep')->'metadata'->'dimensions'->'factors' AS info_factors;
CREATE VIEW dep_history AS
SELECT model_id - :v1 + 1 AS version, action, pinned, deployed_by = current_user AS by_me
FROM recsys.deployments('dep');
-- no pin: the newest
SELECT * FROM dep_served;
SELECT * FROM dep_history;
-- a pin: that version until another deploy, a rollback or undeploy
SELECT recsys.deploy('dep', :v1) - :v1 + 1 AS deployed;
SELECT * FROM dep_served;
-- a save while pinned is kept but not served
SELECT recsys.save_model('dep', recsys.als_fit(user_id, item_id, weight, '{"factors": 5, "iterations": 1}')) - :v1 + 1
       AS saved
FROM watch;
SELECT * FROM dep_served;
-- each rollback goes one step further back in what was served
SELECT recsys.rollback('dep') - :v1 + 1 AS rolled_back_to;
SELECT * FROM dep_served;
SELECT recsys.rollback('dep') - :v1 + 1 AS rolled_back_to;
SELECT recsys.rollback('dep') - :v1 + 1 AS rolled_back_to;
SELECT * FROM dep_served;
-- nothing was served before version 1
SELECT replace(error_of($$SELECT recsys.rollback('dep')$$), 'version ' || :v1, 'version 1') AS error_of;
-- undeploy: the newest again; a second one says so and changes nothing
SELECT recsys.undeploy('dep') - :v1 + 1 AS serving;
SELECT * FROM dep_served;
SELECT recsys.undeploy('dep') - :v1 + 1 AS serving;
-- and a rollback returns to the pin that undeploy removed
SELECT recsys.rollback('dep') - :v1 + 1 AS rolled_back_to;
SELECT * FROM dep_history;
-- a pinned version cannot be deleted
SELECT error_of(format('DELETE FROM recsys.models WHERE id = %s', :v1));
-- another connection's deploy and rollback are served by this connection's next statement
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
RESET client_min_messages;
SELECT dblink_connect('ops', format('dbname=%s host=%s port=%s', current_database(),
                      split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')));
SELECT id - :v1 + 1 AS deployed FROM dblink('ops', format('SELECT recsys.deploy(%L, %s)', 'dep', :v1 + 2)) AS t(id bigint);
SELECT * FROM dep_served;
SELECT id - :v1 + 1 AS rolled_back_to FROM dblink('ops', $$SELECT recsys.rollback('dep')$$) AS t(id bigint);
SELECT * FROM dep_served;
SELECT id - :v1 + 1 AS serving FROM dblink('ops', $$SELECT recsys.undeploy('dep')$$) AS t(id bigint);
SELECT * FROM dep_served;
SELECT dblink_disconnect('ops');
-- a deploy in this session: its next statement
SELECT recsys.deploy('dep', :v1 + 2) - :v1 + 1 AS deployed;
SELECT recsys.deploy('dep', :v1 + 1) - :v1 + 1 AS deployed;
SELECT * FROM dep_served;
-- prune: keeps the newest `keep`, the served version and the one a rollback returns to
SELECT model_id - :v1 + 1 AS rollback_would_serve FROM recsys_internal.rollback_target('dep');
SELECT recsys.prune_models('dep', 1) AS pruned;
SELECT id - :v1 + 1 AS kept FROM recsys.models WHERE name = 'dep' ORDER BY id;
SELECT * FROM dep_served;
SELECT recsys.prune_models('dep', 1) AS pruned_again;
-- bad input
SELECT error_of($$SELECT recsys.deploy('nope', 1)$$);
SELECT error_of($$SELECT recsys.deploy('dep', -1)$$);
SELECT recsys.save_model('dep_other', model) AS other FROM recsys.models WHERE name = 'dep' LIMIT 1 \gset
SELECT error_of(format('SELECT recsys.deploy(%L, %s)', 'dep', :other)) = format(
       '22023: recsys.deploy: version %s is a version of model "dep_other", not of "dep"', :other) AS other_name;
SELECT error_of($$SELECT recsys.deploy(NULL, 1)$$);
SELECT error_of($$SELECT recsys.deploy('dep', NULL)$$);
SELECT error_of($$SELECT recsys.undeploy('nope')$$);
SELECT error_of($$SELECT recsys.undeploy(NULL)$$);
SELECT error_of($$SELECT recsys.rollback('nope')$$);
SELECT error_of($$SELECT recsys.rollback(NULL)$$);
SELECT error_of($$SELECT * FROM recsys.deployments('nope')$$);
SELECT error_of($$SELECT recsys.serving_version('nope')$$);
SELECT error_of($$SELECT recsys.prune_models('nope', 1)$$);
SELECT error_of($$SELECT recsys.prune_models('dep', 0)$$);
SELECT error_of($$SELECT recsys.prune_models('dep', NULL)$$);
SELECT recsys.serving_version(NULL) IS NULL AS null_name_is_null;
-- every function that takes a name serves the pinned version (the cache keeps it ready)
SELECT recsys.deploy('dep', :v1 + 1) - :v1 + 1 AS deployed;
SELECT count(*) AS recommend_for_items FROM recsys.recommend_for_items('dep', ARRAY[100]::bigint[], k => 2);
SELECT count(*) AS similar_items FROM recsys.similar_items('dep', 100, 2);
SELECT count(*) AS recommend_all FROM recsys.recommend_all('dep', 1);
SELECT min(array_length(factors, 1)) AS user_factors FROM recsys.user_factors('dep');
SELECT e->>'model_id' = (:v1 + 1)::text AS cached_is_pinned
FROM jsonb_array_elements(recsys.model_cache_stats()->'entries') e WHERE e->>'name' = 'dep';
DROP VIEW dep_served, dep_history;
-- A deploy racing a prune answers 42704, the version is gone, not a foreign-key error: the
-- deploy waits for the prune's lock of the name, then looks the version up.
SELECT recsys.save_model('raced', model) AS raced_v1 FROM m \gset
SELECT recsys.save_model('raced', model) > 0 AS saved FROM m, generate_series(1, 3);
SELECT dblink_connect('pruner', format('dbname=%s host=%s port=%s', current_database(),
                      split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')));
SELECT dblink_connect('deployer', format('dbname=%s host=%s port=%s', current_database(),
                      split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')));
SELECT dblink_exec('pruner', 'BEGIN');
SELECT pruned FROM dblink('pruner', $$SELECT recsys.prune_models('raced', 1)$$) AS t(pruned int);
SELECT dblink_send_query('deployer', format('SELECT error_of(%L)', format('SELECT recsys.deploy(%L, %s)', 'raced', :raced_v1)));
DO $$
BEGIN
  FOR i IN 1 .. 200 LOOP
    EXIT WHEN EXISTS (SELECT FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%recsys.deploy(''''raced''''%');
    PERFORM pg_sleep(0.05);
    PERFORM pg_stat_clear_snapshot();  -- pg_stat_activity is read once per transaction otherwise
  END LOOP;
END $$;
SELECT dblink_exec('pruner', 'COMMIT');
SELECT replace(error, :raced_v1::text, 'v1') AS deploy_after_prune FROM dblink_get_result('deployer') AS t(error text);
SELECT dblink_disconnect('pruner');
SELECT dblink_disconnect('deployer');
-- The history cannot point at itself or forward (even the owner cannot write such a row) ...
SELECT error_of($$UPDATE recsys.deployments SET previous = id WHERE name = 'raced'$$);
SELECT error_of($$INSERT INTO recsys.deployments (name, model_id, action, pinned, previous)
                  VALUES ('raced', 1, 'rollback', true, (SELECT max(id) + 1000 FROM recsys.deployments))$$);
-- ... and the walk back is bounded anyway: with the check dropped and a history that loops,
-- rollback and prune_models answer at once instead of looping until statement_timeout.
BEGIN;
ALTER TABLE recsys.deployments DROP CONSTRAINT deployments_previous_is_older;
UPDATE recsys.deployments SET previous = id WHERE name = 'raced';
SET LOCAL statement_timeout = '5s';
SELECT replace(error_of($$SELECT recsys.rollback('raced')$$), (:raced_v1 + 3)::text, 'v4') AS looping_history_rollback;
SELECT recsys.prune_models('raced', 1) AS looping_history_pruned;
ROLLBACK;
