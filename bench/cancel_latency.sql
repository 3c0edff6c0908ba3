-- How long a training statement takes to end after pg_cancel_backend: the
-- wait of a user who cancels, or of statement_timeout. A second connection
-- (dblink) trains on 1 million generated interactions (100,000 users, 20,000
-- videos, 64 factors, up to 1000 iterations) and is cancelled at several
-- moments: during the scan and aggregation, and during the iterations.
--
--   psql -X -f bench/cancel_latency.sql       (bash bench/run.sh cancel)
--
-- Prints one CANCEL line per moment: milliseconds from pg_cancel_backend to
-- the statement's end, as the cancelling session sees it.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
DROP TABLE IF EXISTS cancel_watch;
CREATE TABLE cancel_watch AS
SELECT (g % 100000)::bigint AS user_id, ((g::bigint * 7919) % 20000)::bigint AS item_id, 1.0::float8 AS minutes
FROM generate_series(1, 1000000) g;
SELECT dblink_connect('trainer', format('dbname=%s host=%s port=%s', current_database(),
                      split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')));
CREATE TEMP TABLE cancel_runs (after_s float8, cancel_ms float8, error text);
DO $$
DECLARE
  trainer int := (SELECT pid FROM dblink('trainer', 'SELECT pg_backend_pid()') AS t(pid int));
  after_s float8;
  started timestamptz;
  message text;
BEGIN
  PERFORM dblink_exec('trainer', 'SET max_parallel_workers_per_gather = 0');
  FOREACH after_s IN ARRAY ARRAY[0.2, 0.5, 1, 2, 3, 5] LOOP
    PERFORM dblink_send_query('trainer', $q$SELECT recsys.als_fit(user_id, item_id, minutes,
                              '{"factors": 64, "iterations": 1000}') FROM cancel_watch$q$);
    PERFORM pg_sleep(after_s);
    started := clock_timestamp();
    PERFORM pg_cancel_backend(trainer);
    PERFORM * FROM dblink_get_result('trainer', false) AS t(model bytea);  -- waits for the end
    message := dblink_error_message('trainer');
    INSERT INTO cancel_runs VALUES (after_s, 1000 * extract(epoch FROM clock_timestamp() - started), message);
    PERFORM * FROM dblink_get_result('trainer', false) AS t(model bytea);  -- the end of the results
  END LOOP;
END $$;
SELECT dblink_disconnect('trainer');
DROP TABLE cancel_watch;
\pset format unaligned
\pset tuples_only on
SELECT format('CANCEL after %s s into the statement: ended %s ms after pg_cancel_backend (%s)',
              after_s, round(cancel_ms::numeric, 1), error)
FROM cancel_runs ORDER BY after_s;
SELECT format('CANCEL summary: %s cancels, median %s ms, max %s ms', count(*),
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY cancel_ms))::numeric, 1),
              round(max(cancel_ms)::numeric, 1))
FROM cancel_runs;
