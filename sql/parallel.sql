-- The parallel aggregate path: workers build partial states, serialize them,
-- the leader deserializes and combines them, then trains. The model must be
-- the one a serial scan gives.
CREATE TABLE par_watch AS
SELECT (g % 3001)::bigint AS user_id, ((g * 7919) % 1009)::bigint AS item_id, (1 + g % 5)::float8 AS weight
FROM generate_series(1, 60000) g;
-- rows that are skipped, spread over the table, so the counts combine too
INSERT INTO par_watch SELECT NULL, g, 1 FROM generate_series(1, 7) g;
INSERT INTO par_watch SELECT g, NULL, 1 FROM generate_series(1, 5) g;
ANALYZE par_watch;
SELECT force_parallel_plans();
EXPLAIN (COSTS OFF)
SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 3}') FROM par_watch;
SELECT workers_launched($$SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 3}')
                          FROM par_watch$$) AS workers_launched;
CREATE TEMP TABLE parallel_model AS
SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 3}') AS model FROM par_watch;
-- the 3-argument form (no options) combines too
SELECT recsys.model_info(recsys.als_fit(user_id, item_id, weight))->'metadata'->'training'->'skipped_rows' AS skipped
FROM par_watch;
RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF)
SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 3}') FROM par_watch;
CREATE TEMP TABLE serial_model AS
SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 3}') AS model FROM par_watch;
RESET max_parallel_workers_per_gather;
-- the same ids, factors and metadata (less the training time and the size, which holds it)
SELECT (SELECT array_agg(user_id ORDER BY user_id) FROM recsys.user_factors(p.model)) =
       (SELECT array_agg(user_id ORDER BY user_id) FROM recsys.user_factors(s.model)) AS same_users,
       (SELECT array_agg(factors ORDER BY user_id) FROM recsys.user_factors(p.model)) =
       (SELECT array_agg(factors ORDER BY user_id) FROM recsys.user_factors(s.model)) AS same_user_factors,
       (SELECT array_agg(factors ORDER BY item_id) FROM recsys.item_factors(p.model)) =
       (SELECT array_agg(factors ORDER BY item_id) FROM recsys.item_factors(s.model)) AS same_item_factors,
       (recsys.model_info(p.model) #- '{metadata,training,seconds}') - 'size_bytes' =
       (recsys.model_info(s.model) #- '{metadata,training,seconds}') - 'size_bytes' AS same_info,
       recsys.model_info(p.model)->'metadata'->'training'->'rows' AS rows,
       recsys.model_info(p.model)->'metadata'->'training'->'skipped_rows' AS skipped
FROM parallel_model p, serial_model s;
