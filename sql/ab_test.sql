-- ab_bucket and ab_compare: bucket stability and proportions, independence
-- across experiments, the statistics against scipy's numbers on fixed inputs
-- (tests/fixtures/make_ab_fixtures.py), the report as jsonb and as rows,
-- named variants, a parallel plan, and every error.

-- ---------------------------------------------------------------- buckets
-- 100,000 users, weights 0.5 / 0.3 / 0.2: each share within 4 standard deviations
CREATE TABLE ab_users AS
SELECT u::bigint AS user_id, recsys.ab_bucket(u, 'ranker_v2', ARRAY[0.5, 0.3, 0.2]) AS v
FROM generate_series(1, 100000) u;
SELECT v, count(*), abs(count(*) / 1e5 - w) < 4 * sqrt(w * (1 - w) / 1e5) AS within_tolerance
FROM ab_users JOIN (VALUES (0, 0.5), (1, 0.3), (2, 0.2)) AS expected(variant, w) ON v = variant
GROUP BY v, w ORDER BY v;
-- stable: the same user gets the same variant on every call; weights need not sum to 1
SELECT count(*) FILTER (WHERE recsys.ab_bucket(user_id, 'ranker_v2', ARRAY[0.5, 0.3, 0.2]) <> v) AS moved,
       count(*) FILTER (WHERE recsys.ab_bucket(user_id, 'ranker_v2', ARRAY[5, 3, 2]) <> v) AS moved_scaled
FROM ab_users;
SELECT recsys.ab_bucket(42, 'ranker_v2', ARRAY[0.5, 0.3, 0.2]) AS user_42,
       recsys.ab_bucket(42::int, 'ranker_v2', ARRAY[0.5, 0.3, 0.2]) AS as_int,
       recsys.ab_bucket(NULL, 'ranker_v2', ARRAY[0.5, 0.3, 0.2]) AS no_user;
-- a weight of 0 gets no one (a variant not yet ramped up); a single weight, everyone
SELECT recsys.ab_bucket(user_id, 'ranker_v2', ARRAY[1, 0, 1]) AS v, count(*)
FROM ab_users GROUP BY 1 ORDER BY 1;
SELECT DISTINCT recsys.ab_bucket(user_id, 'everyone', ARRAY[3]) AS v FROM ab_users;
-- independent across experiments: chi-square of the crossed table (2 x 3, df 2)
-- is below 13.82, its 0.1 % critical value
SELECT round(sum((n - e) ^ 2 / e)::numeric, 3) AS chi2, sum((n - e) ^ 2 / e) < 13.8155 AS independent
FROM (SELECT a, b, count(*)::float8 AS n,
             sum(count(*)) OVER (PARTITION BY a) * sum(count(*)) OVER (PARTITION BY b) / 1e5 AS e
      FROM (SELECT recsys.ab_bucket(user_id, 'thumbnails', ARRAY[1, 1]) AS a, v AS b FROM ab_users) x
      GROUP BY a, b) t;
-- the rows per cell of the same table
SELECT a, b, count(*)
FROM (SELECT recsys.ab_bucket(user_id, 'thumbnails', ARRAY[1, 1]) AS a, v AS b FROM ab_users) x
GROUP BY a, b ORDER BY a, b;

