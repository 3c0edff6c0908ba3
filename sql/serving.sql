-- Serving from a model value (bytea form).
-- m.model was trained in als.sql on the two taste groups of setup.sql.
-- A user of group 1 gets group-1 items, ranked 1..k, none already watched.
SELECT count(*) AS n, bool_and(item_id BETWEEN 100 AND 114) AS same_group,
       bool_and(item_id NOT IN (SELECT item_id FROM watch WHERE user_id = 1)) AS unseen,
       array_agg(rank ORDER BY rank) AS ranks
FROM m, recsys.recommend(m.model, 1, 5);
-- scores are in descending order
SELECT bool_and(score >= next_score) AS descending
FROM (SELECT score, lead(score, 1, '-Infinity') OVER (ORDER BY rank) AS next_score
      FROM m, recsys.recommend(m.model, 25, 10)) s;
-- exclude_seen = false may return watched items
SELECT count(*) FILTER (WHERE item_id IN (SELECT item_id FROM watch WHERE user_id = 1)) > 0 AS has_seen
FROM m, recsys.recommend(m.model, 1, 10, exclude_seen => false);
-- candidates restrict, exclude removes; unknown ids in either are ignored
SELECT array_agg(item_id ORDER BY item_id) AS items
FROM m, recsys.recommend(m.model, 1, 10, candidates => ARRAY[100, 101, 102, 103, 120, 999]::bigint[],
                         exclude => ARRAY[101, 998]::bigint[], exclude_seen => false);
-- k larger than the catalogue returns the catalogue (minus seen items)
SELECT count(*) AS n FROM m, recsys.recommend(m.model, 1, 1000);
SELECT count(*) AS n FROM m, recsys.recommend(m.model, 1, 1000, exclude_seen => false);
-- an unknown user gets the most popular items
SELECT count(*) AS n, array_agg(rank ORDER BY rank) AS ranks FROM m, recsys.recommend(m.model, 123456, 3);
SELECT (SELECT array_agg(item_id ORDER BY rank) FROM m, recsys.recommend(m.model, 123456, 3)) =
       (SELECT array_agg(item_id::bigint) FROM (SELECT item_id FROM watch GROUP BY item_id
                                         ORDER BY count(DISTINCT user_id) DESC, item_id LIMIT 3) p) AS is_popularity;
-- a NULL user has no recommendations
SELECT count(*) FROM m, recsys.recommend(m.model, NULL, 3);
-- bad arguments
SELECT * FROM m, recsys.recommend(m.model, 1, 0);
SELECT * FROM m, recsys.recommend(m.model, 1, -5);
SELECT * FROM m, recsys.recommend(m.model, 1, NULL);
SELECT * FROM recsys.recommend(NULL::bytea, 1, 3);
SELECT * FROM m, recsys.recommend(m.model, 1, 3, NULL);
SELECT * FROM m, recsys.recommend(m.model, 1, 3, candidates => ARRAY[1, NULL]::bigint[]);
SELECT * FROM m, recsys.recommend(m.model, 1, 3, exclude => ARRAY[[1, 2], [3, 4]]::bigint[]);
-- fold-in from a recent history: group-2 items give group-2 recommendations
SELECT count(*) AS n, bool_and(item_id BETWEEN 115 AND 129) AS same_group,
       bool_and(item_id NOT IN (115, 116, 117)) AS excludes_history
FROM m, recsys.recommend_for_items(m.model, ARRAY[115, 116, 117]::bigint[], NULL, 5);
SELECT count(*) AS n FROM m, recsys.recommend_for_items(m.model, ARRAY[115, 116]::bigint[], ARRAY[3.0, 1.0], 5,
                                                         exclude_seen => false);
