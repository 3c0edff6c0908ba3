-- The model registry: versions, newest-version rule, name-based serving.
SELECT recsys.save_model('cands', model) AS first_id FROM m;
SELECT name, kind, params->'factors' AS factors, metrics FROM recsys.models ORDER BY id;
SELECT count(*) AS n FROM recsys.recommend('cands', 1, 5);
SELECT recsys.model_info('cands')->'metadata'->'dimensions' AS dims;
-- a newer version (different seed) is used by the next call
SELECT recsys.save_model('cands', recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 3}'),
                         '{"ndcg": 0.5}') AS second_id FROM watch;
SELECT recsys.model_info('cands')->'metadata'->'dimensions'->'factors' AS newest_factors;
SELECT min(array_length(factors, 1)) AS f FROM recsys.item_factors('cands');
SELECT id, name, metrics FROM recsys.models ORDER BY id;
-- newest by created_at, then id: a row with a later created_at wins even with a smaller id
UPDATE recsys.models SET created_at = created_at + interval '1 day' WHERE id = 1;
SELECT recsys.model_info('cands')->'metadata'->'dimensions'->'factors' AS newest_factors;
SELECT min(array_length(factors, 1)) AS f FROM recsys.item_factors('cands');
-- all the name forms
SELECT count(*) FROM recsys.recommend_for_items('cands', ARRAY[100]::bigint[]);
SELECT count(*) FROM recsys.similar_items('cands', 100, 3);
SELECT count(*) FROM recsys.recommend_all('cands', 2);
SELECT count(*) FROM recsys.user_factors('cands');
-- unknown names: 42704
SELECT * FROM recsys.recommend('nope', 1);
SELECT recsys.model_info('nope');
SELECT * FROM recsys.item_factors('nope');
DO $$
BEGIN
  PERFORM * FROM recsys.recommend('nope', 1);
EXCEPTION WHEN undefined_object THEN
  RAISE NOTICE 'caught 42704: %', SQLERRM;
END $$;
-- save_model checks
SELECT recsys.save_model('x', NULL);
SELECT recsys.save_model(NULL, (SELECT model FROM m));
SELECT recsys.save_model('x', '\x00'::bytea);
SELECT error_of($$SELECT recsys.save_model('', model) FROM m$$);
SELECT error_of($$SELECT recsys.save_model(repeat('n', 201), model) FROM m$$);
SELECT error_of($$SELECT recsys.save_model(E'two\nlines', model) FROM m$$);
SELECT error_of($$SELECT recsys.save_model('x', model, '[1, 2]') FROM m$$);
-- the bytes must load in full, not only their envelope: a model whose payload is
-- garbage under a valid checksum (sealed(): setup.sql) has an envelope model_info
-- reads, and is refused. pg_temp.u64: the little-endian uint64 at `at`
CREATE FUNCTION pg_temp.u64(data bytea, at int) RETURNS bigint LANGUAGE sql AS $f$
  SELECT sum(get_byte(data, at + i)::bigint << (8 * i))::bigint FROM generate_series(0, 7) i $f$;
CREATE TEMP TABLE forged AS
SELECT sealed(overlay(model PLACING decode(repeat('ff', 16), 'hex') FROM payload + 5)) AS model
FROM (SELECT model, 12 + 8 + pg_temp.u64(model, 12)::int AS meta FROM m) a,
     LATERAL (SELECT meta + 8 + pg_temp.u64(model, meta)::int + 8 AS payload) b;
