-- Experiments: the bandit that explores fresh items (bandit_fit, explore,
-- bandit_items) and A/B tests (ab_bucket, ab_compare, ab_rows).

-- The bandit: per item, shows and clicks, and the Beta posterior of its
-- click-through rate. bandit_fit(item_id, shown, clicked [, options]) over
-- impressions: one row per impression (item_id, 1, clicked::int) or counts
-- per item (rows of one item add up).
SELECT recsys_internal.install_aggregate('bandit_fit', 'item_id bigint, shown bigint, clicked bigint [, options jsonb]',
                                         'bandit_collect', 'recsys_bandit_collect', 67108864, 'training', 'training_final',
                                         'Trains the exploration bandit (a Beta posterior of each item''s click-through rate) on impressions');

-- A page of k from candidates (item_ids, with a ranker's scores or none): a
-- share epsilon of the slots explored by Thompson sampling among fresh items
-- (explored = true), the others by score, or by Thompson sampling without
-- scores. Deterministic under the seed (e.g. user_id * 1000 + page number).
CREATE FUNCTION recsys.explore(model bytea, item_ids bigint[], scores float8[] DEFAULT NULL, k int DEFAULT 10,
                               epsilon float8 DEFAULT 0.1, seed bigint DEFAULT 0)
    RETURNS TABLE(item_id bigint, rank int, score float8, sampled_ctr float8, explored bool)
    AS 'MODULE_PATHNAME', 'recsys_explore' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION recsys.explore(bytea, bigint[], float8[], int, float8, bigint) IS
    'A page of k candidates, a share epsilon of its slots explored among fresh items by Thompson sampling';
CREATE FUNCTION recsys.explore(name text, item_ids bigint[], scores float8[] DEFAULT NULL, k int DEFAULT 10,
                               epsilon float8 DEFAULT 0.1, seed bigint DEFAULT 0)
    RETURNS TABLE(item_id bigint, rank int, score float8, sampled_ctr float8, explored bool)
    AS 'MODULE_PATHNAME', 'recsys_explore_by_name' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 10;
COMMENT ON FUNCTION recsys.explore(text, bigint[], float8[], int, float8, bigint) IS 'explore by the bandit a name serves';
-- What the bandit believes of each item it saw: counts, posterior, fresh or not.
CREATE FUNCTION recsys.bandit_items(model bytea)
    RETURNS TABLE(item_id bigint, shows bigint, clicks bigint, alpha float8, beta float8, mean float8, fresh bool)
    AS 'MODULE_PATHNAME', 'recsys_bandit_items' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION recsys.bandit_items(bytea) IS
    'Per item (arm) of a bandit: shows, clicks, its Beta posterior and mean click-through rate, fresh or not';
CREATE FUNCTION recsys.bandit_items(name text)
    RETURNS TABLE(item_id bigint, shows bigint, clicks bigint, alpha float8, beta float8, mean float8, fresh bool)
    AS 'MODULE_PATHNAME', 'recsys_bandit_items_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 1000;
COMMENT ON FUNCTION recsys.bandit_items(text) IS 'bandit_items of the bandit a name serves';

-- A/B tests.
-- A user's variant 0 .. n-1 of an experiment, in proportion to the weights:
-- the same for every call, independent between experiments. A NULL user gets NULL.
CREATE FUNCTION recsys.ab_bucket(user_id bigint, experiment text, weights float8[]) RETURNS int
    AS 'MODULE_PATHNAME', 'recsys_ab_bucket' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION recsys.ab_bucket IS 'A user''s variant 0 .. n-1 of an experiment, in proportion to the weights, the same at every call';

-- ab_compare(variant, value [, options]) -> jsonb: per variant n, mean, CI,
-- and against the control the difference, its CI, lift and p-value (a bool
-- value: two-proportion z-test; a number: Welch's t-test), and with the
-- expected weights in the options the sample-ratio-mismatch check. Variants
-- are numbers (recsys.ab_bucket's) or names. A row with a NULL variant or
-- value is skipped.
-- Its rows are collected by the shared aggregate (a statistic over rows, as
-- auc is), whose final is the report.
SELECT recsys_internal.install_aggregate('ab_compare', a.arguments, 'ab_collect', 'recsys_ab_collect', NULL, 'training',
                                         'statistic_json',
                                         'An A/B test''s report of (variant, value) rows, as jsonb: per variant n, mean, CI, lift, p-value')
FROM (VALUES ('variant bigint, value float8 [, options jsonb]'),
             ('variant text, value float8 [, options jsonb]'),
             ('variant bigint, value bool [, options jsonb]'),
             ('variant text, value bool [, options jsonb]')) AS a(arguments);

-- ab_compare's report as rows a BI tool charts: one per variant. A SQL-standard
-- body, bound when the extension is created (no search_path can redirect it)
-- and inlined into the query that calls it.
CREATE FUNCTION recsys.ab_rows(report jsonb)
    RETURNS TABLE(variant text, control bool, n bigint, mean float8, stddev float8, ci_low float8, ci_high float8,
                  diff float8, diff_ci_low float8, diff_ci_high float8, lift float8, p_value float8,
                  significant bool, expected_share float8, observed_share float8, srm_p_value float8)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT v ->> 'variant', (v ->> 'control')::bool, (v ->> 'n')::bigint, (v ->> 'mean')::float8,
           (v ->> 'stddev')::float8, (v ->> 'ci_low')::float8, (v ->> 'ci_high')::float8, (v ->> 'diff')::float8,
           (v ->> 'diff_ci_low')::float8, (v ->> 'diff_ci_high')::float8, (v ->> 'lift')::float8,
           (v ->> 'p_value')::float8, (v ->> 'significant')::bool, (v ->> 'expected_share')::float8,
           (v ->> 'observed_share')::float8, (report -> 'srm' ->> 'p_value')::float8
    FROM pg_catalog.jsonb_array_elements(report -> 'variants') WITH ORDINALITY AS e(v, i)
    ORDER BY i;
END;
COMMENT ON FUNCTION recsys.ab_rows IS 'ab_compare''s report as rows: one per variant';