-- unknown items only: popularity
SELECT count(*) AS n FROM m, recsys.recommend_for_items(m.model, ARRAY[999]::bigint[], NULL, 4);
SELECT * FROM m, recsys.recommend_for_items(m.model, ARRAY[115, 116]::bigint[], ARRAY[1.0], 5);
SELECT * FROM m, recsys.recommend_for_items(m.model, ARRAY[115]::bigint[], ARRAY['NaN']::float8[], 5);
SELECT * FROM m, recsys.recommend_for_items(m.model, ARRAY[115]::bigint[], ARRAY[-1]::float8[], 5);
SELECT * FROM m, recsys.recommend_for_items(m.model, NULL, NULL, 5);
-- similar items: same group, not the item itself, cosine in [-1, 1]
SELECT count(*) AS n, bool_and(item_id BETWEEN 100 AND 114) AS same_group, bool_and(item_id <> 100) AS not_itself,
       bool_and(score BETWEEN -1.0001 AND 1.0001) AS cosine
FROM m, recsys.similar_items(m.model, 100, 5);
SELECT count(*) AS n FROM m, recsys.similar_items(m.model, 424242, 5);
SELECT * FROM m, recsys.similar_items(m.model, 100, 0);
-- ids the model does not know: no error (new users and items arrive between trainings), but an
-- answer other than the one asked for (popular items, or no rows) comes with a NOTICE, once per
-- call site and statement: a batch of 5 unknown users and 5 unknown items says it once each
SELECT count(*) AS rows, count(DISTINCT u) AS users, bool_and(r.rank <= 2) AS ranked
FROM m, generate_series(900001, 900005) u, LATERAL recsys.recommend(m.model, u, 2) r;
SELECT count(*) AS rows FROM m, generate_series(900001, 900005) i, LATERAL recsys.similar_items(m.model, i, 2) r;
-- candidates of which the model knows none: no rows, said; known ids: nothing to say
SELECT count(*) AS n FROM m, recsys.recommend(m.model, 1, 5, candidates => ARRAY[998, 999]::bigint[]);
SELECT count(*) AS n FROM m, recsys.recommend(m.model, 123456, 5, candidates => '{}'::bigint[]);
SELECT count(*) AS n FROM m, generate_series(1, 5) u, LATERAL recsys.recommend(m.model, u, 2) r;
SELECT count(*) AS n FROM m, recsys.recommend_for_items(m.model, ARRAY[115, 999]::bigint[], NULL, 2);
SELECT count(*) AS n FROM m, recsys.similar_items(m.model, 100, 2);
-- a session that does not want them (a batch job) hides them as any NOTICE
SET client_min_messages = warning;
SELECT count(*) AS n FROM m, recsys.similar_items(m.model, 424242, 5);
RESET client_min_messages;
-- every user at once
SELECT count(*) AS rows, count(DISTINCT user_id) AS users, max(rank) AS max_rank FROM m, recsys.recommend_all(m.model, 3);
-- recommend_all agrees with recommend
SELECT bool_and(a.item_id = r.item_id) AS agrees
FROM m, recsys.recommend_all(m.model, 5) a
JOIN LATERAL (SELECT * FROM recsys.recommend((SELECT model FROM m), a.user_id, 5)) r ON r.rank = a.rank;
SELECT * FROM m, recsys.recommend_all(m.model, 0);
-- factors for export
SELECT count(*) AS items, min(array_length(factors, 1)) AS f FROM m, recsys.item_factors(m.model);
SELECT count(*) AS users, min(array_length(factors, 1)) AS f FROM m, recsys.user_factors(m.model);
-- one call site fed different model values: each call uses its own model
CREATE TEMP TABLE models3 AS
SELECT 1 AS n, model FROM m
UNION ALL SELECT 2, recsys.als_fit(user_id, item_id, weight, '{"factors": 3, "iterations": 2}') FROM watch
UNION ALL SELECT 3, model FROM m;
SELECT n, (SELECT min(array_length(factors, 1)) FROM recsys.user_factors(t.model)) AS f,
       (SELECT count(*) FROM recsys.recommend(t.model, 1, 4)) AS n_recs
FROM models3 t ORDER BY n;
-- the pairs a model was trained on: each distinct (user, item) of its rows,
-- the items exclude_seen leaves out
SELECT count(*) AS pairs, count(DISTINCT s.user_id) AS users,
       count(*) = (SELECT count(*) FROM (SELECT DISTINCT user_id, item_id FROM watch) w) AS every_pair
