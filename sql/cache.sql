-- The per-backend model cache, seen through recsys.model_cache_stats().
-- A new session: the cache starts empty.
CREATE FUNCTION pg_temp.cache() RETURNS TABLE(hits int, misses int, decodes int, evictions int, entries text)
LANGUAGE sql AS $$
  SELECT (s->>'hits')::int, (s->>'misses')::int, (s->>'decodes')::int, (s->>'evictions')::int,
         (SELECT string_agg(e->>'name', ', ') FROM jsonb_array_elements(s->'entries') e)
  FROM recsys.model_cache_stats() s
$$;
SELECT * FROM pg_temp.cache();
SELECT recsys.save_model('cached', model) > 0 AS saved FROM m;
-- the first call decodes the model, the second finds it
SELECT count(*) FROM recsys.recommend('cached', 1, 3);
SELECT * FROM pg_temp.cache();
SELECT count(*) FROM recsys.similar_items('cached', 100, 3);
SELECT * FROM pg_temp.cache();
-- a new version is decoded on the next call, and replaces the old one in the cache
SELECT recsys.save_model('cached', recsys.als_fit(user_id, item_id, weight, '{"factors": 3, "iterations": 2}')) > 0 AS saved
FROM watch;
SELECT count(*) FROM recsys.recommend('cached', 1, 3);
SELECT * FROM pg_temp.cache();
-- so is an UPDATE of the newest row (a new row version), even one that keeps the bytes
UPDATE recsys.models SET metrics = '{"checked": true}'
WHERE id = (SELECT max(id) FROM recsys.models WHERE name = 'cached');
SELECT count(*) FROM recsys.recommend('cached', 1, 3);
SELECT * FROM pg_temp.cache();
-- eviction by size: a 1 MB cache holds one of these two models (about 600 kB each)
SELECT recsys.save_model('big_' || n, recsys.als_fit(g % 2000, g % 500 + n, 1.0, '{"factors": 48, "iterations": 1}')) > 0
       AS saved
FROM generate_series(1, 2) n, generate_series(1, 20000) g GROUP BY n ORDER BY n;
SET recsys.model_cache_mb = 1;
SELECT count(*) FROM recsys.recommend('big_1', 1, 3);
SELECT * FROM pg_temp.cache();
SELECT count(*) FROM recsys.recommend('big_2', 1, 3);
SELECT * FROM pg_temp.cache();
SELECT count(*) FROM recsys.recommend('big_1', 1, 3);
SELECT * FROM pg_temp.cache();
-- recsys.model_cache_mb = 0: no cache, every call decodes (and no warning)
SET recsys.model_cache_mb = 0;
SELECT count(*) FROM recsys.recommend('cached', 1, 3);
SELECT count(*) FROM recsys.recommend('cached', 1, 3);
SELECT * FROM pg_temp.cache();
RESET recsys.model_cache_mb;
-- the stats hold the capacity and the bytes of each entry
SELECT (s->>'capacity_bytes')::bigint = 256 * 1024 * 1024 AS default_capacity,
       (s->>'bytes')::bigint = (SELECT coalesce(sum((e->>'bytes')::bigint), 0) FROM jsonb_array_elements(s->'entries') e)
       AS bytes_add_up
FROM recsys.model_cache_stats() s;
-- the same as rows: the totals agree with model_cache_stats, and an entry per model held
SELECT count(*) FROM recsys.recommend('cached', 1, 3);
SELECT c.capacity_bytes = (s->>'capacity_bytes')::bigint AS capacity, c.bytes = (s->>'bytes')::bigint AS bytes,
       c.entries = jsonb_array_length(s->'entries') AS entries, c.hits = (s->>'hits')::bigint AS hits
FROM recsys.model_cache_summary() c, recsys.model_cache_stats() s;
SELECT name, bytes > 0 AS holds_bytes, model_id = recsys.serving_version(name) AS served_version
FROM recsys.model_cache_entries() ORDER BY name;