SELECT (recsys.model_info(model)->>'kind') AS envelope_reads_as FROM forged;
SELECT error_of($$SELECT recsys.save_model('x', model) FROM forged$$);
SELECT count(*) AS nothing_saved FROM recsys.models WHERE name IN ('', 'x');
-- model names with quotes are just text
SELECT recsys.save_model('it''s', model) > 0 AS saved FROM m;
SELECT count(*) FROM recsys.recommend('it''s', 1, 2);
-- functions that read the registry are STABLE, the bytea forms IMMUTABLE
SELECT p.proname, pg_get_function_identity_arguments(p.oid) ~ '^name' AS by_name, p.provolatile, p.proparallel
FROM pg_proc p WHERE p.pronamespace = 'recsys'::regnamespace AND p.proname IN ('recommend', 'model_info')
ORDER BY 1, 2;
-- a version saved and committed by another connection is used by the next call
CREATE EXTENSION dblink;
SELECT dblink_connect('other', format('dbname=%s host=%s port=%s', current_database(),
                      split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')));
SELECT min(array_length(factors, 1)) AS before FROM recsys.item_factors('cands');
SELECT * FROM dblink('other', $$SELECT recsys.save_model('cands', recsys.als_fit(user_id, item_id, weight,
                     '{"factors": 3, "iterations": 2}')) FROM watch$$) AS t(id bigint);
SELECT dblink_exec('other', $$UPDATE recsys.models SET created_at = now() + interval '2 days' WHERE name = 'cands'
                   AND id = (SELECT max(id) FROM recsys.models WHERE name = 'cands')$$);
SELECT min(array_length(factors, 1)) AS after FROM recsys.item_factors('cands');
SELECT dblink_disconnect('other');
-- a model larger than the cache still serves, with a warning (once)
SET recsys.model_cache_mb = 0;
SELECT count(*) FROM recsys.recommend('cands', 1, 2);
SET recsys.model_cache_mb = 1;
SELECT recsys.save_model('bigger', recsys.als_fit(g % 5000, g % 1000, 1.0, '{"factors": 64, "iterations": 1}')) > 0 AS saved
FROM generate_series(1, 20000) g;
SELECT count(*) FROM recsys.recommend('bigger', 1, 2);
SELECT count(*) FROM recsys.recommend('bigger', 1, 2);
RESET recsys.model_cache_mb;
-- Writes of one name take its lock (a row of recsys_internal.model_names only the
-- registry's functions can lock), not an advisory lock any role can take: a
-- session holding the advisory lock that used to guard the name holds nothing up
SELECT dblink_connect('stranger', format('dbname=%s host=%s port=%s', current_database(),
                      split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')));
SELECT * FROM dblink('stranger', $$SELECT pg_advisory_lock(hashtextextended('recsys.serving locked', 0))::text$$) AS t(locked text);
SET lock_timeout = '2s';
SELECT recsys.save_model('locked', model) > 0 AS saved FROM m;
SELECT recsys.deploy('locked', recsys.serving_version('locked')) > 0 AS deployed;
SELECT recsys.undeploy('locked') > 0 AS undeployed;
SELECT recsys.prune_models('locked', 1) AS pruned;
RESET lock_timeout;
SELECT dblink_disconnect('stranger');
-- two saves of one name at once: the second waits for the first's lock and gets the later version and history row
SELECT dblink_connect('first', format('dbname=%s host=%s port=%s', current_database(),
                      split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')));
SELECT dblink_connect('second', format('dbname=%s host=%s port=%s', current_database(),
                      split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')));
SELECT dblink_exec('first', 'BEGIN');
SELECT id AS first_id FROM dblink('first', $$SELECT recsys.save_model('order', model) FROM m$$) AS t(id bigint) \gset
SELECT dblink_send_query('second', $$SELECT recsys.save_model('order', model) FROM m$$);
DO $$
BEGIN
  FOR i IN 1 .. 200 LOOP
    EXIT WHEN EXISTS (SELECT FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%save_model(''order''%');
    PERFORM pg_sleep(0.05);
    PERFORM pg_stat_clear_snapshot();  -- pg_stat_activity is read once per transaction otherwise
  END LOOP;
END $$;
SELECT wait_event_type AS second_waits_on FROM pg_stat_activity WHERE query LIKE '%save_model(''order''%' AND state = 'active'
  AND pid <> pg_backend_pid();
SELECT dblink_exec('first', 'COMMIT');
SELECT id > :first_id AS second_is_later FROM dblink_get_result('second') AS t(id bigint);
SELECT dblink_disconnect('first');
SELECT dblink_disconnect('second');
SELECT model_id - :first_id AS version, action FROM recsys.deployments('order');
-- created_at is the server's clock, and a new version is the newest: even a row dated 2999
-- (which only the owner can write now) does not outrank it
SELECT recsys.save_model('clock', model) AS clock_v1 FROM m \gset
UPDATE recsys.models SET created_at = '2999-01-01' WHERE id = :clock_v1;
SELECT recsys.save_model('clock', model) - :clock_v1 AS clock_v2 FROM m;
SELECT recsys.serving_version('clock') - :clock_v1 AS serves,
       (SELECT created_at >= '2999-01-01' FROM recsys.models WHERE id = recsys.serving_version('clock')) AS not_outranked,
       (SELECT model_id FROM recsys.deployments d WHERE d.name = 'clock' ORDER BY d.id DESC LIMIT 1) - :clock_v1 AS history_says;