FROM m, recsys.seen_items(m.model) s;
SELECT count(*) AS not_in_both
FROM ((SELECT s.user_id, s.item_id FROM m, recsys.seen_items(m.model) s EXCEPT SELECT user_id, item_id FROM watch)
      UNION ALL
      (SELECT user_id, item_id FROM watch EXCEPT SELECT s.user_id, s.item_id FROM m, recsys.seen_items(m.model) s)) d;
SELECT (SELECT array_agg(item_id ORDER BY rank) FROM m, recsys.recommend(m.model, 1, 8)) =
       (SELECT array_agg(item_id ORDER BY rank)
        FROM m, recsys.recommend(m.model, 1, 8, exclude_seen => false,
                                 exclude => (SELECT array_agg(s.item_id) FROM m, recsys.seen_items(m.model) s
                                             WHERE s.user_id = 1))) AS excluded_by_exclude_seen;
SELECT count(*) AS no_model FROM recsys.seen_items(NULL::bytea);
SELECT error_of($$SELECT * FROM recsys.seen_items('no_such_model')$$);
-- One call site fed, row after row, two models of the same size that differ in
-- one factor of user 235 and in the checksum at their end. A model value over
-- 64 KB is compared by a sample of its bytes, not whole (model_source.cpp):
-- that factor lies between two sampled chunks, so only the sampled checksum
-- tells the two apart. Each row must still be answered by its own model.
CREATE TEMP TABLE twins AS
SELECT 1 AS n, recsys.als_fit(g % 600, abs(hashint4(g)) % 50, 1.0, '{"factors": 32, "iterations": 2}') AS model
FROM generate_series(0, 2999) g;
-- the little-endian bytes of a real
CREATE FUNCTION pg_temp.le(f real) RETURNS bytea LANGUAGE sql AS $$
  SELECT string_agg(substr(float4send(f), 5 - i, 1), ''::bytea ORDER BY i) FROM generate_series(1, 4) i $$;
-- the twin: user 235's first factor negated (the sign bit of its last byte), sealed with a new checksum
INSERT INTO twins
SELECT 2, sealed(set_byte(t.model, f.at, get_byte(t.model, f.at) # 128))
FROM twins t, LATERAL (SELECT position(pg_temp.le(u.factors[1]) || pg_temp.le(u.factors[2]) IN t.model) - 1 + 3 AS at
                       FROM recsys.user_factors(t.model) u WHERE u.user_id = 235) f;
SELECT count(*) AS models, count(DISTINCT length(model)) AS sizes, min(length(model)) > 65536 AS sampled,
       count(DISTINCT model) AS distinct_values FROM twins;
SELECT (SELECT u.factors[1] FROM twins t, recsys.user_factors(t.model) u WHERE t.n = 1 AND u.user_id = 235) =
       -(SELECT u.factors[1] FROM twins t, recsys.user_factors(t.model) u WHERE t.n = 2 AND u.user_id = 235) AS negated;
-- each model's answer for user 235 from a statement of its own
SELECT array_agg(score ORDER BY rank)::text AS a_scores FROM twins t, recsys.recommend(t.model, 235, 5) WHERE t.n = 1 \gset
SELECT array_agg(score ORDER BY rank)::text AS b_scores FROM twins t, recsys.recommend(t.model, 235, 5) WHERE t.n = 2 \gset
SELECT :'a_scores' <> :'b_scores' AS answers_differ;
-- a, b, a, b through one call site, as values in memory (not TOAST pointers)
SELECT s.n, (SELECT array_agg(score ORDER BY rank)::text FROM recsys.recommend(s.model, 235, 5)) =
            CASE s.n WHEN 1 THEN :'a_scores' ELSE :'b_scores' END AS own_answer
FROM (SELECT t.n, t.model || ''::bytea AS model FROM twins t, generate_series(1, 2) k ORDER BY k, t.n OFFSET 0) s;
DROP TABLE twins;
