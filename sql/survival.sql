-- Survival: kaplan_meier (by hand on a small censored table with ties, against
-- statsmodels' SurvfuncRight, GROUP BY, parallel plans, options, NULLs,
-- errors) and coxph_fit (a closed-form optimum, statsmodels' PHReg, the
-- inference table, predict, the baseline and the projected survival curve,
-- the registry, errors). The statsmodels numbers are from
-- tests/fixtures/survival_reference.json (tests/fixtures/make_survival_fixtures.py).

-- Ten lifetimes: at day 2 two events and a censoring, at day 4 an event and a
-- censoring, the last two censored. By hand: S = 0.9, 0.7, 0.7, 0.56, 0.3733;
-- Greenwood at day 1: sqrt(0.9 * 0.1 / 10) = 0.0949.
CREATE TABLE small_lifetimes(day float8, left_ bool);
INSERT INTO small_lifetimes VALUES (1, true), (2, true), (2, true), (2, false), (3, false),
                                   (4, true), (4, false), (5, true), (6, false), (6, false);
SELECT "time", at_risk, events, censored, round(survival::numeric, 6) AS survival,
       round(std_error::numeric, 6) AS std_error, round(lower::numeric, 6) AS lower, round(upper::numeric, 6) AS upper
FROM (SELECT (unnest(recsys.kaplan_meier(day, left_))).* FROM small_lifetimes) k;
-- a 99% band is wider; NULL time or event skip the row; no rows give NULL
SELECT bool_and(k99.lower < k95.lower AND k99.upper > k95.upper) AS wider
FROM (SELECT (unnest(recsys.kaplan_meier(day, left_, '{"significance": 0.01}'))).* FROM small_lifetimes) k99
JOIN (SELECT (unnest(recsys.kaplan_meier(day, left_))).* FROM small_lifetimes) k95 USING ("time")
WHERE k95.events > 0 AND k95.survival < 1;
SELECT cardinality(recsys.kaplan_meier(day, left_)) AS points
FROM (SELECT * FROM small_lifetimes UNION ALL VALUES (NULL, true), (7, NULL)) t;
SELECT recsys.kaplan_meier(day, left_) IS NULL AS no_rows FROM small_lifetimes WHERE false;
-- everyone left: survival 0 at the end, no standard error or band there
SELECT "time", survival, std_error, lower, upper
FROM (SELECT (unnest(recsys.kaplan_meier(d, true))).* FROM generate_series(1, 3) d) k;

-- 200 lifetimes of the fixture's formulas, with three features.
CREATE TABLE lifetimes AS
SELECT i, (1 + (37 * i) % 29 + 2 * ((29 * i) % 11) + 6 * (i % 2))::float8 AS days,
       (7 * i) % 5 <> 0 AS churned,
       ARRAY[((13 * i) % 17) / 17.0 - 0.5, ((29 * i) % 11) / 11.0, (i % 2)]::float8[] AS features
FROM generate_series(1, 200) i;
-- statsmodels' SurvfuncRight at some event times (survival, Greenwood, the log(-log) band)
SELECT k."time", k.at_risk = s.at_risk AS at_risk, k.events = s.events AS events,
       abs(k.survival - s.survival) < 1e-12 AS survival, abs(k.std_error - s.std_error) < 1e-12 AS std_error,
       abs(k.lower - s.lower) < 1e-12 AS lower, abs(k.upper - s.upper) < 1e-12 AS upper
FROM (SELECT (unnest(recsys.kaplan_meier(days, churned))).* FROM lifetimes) k
JOIN (VALUES (3, 200, 1, 0.995, 0.004987484335815, 0.9650412183522555, 0.9992941665109839),
             (17, 169, 7, 0.8410341100168146, 0.026205446153291262, 0.7816480775478739, 0.8854473145176563),
             (28, 101, 6, 0.5436897069596222, 0.03684296003073782, 0.46870658665506804, 0.612603396781704),
             (38, 43, 7, 0.2493149784001648, 0.034385791486406615, 0.18498977858819443, 0.31873510172416386))
     AS s("time", at_risk, events, survival, std_error, lower, upper) USING ("time")
