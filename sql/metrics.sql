-- Ranking metrics on hand-computed cases.
-- recommended [1,2,3,4,5], relevant {2,5,9}: hits at ranks 2 and 5.
SELECT recsys.precision_at_k('{1,2,3,4,5}', '{2,5,9}', 5) AS p5,            -- 2/5
       recsys.recall_at_k('{1,2,3,4,5}', '{2,5,9}', 5) AS r5,               -- 2/3
       round(recsys.ndcg_at_k('{1,2,3,4,5}', '{2,5,9}', 5)::numeric, 6) AS ndcg5,
       round(((1 / log(2, 3) + 1 / log(2, 6)) / (1 + 1 / log(2, 3) + 1 / log(2, 4)))::numeric, 6) AS ndcg5_by_hand,
       recsys.average_precision_at_k('{1,2,3,4,5}', '{2,5,9}', 5) AS ap5,  -- (1/2 + 2/5) / 3
       (0.5 + 0.4) / 3 AS ap5_by_hand;
-- k cuts the list
SELECT recsys.precision_at_k('{1,2,3,4,5}', '{2,5,9}', 2) AS p2, recsys.recall_at_k('{1,2,3,4,5}', '{2,5,9}', 2) AS r2,
       recsys.average_precision_at_k('{1,2,3,4,5}', '{2,5,9}', 2) AS ap2;
-- a perfect ranking
SELECT recsys.ndcg_at_k('{7,8}', '{8,7}', 10) AS ndcg, recsys.average_precision_at_k('{7,8}', '{8,7}', 10) AS ap;
-- nothing relevant: 0; duplicates count once
SELECT recsys.precision_at_k('{1,2}', '{}', 2) AS p, recsys.ndcg_at_k('{1,2}', '{}', 2) AS ndcg,
       recsys.precision_at_k('{2,2,2}', '{2}', 3) AS p_dup;
-- composes with avg()
SELECT avg(recsys.precision_at_k(rec, rel, 2)) AS mean_p2
FROM (VALUES ('{1,2}'::bigint[], '{1}'::bigint[]), ('{3,4}', '{4,3}')) v(rec, rel);
-- NULL in, NULL out (STRICT); bad k and NULL elements are errors
SELECT recsys.precision_at_k(NULL, '{1}', 1) IS NULL AS is_null;
SELECT recsys.precision_at_k('{1}', '{1}', 0);
SELECT recsys.recall_at_k('{1,NULL}', '{1}', 1);
