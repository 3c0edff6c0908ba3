-- The registry as views: recsys.model_versions (every version of every
-- model) and recsys.deployment_history (every change of what each name
-- serves), through saves, a deploy, a rollback, an undeploy and a prune;
-- checked against serving_version and deployments(name). Read by a reader,
-- written by nobody.
SELECT recsys.save_model('views_a', recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 1}'),
                         '{"ndcg@10": 0.1}') AS v1
FROM watch \gset
SELECT recsys.save_model('views_a', recsys.als_fit(user_id, item_id, weight, '{"factors": 3, "iterations": 1}')) AS v2
FROM watch \gset
SELECT recsys.save_model('views_b', recsys.logreg_fit(user_id % 2 = 0, ARRAY[item_id::float8])) AS v3 FROM watch \gset
-- what each version is, and which one each name serves (the newest: nothing is pinned)
CREATE VIEW views_versions AS
SELECT model_id - :v1 + 1 AS version, name, kind, bytes > 1000 AS bytes, serving, pinned, params ->> 'factors' AS factors, metrics
FROM recsys.model_versions WHERE name LIKE 'views_%';
SELECT * FROM views_versions ORDER BY version;
SELECT bool_and(v.bytes = length(m.model) AND v.created_at = m.created_at) AS bytes_and_times_match
FROM recsys.model_versions v JOIN recsys.models m ON m.id = v.model_id;
-- a pin: the pinned version serves
SELECT recsys.deploy('views_a', :v1) - :v1 + 1 AS deployed;
SELECT version, serving, pinned FROM views_versions WHERE name = 'views_a' ORDER BY version;
-- a save while pinned is kept, not served
SELECT recsys.save_model('views_a', recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 1}')) - :v1 + 1
       AS saved FROM watch;
SELECT version, serving, pinned FROM views_versions WHERE name = 'views_a' ORDER BY version;
SELECT recsys.rollback('views_a') - :v1 + 1 AS rolled_back;
SELECT recsys.undeploy('views_a') - :v1 + 1 AS undeployed;
SELECT version, serving, pinned FROM views_versions WHERE name = 'views_a' ORDER BY version;
-- the view's serving version is serving_version's, for every version of every name of this database's tests
SELECT count(*) > 10 AS versions, bool_and(v.serving = (v.model_id = recsys.serving_version(v.name))) AS serving_is_serving_version,
       count(DISTINCT v.name) = count(*) FILTER (WHERE v.serving) AS one_per_name
FROM recsys.model_versions v;

-- the history of every name: each change, until the next one replaced it
SELECT name, model_id - :v1 + 1 AS version, action, pinned, served_until IS NULL AS serving_now,
       served_until = lead(deployed_at) OVER (PARTITION BY name ORDER BY deployment_id) AS until_next
FROM recsys.deployment_history WHERE name LIKE 'views_%' ORDER BY name, deployment_id;
-- deployments(name) is its rows of one name
SELECT (SELECT array_agg(ROW(deployed_at, model_id, action, pinned, deployed_by) ORDER BY deployment_id)
        FROM recsys.deployment_history WHERE name = 'views_a')
     = (SELECT array_agg(ROW(deployed_at, model_id, action, pinned, deployed_by)) FROM recsys.deployments('views_a'))
       AS same_as_deployments;
-- the newest change of each name is what it serves now
SELECT bool_and(h.model_id = recsys.serving_version(h.name)) AS newest_is_served
FROM recsys.deployment_history h WHERE h.served_until IS NULL AND h.name LIKE 'views_%';
-- a pruned version leaves the versions, not the history
SELECT recsys.prune_models('views_a', 1) AS pruned;
SELECT version FROM views_versions WHERE name = 'views_a' ORDER BY version;
SELECT count(*) AS history_rows FROM recsys.deployment_history WHERE name = 'views_a';
-- the planner takes a name's filter into the view, to the scan of the registry: the window that finds the
-- newest version runs over that name's versions only, not over every version of every name
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query; END $$;
SELECT count(*) FILTER (WHERE line ~ 'Subquery Scan') AS filtered_after_the_window,
       count(*) FILTER (WHERE line ~ '(Filter|Cond): \(name = ''views_a''::text\)') > 0 AS filtered_at_the_scan
FROM pg_temp.plan_of($$SELECT * FROM recsys.model_versions WHERE name = 'views_a'$$) AS p(line);

-- a reader reads them; nobody writes through them
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_views_reader;
DROP ROLE IF EXISTS regress_views_trainer;
RESET client_min_messages;
CREATE ROLE regress_views_reader IN ROLE recsys_reader;
CREATE ROLE regress_views_trainer IN ROLE recsys_trainer;
SET ROLE regress_views_reader;
SELECT count(*) > 0 AS reads_versions FROM recsys.model_versions;
SELECT count(*) > 0 AS reads_history FROM recsys.deployment_history;
RESET ROLE;
SET ROLE regress_views_trainer;
SELECT error_of($$INSERT INTO recsys.deployment_history (name, model_id, action, pinned) VALUES ('views_a', 1, 'deploy', true)$$);
SELECT error_of($$UPDATE recsys.deployment_history SET deployed_by = 'someone' WHERE name = 'views_a'$$);
SELECT error_of($$DELETE FROM recsys.deployment_history WHERE name = 'views_a'$$);
SELECT error_of($$DELETE FROM recsys.model_versions WHERE name = 'views_a'$$);
RESET ROLE;
-- a role without the grants reads nothing
CREATE ROLE regress_views_stranger;
SET ROLE regress_views_stranger;
SELECT error_of($$SELECT count(*) FROM recsys.model_versions$$);
RESET ROLE;
DROP ROLE regress_views_reader, regress_views_trainer, regress_views_stranger;
DROP VIEW views_versions;
