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

-- The serving side of a Cox model (survival_functions.cpp), each function
-- in the two forms every model function has: the model bytes (IMMUTABLE), or
-- a registry name, the version it serves through the per-backend cache
-- (STABLE, PARALLEL RESTRICTED: it reads the registry).

-- A Cox model's Breslow baseline cumulative hazard H0(t) at features 0, one
-- row per event time of its training rows.
CREATE FUNCTION recsys.baseline_hazard(model bytea) RETURNS TABLE("time" float8, cumulative_hazard float8)
    AS 'MODULE_PATHNAME', 'recsys_baseline_hazard' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
CREATE FUNCTION recsys.baseline_hazard(name text) RETURNS TABLE("time" float8, cumulative_hazard float8)
    AS 'MODULE_PATHNAME', 'recsys_baseline_hazard_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 100;
COMMENT ON FUNCTION recsys.baseline_hazard(bytea) IS
    'The Breslow baseline cumulative hazard of a Cox model (coxph_fit) at features 0, per event time';
COMMENT ON FUNCTION recsys.baseline_hazard(text) IS 'baseline_hazard of the Cox model a name serves';

-- The projected survival curve of new features x under a Cox model:
-- S(t | x) = exp(-H0(t) * exp(x . beta)) at each event time of its training
-- rows (past the last one the model knows nothing). "How long will this new
-- driver stay?": the median lifetime is the first time survival falls to 0.5
-- or below. NULL features give no rows.
CREATE FUNCTION recsys.survival_curve(model bytea, features float8[])
    RETURNS TABLE("time" float8, cumulative_hazard float8, survival float8)
    AS 'MODULE_PATHNAME', 'recsys_survival_curve' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
CREATE FUNCTION recsys.survival_curve(name text, features float8[])
    RETURNS TABLE("time" float8, cumulative_hazard float8, survival float8)
    AS 'MODULE_PATHNAME', 'recsys_survival_curve_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 100;
COMMENT ON FUNCTION recsys.survival_curve(bytea, float8[]) IS
    'The survival curve a Cox model (coxph_fit) projects for a feature vector: (time, cumulative hazard, survival)';
COMMENT ON FUNCTION recsys.survival_curve(text, float8[]) IS 'survival_curve by the Cox model a name serves';