-- ---------------------------------------------------------------- statistics against scipy
-- continuous: variant v in 0, 1, 2 with 200, 230, 170 rows, row i = 1..n has the value
-- ((37 i + 11 v) mod 101) / 10 * (1 + 0.25 v) + 0.3 v
CREATE TABLE ab_watch AS
SELECT v::bigint AS variant, ((37 * i + 11 * v) % 101)::float8 / 10 * (1 + 0.25 * v) + 0.3 * v AS minutes
FROM (VALUES (0, 200), (1, 230), (2, 170)) AS s(v, n), generate_series(1, n) i;
-- binary: 1000, 980, 1020 rows of which 100, 125, 95 are true
CREATE TABLE ab_click AS
SELECT v::bigint AS variant, i <= k AS clicked
FROM (VALUES (0, 1000, 100), (1, 980, 125), (2, 1020, 95)) AS s(v, n, k), generate_series(1, n) i;
CREATE TABLE ab_reports AS
SELECT 'continuous' AS name, recsys.ab_compare(variant, minutes, '{"weights": [1, 1, 1]}') AS report FROM ab_watch
UNION ALL
SELECT 'binary', recsys.ab_compare(variant, clicked, '{"weights": [0.34, 0.33, 0.33]}') FROM ab_click
UNION ALL
SELECT 'binary_normal_90', recsys.ab_compare(variant, clicked, '{"weights": [0.34, 0.33, 0.33], "ci": "normal", "significance": 0.1}')
FROM ab_click;
-- scipy's values (make_ab_fixtures.py --sql), each within 1e-9 (relative above 1)
CREATE TABLE scipy_values (name text, variant text, key text, expected float8);
INSERT INTO scipy_values VALUES
('continuous', '0', 'n', 200),
('continuous', '0', 'mean', 5.018000000000001),
('continuous', '0', 'stddev', 2.9141615755551733),
('continuous', '0', 'ci_low', 4.611654017836375),
('continuous', '0', 'ci_high', 5.424345982163627),
('continuous', '1', 'n', 230),
('continuous', '1', 'mean', 6.545652173913042),
('continuous', '1', 'stddev', 3.648458968923869),
('continuous', '1', 'ci_low', 6.071634057398268),
('continuous', '1', 'ci_high', 7.019670290427816),
('continuous', '1', 'diff', 1.527652173913041),
('continuous', '1', 'diff_ci_low', 0.9050416221184191),
('continuous', '1', 'diff_ci_high', 2.150262725707663),
('continuous', '1', 'lift', 0.3044344706881309),
('continuous', '1', 'statistic', 4.822748048653179),
('continuous', '1', 'p_value', 1.9759499456490752e-06),
('continuous', '2', 'n', 170),
('continuous', '2', 'mean', 8.062058823529412),
('continuous', '2', 'stddev', 4.378813826718795),
('continuous', '2', 'ci_low', 7.39907754168729),
('continuous', '2', 'ci_high', 8.725040105371535),
('continuous', '2', 'diff', 3.0440588235294115),
('continuous', '2', 'diff_ci_low', 2.268514041811173),
('continuous', '2', 'diff_ci_high', 3.81960360524765),
('continuous', '2', 'lift', 0.6066279042505801),
('continuous', '2', 'statistic', 7.725689615855078),
('continuous', '2', 'p_value', 1.8940334185723647e-13),
('continuous', '', 'srm_p_value', 0.011108996538242308),
('binary', '0', 'n', 1000),
('binary', '0', 'mean', 0.1),
('binary', '0', 'stddev', 0.30000000000000004),
('binary', '0', 'ci_low', 0.08290944359309571),
('binary', '0', 'ci_high', 0.1201519631953484),
('binary', '1', 'n', 980),
('binary', '1', 'mean', 0.12755102040816327),
('binary', '1', 'stddev', 0.3335892048628067),
('binary', '1', 'ci_low', 0.10810981007485289),
('binary', '1', 'ci_high', 0.14990072256215092),
('binary', '1', 'diff', 0.027551020408163263),
('binary', '1', 'diff_ci_low', -0.00041216525354105873),
('binary', '1', 'diff_ci_high', 0.05551420606986758),
('binary', '1', 'lift', 0.2755102040816326),
('binary', '1', 'statistic', 1.9313167273683702),
('binary', '1', 'p_value', 0.053443896023417765),
('binary', '2', 'n', 1020),
('binary', '2', 'mean', 0.09313725490196079),
('binary', '2', 'stddev', 0.29062468348591447),
('binary', '2', 'ci_low', 0.07679666030024923),
('binary', '2', 'ci_high', 0.1125309520470465),
('binary', '2', 'diff', -0.006862745098039219),
('binary', '2', 'diff_ci_low', -0.032627630938606454),
('binary', '2', 'diff_ci_high', 0.018902140742528016),
('binary', '2', 'lift', -0.06862745098039219),
('binary', '2', 'statistic', -0.5221856089051027),
('binary', '2', 'p_value', 0.6015411049480903),
('binary', '', 'srm_p_value', 0.49602500688410633),
('binary_normal_90', '0', 'n', 1000),
('binary_normal_90', '0', 'mean', 0.1),
('binary_normal_90', '0', 'stddev', 0.30000000000000004),
('binary_normal_90', '0', 'ci_low', 0.08439554836373328),
('binary_normal_90', '0', 'ci_high', 0.11560445163626673),
('binary_normal_90', '1', 'n', 980),
('binary_normal_90', '1', 'mean', 0.12755102040816327),
('binary_normal_90', '1', 'stddev', 0.3335892048628067),
('binary_normal_90', '1', 'ci_low', 0.11002326891850314),
('binary_normal_90', '1', 'ci_high', 0.1450787718978234),
('binary_normal_90', '1', 'diff', 0.027551020408163263),
('binary_normal_90', '1', 'diff_ci_low', 0.004083575230814502),
('binary_normal_90', '1', 'diff_ci_high', 0.05101846558551203),
('binary_normal_90', '1', 'lift', 0.2755102040816326),
('binary_normal_90', '1', 'statistic', 1.9313167273683702),
('binary_normal_90', '1', 'p_value', 0.053443896023417765),
('binary_normal_90', '2', 'n', 1020),
('binary_normal_90', '2', 'mean', 0.09313725490196079),
('binary_normal_90', '2', 'stddev', 0.29062468348591447),
('binary_normal_90', '2', 'ci_low', 0.07816939642626022),
('binary_normal_90', '2', 'ci_high', 0.10810511337766135),
('binary_normal_90', '2', 'diff', -0.006862745098039219),
('binary_normal_90', '2', 'diff_ci_low', -0.02848531890915589),
('binary_normal_90', '2', 'diff_ci_high', 0.01475982871307745),
('binary_normal_90', '2', 'lift', -0.06862745098039219),
('binary_normal_90', '2', 'statistic', -0.5221856089051027),
('binary_normal_90', '2', 'p_value', 0.6015411049480903),
('binary_normal_90', '', 'srm_p_value', 0.49602500688410633);
SELECT s.name, count(*) AS compared,
       count(*) FILTER (WHERE abs(ours - s.expected) <= 1e-9 * greatest(1, abs(s.expected))) AS agree
