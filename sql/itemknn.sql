-- itemknn_fit and the candidate functions on it: a hand-built matrix whose
-- scores are checked against SQL that computes implicit's definitions
-- (cosine, tfidf, bm25 over the users, the user's row times the similarity),
-- neighbour pruning, NULL rows, every error, and a parallel plan.
CREATE TABLE watched(user_id bigint, item_id bigint, weight float8);
INSERT INTO watched VALUES
  (1, 10, 1), (1, 20, 2), (1, 30, 1),
  (2, 10, 3), (2, 40, 1),
  (3, 20, 1), (3, 30, 4), (3, 40, 1), (3, 50, 2),
  (4, 10, 1), (4, 50, 1),
  (5, 30, 2), (5, 40, 2), (5, 60, 1),
  (6, 20, 1), (6, 60, 5);
CREATE TABLE knn_models AS
SELECT s AS similarity, recsys.itemknn_fit(user_id, item_id, weight, jsonb_build_object('similarity', s, 'neighbours', 50)) AS model
FROM watched, unnest(ARRAY['cosine', 'bm25', 'tfidf']) s GROUP BY s;
-- what the models are
SELECT similarity, recsys.model_info(model)->>'kind' AS kind, recsys.model_info(model)->'metadata'->'options' AS options,
       recsys.model_info(model)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(model)->'metadata'->'training'->'interactions' AS interactions
FROM knn_models ORDER BY similarity;
-- the oracle, in SQL: the weighted item-user matrix of each similarity ...
CREATE TABLE oracle_weights AS
WITH counts AS (
  SELECT (SELECT count(DISTINCT item_id) FROM watched)::float8 AS items,
         (SELECT avg(total) FROM (SELECT sum(weight) AS total FROM watched GROUP BY item_id) t) AS mean_length
), idf AS (
  SELECT user_id, ln(c.items) - ln(1 + count(*)) AS idf FROM watched, counts c GROUP BY user_id, c.items
), raw AS (
  SELECT 'cosine' AS similarity, w.item_id, w.user_id, w.weight AS v FROM watched w
  UNION ALL
  SELECT 'tfidf', w.item_id, w.user_id, sqrt(w.weight) * i.idf FROM watched w JOIN idf i USING (user_id)
  UNION ALL
  SELECT 'bm25', w.item_id, w.user_id,
         w.weight * 2.2 / (1.2 * (0.25 + 0.75 * l.total / c.mean_length) + w.weight) * i.idf
  FROM watched w JOIN idf i USING (user_id) CROSS JOIN counts c
  JOIN (SELECT item_id, sum(weight) AS total FROM watched GROUP BY item_id) l USING (item_id)
)
SELECT similarity, item_id, user_id,
       CASE WHEN similarity = 'bm25' THEN v ELSE v / sqrt(sum(v * v) OVER (PARTITION BY similarity, item_id)) END AS w
FROM raw;
-- ... the similarity of every pair sharing a user, and each user's score of every item
CREATE TABLE oracle_similarity AS
SELECT a.similarity, a.item_id AS item_j, b.item_id AS item_i, sum(a.w * b.w) AS sim
FROM oracle_weights a JOIN oracle_weights b USING (similarity, user_id) GROUP BY 1, 2, 3;
CREATE TABLE oracle_scores AS
SELECT s.similarity, w.user_id, s.item_i AS item_id, sum(w.weight * s.sim) AS score
FROM watched w JOIN oracle_similarity s ON s.item_j = w.item_id GROUP BY 1, 2, 3;
-- hand-worked: cosine(10, 20) = (1*2) / (sqrt(1+9+1) * sqrt(4+1+1))
SELECT round(sim::numeric, 6) AS cosine_10_20, round((2 / (sqrt(11) * sqrt(6)))::numeric, 6) AS by_hand
FROM oracle_similarity WHERE similarity = 'cosine' AND item_j = 10 AND item_i = 20;
-- every user's score of every item equals the oracle (seen items included)
SELECT m.similarity, count(*) AS scores,
       max(abs(r.score - coalesce(o.score, 0))) < 1e-5 AS equal
FROM knn_models m CROSS JOIN LATERAL (SELECT DISTINCT user_id FROM watched) u
CROSS JOIN LATERAL recsys.recommend(m.model, u.user_id, 100, false) r
LEFT JOIN oracle_scores o ON o.similarity = m.similarity AND o.user_id = u.user_id AND o.item_id = r.item_id
GROUP BY m.similarity ORDER BY m.similarity;
-- recommend leaves the seen items out; user 4's top items
SELECT r.* FROM knn_models m, recsys.recommend(m.model, 4, 3) r WHERE m.similarity = 'cosine';
-- the candidate subset and the exclusions (a seen or unknown candidate is left out)
SELECT r.* FROM knn_models m,
       recsys.recommend(m.model, 4, 5, candidates => ARRAY[20, 30, 60, 10, 999], exclude => ARRAY[30]) r
WHERE m.similarity = 'cosine';
-- similar_items: the kept neighbours without the item, best first; equal to the oracle
SELECT s.item_id, round(s.score::numeric, 5) AS score, s.rank,
       round(o.sim::numeric, 5) = round(s.score::numeric, 5) AS as_oracle
FROM knn_models m, recsys.similar_items(m.model, 30, 10) s
JOIN oracle_similarity o ON o.similarity = 'cosine' AND o.item_j = 30 AND o.item_i = s.item_id
WHERE m.similarity = 'cosine' ORDER BY s.rank;
-- recommend_for_items: a history scored as a user with those weights
SELECT r.item_id, round(r.score::numeric, 5) AS score,
       round(r.score::numeric, 5) = round((SELECT 2 * coalesce(sum(sim) FILTER (WHERE item_j = 10), 0) +
                                                  coalesce(sum(sim) FILTER (WHERE item_j = 60), 0)
                                           FROM oracle_similarity
                                           WHERE similarity = 'cosine' AND item_i = r.item_id)::numeric, 5) AS as_oracle
FROM knn_models m, recsys.recommend_for_items(m.model, ARRAY[10, 60, 10, 999], ARRAY[1, 1, 1, 5]) r
WHERE m.similarity = 'cosine';
-- recommend_all: each user's recommend
SELECT count(*) AS rows,
       bool_and(a.score = r.score) AS same_scores
FROM knn_models m, recsys.recommend_all(m.model, 2) a
JOIN LATERAL recsys.recommend(m.model, a.user_id, 2) r ON r.rank = a.rank AND r.item_id = a.item_id
WHERE m.similarity = 'bm25';
SELECT count(*) AS seen FROM knn_models m, recsys.seen_items(m.model) WHERE m.similarity = 'tfidf';
-- pruning: with 2 neighbours an item keeps itself and its best; scores use only those
CREATE TABLE pruned AS SELECT recsys.itemknn_fit(user_id, item_id, weight, '{"neighbours": 2}') AS model FROM watched;
SELECT i AS item_id, (SELECT array_agg(s.item_id ORDER BY s.rank) FROM recsys.similar_items(p.model, i, 5) s) AS kept
FROM pruned p, unnest(ARRAY[10, 20, 30, 40, 50, 60]) i;
-- (20 and 60 are no kept neighbour of 10 or 50: score 0, last)
SELECT r.item_id, round(r.score::numeric, 5) AS score FROM pruned p, recsys.recommend(p.model, 4, 5) r;
-- NULL ids skip the row, a NULL weight counts as 1
SELECT recsys.model_info(m)->'metadata'->'training'->'rows' AS rows,
       recsys.model_info(m)->'metadata'->'training'->'skipped_rows' AS skipped,
       (SELECT array_agg(round(score::numeric, 4)) FROM recsys.recommend(m, 1, 5, false)) AS scores
FROM (SELECT recsys.itemknn_fit(u, i, w) AS m
      FROM (VALUES (1::bigint, 10::bigint, NULL::float8), (1, 20, 1), (NULL, 10, 1), (2, NULL, 1), (2, 20, 1),
                   (2, 30, 1)) v(u, i, w)) s;
-- by name, through the registry
SELECT recsys.save_model('neighbours', model) > 0 AS saved FROM knn_models WHERE similarity = 'cosine';
SELECT (SELECT array_agg(item_id) FROM recsys.recommend('neighbours', 1, 3)) =
       (SELECT array_agg(r.item_id) FROM knn_models m, recsys.recommend(m.model, 1, 3) r WHERE m.similarity = 'cosine')
       AS same_by_name;
-- errors
SELECT error_of($$SELECT recsys.itemknn_fit(user_id, item_id, weight, '{"similarity": "jaccard"}') FROM watched$$);
SELECT error_of($$SELECT recsys.itemknn_fit(user_id, item_id, weight, '{"neighbours": 0}') FROM watched$$);
SELECT error_of($$SELECT recsys.itemknn_fit(user_id, item_id, weight, '{"neighbours": 2.5}') FROM watched$$);
SELECT error_of($$SELECT recsys.itemknn_fit(user_id, item_id, weight, '{"b": 2}') FROM watched$$);
SELECT error_of($$SELECT recsys.itemknn_fit(user_id, item_id, weight, '{"K": 20}') FROM watched$$);
SELECT error_of($$SELECT recsys.itemknn_fit(user_id, item_id, -1.0) FROM watched$$);
SELECT error_of($$SELECT recsys.itemknn_fit(user_id, item_id, 'NaN') FROM watched$$);
SELECT recsys.itemknn_fit(user_id, item_id, weight) IS NULL AS no_rows FROM watched WHERE false;
SELECT recsys.itemknn_fit(NULL::bigint, item_id, weight) IS NULL AS every_row_skipped FROM watched;
SELECT error_of($$SELECT * FROM knn_models m, recsys.recommend(m.model, 1, 0)$$);
SELECT error_of($$SELECT * FROM knn_models m, recsys.similar_items(m.model, 10, -1)$$);
SELECT error_of($$SELECT * FROM knn_models m, recsys.item_factors(m.model)$$);
SELECT error_of($$SELECT recsys.predict(model, ARRAY[1.0]) FROM knn_models$$);
-- its memory is claimed under recsys.max_memory
CREATE TABLE many AS SELECT g % 3000 AS user_id, (g * 7919) % 2000 AS item_id, 1.0::float8 AS weight
FROM generate_series(1, 60000) g;
-- (2000 items x 500 kept, with the rows and the weighted matrix: over 12 MB, refused before
-- the neighbours are allocated)
SET recsys.max_memory = '12MB';
SELECT error_of($$SELECT recsys.itemknn_fit(user_id, item_id, weight, '{"neighbours": 500}') FROM many$$);
RESET recsys.max_memory;
-- statement_timeout stops the product between blocks of items (200 users who each watched all
-- 3,000 items: 1.8 billion multiply-adds, seconds of work)
CREATE TABLE dense AS SELECT u AS user_id, i AS item_id, 1.0::float8 AS weight
FROM generate_series(1, 200) u, generate_series(1, 3000) i;
SET statement_timeout = '1s';
DO $$
DECLARE started timestamptz := clock_timestamp();
BEGIN
    PERFORM recsys.itemknn_fit(user_id, item_id, weight) FROM dense;
    RAISE NOTICE 'itemknn_fit was not stopped';
EXCEPTION WHEN query_canceled THEN
    RAISE NOTICE 'stopped promptly: %', clock_timestamp() - started < interval '3s';
END $$;
RESET statement_timeout;
DROP TABLE dense;
-- one thread or two: the same model
SET recsys.threads = 1;
CREATE TABLE one_thread AS SELECT recsys.itemknn_fit(user_id, item_id, weight, '{"similarity": "tfidf"}') AS model FROM many;
SET recsys.threads = 2;
CREATE TABLE two_threads AS SELECT recsys.itemknn_fit(user_id, item_id, weight, '{"similarity": "tfidf"}') AS model FROM many;
RESET recsys.threads;
SELECT (recsys.model_info(a.model)->'metadata'->'training') - 'seconds' - 'threads' =
       (recsys.model_info(b.model)->'metadata'->'training') - 'seconds' - 'threads' AS same_summary,
       (SELECT array_agg(s) FROM recsys.recommend_all(a.model, 5) s) =
       (SELECT array_agg(s) FROM recsys.recommend_all(b.model, 5) s) AS same_recommendations
FROM one_thread a, two_threads b;
-- a forced parallel plan gives the serial model
SELECT force_parallel_plans();
EXPLAIN (COSTS OFF) SELECT recsys.itemknn_fit(user_id, item_id, weight) FROM many;
CREATE TABLE parallel_model AS SELECT recsys.itemknn_fit(user_id, item_id, weight, '{"similarity": "bm25"}') AS model FROM many;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
CREATE TABLE serial_model AS SELECT recsys.itemknn_fit(user_id, item_id, weight, '{"similarity": "bm25"}') AS model FROM many;
SELECT (SELECT array_agg(s) FROM parallel_model p, recsys.recommend_all(p.model, 5) s) =
       (SELECT array_agg(s) FROM serial_model p, recsys.recommend_all(p.model, 5) s) AS same_recommendations,
       (SELECT array_agg(s) FROM parallel_model p, generate_series(0, 1999, 37) i, recsys.similar_items(p.model, i, 20) s) =
       (SELECT array_agg(s) FROM serial_model p, generate_series(0, 1999, 37) i, recsys.similar_items(p.model, i, 20) s)
       AS same_neighbours;
DROP TABLE watched, knn_models, oracle_weights, oracle_similarity, oracle_scores, pruned, many, parallel_model,
           serial_model, one_thread, two_threads;
