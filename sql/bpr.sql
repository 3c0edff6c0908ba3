-- BPR (bpr_fit): training, the training AUC in model_info and
-- training_history, planted tastes, determinism under a seed for 1 and 2
-- threads, serving through the candidate functions, every error; then
-- recsys.explain on ALS (contributions summing to recommend's score) and on
-- a kind that cannot explain.
-- (a model depends on the thread count: fix it whatever the machine's cores)
SET recsys.max_threads = 2;
SET recsys.threads = 2;
CREATE TABLE bpr_m AS
SELECT recsys.bpr_fit(user_id, item_id, weight, '{"factors": 4, "epochs": 100, "learning_rate": 0.05, "seed": 1}') AS model
FROM watch;
SELECT recsys.model_info(model)->>'kind' AS kind,
       recsys.model_info(model)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(model)->'metadata'->'training'->>'metric' AS metric,
       recsys.model_info(model)->'metadata'->'training'->'interactions' AS interactions,
       jsonb_array_length(recsys.model_info(model)->'metadata'->'training'->'loss') AS epochs,
       recsys.model_info(model)->'metadata'->'options' AS options
FROM bpr_m;
-- training_history's loss column is the training AUC of each epoch: it rises
SELECT count(*) AS epochs, min(loss) >= 0 AND max(loss) <= 1 AS in_range,
       (array_agg(loss ORDER BY iteration))[100] > (array_agg(loss ORDER BY iteration))[1] + 0.2 AS rises
FROM bpr_m, recsys.training_history(model);
-- planted tastes (users 1..20 watch items 100..114, users 21..40 items 115..129):
-- every user's 5 best unseen items are of its side
SELECT count(*) AS recommendations,
       count(*) FILTER (WHERE (u.user_id <= 20) = (r.item_id <= 114)) AS of_own_side
FROM bpr_m, generate_series(1, 40) u(user_id), recsys.recommend(model, u.user_id, 5) r;
-- the user vector's last entry is 1, the item's last its bias: factors + 1 numbers
SELECT array_length(factors, 1) AS user_length, factors[5] AS bias_entry FROM bpr_m, recsys.user_factors(model) LIMIT 1;
SELECT array_length(factors, 1) AS item_length FROM bpr_m, recsys.item_factors(model) LIMIT 1;
-- a seed gives the same model for a thread count (only the training time differs)
CREATE TEMP TABLE bpr_runs (threads int, model bytea);
SET recsys.threads = 1;
INSERT INTO bpr_runs SELECT 1, recsys.bpr_fit(user_id, item_id, weight, '{"factors": 4, "epochs": 5, "seed": 7}') FROM watch, generate_series(1, 2) g GROUP BY g;
SET recsys.threads = 2;
INSERT INTO bpr_runs SELECT 2, recsys.bpr_fit(user_id, item_id, weight, '{"factors": 4, "epochs": 5, "seed": 7}') FROM watch, generate_series(1, 2) g GROUP BY g;
-- (size_bytes too: the recorded seconds are text of varying length in the metadata)
SELECT threads, count(DISTINCT (recsys.model_info(model) #- '{metadata,training,seconds}') - 'size_bytes'::text) AS distinct_models,
       min((recsys.model_info(model)->'metadata'->'training'->>'workers')::int) AS workers
FROM bpr_runs GROUP BY threads ORDER BY threads;
-- the seed matters
SELECT count(DISTINCT (recsys.model_info(m) #- '{metadata,training,seconds}') - 'size_bytes'::text) AS distinct_models
FROM (SELECT recsys.bpr_fit(user_id, item_id, weight, jsonb_build_object('epochs', 3, 'seed', s)) AS m
      FROM watch, generate_series(1, 2) s GROUP BY s) x;
-- served like ALS: recommend_for_items folds a history in (the same answer twice),
-- similar_items, recommend_all, seen_items
SELECT (SELECT array_agg(item_id ORDER BY rank) FROM recsys.recommend_for_items(model, ARRAY[100, 101, 102]::bigint[], k => 5)) =
       (SELECT array_agg(item_id ORDER BY rank) FROM recsys.recommend_for_items(model, ARRAY[100, 101, 102]::bigint[], k => 5))
           AS fold_in_repeats,
       (SELECT bool_and(item_id <= 114) FROM recsys.recommend_for_items(model, ARRAY[100, 101, 102]::bigint[], k => 5))
           AS fold_in_own_side,
       (SELECT bool_and(item_id >= 115) FROM recsys.recommend_for_items(model, ARRAY[120, 121, 122]::bigint[], k => 5))
           AS other_side_history,
       (SELECT count(*) FROM recsys.similar_items(model, 100, 3)) AS similar,
       (SELECT count(*) FROM recsys.recommend_all(model, 2)) AS all_rows,
       (SELECT count(*) FROM recsys.seen_items(model)) = (SELECT count(DISTINCT (user_id, item_id)) FROM watch) AS seen
FROM bpr_m;
-- an unknown user gets the popular items, with a NOTICE
SELECT count(*) FROM bpr_m, recsys.recommend(model, 999, 3);
-- by name, from the registry
SELECT recsys.save_model('bpr_test', model) > 0 AS saved FROM bpr_m;
SELECT count(*) FROM recsys.recommend('bpr_test', 1, 3);
-- zero rows give NULL; NULL ids are skipped
SELECT recsys.bpr_fit(user_id, item_id, weight) IS NULL AS is_null FROM watch WHERE false;
SELECT recsys.model_info(recsys.bpr_fit(u, i, w, '{"epochs": 1}'))->'metadata'->'training'->'skipped_rows' AS skipped
FROM (VALUES (1::bigint, 10::bigint, 1.0::float8), (NULL, 11, 1.0), (2, 11, NULL)) v(u, i, w);
-- errors: options (our name for implicit's regularization is l2), weights, memory
SELECT error_of($$SELECT recsys.bpr_fit(user_id, item_id, weight, '{"regularization": 0.1}') FROM watch$$);
SELECT error_of($$SELECT recsys.bpr_fit(user_id, item_id, weight, '{"learning_rate": 0}') FROM watch$$);
SELECT error_of($$SELECT recsys.bpr_fit(user_id, item_id, weight, '{"epochs": 1.5}') FROM watch$$);
SELECT error_of($$SELECT recsys.bpr_fit(u, i, w) FROM (VALUES (1::bigint, 10::bigint, 'NaN'::float8)) v(u, i, w)$$);
SELECT error_of($$SELECT recsys.bpr_fit(u, i, w) FROM (VALUES (1::bigint, 10::bigint, -1::float8)) v(u, i, w)$$);
CREATE TABLE bpr_wide AS
SELECT (g * 7919 % 20011) AS user_id, (g * 104729 % 20021) AS item_id, 1.0::float8 AS weight
FROM generate_series(1::bigint, 60000) g;
-- (8 MB holds the rows and their interactions, not the factors)
SET recsys.max_memory = '8MB';
SELECT error_of($$SELECT recsys.bpr_fit(user_id, item_id, weight, '{"factors": 64}') FROM bpr_wide$$);
RESET recsys.max_memory;
-- statement_timeout stops a long training promptly
SET statement_timeout = '300ms';
DO $$
DECLARE started timestamptz := clock_timestamp();
BEGIN
    PERFORM recsys.bpr_fit(user_id, item_id, weight, '{"factors": 64, "epochs": 100000}') FROM bpr_wide;
    RAISE NOTICE 'bpr_fit was not stopped';
EXCEPTION WHEN query_canceled THEN
    RAISE NOTICE 'stopped promptly: %', clock_timestamp() - started < interval '1.5s';
END $$;
RESET statement_timeout;

-- recsys.explain: ALS's score decomposed over the user's training items,
-- the last row (item_id NULL) what the stored factors add to the exact
-- solve's; they sum to recommend's score
CREATE TABLE explain_m AS
SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 10, "seed": 2, "l2": 0.5}') AS model FROM watch;
SELECT r.item_id AS recommended, count(*) - 1 AS watched_items,
       count(*) FILTER (WHERE e.item_id IS NULL) AS rest_rows,
       abs(sum(e.contribution) - r.score) < 1e-4 AS sums_to_score
FROM explain_m, recsys.recommend(model, 3, 2) r, recsys.explain(model, 3, r.item_id) e
GROUP BY r.item_id, r.score ORDER BY r.item_id;
-- the watched items are the user's training items
SELECT array_agg(e.item_id ORDER BY e.item_id) FILTER (WHERE e.item_id IS NOT NULL) =
       (SELECT array_agg(DISTINCT item_id ORDER BY item_id) FROM watch WHERE user_id = 3) AS the_users_items
FROM explain_m, recsys.explain(model, 3, 120) e;
-- exact solves (cg_steps 0): the rest is the item factors' last move only, small
SELECT abs(e.contribution) < 0.5 AS small_rest
FROM (SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 10, "cg_steps": 0}') AS model FROM watch) m,
     recsys.explain(model, 3, 101) e WHERE e.item_id IS NULL;
-- by name; an unknown user or item gives no rows and a NOTICE; NULL gives no rows
SELECT recsys.save_model('explain_test', model) > 0 AS saved FROM explain_m;
SELECT count(*) FROM recsys.explain('explain_test', 3, 101);
SELECT count(*) FROM explain_m, recsys.explain(model, 999, 101);
SELECT count(*) FROM explain_m, recsys.explain(model, 3, 999);
SELECT count(*) FROM explain_m, recsys.explain(model, NULL, 101);
-- a kind that cannot explain its scores, and a model that is no candidate generator
SELECT error_of($$SELECT * FROM bpr_m, recsys.explain(model, 1, 101)$$);
SELECT error_of($$SELECT * FROM (SELECT recsys.logreg_fit(true, ARRAY[1.0]) AS model) l, recsys.explain(model, 1, 101)$$);
RESET recsys.threads;
RESET recsys.max_threads;
DROP TABLE bpr_m, bpr_wide, explain_m;
