-- Training: NULL handling, weights, determinism, model_info, progress.
CREATE TABLE m AS SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 10, "seed": 3, "l2": 1}') AS model
FROM watch;
SELECT recsys.model_info(model)->>'kind' AS kind,
       recsys.model_info(model)->'format_version' AS version,
       recsys.model_info(model)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(model)->'metadata'->'training'->'rows' AS rows,
       recsys.model_info(model)->'metadata'->'training'->'skipped_rows' AS skipped,
       recsys.model_info(model)->'metadata'->'training'->'interactions' AS interactions,
       jsonb_array_length(recsys.model_info(model)->'metadata'->'training'->'loss') AS losses,
       (recsys.model_info(model)->'metadata'->'training'->>'seconds')::float8 >= 0 AS timed
FROM m;
-- the loss goes down
SELECT (l->>0)::float8 > (l->>9)::float8 AS loss_decreases
FROM (SELECT recsys.model_info(model)->'metadata'->'training'->'loss' AS l FROM m) s;
-- zero rows give NULL, like sum()
SELECT recsys.als_fit(user_id, item_id, weight, '{}') IS NULL AS is_null FROM watch WHERE false;
-- rows with NULL user or item are skipped and counted; NULL weight counts as 1
SELECT (recsys.model_info(recsys.als_fit(u, i, w, '{"factors": 4, "iterations": 1}'))->'metadata'->'training')
       - 'loss'::text - 'seconds'::text - 'threads'::text AS training
FROM (VALUES (1::bigint, 10::bigint, 1.0::float8), (NULL, 11, 1.0), (2, NULL, 1.0), (2, 11, NULL), (1, 10, 2.0)) v(u, i, w);
-- all rows skipped: NULL model
SELECT recsys.als_fit(NULL::bigint, 1::bigint, 1.0::float8, '{}') IS NULL AS is_null;
-- bad weights are errors naming the user and item
SELECT recsys.als_fit(u, i, w, '{}') FROM (VALUES (1::bigint, 10::bigint, 'NaN'::float8)) v(u, i, w);
SELECT recsys.als_fit(u, i, w, '{}') FROM (VALUES (1::bigint, 10::bigint, 'Infinity'::float8)) v(u, i, w);
SELECT recsys.als_fit(u, i, w, '{}') FROM (VALUES (5::bigint, 77::bigint, -1::float8)) v(u, i, w);
SELECT recsys.als_fit(u, i, w, '{}') FROM (VALUES (5::bigint, 77::bigint, 1e300::float8)) v(u, i, w);
-- any bigint ids
SELECT (recsys.model_info(recsys.als_fit(u, i, 1.0, '{"factors": 2, "iterations": 1}'))->'metadata'->'dimensions') AS dims
FROM (VALUES ('-9223372036854775808'::bigint, 9223372036854775807::bigint), (0, -1)) v(u, i);
-- same data, options and seed: the same model (only the training time differs), whatever the row order
SELECT (SELECT array_agg(factors ORDER BY item_id) FROM recsys.item_factors(a.model)) =
       (SELECT array_agg(factors ORDER BY item_id) FROM recsys.item_factors(b.model)) AS same_item_factors,
       (SELECT array_agg(factors ORDER BY user_id) FROM recsys.user_factors(a.model)) =
       (SELECT array_agg(factors ORDER BY user_id) FROM recsys.user_factors(b.model)) AS same_user_factors,
       recsys.model_info(a.model) #- '{metadata,training,seconds}' - 'size_bytes' =
       recsys.model_info(b.model) #- '{metadata,training,seconds}' - 'size_bytes' AS same_info
FROM (SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 10, "seed": 3, "l2": 1}') AS model
      FROM (SELECT * FROM watch ORDER BY user_id, item_id) o) a,
     (SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 10, "seed": 3, "l2": 1}') AS model
      FROM (SELECT * FROM watch ORDER BY item_id DESC, user_id DESC) o) b;
