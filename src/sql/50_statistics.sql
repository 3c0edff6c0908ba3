-- Evaluation: the classification metrics (aggregates over the training
-- state of 30_training_aggregates.sql), their report as rows, their curves,
-- and the ranking metrics at k.

-- Aggregates over (score or prediction, label) rows: they compose with any
-- query and GROUP BY (model version, day, country). A NULL in a row leaves the
-- row out, as avg() does; no rows give NULL.
CREATE FUNCTION recsys_internal.statistic_number(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_statistic_number' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys_internal.statistic_json(internal) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_statistic_json' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
SELECT recsys_internal.install_aggregate(a.aggregate, a.arguments, a.aggregate || '_collect',
                                         'recsys_' || a.aggregate || '_collect', 67108864, 'training', a.final,
                                         a.description)
FROM (VALUES ('auc', 'score float8, label bool', 'statistic_number',
              'Area under the ROC curve of (score, label) rows, ties counted half'),
             ('logloss', 'p float8, label bool', 'statistic_number',
              'Mean log loss of (probability, label) rows'),
             ('ranking_loss', 'score float8, label bool', 'statistic_number',
              'The share of (positive, negative) pairs of (score, label) rows ordered wrongly: 1 - auc'),
             ('classification_report', 'predicted bool, label bool', 'statistic_json',
              'Precision, recall, F1, accuracy, balanced accuracy, majority-class baseline, support and confusion matrix of (predicted, label) rows, as jsonb'))
     AS a(aggregate, arguments, final, description);

-- classification_report's report as rows a BI tool charts, scikit-learn's
-- classification_report: one per class (negative, positive) with its
-- precision, recall, F1, support and one-vs-rest confusion counts (tp, fp,
-- tn, fn with that class as the positive one), then their macro and weighted
-- averages, then the one-number rows, their value in f1 as scikit-learn
-- prints accuracy: accuracy, balanced accuracy (the mean recall of the
-- classes present) and the majority baseline, the accuracy of always
-- predicting the most frequent class (named in the row; negative on a tie).
-- An accuracy below the baseline is worse than predicting the majority.
-- 0 where a ratio divides by 0 (zero_division=0). A SQL-standard body,
-- bound when the extension is created and inlined into the calling query:
--   SELECT (recsys.classification_report_rows(recsys.classification_report(p > 0.5, label))).* FROM scored;
CREATE FUNCTION recsys.classification_report_rows(report jsonb)
    RETURNS TABLE(class text, "precision" float8, recall float8, f1 float8, support bigint,
                  tp bigint, fp bigint, tn bigint, fn bigint)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH counts AS (
        SELECT (report ->> 'tp')::float8 AS tp, (report ->> 'fp')::float8 AS fp,
               (report ->> 'tn')::float8 AS tn, (report ->> 'fn')::float8 AS fn
    ), classes AS (  -- a class's one-vs-rest counts: hits, false alarms, right rejections, misses
        SELECT c.i, c.class, c.hits, c.alarms, c.rejections, c.misses, c.hits + c.misses AS actual,
               CASE WHEN c.hits + c.alarms > 0 THEN c.hits / (c.hits + c.alarms) ELSE 0 END AS precision,
               CASE WHEN c.hits + c.misses > 0 THEN c.hits / (c.hits + c.misses) ELSE 0 END AS recall
        FROM counts n,
             LATERAL (VALUES (1, 'negative', n.tn, n.fn, n.tp, n.fp),
                             (2, 'positive', n.tp, n.fp, n.tn, n.fn)) AS c(i, class, hits, alarms, rejections, misses)
        WHERE report IS NOT NULL
    ), scored AS (
        SELECT k.*,
               CASE WHEN k.precision + k.recall > 0 THEN 2 * k.precision * k.recall / (k.precision + k.recall)
                    ELSE 0 END AS f1
        FROM classes k
    ), total AS (
        SELECT sum(s.actual) AS n, sum(s.hits) AS hits, max(s.actual) AS majority,
               (array_agg(s.class ORDER BY s.actual DESC, s.i))[1] AS majority_class,
               avg(s.recall) FILTER (WHERE s.actual > 0) AS balanced_accuracy
        FROM scored s
    )
    SELECT r.class, r.precision, r.recall, r.f1, r.support::bigint,
           r.tp::bigint, r.fp::bigint, r.tn::bigint, r.fn::bigint
    FROM (SELECT s.i, s.class, s.precision, s.recall, s.f1, s.actual AS support,
                 s.hits AS tp, s.alarms AS fp, s.rejections AS tn, s.misses AS fn
          FROM scored s
          UNION ALL
          SELECT 3, 'macro avg', avg(s.precision), avg(s.recall), avg(s.f1), sum(s.actual), NULL, NULL, NULL, NULL
          FROM scored s
          UNION ALL
          SELECT 4, 'weighted avg', sum(s.precision * s.actual) / nullif(sum(s.actual), 0),
                 sum(s.recall * s.actual) / nullif(sum(s.actual), 0), sum(s.f1 * s.actual) / nullif(sum(s.actual), 0),
                 sum(s.actual), NULL, NULL, NULL, NULL
          FROM scored s
          UNION ALL
          SELECT o.i, o.class, NULL, NULL, o.value, t.n, NULL, NULL, NULL, NULL
          FROM total t,
               LATERAL (VALUES (5, 'accuracy', CASE WHEN t.n > 0 THEN t.hits / t.n ELSE 0 END),
                               (6, 'balanced accuracy', coalesce(t.balanced_accuracy, 0)),
                               (7, 'majority baseline (' || t.majority_class || ')',
                                CASE WHEN t.n > 0 THEN t.majority / t.n ELSE 0 END)) AS o(i, class, value)) r
    WHERE r.support IS NOT NULL  -- a NULL report: no class, no averages
    ORDER BY r.i;
END;
COMMENT ON FUNCTION recsys.classification_report_rows IS
    'classification_report''s report as rows: precision, recall, F1, support and confusion counts per class, their averages, accuracy, balanced accuracy and the majority-class baseline';

-- Curves: aggregates over (score, label) rows, like auc, whose value is the
-- curve as an array of points; unnest makes them rows a chart selects from,
-- per group of a GROUP BY:
--   SELECT (unnest(recsys.roc_curve(p, watched))).* FROM scored;
--   SELECT day, (unnest(recsys.roc_curve(p, watched))).* FROM scored GROUP BY day;
-- roc_curve: x = false positive rate, y = true positive rate, one point per
-- distinct score from the highest down, after (Infinity, 0, 0); empty without
-- both classes. precision_recall_curve: x = recall, y = precision; empty
-- without positives. calibration_curve(p, label [, options]): per non-empty
-- equal-width bin of p ({"bins": 10}), its upper edge, the mean p and the
-- fraction of positives.
CREATE TYPE recsys.curve_point AS (threshold float8, x float8, y float8);
COMMENT ON TYPE recsys.curve_point IS 'A point of a curve (roc_curve, precision_recall_curve, calibration_curve)';
CREATE FUNCTION recsys_internal.statistic_curve(internal) RETURNS recsys.curve_point[]
    AS 'MODULE_PATHNAME', 'recsys_statistic_curve' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
SELECT recsys_internal.install_aggregate(a.aggregate, a.arguments, a.aggregate || '_collect',
                                         'recsys_' || a.aggregate || '_collect', 67108864, 'training',
                                         'statistic_curve', a.description)
FROM (VALUES ('roc_curve', 'score float8, label bool',
              'The ROC curve of (score, label) rows: (threshold, false positive rate, true positive rate) points'),
             ('precision_recall_curve', 'score float8, label bool',
              'The precision-recall curve of (score, label) rows: (threshold, recall, precision) points'),
             ('calibration_curve', 'p float8, label bool [, options jsonb]',
              'The calibration curve of (probability, label) rows: (bin edge, mean p, fraction positive) points'))
     AS a(aggregate, arguments, description);

-- Ranking metrics of one list of recommendations against the relevant items.
CREATE FUNCTION recsys.precision_at_k(recommended bigint[], relevant bigint[], k int) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_precision_at_k' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION recsys.precision_at_k IS 'The share of the first k recommended ids that are relevant';
CREATE FUNCTION recsys.recall_at_k(recommended bigint[], relevant bigint[], k int) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_recall_at_k' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION recsys.recall_at_k IS 'The share of the relevant ids among the first k recommended';
CREATE FUNCTION recsys.ndcg_at_k(recommended bigint[], relevant bigint[], k int) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_ndcg_at_k' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION recsys.ndcg_at_k IS 'Normalized discounted cumulative gain of the first k recommended ids';
CREATE FUNCTION recsys.average_precision_at_k(recommended bigint[], relevant bigint[], k int) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_average_precision_at_k' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION recsys.average_precision_at_k IS 'Average precision of the first k recommended ids (its mean over users: MAP@k)';