FROM scipy_values s JOIN ab_reports r USING (name),
     LATERAL (SELECT CASE WHEN s.key = 'srm_p_value' THEN (r.report->'srm'->>'p_value')::float8
                          ELSE (SELECT (v->>s.key)::float8 FROM jsonb_array_elements(r.report->'variants') v
                                WHERE v->>'variant' = s.variant) END AS ours) o
GROUP BY s.name ORDER BY s.name;

-- the report a product manager reads, and the rows a BI tool charts
SELECT name, report->>'test' AS test, report->>'control' AS control,
       round((report->'srm'->>'p_value')::numeric, 6) AS srm_p_value, report->'srm'->'mismatch' AS srm_mismatch,
       report->>'verdict' AS verdict
FROM ab_reports ORDER BY name;
SELECT r.variant, r.control, r.n, round(r.mean::numeric, 4) AS mean, round(r.ci_low::numeric, 4) AS ci_low,
       round(r.ci_high::numeric, 4) AS ci_high, round(r.lift::numeric, 4) AS lift,
       round(r.p_value::numeric, 6) AS p_value, r.significant, r.expected_share, r.observed_share,
       round(r.srm_p_value::numeric, 4) AS srm_p_value
FROM ab_reports, recsys.ab_rows(report) r WHERE name = 'continuous';
SELECT jsonb_object_keys(report->'variants'->1) AS key FROM ab_reports WHERE name = 'binary' ORDER BY 1;

-- named variants: the same numbers; the control by name; weights by name
SELECT r.variant, r.control, r.n, round(r.diff::numeric, 6) AS diff, round(r.p_value::numeric, 6) AS p_value
FROM (SELECT recsys.ab_compare((ARRAY['control', 'ranker_b', 'ranker_c'])[variant + 1], clicked,
                               '{"control": "ranker_b", "weights": {"control": 34, "ranker_b": 33, "ranker_c": 33}}') AS report
      FROM ab_click) s, recsys.ab_rows(s.report) r;
SELECT recsys.ab_compare(variant, clicked, '{"control": 1}')->>'control' AS control FROM ab_click;
-- a sample ratio mismatch is flagged: expected 0.5 / 0.25 / 0.25
SELECT report->'srm'->'mismatch' AS mismatch, report->>'verdict' AS verdict
FROM (SELECT recsys.ab_compare(variant, clicked, '{"weights": [0.5, 0.25, 0.25]}') AS report FROM ab_click) s;
-- a variant with a weight and no rows takes part (with n = 0): a mismatch too
SELECT r.variant, r.n, r.expected_share, r.observed_share, r.srm_p_value < 0.001 AS srm_flagged
FROM (SELECT recsys.ab_compare(variant, clicked, '{"weights": [1, 1, 1, 1]}') AS report FROM ab_click) s,
     recsys.ab_rows(s.report) r;
-- NULL variants or values are skipped and counted; no rows give NULL
SELECT recsys.ab_compare(CASE WHEN variant = 2 THEN NULL ELSE variant END,
                         CASE WHEN minutes > 9.5 THEN NULL ELSE minutes END)->'skipped_rows' AS skipped
FROM ab_watch;
SELECT recsys.ab_compare(variant, minutes) IS NULL AS no_rows FROM ab_watch WHERE false;
-- one report per group (GROUP BY composes): the day of an experiment
SELECT day, (report->'variants'->1->>'n')::int AS n_variant_1
FROM (SELECT variant % 2 AS day, recsys.ab_compare(variant, minutes) AS report
      FROM (SELECT variant, minutes FROM ab_watch UNION ALL SELECT variant + 1, minutes FROM ab_watch) x
      GROUP BY variant % 2) s ORDER BY day;
-- the user-level analysis from a log: the buckets of users, their minutes
SELECT r.variant, r.n, r.observed_share, r.srm_p_value > 0.001 AS no_srm
FROM (SELECT recsys.ab_compare(v, (user_id % 7)::float8, '{"weights": [0.5, 0.3, 0.2]}') AS report FROM ab_users) s,
     recsys.ab_rows(s.report) r;

