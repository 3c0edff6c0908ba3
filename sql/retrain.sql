-- recsys.retrain_als, the retraining job (run directly here; README: with pg_cron):
-- trains on the last days of a watch table, scores candidate and serving version
-- on the same held-out pairs (those neither was trained on), saves only a
-- candidate not worse than the margin allows, prunes, and logs every run in
-- recsys.retrain_log.
-- 200 users in 4 groups, each watching videos of its group's 15, over the last
-- 20 days; and rows from 60 days ago, outside a 30-day window.
SELECT setseed(0.25);
CREATE TABLE events AS
SELECT u::bigint AS user_id, (1000 + (u % 4) * 15 + floor(random() * 15))::bigint AS item_id,
       (1 + floor(random() * 30))::real AS minutes_watched, now() - random() * interval '20 days' AS watched_at
FROM generate_series(1, 200) u, generate_series(1, 15) j
UNION ALL
SELECT u, 2000 + u % 7, 5, now() - interval '60 days' FROM generate_series(1, 200) u;
CREATE VIEW run AS
SELECT row_number() OVER (ORDER BY id) AS run, status, model_id IS NOT NULL AS saved_id,
       serving_id IS NOT NULL AS compared, pruned,
       regexp_replace(reason, '[0-9]+(\.[0-9]+)?', 'N', 'g') AS reason
FROM recsys.retrain_log WHERE name = 'rt';
-- the first run saves the first version
SELECT status, reason FROM recsys.retrain_als('rt', 'events', 30, '{"factors": 8, "iterations": 10, "l2": 1}');
SELECT metrics->'training_rows' AS training_rows, metrics->'held_out_rows' AS held_out_rows, metrics->'users' AS users,
       metrics->'pairs' AS pairs, metrics->'held_out_pairs' AS held_out_pairs, metrics->'held_out_pairs_seen' AS seen,
       (metrics->>'ndcg@10')::float8 > 0.3 AS good_ndcg,
       metrics ?& ARRAY['ndcg@10', 'recall@10', 'precision@10', 'map@10'] AS all_metrics
FROM recsys.models WHERE name = 'rt';
-- (a) a serving version better than the candidate is kept: a deliberately bad
-- configuration (1 factor, 1 iteration) is worse, skipped, with the reason
SELECT status, model_id, (metrics->>'ndcg@10')::float8 < (serving_metrics->>'ndcg@10')::float8 AS worse,
       reason ~ '^ndcg@10 [0-9.]+ is below [0-9.]+ of the serving version [0-9]+ by more than the margin \(0%\)$' AS why
FROM recsys.retrain_als('rt', 'events', 30, '{"factors": 1, "iterations": 1}');
SELECT count(*) AS versions FROM recsys.models WHERE name = 'rt';
-- a margin that tolerates it saves it
SELECT status FROM recsys.retrain_als('rt', 'events', 30, '{"factors": 1, "iterations": 1}', margin => 0.99);
-- (b) a worse serving version is replaced: the good configuration against the bad
-- one saved just now is better, saved; keep => 2 prunes the rest
SELECT status, pruned, (metrics->>'ndcg@10')::float8 > (serving_metrics->>'ndcg@10')::float8 AS better
FROM recsys.retrain_als('rt', 'events', 30, '{"factors": 8, "iterations": 10, "l2": 1}', keep => 2);
SELECT count(*) AS versions FROM recsys.models WHERE name = 'rt';
-- warm: starts from the serving version and runs warm_iterations (here about as good: a 5% margin)
SELECT status, model_id AS warm_id, serving_id AS from_id
FROM recsys.retrain_als('rt', 'events', 30, '{"factors": 8, "iterations": 10, "l2": 1}',
                        warm_iterations => 2, margin => 0.05, keep => NULL) \gset
SELECT :'status' AS status, recsys.model_info(model)->'metadata'->'training'->'warm_start'->'model_id' = to_jsonb(:from_id) AS warm,
       recsys.model_info(model)->'metadata'->'options'->'iterations' AS iterations