ORDER BY 1;
-- the median lifetime: the first time survival falls to 0.5 or below
SELECT min("time") AS median_days
FROM (SELECT (unnest(recsys.kaplan_meier(days, churned))).* FROM lifetimes) k WHERE survival <= 0.5;
-- one curve per group
SELECT i % 2 AS night, count(*) AS points, min(survival) AS last_survival
FROM (SELECT i % 2 AS i, (unnest(recsys.kaplan_meier(days, churned))).* FROM lifetimes GROUP BY i % 2) k
GROUP BY 1 ORDER BY 1;
-- a forced parallel plan gives the serial curve
CREATE TABLE many_lifetimes AS SELECT l.* FROM lifetimes l, generate_series(1, 100);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT recsys.kaplan_meier(days, churned) FROM many_lifetimes;
CREATE TEMP TABLE parallel_curve AS SELECT recsys.kaplan_meier(days, churned) AS curve FROM many_lifetimes;
CREATE TEMP TABLE parallel_cox AS SELECT recsys.coxph_fit(days, churned, features) AS model FROM many_lifetimes;
RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
SELECT p.curve = s.curve AS same_curve, cardinality(p.curve) AS points
FROM parallel_curve p, (SELECT recsys.kaplan_meier(days, churned) AS curve FROM many_lifetimes) s;

-- memory: the aggregate keeps counts per distinct time, claimed as they come: a million rows
-- of 1,000 times fit in 4 MB (the rows would take 9); 200,000 distinct times do not
SET recsys.max_memory = '4MB';
SELECT cardinality(recsys.kaplan_meier(g % 1000, g % 3 = 0)) AS points FROM generate_series(1, 1000000) g;
SELECT cardinality(recsys.kaplan_meier(g, true)) FROM generate_series(1, 200000) g;
RESET recsys.max_memory;

-- kaplan_meier's errors: a negative or non-finite time, bad options
SELECT recsys.kaplan_meier(t, true) FROM (VALUES (1.0), (-2.0)) v(t);
SELECT recsys.kaplan_meier(t, true) FROM (VALUES ('NaN'::float8)) v(t);
SELECT recsys.kaplan_meier(day, left_, '{"significance": 0.7}') FROM small_lifetimes;
SELECT recsys.kaplan_meier(day, left_, '{"level": 0.95}') FROM small_lifetimes;
SELECT recsys.kaplan_meier(1, true) FROM generate_series(1, 3) g WHERE g = 0;  -- (no rows: NULL, no error)

-- Cox: two groups with a closed-form optimum (Breslow ties): beta = log 2,
-- standard error sqrt(3/2), log partial likelihood -3 log 3.
CREATE TABLE two_groups AS SELECT * FROM (VALUES (1.0, true, 1.0), (1, true, 0), (2, true, 1), (2, false, 0)) v(t, e, x);
SELECT abs(coefficient - ln(2)) < 1e-12 AS log_2, abs(std_error - sqrt(1.5)) < 1e-12 AS se,
       abs(exp(coefficient) - 2) < 1e-12 AS hazard_ratio_2
FROM recsys.coefficients((SELECT recsys.coxph_fit(t, e, ARRAY[x]) FROM two_groups));
SELECT abs((recsys.model_info(recsys.coxph_fit(t, e, ARRAY[x]))->'metadata'->'training'->>'log_likelihood')::float8
           + 3 * ln(3)) < 1e-12 AS log_likelihood
FROM two_groups;

-- statsmodels' PHReg(ties="breslow") on the 200 lifetimes
CREATE TABLE driver_model AS
SELECT recsys.coxph_fit(days, churned, features, '{"feature_names": ["rating", "tenure", "night"]}') AS model
FROM lifetimes;
SELECT recsys.model_info(model)->>'kind' AS kind,
       recsys.model_info(model)->'metadata'->'options' AS options,
       recsys.model_info(model)->'metadata'->'dimensions' AS dimensions,
       recsys.model_info(model)->'metadata'->'training'->'events' AS events,
       recsys.model_info(model)->'metadata'->'training'->'converged' AS converged
FROM driver_model;
SELECT c.feature, c.name, abs(c.coefficient - s.coefficient) < 1e-7 AS coefficient,
       abs(c.std_error - s.std_error) < 1e-7 AS std_error, abs(c.p_value - s.p_value) < 1e-6 * greatest(s.p_value, 1e-10) + 1e-15 AS p_value,
       round(exp(c.coefficient)::numeric, 4) AS hazard_ratio, round(c.t_stat::numeric, 3) AS z
FROM driver_model, recsys.coefficients(model) c
JOIN (VALUES (1, 0.01623911318137689, 0.27859592599329835, 0.9535183285607016),
             (2, -2.96785530873954, 0.3645788292086434, 3.9363680067882734e-16),
             (3, -0.7418462223279343, 0.16817301723159617, 1.0279533242257736e-05))
     AS s(feature, coefficient, std_error, p_value) USING (feature)
ORDER BY 1;
SELECT abs((recsys.model_info(model)->'metadata'->'training'->>'log_likelihood')::float8 - -653.2775634980899) < 1e-9
       AS log_likelihood
