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