FROM recsys.models WHERE id = :warm_id;
-- while a version is pinned, a saved one waits: serving stays on the pin
SELECT recsys.deploy('rt', min(id)) > 0 AS pinned FROM recsys.models WHERE name = 'rt';
SELECT status, reason ~ '; serving stays on the pinned version [0-9]+$' AS stays
FROM recsys.retrain_als('rt', 'events', 30, '{"factors": 8, "iterations": 10, "l2": 1}', keep => NULL);
SELECT recsys.undeploy('rt') > 0 AS unpinned;
-- other column names, a weight of 1, another metric
CREATE VIEW plays AS SELECT user_id AS who, item_id AS what, watched_at AS at FROM events;
SELECT status, serving_metrics IS NOT NULL AS compared
FROM recsys.retrain_als('rt', 'plays', 30, '{"factors": 8, "iterations": 10, "l2": 1}', metric => 'recall@10',
                        columns => '{"user": "who", "item": "what", "weight": null, "time": "at"}', margin => 0.5);
-- (c) a serving version trained on held-out rows is not credited with them. The
-- split retrain_als makes, and a serving version trained on the candidate's rows
-- plus the even users' held-out ones. Compared as before this fix (each model's
-- own training items excluded, every held-out row relevant), it could hit none
-- of the even users' rows and scored NDCG@10 0.17 against 0.26 of the candidate
-- below: it was replaced. Now those pairs are left out for both models.
CREATE TEMP TABLE split AS
SELECT user_id, item_id, minutes_watched AS weight,
       row_number() OVER (PARTITION BY user_id ORDER BY watched_at DESC, item_id)
         <= greatest(1, round(count(*) OVER (PARTITION BY user_id) / 5.0)) AS held_out
FROM events WHERE watched_at > now() - interval '30 days';
SELECT recsys.save_model('rt_fair', recsys.als_fit(user_id, item_id, weight,
                                                   '{"factors": 8, "iterations": 10, "l2": 1}')) AS fair_id
FROM split WHERE NOT held_out OR user_id % 2 = 0 \gset
-- the held-out pairs counted directly: those the serving version was trained on,
-- and those neither model was (of users with training rows), all of odd users
CREATE TEMP TABLE held_out_pairs AS
SELECT h.user_id, h.item_id, k.user_id IS NOT NULL AS known, c.user_id IS NOT NULL AS in_candidate,
       s.user_id IS NOT NULL AS in_serving
FROM (SELECT DISTINCT user_id, item_id FROM split WHERE held_out) h
LEFT JOIN (SELECT DISTINCT user_id FROM split WHERE NOT held_out) k ON k.user_id = h.user_id
LEFT JOIN (SELECT DISTINCT user_id, item_id FROM split WHERE NOT held_out) c
    ON c.user_id = h.user_id AND c.item_id = h.item_id
LEFT JOIN recsys.seen_items('rt_fair') s ON s.user_id = h.user_id AND s.item_id = h.item_id;
SELECT count(*) AS held_out_pairs, count(*) FILTER (WHERE in_serving) AS serving_seen,
       count(*) FILTER (WHERE known AND NOT in_candidate AND NOT in_serving) AS fair_pairs,
       count(DISTINCT user_id) FILTER (WHERE known AND NOT in_candidate AND NOT in_serving) AS fair_users,
       bool_and(user_id % 2 = 1) FILTER (WHERE known AND NOT in_candidate AND NOT in_serving) AS all_odd
FROM held_out_pairs \gset
SELECT :held_out_pairs AS held_out_pairs, :serving_seen AS serving_seen, :fair_pairs AS fair_pairs,
       :fair_users AS fair_users, :'all_odd' AS all_odd;
