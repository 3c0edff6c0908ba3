-- Training: NULL handling, weights, determinism, model_info, progress.
CREATE TABLE m AS SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 10, "seed": 3, "regularization": 1}') AS model
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
SELECT (SELECT array_agg(factors ORDER BY id) FROM recsys.item_factors(a.model)) =
       (SELECT array_agg(factors ORDER BY id) FROM recsys.item_factors(b.model)) AS same_item_factors,
       (SELECT array_agg(factors ORDER BY id) FROM recsys.user_factors(a.model)) =
       (SELECT array_agg(factors ORDER BY id) FROM recsys.user_factors(b.model)) AS same_user_factors,
       recsys.model_info(a.model) #- '{metadata,training,seconds}' - 'size_bytes' =
       recsys.model_info(b.model) #- '{metadata,training,seconds}' - 'size_bytes' AS same_info
FROM (SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 10, "seed": 3, "regularization": 1}') AS model
      FROM (SELECT * FROM watch ORDER BY user_id, item_id) o) a,
     (SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 10, "seed": 3, "regularization": 1}') AS model
      FROM (SELECT * FROM watch ORDER BY item_id DESC, user_id DESC) o) b;
-- threads do not change the model
SET recsys.threads = 1;
CREATE TEMP TABLE one_thread AS SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 10, "seed": 3, "regularization": 1}') AS model FROM watch;
RESET recsys.threads;
SELECT (SELECT array_agg(factors ORDER BY id) FROM recsys.user_factors(o.model)) =
       (SELECT array_agg(factors ORDER BY id) FROM recsys.user_factors(m.model)) AS same_with_one_thread
FROM one_thread o, m;
-- a different seed gives different factors
SELECT (SELECT array_agg(factors ORDER BY id) FROM recsys.user_factors(m.model)) <>
       (SELECT array_agg(factors ORDER BY id) FROM recsys.user_factors(
          (SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 10, "seed": 4, "regularization": 1}') FROM watch)))
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
