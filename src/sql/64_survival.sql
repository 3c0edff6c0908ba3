-- Survival analysis, for lifetimes (how long a driver, a subscriber, a
-- user stays): the Kaplan–Meier curve of (time, event) rows, and the
-- serving side of Cox proportional hazards (its aggregate, coxph_fit, is in
-- 30_training_aggregates.sql; recsys.predict gives its relative hazard
-- exp(x . beta), recsys.coefficients its log hazard ratios with z tests).

-- recsys.kaplan_meier(time, event [, options]): an aggregate over the shared
-- training state (30_training_aggregates.sql) whose value is the survival
-- curve as an array of points, one per distinct time (an event's or a
-- censoring's); unnest makes them rows, per group of a GROUP BY:
--   SELECT (unnest(recsys.kaplan_meier(days, churned))).* FROM drivers;
-- time: the duration until the event (event true) or until the row was last
-- seen (event false: censored), from 0. survival: the product-limit estimate
-- after the time's events; std_error: Greenwood's (NULL once nobody is left
-- at risk); lower, upper: the pointwise band on the log(-log) scale, of
-- confidence 1 - significance ({"significance": 0.05}).
CREATE TYPE recsys.kaplan_meier_point AS (
    "time" float8, at_risk bigint, events bigint, censored bigint,
    survival float8, std_error float8, lower float8, upper float8);
COMMENT ON TYPE recsys.kaplan_meier_point IS
    'A point of a Kaplan-Meier curve: time, at risk, events, censored, survival, Greenwood standard error, band';
CREATE FUNCTION recsys_internal.kaplan_meier_final(internal) RETURNS recsys.kaplan_meier_point[]
    AS 'MODULE_PATHNAME', 'recsys_kaplan_meier_final' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
SELECT recsys_internal.install_aggregate('kaplan_meier', '"time" float8, event bool [, options jsonb]',
                                         'kaplan_meier_collect', 'recsys_kaplan_meier_collect', 1048576, 'training',
                                         'kaplan_meier_final',
                                         'The Kaplan-Meier survival curve of (time, event) rows, with Greenwood standard errors and a log(-log) confidence band');

-- The serving side of a Cox model, each function in two forms of one shape:
-- the model bytes (IMMUTABLE), and a registry name, whose form is the bytes
-- form over the version the name serves (STABLE, PARALLEL RESTRICTED: it
-- reads the registry; 42704 for an unknown name), as the model_info rows do
-- (15_model_info_rows.sql).

-- A Cox model's Breslow baseline cumulative hazard H0(t) at features 0, one
-- row per event time of its training rows.
CREATE FUNCTION recsys.baseline_hazard(model bytea) RETURNS TABLE("time" float8, cumulative_hazard float8)
    AS 'MODULE_PATHNAME', 'recsys_baseline_hazard' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION recsys.baseline_hazard(bytea) IS
    'The Breslow baseline cumulative hazard of a Cox model (coxph_fit) at features 0, per event time';
SELECT recsys_internal.install_by_name('baseline_hazard');

-- The projected survival curve of new features x under a Cox model:
-- S(t | x) = exp(-H0(t) * exp(x . beta)) at each event time of its training
-- rows (past the last one the model knows nothing). "How long will this new
-- driver stay?": the median lifetime is the first time survival falls to 0.5
-- or below. NULL features give no rows.
CREATE FUNCTION recsys.survival_curve(model bytea, features float8[])
    RETURNS TABLE("time" float8, cumulative_hazard float8, survival float8)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE ROWS 100
BEGIN ATOMIC
    SELECT b."time", h.h, CASE WHEN h.h > 700 THEN 0 ELSE exp(-h.h) END  -- (exp underflows with an error)
    FROM (SELECT recsys.predict(model, features) AS hazard) r, recsys.baseline_hazard(model) b,
         LATERAL (SELECT b.cumulative_hazard * r.hazard AS h) h
    WHERE r.hazard IS NOT NULL
    ORDER BY b."time";
END;
COMMENT ON FUNCTION recsys.survival_curve(bytea, float8[]) IS
    'The survival curve a Cox model (coxph_fit) projects for a feature vector: (time, cumulative hazard, survival)';
CREATE FUNCTION recsys.survival_curve(name text, features float8[])
    RETURNS TABLE("time" float8, cumulative_hazard float8, survival float8)
    LANGUAGE sql STABLE PARALLEL RESTRICTED ROWS 100
BEGIN ATOMIC
    SELECT c.* FROM recsys.models m, recsys.survival_curve(m.model, survival_curve.features) c
    WHERE m.id OPERATOR(pg_catalog.=) recsys.serving_version(survival_curve.name)
    ORDER BY c."time";
END;
COMMENT ON FUNCTION recsys.survival_curve(text, float8[]) IS 'survival_curve of the version a name serves';
