-- ALS option warm_start: a training starts from the factors of the version a
-- registered name serves, for the users and items that version knows.
SELECT recsys.save_model('warm', recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 10}')) AS w1
FROM watch WHERE user_id <= 30 \gset
-- new data: 10 more users and the known ones' watches again
CREATE TABLE watch_more AS SELECT * FROM watch UNION ALL SELECT user_id, item_id, 2.0 FROM watch WHERE user_id % 3 = 0;
-- 0 iterations: the known users and items keep the old factors exactly; the others start as usual
SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 0, "warm_start": "warm"}') AS m0
FROM watch_more \gset
SELECT count(*) AS users, count(o.user_id) AS known, bool_and(n.factors = o.factors) FILTER (WHERE o.user_id IS NOT NULL) AS same
FROM recsys.user_factors(:'m0'::bytea) n LEFT JOIN recsys.user_factors('warm') o USING (user_id);
SELECT count(*) AS items, bool_and(n.factors = o.factors) AS same
FROM recsys.item_factors(:'m0'::bytea) n JOIN recsys.item_factors('warm') o USING (item_id);
-- the model says where it started, and keeps the option
SELECT t->'warm_start'->'model_id' = to_jsonb(:w1) AS from_w1, t->'warm_start'->'users' AS users,
       t->'warm_start'->'items' AS items, t->'loss' AS loss
FROM (SELECT recsys.model_info(:'m0'::bytea)->'metadata'->'training' AS t) x;
SELECT recsys.model_info(:'m0'::bytea)->'metadata'->'options'->'warm_start' AS option;
-- a warm start's first iterations have a lower loss than a cold start's
SELECT (w.l->>0)::float8 < (c.l->>0)::float8 AS warm_first_lower, (w.l->>1)::float8 < (c.l->>1)::float8 AS second_lower
FROM (SELECT recsys.model_info(recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 2, "warm_start": "warm"}'))
             ->'metadata'->'training'->'loss' AS l FROM watch_more) w,
     (SELECT recsys.model_info(recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 2}'))
             ->'metadata'->'training'->'loss' AS l FROM watch_more) c;
-- it starts from the version the name serves: a pinned one too
SELECT recsys.save_model('warm', recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 3}')) AS w2
FROM watch \gset
SELECT recsys.model_info(recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 1, "warm_start": "warm"}'))
       ->'metadata'->'training'->'warm_start'->'model_id' = to_jsonb(:w2) AS from_newest
FROM watch_more;
SELECT recsys.deploy('warm', :w1) = :w1 AS pinned;
SELECT recsys.model_info(recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 1, "warm_start": "warm"}'))
       ->'metadata'->'training'->'warm_start'->'model_id' = to_jsonb(:w1) AS from_pinned
FROM watch_more;
-- saved: the registry's params keep the option
SELECT recsys.save_model('warm_child', recsys.als_fit(user_id, item_id, weight,
                         '{"factors": 4, "iterations": 1, "warm_start": "warm"}')) AS child
FROM watch_more \gset
SELECT params->>'warm_start' AS warm_start FROM recsys.models WHERE id = :child;
-- explicit ratings start warm too
SELECT recsys.model_info(recsys.als_fit(user_id, item_id, 1 + item_id % 5,
                                        '{"factors": 4, "iterations": 1, "explicit": true, "warm_start": "warm"}'))
       ->'metadata'->'training'->'warm_start'->'users' AS explicit_users
FROM watch_more;
-- per group (GROUP BY): every group starts from the same version
SELECT user_id % 2 AS half, recsys.model_info(recsys.als_fit(user_id, item_id, weight,
           '{"factors": 4, "iterations": 1, "warm_start": "warm"}'))->'metadata'->'training'->'warm_start'->'users' AS users
FROM watch_more GROUP BY 1 ORDER BY 1;
-- bad input
SELECT error_of($$SELECT recsys.als_fit(user_id, item_id, weight, '{"warm_start": "nope"}') FROM watch$$);
SELECT error_of($$SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 8, "warm_start": "warm"}') FROM watch$$);
SELECT recsys.save_model('warm_ranker', recsys.logreg_fit(user_id % 2 = 0, ARRAY[item_id::float8])) > 0 AS saved FROM watch;
SELECT error_of($$SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "warm_start": "warm_ranker"}') FROM watch$$);
SELECT error_of($$SELECT recsys.als_fit(user_id, item_id, weight, '{"warm_start": 3}') FROM watch$$);
SELECT error_of($$SELECT recsys.als_fit(user_id, item_id, weight, '{"iterations": 0}') FROM watch$$);
-- an unknown name names the option in the error's context
\set VERBOSITY default
SELECT recsys.als_fit(user_id, item_id, weight, '{"warm_start": "nope"}') FROM watch;
DROP TABLE watch_more;