FROM driver_model;
-- Breslow's baseline (R's basehaz; statsmodels' baseline_cumulative_hazard plus the time's own
-- term): 42 event times, the last
SELECT count(*) AS event_times, max("time") AS last_time,
       abs(max(cumulative_hazard) - 80.11090305198479) < 1e-6 * 80.1 AS last_cumulative_hazard
FROM driver_model, recsys.baseline_hazard(model);
-- predict: the relative hazard exp(x . beta); the projected survival of a new driver
SELECT abs(recsys.predict(model, ARRAY[0, 1, 0]) - exp(-2.96785530873954)) < 1e-7 AS relative_hazard,
       recsys.predict(model, ARRAY[0, 0, 0]) AS at_zero
FROM driver_model;
SELECT min(s."time") FILTER (WHERE s.survival <= 0.5) AS median_days, count(*) AS points,
       bool_and(s.survival BETWEEN 0 AND 1) AS probabilities,
       bool_and(abs(s.survival - exp(-s.cumulative_hazard)) < 1e-15) AS consistent
FROM driver_model, recsys.survival_curve(model, ARRAY[0, 0.5, 1]) s;
-- a parallel plan gives the serial model
SELECT recsys.coefficients(p.model) = recsys.coefficients(s.model) AS same_model
FROM parallel_cox p, (SELECT recsys.coxph_fit(days, churned, features) AS model FROM many_lifetimes) s;
-- l2: the penalized optimum (the fixture's, minimized by scipy), without standard errors
SELECT c.name, abs(c.coefficient - s.coefficient) < 1e-7 AS coefficient, c.std_error IS NULL AS no_se
FROM recsys.coefficients((SELECT recsys.coxph_fit(days, churned, features, '{"l2": 0.1}') FROM lifetimes)) c
JOIN (VALUES (1, -0.021812007548220314), (2, -0.8529604337604961), (3, -0.39493851521402396))
     AS s(feature, coefficient) USING (feature)
ORDER BY feature;
-- by name, through the registry
SELECT recsys.save_model('driver_lifetime', model) > 0 AS saved FROM driver_model;
SELECT recsys.predict('driver_lifetime', ARRAY[0.1, 0.2, 1]) = recsys.predict(model, ARRAY[0.1, 0.2, 1]) AS same,
       (SELECT count(*) FROM recsys.survival_curve('driver_lifetime', ARRAY[0.1, 0.2, 1])) AS points,
       (SELECT count(*) FROM recsys.baseline_hazard('driver_lifetime')) AS baseline_points
FROM driver_model;
SELECT count(*) AS no_features FROM driver_model, recsys.survival_curve(model, NULL);

-- coxph_fit's errors
SELECT recsys.coxph_fit(days, false, features) FROM lifetimes;
SELECT recsys.coxph_fit(days, churned, '{}'::float8[]) FROM lifetimes;
SELECT recsys.coxph_fit(days, churned, ARRAY[1, features[1]]) FROM lifetimes;
SELECT recsys.coxph_fit(-days, churned, features) FROM lifetimes;
SELECT recsys.coxph_fit(days, churned, features, '{"l2": -1}') FROM lifetimes;
SELECT recsys.coxph_fit(days, churned, features, '{"ties": "efron"}') FROM lifetimes;
SELECT recsys.coxph_fit(days, churned, features, '{"feature_names": ["a"]}') FROM lifetimes;
SELECT recsys.coxph_fit(days, churned, ARRAY[1, 'NaN'::float8]) FROM lifetimes;
SELECT recsys.coxph_fit(days, churned, CASE WHEN i = 7 THEN ARRAY[1.0] ELSE features END) FROM lifetimes;
-- a feature that orders the lifetimes perfectly: no finite optimum; the likelihood is flat far
-- out, so the fit stops with a large coefficient and a far larger standard error (as statsmodels');
-- l2 gives a finite answer
SELECT coefficient > 10 AS large, std_error > 100 * coefficient AS uncertain
FROM recsys.coefficients((SELECT recsys.coxph_fit(t, true, ARRAY[-t]) FROM generate_series(1, 5) t));
SELECT round(coefficient::numeric, 3) AS penalized
FROM recsys.coefficients((SELECT recsys.coxph_fit(t, true, ARRAY[-t], '{"l2": 0.1}') FROM generate_series(1, 5) t));
SELECT recsys.predict(model, ARRAY[1, 2]) FROM driver_model;
SELECT * FROM recsys.baseline_hazard((SELECT recsys.logreg_fit(churned, features) FROM lifetimes));
SELECT * FROM recsys.survival_curve('no_such_model', ARRAY[1.0]);
