-- Installs the extension; later tests share this database.
CREATE EXTENSION recsys;
SELECT extname, extversion FROM pg_extension WHERE extname = 'recsys';
-- Every function lives in schema recsys.
SELECT count(*) > 20 AS has_functions FROM pg_proc WHERE pronamespace = 'recsys'::regnamespace;
-- Small, fixed watch history shared by the tests: users 1..40, items 100..129.
-- Users 1..20 like items 100..114, users 21..40 like items 115..129.
SELECT setseed(0.5);
CREATE TABLE watch AS
SELECT u::bigint AS user_id, (100 + ((u - 1) / 20) * 15 + floor(random() * 15))::bigint AS item_id, 1.0::float8 AS weight
FROM generate_series(1, 40) u, generate_series(1, 6) j;
SELECT count(*), count(DISTINCT user_id) AS users, count(DISTINCT item_id) AS items FROM watch;
-- The parallel workers a query launched (parallel plans are checked by several tests).
CREATE FUNCTION workers_launched(query text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || query INTO plan;
  RETURN (plan->0->'Plan'->'Plans'->0->>'Workers Launched')::int;
END $$;
-- Settings that make the planner choose a parallel plan for small test tables,
-- with every row passing through a worker's serialized state.
CREATE FUNCTION force_parallel_plans() RETURNS void LANGUAGE sql AS $$
  SELECT set_config('max_parallel_workers_per_gather', '2', false), set_config('parallel_setup_cost', '0', false),
         set_config('parallel_tuple_cost', '0', false), set_config('min_parallel_table_scan_size', '0', false),
         set_config('parallel_leader_participation', 'off', false)
$$;
-- The error a statement raises, as 'SQLSTATE: message (hint: hint)', or 'no error'.
CREATE FUNCTION error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE state text; msg text; hint text;
BEGIN
  EXECUTE query;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
  RETURN state || ': ' || msg || coalesce(nullif(' (hint: ' || hint || ')', ' (hint: )'), '');
END $$;
-- `data` with its last 4 bytes the CRC-32 (zlib's, little-endian) of the others:
-- a model's envelope checksum (model_format.h), for tests that edit model bytes
-- (the CRC is no authentication).
CREATE FUNCTION sealed(data bytea) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE
  crc_of bigint[];  -- the CRC-32 table, byte by byte
  crc bigint;
  n int := length(data);
BEGIN
  FOR b IN 0 .. 255 LOOP
    crc := b;
    FOR k IN 1 .. 8 LOOP
      crc := CASE WHEN crc & 1 = 1 THEN (crc >> 1) # 3988292384 ELSE crc >> 1 END;
    END LOOP;
    crc_of := crc_of || crc;
  END LOOP;
  crc := 4294967295;
  FOR i IN 0 .. n - 5 LOOP
    crc := crc_of[((crc # get_byte(data, i)) & 255) + 1] # (crc >> 8);
  END LOOP;
  crc := crc # 4294967295;
  FOR i IN 0 .. 3 LOOP
    data := set_byte(data, n - 4 + i, ((crc >> (8 * i)) & 255)::int);
  END LOOP;
  RETURN data;
END $$;
