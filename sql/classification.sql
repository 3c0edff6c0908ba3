-- Classification metrics as aggregates: hand-computed cases, NULLs, GROUP BY,
-- a parallel plan, and errors.
CREATE TABLE scored (grp int, score float8, p float8, label bool);
INSERT INTO scored VALUES
  (1, 0.1, 0.2, false), (1, 0.4, 0.3, true), (1, 0.4, 0.6, false), (1, 0.8, 0.9, true),  -- auc (1 + 0.5 + 1 + 1) / 4
  (1, NULL, 0.5, true),                                                                   -- NULL score: left out of auc
  (2, 0.9, 0.9, false), (2, 0.1, 0.1, true);                                              -- every pair wrong
SELECT grp, recsys.auc(score, label) AS auc, recsys.ranking_loss(score, label) AS ranking_loss,
       round(recsys.logloss(p, label)::numeric, 6) AS logloss,
       CASE grp WHEN 1 THEN round((-(ln(0.8) + ln(0.3) + ln(0.4) + ln(0.9) + ln(0.5)) / 5)::numeric, 6)
                WHEN 2 THEN round((-(ln(0.1) + ln(0.1)) / 2)::numeric, 6) END AS logloss_by_hand
FROM scored GROUP BY grp ORDER BY grp;
SELECT recsys.classification_report(p > 0.5, label) FROM scored WHERE grp = 1;
-- one class only: AUC is undefined (NULL); no rows: NULL
SELECT recsys.auc(score, label) IS NULL AS undefined FROM scored WHERE label;
SELECT recsys.auc(score, label) IS NULL AS no_rows, recsys.classification_report(p > 0.5, label) IS NULL AS no_report
FROM scored WHERE false;
-- bad values are errors
SELECT recsys.logloss(p, label) FROM (VALUES (1.5, true)) v(p, label);
SELECT recsys.logloss(p, label) FROM (VALUES ('NaN'::float8, true)) v(p, label);
SELECT recsys.auc(s, label) FROM (VALUES ('Infinity'::float8, true)) v(s, label);
-- on many rows, a forced parallel plan gives the serial value
CREATE TABLE many_scored AS
SELECT g, (g * 7919 % 1000) / 1000.0 AS score, (g * 7919 % 1000) / 1000.0 + (g % 7) / 10.0 > 0.8 AS label
FROM generate_series(1, 50000) g;
CREATE TEMP TABLE serial AS SELECT recsys.auc(score, label) AS auc FROM many_scored;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT recsys.auc(score, label) FROM many_scored;
SELECT recsys.auc(score, label) = (SELECT auc FROM serial) AS same_auc, round(recsys.auc(score, label)::numeric, 6) AS auc
FROM many_scored;
RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
-- the model's AUC and log loss, straight from a scoring query (logreg.sql's model)
SELECT recsys.auc(recsys.predict(r.model, i.features), i.watched) > 0.7 AS auc_above_chance,
       recsys.logloss(recsys.predict(r.model, i.features), i.watched) < 0.6 AS logloss_below_prior
FROM impressions i, ranker r GROUP BY r.model;
-- curves as rows a BI tool plots: (threshold, x, y)
SELECT * FROM recsys.roc_curve(ARRAY[0.1, 0.4, 0.4, 0.8], ARRAY[false, true, false, true]);
SELECT * FROM recsys.precision_recall_curve(ARRAY[0.1, 0.4, 0.4, 0.8], ARRAY[false, true, false, true]);
SELECT * FROM recsys.calibration_curve(ARRAY[0.1, 0.15, 0.4, 0.8, 0.95], ARRAY[false, true, false, true, true], 4);
-- straight from a query: the ROC curve of the ranker, and its area by the trapezoid rule equals auc()
WITH curve AS (
  SELECT c.* FROM (SELECT array_agg(recsys.predict(r.model, i.features)) AS s, array_agg(i.watched) AS l
                   FROM impressions i, ranker r) a, recsys.roc_curve(a.s, a.l) c
)
SELECT count(*) > 100 AS points,
       abs(sum((x - px) * (y + py) / 2) -
           (SELECT recsys.auc(recsys.predict(r.model, i.features), i.watched) FROM impressions i, ranker r)) < 1e-9
         AS area_is_auc
FROM (SELECT x, y, lag(x) OVER (ORDER BY threshold DESC) AS px, lag(y) OVER (ORDER BY threshold DESC) AS py FROM curve) t
WHERE px IS NOT NULL;
-- errors
SELECT * FROM recsys.roc_curve(ARRAY[0.1, 0.2], ARRAY[true]);
SELECT * FROM recsys.roc_curve(ARRAY[0.1, NULL], ARRAY[true, false]);
SELECT * FROM recsys.roc_curve(ARRAY[0.1, 'NaN'], ARRAY[true, false]);
SELECT * FROM recsys.calibration_curve(ARRAY[1.5], ARRAY[true]);
SELECT * FROM recsys.calibration_curve(ARRAY[0.5], ARRAY[true], 0);
SELECT count(*) AS one_class_roc FROM recsys.roc_curve(ARRAY[0.1, 0.2], ARRAY[true, true]);
