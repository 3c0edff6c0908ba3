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
-- curves: aggregates whose value is an array of (threshold, x, y) points, and unnest makes them rows a BI tool plots
CREATE TABLE curve_rows AS
SELECT * FROM (VALUES (0.1, false), (0.4, true), (0.4, false), (0.8, true)) v(score, label);
SELECT (unnest(recsys.roc_curve(score, label))).* FROM curve_rows;
SELECT (unnest(recsys.precision_recall_curve(score, label))).* FROM curve_rows;
SELECT c.* FROM unnest((SELECT recsys.calibration_curve(p, label, '{"bins": 4}')
                        FROM (VALUES (0.1, false), (0.15, true), (0.4, false), (0.8, true), (0.95, true)) v(p, label))) c;
SELECT pg_typeof(recsys.roc_curve(score, label)) AS curve_type, recsys.roc_curve(score, label) AS curve FROM curve_rows;
-- per group (one curve per group: GROUP BY, as auc); a row with a NULL leaves the curve, as it leaves auc
SELECT grp, (unnest(recsys.roc_curve(score, label))).* FROM scored GROUP BY grp ORDER BY grp, threshold DESC;
-- straight from a query: the ROC curve of the ranker, and its area by the trapezoid rule equals auc()
WITH curve AS (
  SELECT (unnest(recsys.roc_curve(recsys.predict(r.model, i.features), i.watched))).* FROM impressions i, ranker r
)
SELECT count(*) > 100 AS points,
       abs(sum((x - px) * (y + py) / 2) -
           (SELECT recsys.auc(recsys.predict(r.model, i.features), i.watched) FROM impressions i, ranker r)) < 1e-9
         AS area_is_auc
FROM (SELECT x, y, lag(x) OVER (ORDER BY threshold DESC) AS px, lag(y) OVER (ORDER BY threshold DESC) AS py FROM curve) t
WHERE px IS NOT NULL;
-- a parallel plan gives the serial curve
CREATE TEMP TABLE serial_curve AS SELECT recsys.precision_recall_curve(score, label) AS c FROM many_scored;
SELECT force_parallel_plans();
SELECT workers_launched('SELECT recsys.precision_recall_curve(score, label) FROM many_scored') > 0 AS parallel;
SELECT recsys.precision_recall_curve(score, label) = (SELECT c FROM serial_curve) AS same_curve,
       cardinality(recsys.precision_recall_curve(score, label)) AS points
FROM many_scored;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
-- one class: an empty ROC curve (no rows); no rows: NULL
SELECT cardinality(recsys.roc_curve(score, label)) AS one_class_roc,
       cardinality(recsys.precision_recall_curve(score, label)) AS pr_points
FROM curve_rows WHERE label;
SELECT recsys.roc_curve(score, label) IS NULL AS no_rows FROM curve_rows WHERE false;
-- errors
SELECT recsys.roc_curve(s, l) FROM (VALUES ('NaN'::float8, true), (0.1, false)) v(s, l);
SELECT recsys.calibration_curve(p, l) FROM (VALUES (1.5, true)) v(p, l);
SELECT recsys.calibration_curve(p, l, '{"bins": 0}') FROM (VALUES (0.5, true)) v(p, l);
SELECT recsys.calibration_curve(p, l, '{"bin": 10}') FROM (VALUES (0.5, true)) v(p, l);
-- the report as rows, scikit-learn's classification_report (per class, then the averages)
SELECT (recsys.classification_report_rows(recsys.classification_report(p > 0.5, label))).* FROM scored WHERE grp = 1;
-- by hand, with scikit-learn's definitions, for group 1 (labels 0,1,0,1,1 predicted 0,0,1,1,0): negative
-- precision 1/3, recall 1/2, F1 0.4 (support 2); positive 1/2, 1/3, 0.4 (3); macro avg 5/12, 5/12, 0.4;
-- weighted avg 13/30, 0.4, 0.4. Group 2 (labels 0,1 predicted 1,0): every ratio 0 (zero_division=0).
SELECT grp, r.class, round(r.precision::numeric, 6) AS precision, round(r.recall::numeric, 6) AS recall,
       round(r.f1::numeric, 6) AS f1, r.support
FROM (SELECT grp, recsys.classification_report(p > 0.5, label) AS report FROM scored GROUP BY grp) g,
     recsys.classification_report_rows(g.report) r
ORDER BY grp;
-- a class never predicted: its precision is 0 (zero_division=0), not NULL; a NULL report has no rows
SELECT r.class, r.precision, r.recall, r.f1, r.support
FROM recsys.classification_report_rows((SELECT recsys.classification_report(false, label) FROM scored WHERE grp = 1)) r;
SELECT count(*) AS no_rows FROM recsys.classification_report_rows(NULL);