-- threads do not change the model: on data where both half-steps split into
-- many solve chunks and both Gram sums into several blocks (20,000 users and
-- 20,000 items; model_info says how the run split its work)
CREATE TABLE wide_watch AS
SELECT (g * 7919 % 20011) AS user_id, (g * 104729 % 20021) AS item_id, (1 + g % 3)::float8 AS weight
FROM generate_series(1::bigint, 150000) g;
CREATE TEMP TABLE by_threads (threads int, model bytea);
SET recsys.max_threads = 3;  -- (its default is this machine's cores)
SET recsys.threads = 1;
INSERT INTO by_threads SELECT 1, recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 2, "seed": 1}') FROM wide_watch;
SET recsys.threads = 2;
INSERT INTO by_threads SELECT 2, recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 2, "seed": 1}') FROM wide_watch;
SET recsys.threads = 3;
INSERT INTO by_threads SELECT 3, recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 2, "seed": 1}') FROM wide_watch;
RESET recsys.threads;
RESET recsys.max_threads;
SELECT threads,
       (recsys.model_info(model)->'metadata'->'training'->>'threads')::int AS used,
       (recsys.model_info(model)->'metadata'->'training'->>'user_chunks')::int > 1 AS users_split,
       (recsys.model_info(model)->'metadata'->'training'->>'item_chunks')::int > 1 AS items_split,
       (recsys.model_info(model)->'metadata'->'training'->>'user_gram_blocks')::int > 1 AS user_gram_split,
       (recsys.model_info(model)->'metadata'->'training'->>'item_gram_blocks')::int > 1 AS item_gram_split
FROM by_threads ORDER BY threads;
SELECT b.threads,
       (SELECT array_agg(factors ORDER BY user_id) FROM recsys.user_factors(a.model)) =
       (SELECT array_agg(factors ORDER BY user_id) FROM recsys.user_factors(b.model)) AS same_user_factors,
       (SELECT array_agg(factors ORDER BY item_id) FROM recsys.item_factors(a.model)) =
       (SELECT array_agg(factors ORDER BY item_id) FROM recsys.item_factors(b.model)) AS same_item_factors,
       (recsys.model_info(a.model) #- '{metadata,training,seconds}' #- '{metadata,training,threads}') - 'size_bytes' =
       (recsys.model_info(b.model) #- '{metadata,training,seconds}' #- '{metadata,training,threads}') - 'size_bytes'
         AS same_info  -- (the size holds the seconds' digits)
FROM by_threads a, by_threads b WHERE a.threads = 1 AND b.threads > 1 ORDER BY b.threads;
-- recsys.max_threads: the default is the cores this server may use; only a
-- superuser sets it, and recsys.threads above it is lowered to it
SELECT current_setting('recsys.max_threads')::int >= 1 AS has_cores,
       current_setting('recsys.threads') = current_setting('recsys.max_threads') AS threads_default;
SET recsys.max_threads = 1;
SET recsys.threads = 8;
SELECT recsys.model_info(recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 1}'))
       ->'metadata'->'training'->'threads' AS used_threads FROM watch;
RESET recsys.threads;
RESET recsys.max_threads;
CREATE ROLE recsys_plain_user;
SET ROLE recsys_plain_user;
SET recsys.max_threads = 64;
SET recsys.threads = 2;
RESET ROLE;
DROP ROLE recsys_plain_user;
-- a different seed gives different factors
SELECT (SELECT array_agg(factors ORDER BY user_id) FROM recsys.user_factors(m.model)) <>
       (SELECT array_agg(factors ORDER BY user_id) FROM recsys.user_factors(
          (SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 10, "seed": 4, "l2": 1}') FROM watch)))
       AS seed_matters
FROM m;
-- explicit ratings
SELECT recsys.model_info(recsys.als_fit(user_id, item_id, 1 + item_id % 5, '{"explicit": true, "factors": 4, "iterations": 3}'))
       ->'metadata'->'options'->'explicit' AS explicit FROM watch;
-- progress NOTICEs (their text holds timings, so only their count is checked, by scripts/test.sh)
SET recsys.progress = on;
SHOW recsys.progress;
RESET recsys.progress;
-- GROUP BY: one model per segment
SELECT user_id <= 20 AS segment, recsys.model_info(recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 1}'))
       ->'metadata'->'dimensions' AS dims
FROM watch GROUP BY 1 ORDER BY 1;
