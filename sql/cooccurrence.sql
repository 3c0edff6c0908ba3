-- cooccurrence_fit (GloVe on watch sessions), similar_items on it and
-- item_vector on every item model: planted tastes found, the time window,
-- NULL rows, a parallel plan, registry names, and every error.
SELECT setseed(0.3);
-- Users 1..30 watch items 200..209, users 31..60 items 210..219, one a
-- minute, in 3 sessions a day apart.
CREATE TABLE sessions AS
SELECT u::bigint AS user_id, (200 + ((u - 1) / 30) * 10 + floor(random() * 10))::bigint AS item_id,
       timestamptz '2026-01-01' + (j / 5) * interval '1 day' + (j % 5) * interval '1 minute' AS watched_at
FROM generate_series(1, 60) u, generate_series(0, 14) j;
CREATE TABLE embeddings AS
SELECT recsys.cooccurrence_fit(user_id, item_id, watched_at, '{"factors": 8, "epochs": 40, "window": 4}') AS model
FROM sessions;
-- what the model is
SELECT recsys.model_info(model)->>'kind' AS kind, recsys.model_info(model)->'metadata'->'options' AS options,
       recsys.model_info(model)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(model)->'metadata'->'training'->'rows' AS rows,
       (recsys.model_info(model)->'metadata'->'training'->>'pairs')::int > 50 AS has_pairs,
       jsonb_array_length(recsys.model_info(model)->'metadata'->'training'->'loss') AS epochs
FROM embeddings;
-- the loss went down
SELECT (l->>-1)::float8 < 0.5 * (l->>0)::float8 AS loss_fell
FROM (SELECT recsys.model_info(model)->'metadata'->'training'->'loss' AS l FROM embeddings) s;
-- neighbours share the taste
SELECT avg(((s.item_id - 200) / 10 = (i - 200) / 10)::int) AS same_taste, count(*) AS neighbours
FROM embeddings e, generate_series(200, 219) i, recsys.similar_items(e.model, i, 5) s;
-- item vectors: the model's dimensions; NULL for an unknown or NULL item
SELECT array_length(recsys.item_vector(model, 205), 1) AS dimensions,
       recsys.item_vector(model, 999) IS NULL AS unknown_is_null,
       recsys.item_vector(model, NULL) IS NULL AS null_is_null
FROM embeddings;
-- the cosine similar_items gives is the one of the vectors
SELECT abs(s.score - (SELECT sum(a * b) / sqrt(sum(a * a) * sum(b * b))
                      FROM unnest(recsys.item_vector(e.model, 203), recsys.item_vector(e.model, s.item_id)) v(a, b))) < 1e-5
       AS cosine
FROM embeddings e, recsys.similar_items(e.model, 203, 1) s;
-- by name
SELECT recsys.save_model('sessions_glove', model) > 0 AS saved FROM embeddings;
SELECT recsys.item_vector('sessions_glove', 211) = recsys.item_vector(model, 211) AS same_vector FROM embeddings;
SELECT count(*) AS neighbours FROM recsys.similar_items('sessions_glove', 211, 3);
-- ALS item factors through the same function
SELECT recsys.item_vector(m, 100) = (SELECT factors FROM recsys.item_factors(m) WHERE item_id = 100) AS als_factors,
       array_length(recsys.item_vector(m, 100), 1) AS als_dimensions
FROM (SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 3, "iterations": 2}') AS m FROM watch) a;
-- a time window: watch pairs only within 10 minutes (not across days) are fewer
SELECT (recsys.model_info(w)->'metadata'->'training'->>'watch_pairs')::int
       < (recsys.model_info(c)->'metadata'->'training'->>'watch_pairs')::int AS fewer_pairs,
       recsys.model_info(w)->'metadata'->'options'->'window_seconds' AS window_seconds
FROM (SELECT recsys.cooccurrence_fit(user_id, item_id, watched_at, '{"window_seconds": 600, "window": 20, "epochs": 2}') AS w,
             recsys.cooccurrence_fit(user_id, item_id, watched_at, '{"window": 20, "epochs": 2}') AS c
      FROM sessions) s;
-- NULL ids and times skip the row; the same seed gives the same vectors
SELECT recsys.model_info(m)->'metadata'->'training'->'skipped_rows' AS skipped,
       recsys.model_info(m)->'metadata'->'dimensions' AS dimensions
