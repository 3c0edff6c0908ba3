-- The README's whole evaluation in one query ("Ranking metrics and the whole evaluation in one
-- query": split, train, score in one statement) against the same work with the model stored
-- first (train and save_model, then the scoring query by name), on generated watches of
-- :users users (default 20000). One round: each form once, timed by psql (`\timing`), after a
-- `RUN <form>` line. bench/one_query_eval.sh runs rounds in fresh connections and reports the
-- best of each form; -v explain=1 prints the one-query form's plan first.
--
--   psql -X -v ON_ERROR_STOP=1 [-v users=20000] -f bench/one_query_eval.sql
--
-- Data, made once per user count in UNLOGGED table bench_one_query_<users>(user_id, item_id,
-- watched_at), setseed(0.17): 10,000 videos in 8 taste groups of 1,250; each user has a group
-- and makes 5 to 109 picks (log-uniform), 80 % in its group and 20 % in any, a video drawn
-- by its popularity rank with Zipf's law (rank = 1251^u), watched in the last 60 days; repeat
-- picks kept once. (demo/demo.sql draws its watches the same way, with more detail.)
\set ON_ERROR_STOP 1
\if :{?users}
\else
\set users 20000
\endif
SET client_min_messages = warning;
SELECT format('bench_one_query_%s', :users) AS data_table \gset
SELECT to_regclass(:'data_table') IS NULL AS make_data \gset
\if :make_data
SELECT setseed(0.17);
CREATE UNLOGGED TABLE :"data_table" AS
SELECT DISTINCT ON (p.user_id, p.item_id) p.user_id, p.item_id, p.watched_at
FROM (SELECT u.user_id,
             (CASE WHEN random() < 0.8 THEN u.g ELSE floor(random() * 8)::int END) * 1250
               + least(1250, floor(power(1251, random()))::int) AS item_id,
             now() - interval '60 days' * random() AS watched_at
      FROM (SELECT g::bigint AS user_id, g % 8 AS g, floor(5 * power(22, random()))::int AS n
            FROM generate_series(1, :users) g) u,
           LATERAL generate_series(1, u.n)) p
ORDER BY p.user_id, p.item_id, p.watched_at;
ANALYZE :"data_table";
\endif
SELECT count(*) AS rows, count(DISTINCT user_id) AS users, count(DISTINCT item_id) AS items FROM :"data_table" \gset
\echo DATA :data_table :rows rows, :users users, :items videos

-- The forms, as psql variables made of shared pieces: the README's split (each user's
-- chronologically last 20 %, at least one, held out), the training, the held-out truth, the
-- four metrics over users.
\set split 'split AS (SELECT user_id, item_id, row_number() OVER (PARTITION BY user_id ORDER BY watched_at DESC) <= greatest(1, round(count(*) OVER (PARTITION BY user_id) / 5.0)) AS held_out FROM ' :"data_table" ')'
\set fit 'recsys.als_fit(user_id, item_id, 1.0, ''{}'')'
\set truth 'truth AS (SELECT user_id, array_agg(item_id) AS relevant FROM split WHERE held_out GROUP BY user_id)'
\set metrics 'SELECT avg(recsys.precision_at_k(rec, relevant, 10)) AS "P@10", avg(recsys.recall_at_k(rec, relevant, 10)) AS "R@10", avg(recsys.ndcg_at_k(rec, relevant, 10)) AS "NDCG@10", avg(recsys.average_precision_at_k(rec, relevant, 10)) AS "MAP@10", count(*) AS users'
-- one_query: the README's statement (the model a value computed inside it)
\set one_query 'WITH ' :split ', model AS (SELECT ' :fit ' AS m FROM split WHERE NOT held_out), ' :truth ' ' :metrics ' FROM truth t, model, LATERAL (SELECT array_agg(item_id ORDER BY rank) AS rec FROM recsys.recommend(model.m, t.user_id, 10)) r'
-- train_save: the same training, saved (the version before pruned afterwards, untimed)
\set train_save 'WITH ' :split ' SELECT recsys.save_model(''bench_one_query'', ' :fit ') > 0 AS saved FROM split WHERE NOT held_out'
-- stored: the scoring query with the model by name
\set stored 'WITH ' :split ', ' :truth ' ' :metrics ' FROM truth t, LATERAL (SELECT array_agg(item_id ORDER BY rank) AS rec FROM recsys.recommend(''bench_one_query'', t.user_id, 10)) r'

-- value: the same scoring with the stored model's bytes as a value made inside the query (read
-- and copied into memory once by a CTE, as a training CTE makes it): what a call on a model
-- value costs per row against a call by name, without the training. (MATERIALIZED: inlined,
-- the copy would be made again for every call.)
\set value 'WITH ' :split ', model AS MATERIALIZED (SELECT m.model || ''''::bytea AS m FROM recsys.models m WHERE m.id = recsys.serving_version(''bench_one_query'')), ' :truth ' ' :metrics ' FROM truth t, model, LATERAL (SELECT array_agg(item_id ORDER BY rank) AS rec FROM recsys.recommend(model.m, t.user_id, 10)) r'

-- the plan of the one-query form (where the model value comes from on each row)
\if :{?explain}
EXPLAIN (COSTS OFF) :one_query;
\endif

\timing on
\echo RUN train_save
:train_save;
\timing off
SELECT recsys.prune_models('bench_one_query', 1) >= 0 AS pruned;
\timing on
\echo RUN stored
:stored;
\echo RUN value
:value;
\echo RUN one_query
:one_query;