-- a candidate worse than it (4 factors, 2 iterations) is compared on exactly those
-- pairs and users, the same for both, and the serving version is kept
SELECT status, serving_id = :fair_id AS compared_with_it,
       (metrics->>'pairs')::int = :fair_pairs AND (serving_metrics->>'pairs')::int = :fair_pairs AS on_fair_pairs,
       (metrics->>'users')::int = :fair_users AND (serving_metrics->>'users')::int = :fair_users AS of_the_same_users,
       (metrics->>'held_out_pairs')::int = :held_out_pairs AS held_out,
       (serving_metrics->>'held_out_pairs_seen')::int = :serving_seen AS serving_seen_left_out,
       (metrics->>'ndcg@10')::float8 < (serving_metrics->>'ndcg@10')::float8 AS serving_better
FROM recsys.retrain_als('rt_fair', 'events', 30, '{"factors": 4, "iterations": 2}', keep => NULL);
-- a serving version trained on every row leaves nothing to compare on: the
-- candidate is saved, and the reason says why
SELECT recsys.save_model('rt_all', recsys.als_fit(user_id, item_id, weight,
                                                  '{"factors": 8, "iterations": 10, "l2": 1}')) > 0 AS saved
FROM split;
SELECT status, metrics->'pairs' AS pairs, metrics->'users' AS users,
       serving_metrics->'held_out_pairs_seen' = metrics->'held_out_pairs' AS serving_saw_all,
       regexp_replace(reason, 'version [0-9]+', 'version N') AS reason
FROM recsys.retrain_als('rt_all', 'events', 30, '{"factors": 4, "iterations": 2}', keep => NULL);
DROP TABLE split, held_out_pairs;
-- no rows in the window: skipped
CREATE TABLE old_events AS SELECT * FROM events WHERE watched_at < now() - interval '30 days';
SELECT status, reason FROM recsys.retrain_als('rt', 'old_events', 30);
-- a training that fails is logged as failed, with a warning, not raised: a scheduled job records it
CREATE TABLE bad_events AS SELECT user_id, item_id, -minutes_watched AS minutes_watched, watched_at FROM events;
SELECT status, reason FROM recsys.retrain_als('rt', 'bad_events', 30, '{"factors": 2}');
SELECT status, reason FROM recsys.retrain_als('rt', 'events', 30, '{"factors": 2}', columns => '{"time": "shown_at"}');
SELECT status, reason FROM recsys.retrain_als('rt', 'events', 30, '{"factros": 2}');
-- the log
SELECT * FROM run ORDER BY run;
SELECT bool_and(finished_at >= started_at) AS timed FROM recsys.retrain_log;
-- bad arguments are errors
SELECT error_of($$SELECT recsys.retrain_als('rt', 'events', 0)$$);
SELECT error_of($$SELECT recsys.retrain_als('rt', 'events', 30, margin => 1)$$);
SELECT error_of($$SELECT recsys.retrain_als('rt', 'events', 30, margin => -0.1)$$);
SELECT error_of($$SELECT recsys.retrain_als('rt', 'events', 30, margin => 'NaN')$$);
SELECT error_of($$SELECT recsys.retrain_als('rt', 'events', 30, keep => 0)$$);
SELECT error_of($$SELECT recsys.retrain_als('rt', 'events', 30, metric => 'auc')$$);
SELECT error_of($$SELECT recsys.retrain_als('rt', 'events', 30, options => '[]')$$);
SELECT error_of($$SELECT recsys.retrain_als('rt', 'events', 30, columns => '{"who": "user_id"}')$$);
SELECT error_of($$SELECT recsys.retrain_als('rt', 'events', 30, columns => '{"user": 1}')$$);
SELECT error_of($$SELECT recsys.retrain_als(NULL, 'events')$$);
SELECT error_of($$SELECT recsys.retrain_als('', 'events')$$);
SELECT error_of($$SELECT recsys.retrain_als('rt', NULL)$$);
SELECT error_of($$SELECT recsys.retrain_als('rt', 'no_such_table')$$);
SELECT recsys.save_model('rt_ranker', recsys.logreg_fit(user_id % 2 = 0, ARRAY[item_id::float8])) > 0 AS saved FROM watch;
SELECT error_of($$SELECT recsys.retrain_als('rt_ranker', 'events')$$);
DROP VIEW run, plays;
DROP TABLE events, old_events, bad_events;