FROM (SELECT recsys.cooccurrence_fit(u, i, t, '{"factors": 2, "epochs": 1}') AS m
      FROM (VALUES (1, 10, timestamptz '2026-01-01'), (1, 11, '2026-01-02'), (1, NULL, '2026-01-03'),
                   (NULL, 12, '2026-01-03'), (2, 12, NULL)) v(u, i, t)) s;
CREATE FUNCTION same_vectors(a bytea, b bytea) RETURNS bool LANGUAGE sql AS $$
  SELECT bool_and(recsys.item_vector(a, i) = recsys.item_vector(b, i)) FROM generate_series(200, 219) i $$;
SELECT same_vectors(a.m, b.m) AS same_model
FROM (SELECT recsys.cooccurrence_fit(user_id, item_id, watched_at, '{"epochs": 3, "seed": 7}') AS m FROM sessions) a,
     (SELECT recsys.cooccurrence_fit(user_id, item_id, watched_at, '{"epochs": 3, "seed": 7}') AS m FROM sessions) b;
-- a parallel plan gives the same model (the counts do not depend on the rows' order)
CREATE TABLE sessions_big AS SELECT * FROM sessions, generate_series(1, 20) copy;
SELECT recsys.cooccurrence_fit(user_id, item_id, watched_at, '{"epochs": 2}') AS m INTO serial_model FROM sessions_big;
SELECT force_parallel_plans();
SELECT workers_launched('SELECT recsys.cooccurrence_fit(user_id, item_id, watched_at, ''{"epochs": 2}'') FROM sessions_big') > 0
       AS parallel;
SELECT same_vectors(recsys.cooccurrence_fit(user_id, item_id, watched_at, '{"epochs": 2}'), (SELECT m FROM serial_model))
       AS same_model
FROM sessions_big;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
-- errors
SELECT error_of($$SELECT recsys.cooccurrence_fit(user_id, item_id, watched_at, '{"window": 0}') FROM sessions$$);
SELECT error_of($$SELECT recsys.cooccurrence_fit(user_id, item_id, watched_at, '{"window_seconds": -5}') FROM sessions$$);
SELECT error_of($$SELECT recsys.cooccurrence_fit(user_id, item_id, watched_at, '{"windw": 3}') FROM sessions$$);
SELECT error_of($$SELECT recsys.cooccurrence_fit(user_id, item_id, watched_at) FROM sessions WHERE item_id = 200$$);
SELECT error_of($$SELECT recsys.cooccurrence_fit(user_id, item_id, watched_at, '{"window_seconds": 0}') FROM sessions$$);
SELECT error_of($$SELECT recsys.item_vector(NULL::bytea, 3)$$);
SELECT error_of($$SELECT recsys.item_vector('no such model', 3)$$);
SELECT error_of($$SELECT recsys.item_vector(recsys.linreg_fit(y, ARRAY[x]), 1) FROM (VALUES (1.0, 2.0), (2.0, 3.0), (3.0, 5.0)) v(y, x)$$);
SELECT error_of($$SELECT * FROM recsys.recommend((SELECT model FROM embeddings), 1)$$);
SELECT error_of($$SELECT recsys.item_vector(substr(model, 1, 60), 200) FROM embeddings$$);
-- memory: the count table is claimed before it grows
SET recsys.max_memory = '2MB';
SELECT error_of($$SELECT recsys.cooccurrence_fit(user_id, item_id, watched_at, '{"window": 200, "epochs": 1}')
                  FROM (SELECT g / 1000 AS user_id, g AS item_id, timestamptz '2026-01-01' + g * interval '1 s' AS watched_at
                        FROM generate_series(1, 20000) g) s$$) LIKE '53200: %co-occurrence%' AS refused;
RESET recsys.max_memory;
-- cancel: statement_timeout stops a long fit
SET statement_timeout = '300ms';
SELECT error_of($$SELECT recsys.cooccurrence_fit(user_id, item_id, watched_at, '{"epochs": 10000}') FROM sessions_big$$);
RESET statement_timeout;
-- the options are in the option table
SELECT option, type, default_value FROM recsys.options('cooccurrence') ORDER BY option;
