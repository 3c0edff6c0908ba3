-- Evaluation: the classification metrics (aggregates over the training
-- state of 30_training_aggregates.sql), their curves, and the ranking metrics
-- at k.

-- Aggregates over (score or prediction, label) rows: they compose with any
-- query and GROUP BY (model version, day, country). A NULL in a row leaves the
-- row out, as avg() does; no rows give NULL.
CREATE FUNCTION recsys.statistic_number(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_statistic_number' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys.statistic_json(internal) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'recsys_statistic_json' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
SELECT recsys.install_aggregate(a.aggregate, a.arguments, a.aggregate || '_collect', 'recsys_' || a.aggregate || '_collect',
                                67108864, 'training', a.final)
FROM (VALUES ('auc',                   'score float8, label bool',    'statistic_number'),
             ('logloss',               'p float8, label bool',        'statistic_number'),
             ('ranking_loss',          'score float8, label bool',    'statistic_number'),
             ('classification_report', 'predicted bool, label bool',  'statistic_json')) AS a(aggregate, arguments, final);

-- Curves as rows (threshold, x, y), from arrays a query aggregates:
--   SELECT c.* FROM (SELECT array_agg(p) s, array_agg(watched) l FROM scored) a, recsys.roc_curve(a.s, a.l) c;
CREATE FUNCTION recsys.roc_curve(scores float8[], labels bool[])
    RETURNS TABLE(threshold float8, x float8, y float8)
    AS 'MODULE_PATHNAME', 'recsys_roc_curve' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
CREATE FUNCTION recsys.precision_recall_curve(scores float8[], labels bool[])
    RETURNS TABLE(threshold float8, x float8, y float8)
    AS 'MODULE_PATHNAME', 'recsys_precision_recall_curve' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
CREATE FUNCTION recsys.calibration_curve(p float8[], labels bool[], bins int DEFAULT 10)
    RETURNS TABLE(threshold float8, x float8, y float8)
    AS 'MODULE_PATHNAME', 'recsys_calibration_curve' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;

-- Ranking metrics of one list of recommendations against the relevant items.
CREATE FUNCTION recsys.precision_at_k(recommended bigint[], relevant bigint[], k int) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_precision_at_k' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.recall_at_k(recommended bigint[], relevant bigint[], k int) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_recall_at_k' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.ndcg_at_k(recommended bigint[], relevant bigint[], k int) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_ndcg_at_k' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION recsys.average_precision_at_k(recommended bigint[], relevant bigint[], k int) RETURNS float8
    AS 'MODULE_PATHNAME', 'recsys_average_precision_at_k' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