-- a forced parallel plan gives the serial report
SELECT force_parallel_plans();
SELECT workers_launched('SELECT recsys.ab_compare(v, (user_id % 7)::float8) FROM ab_users') > 0 AS parallel;
SELECT (SELECT recsys.ab_compare(v, (user_id % 7)::float8, '{"weights": [0.5, 0.3, 0.2]}') FROM ab_users) AS parallel_report \gset
RESET ALL;
SELECT bool_and(abs(p.mean - s.mean) < 1e-9 AND abs(p.p_value - s.p_value) < 1e-9 AND p.n = s.n) AS same_report
FROM recsys.ab_rows(:'parallel_report') p
JOIN (SELECT r.* FROM (SELECT recsys.ab_compare(v, (user_id % 7)::float8, '{"weights": [0.5, 0.3, 0.2]}') AS report
                       FROM ab_users) s, recsys.ab_rows(s.report) r) s USING (variant)
WHERE NOT p.control;
-- ab_rows is inlined into the query that calls it
EXPLAIN (COSTS OFF) SELECT * FROM ab_reports, recsys.ab_rows(report);

-- ---------------------------------------------------------------- errors
SELECT recsys.ab_bucket(1, 'e', NULL);
SELECT recsys.ab_bucket(1, 'e', ARRAY[]::float8[]);
SELECT recsys.ab_bucket(1, 'e', ARRAY[0.5, NULL]);
SELECT recsys.ab_bucket(1, 'e', ARRAY[0.5, -0.5]);
SELECT recsys.ab_bucket(1, 'e', ARRAY[0.5, 'NaN']::float8[]);
SELECT recsys.ab_bucket(1, 'e', ARRAY[0.5, 'Infinity']::float8[]);
SELECT recsys.ab_bucket(1, 'e', ARRAY[0, 0]);
SELECT recsys.ab_bucket(1, NULL, ARRAY[1, 1]);
SELECT recsys.ab_bucket(1, '', ARRAY[1, 1]);
SELECT recsys.ab_bucket(1, 'e', ARRAY[[1, 1], [1, 1]]);
SELECT recsys.ab_compare(0, minutes) FROM ab_watch;
SELECT recsys.ab_compare(variant, minutes) FROM ab_watch WHERE variant = 1;
SELECT recsys.ab_compare(variant, CASE WHEN variant = 1 AND minutes > 9 THEN 'NaN' ELSE minutes END) FROM ab_watch;
SELECT recsys.ab_compare(variant::text, CASE WHEN variant = 2 THEN '-Infinity' ELSE minutes END) FROM ab_watch;
SELECT recsys.ab_compare(variant, clicked, '{"weights": [0.5, 0.5]}') FROM ab_click;
SELECT recsys.ab_compare(variant, clicked, '{"weights": [0.5, -0.5, 0]}') FROM ab_click;
SELECT recsys.ab_compare(variant, clicked, '{"weights": [0, 0, 0]}') FROM ab_click;
SELECT recsys.ab_compare(variant, clicked, '{"weights": []}') FROM ab_click;
SELECT recsys.ab_compare(variant, clicked, '{"weights": [1, "x", 1]}') FROM ab_click;
SELECT recsys.ab_compare(variant, clicked, '{"weights": "0.5, 0.5"}') FROM ab_click;
SELECT recsys.ab_compare(variant::text, clicked, '{"weights": [1, 1, 1]}') FROM ab_click;
SELECT recsys.ab_compare(variant, clicked, '{"weights": {"0": 1, "1": 1, "two": 1}}') FROM ab_click;
SELECT recsys.ab_compare(variant, clicked, '{"control": 5}') FROM ab_click;
SELECT recsys.ab_compare(variant, clicked, '{"control": "treatment"}') FROM ab_click;
SELECT recsys.ab_compare(variant, clicked, '{"significance": 0}') FROM ab_click;
SELECT recsys.ab_compare(variant, clicked, '{"ci": "exact"}') FROM ab_click;
SELECT recsys.ab_compare(variant, clicked, '{"confidence": 0.9}') FROM ab_click;
SELECT recsys.ab_compare(variant, clicked, '[0.5, 0.5]') FROM ab_click;
SELECT recsys.ab_compare(variant, clicked, NULL) FROM ab_click;
SELECT recsys.ab_compare(variant, clicked, CASE WHEN variant = 2 THEN '{"significance": 0.1}' ELSE '{}' END::jsonb) FROM ab_click;
SELECT recsys.ab_compare(user_id, 1.0) FROM ab_users;
DROP TABLE ab_users, ab_watch, ab_click, ab_reports, scipy_values;
