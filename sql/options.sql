-- Option handling of als_fit: defaults, validation, messages; recsys.options, the option table of every kind.
SELECT recsys.model_info(recsys.als_fit(user_id, item_id, weight, '{}'))->'metadata'->'options' FROM watch;
SELECT recsys.model_info(recsys.als_fit(user_id, item_id, weight))->'metadata'->'options'->'factors' FROM watch;
SELECT recsys.model_info(recsys.als_fit(user_id, item_id, weight, '{"factors": 8, "iterations": 2, "explicit": true}'))
       ->'metadata'->'options' FROM watch;
-- unknown key
SELECT recsys.als_fit(user_id, item_id, weight, '{"factor": 8}') FROM watch;
-- wrong types
SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": "8"}') FROM watch;
SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 8.5}') FROM watch;
SELECT recsys.als_fit(user_id, item_id, weight, '{"explicit": 1}') FROM watch;
SELECT recsys.als_fit(user_id, item_id, weight, '{"alpha": null}') FROM watch;
SELECT recsys.als_fit(user_id, item_id, weight, '{"alpha": [1]}') FROM watch;
-- out of range
SELECT recsys.als_fit(user_id, item_id, weight, '{"factors": 0}') FROM watch;
SELECT recsys.als_fit(user_id, item_id, weight, '{"l2": -1}') FROM watch;
SELECT recsys.als_fit(user_id, item_id, weight, '{"iterations": 100000}') FROM watch;
-- not an object, NULL
SELECT recsys.als_fit(user_id, item_id, weight, '[1, 2]') FROM watch;
SELECT recsys.als_fit(user_id, item_id, weight, '3') FROM watch;
SELECT recsys.als_fit(user_id, item_id, weight, NULL) FROM watch;
-- options that differ between rows
SELECT recsys.als_fit(user_id, item_id, weight, jsonb_build_object('factors', 2 + user_id % 2)) FROM watch;
-- the SQLSTATE of a bad option value is 22023
DO $$
BEGIN
  PERFORM recsys.als_fit(user_id, item_id, weight, '{"factors": -3}') FROM watch;
EXCEPTION WHEN invalid_parameter_value THEN
  RAISE NOTICE 'caught 22023: %', SQLERRM;
END $$;
-- recsys.options: every option of every kind, from the schemas the aggregates check
SELECT kind, count(*) AS options FROM recsys.options() WITH ORDINALITY o GROUP BY kind ORDER BY min(o.ordinality);
SELECT kind, option, type, default_value, minimum, maximum, choices FROM recsys.options();
SELECT option, default_value, description FROM recsys.options('ab_compare');
-- the defaults are the values a fit with '{}' writes into its model
CREATE TEMP TABLE default_models AS
SELECT 'als' AS kind, recsys.als_fit(user_id, item_id, weight, '{}') AS model FROM watch
UNION ALL SELECT 'logreg', recsys.logreg_fit(user_id % 2 = 0, ARRAY[item_id::float8], '{}') FROM watch
UNION ALL SELECT 'linreg', recsys.linreg_fit(weight + user_id, ARRAY[item_id::float8], '{}') FROM watch
UNION ALL SELECT 'mlp', recsys.mlp_fit(user_id % 2 = 0, ARRAY[item_id::float8], '{}') FROM watch
UNION ALL SELECT 'featurizer', recsys.featurizer_fit(to_jsonb(w), '{}') FROM watch w
UNION ALL SELECT 'bandit', recsys.bandit_fit(item_id, 1, (user_id % 2)::bigint, '{}') FROM watch;
SELECT o.kind, count(*) AS options,
       count(*) FILTER (WHERE m.info ? o.option
                          AND m.info -> o.option = coalesce(CASE WHEN o.type = 'string' THEN to_jsonb(o.default_value)
                                                                 ELSE o.default_value::jsonb END, 'null'::jsonb))
           AS written_as_listed,
       (SELECT count(*) FROM jsonb_object_keys(m.info)) AS in_model
FROM recsys.options() o
JOIN (SELECT kind, recsys.model_info(model)->'metadata'->'options' AS info FROM default_models) m USING (kind)
GROUP BY o.kind, m.info ORDER BY o.kind;
-- a kind without options lists none; an unknown one is an error naming the kinds
SELECT count(*) AS pipeline_options FROM recsys.options('pipeline');
SELECT count(*) AS auc_options FROM recsys.options('auc');
SELECT count(*) = (SELECT count(*) FROM recsys.options(NULL)) AS null_is_every_kind FROM recsys.options();
SELECT error_of($$SELECT * FROM recsys.options('als_fit')$$);
-- an option's former name (in old models) is no option of a user's
SELECT error_of($$SELECT recsys.als_fit(user_id, item_id, weight, '{"regularization": 1}') FROM watch$$);
