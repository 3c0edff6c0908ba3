-- model_info as rows a BI tool selects from: model_summary (one typed row),
-- model_facts (every scalar fact), training_history (the loss per iteration)
-- and featurizer_columns, for every kind, by bytes and by name; each checked
-- against the model_info jsonb it comes from.
CREATE TABLE row_houses AS
SELECT i, (i % 7)::float8 AS area, CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 END::float8 AS rooms,
       CASE WHEN i % 11 = 0 THEN NULL ELSE (ARRAY['north', 'south', 'east'])[1 + i % 3] END AS city,
       i % 2 = 0 AS pool, 3 + 2 * (i % 7) + (i % 3) * 0.5 + sin(i) AS price
FROM generate_series(1, 300) i;
CREATE TABLE row_models AS
SELECT 'als' AS name, recsys.als_fit(user_id, item_id, weight, '{"factors": 4, "iterations": 3}') AS model FROM watch
UNION ALL
SELECT 'logreg', recsys.logreg_fit(pool, ARRAY[area, i::float8]) FROM row_houses
UNION ALL
SELECT 'linreg', recsys.linreg_fit(price, ARRAY[area, i::float8], '{"feature_names": ["area", "i"]}') FROM row_houses
UNION ALL
SELECT 'mlp', recsys.mlp_fit(pool, ARRAY[area, i::float8],
                             '{"hidden_layers": [4], "epochs": 6, "early_stopping": true, "validation_fraction": 0.2, "n_iter_no_change": 100}')
FROM row_houses
UNION ALL
SELECT 'featurizer', recsys.featurizer_fit(to_jsonb(h) - 'price' - 'i', price, '{"columns": {"area": {"impute": "knn"}}}')
FROM row_houses h
UNION ALL
SELECT 'bandit', recsys.bandit_fit(item_id, 1, (user_id % 3 = 0)::int) FROM watch;
INSERT INTO row_models
SELECT 'pipeline', recsys.pipeline(f.model, recsys.linreg_fit(h.price, recsys.transform(f.model, to_jsonb(h), true), '{"l2": 0.01}'))
FROM row_models f, row_houses h WHERE f.name = 'featurizer' GROUP BY f.model;
SELECT recsys.save_model('rows_' || name, model) > 0 AS saved FROM row_models ORDER BY name;

-- model_summary: one row per model with typed columns, equal to model_info's facts (a pipeline's: its estimator's)
SELECT r.name, s.kind, s.format_version, s.bytes = length(r.model) AS bytes, s.training_rows, s.skipped_rows,
       s.iterations, s.final_loss IS NOT NULL AS has_loss, s.training_seconds >= 0 AS timed, s.threads >= 1 AS threads
FROM row_models r, recsys.model_summary(r.model) s ORDER BY r.name;
SELECT r.name,
       s.training_rows = (coalesce(t, e) ->> 'rows')::bigint AS rows_match,
       s.iterations = jsonb_array_length(coalesce(t, e) -> 'loss') AS iterations_match,
       s.final_loss IS NOT DISTINCT FROM (coalesce(t, e) -> 'loss' ->> -1)::float8 AS loss_match,
       s.training_seconds = (coalesce(t, e) ->> 'seconds')::float8 AS seconds_match
FROM row_models r, recsys.model_summary(r.model) s,
     LATERAL (SELECT recsys.model_info(r.model) #> '{metadata,training}' AS t,
                     recsys.model_info(r.model) #> '{metadata,estimator,metadata,training}' AS e) i
ORDER BY r.name;
-- by name: the version the name serves (deploy pins another)
SELECT (SELECT s.training_rows FROM recsys.model_summary('rows_als') s) AS als_rows,
       (SELECT s.kind FROM recsys.model_summary('rows_pipeline') s) AS pipeline_kind;
SELECT recsys.save_model('rows_als', recsys.als_fit(user_id, item_id, weight, '{"factors": 2, "iterations": 2}')) > 0 AS saved
FROM watch WHERE user_id <= 20;
SELECT s.training_rows, s.iterations FROM recsys.model_summary('rows_als') s;
SELECT recsys.deploy('rows_als', min(id)) > 0 AS pinned FROM recsys.models WHERE name = 'rows_als';
SELECT s.training_rows, s.iterations FROM recsys.model_summary('rows_als') s;
SELECT recsys.undeploy('rows_als') > 0 AS unpinned;
-- a NULL model: no row; not a model: model_info's error; an unknown name: 42704
SELECT count(*) AS no_rows FROM recsys.model_summary(NULL::bytea);
SELECT * FROM recsys.model_summary('\x00'::bytea);
SELECT * FROM recsys.model_summary('rows_nothing');

-- model_facts: every scalar of model_info, (section, key, value, number)
SELECT * FROM recsys.model_facts((SELECT model FROM row_models WHERE name = 'als'))
WHERE (section, key) NOT IN (('training', 'seconds'), ('training', 'threads'), ('model', 'size_bytes'));
-- linreg's statistics as rows: the same numbers as model_info's
SELECT f.key, round(f.number::numeric, 6) AS number,
       f.number = (recsys.model_info(r.model) #>> ARRAY['metadata', 'statistics', f.key])::float8 AS matches
FROM row_models r, recsys.model_facts(r.model) f
WHERE r.name = 'linreg' AND f.section = 'statistics' ORDER BY f.key;
-- a bandit's statistics: numbers, and its prior's source as text
SELECT f.key, f.value, f.number IS NOT NULL AS is_number
FROM recsys.model_facts('rows_bandit') f WHERE f.section = 'statistics' ORDER BY f.key;
-- a pipeline's facts sit under its parts; an mlp's booleans and strings are text without a number
SELECT f.section, count(*) AS facts FROM recsys.model_facts('rows_pipeline') f GROUP BY f.section ORDER BY 1;
SELECT f.key, f.value, f.number FROM recsys.model_facts('rows_mlp') f
WHERE f.section = 'training' AND f.key IN ('stopped_early', 'epochs', 'solver', 'used_rows', 'positives') ORDER BY f.key;
-- every scalar of model_info is a fact, and nothing else (arrays are left out), for every kind
WITH RECURSIVE info AS (SELECT r.name, recsys.model_info(r.model) AS j FROM row_models r),
leaves(name, path, value) AS (
  SELECT i.name, ARRAY[e.key], e.value FROM info i, jsonb_each(i.j) e
  UNION ALL
  SELECT l.name, l.path || e.key, e.value FROM leaves l, jsonb_each(CASE WHEN jsonb_typeof(l.value) = 'object' THEN l.value ELSE '{}' END) e
)
SELECT l.name, count(*) AS scalars,
       (SELECT count(*) FROM row_models r, recsys.model_facts(r.model) f WHERE r.name = l.name) AS facts
FROM leaves l WHERE jsonb_typeof(l.value) NOT IN ('object', 'array') GROUP BY l.name ORDER BY l.name;
SELECT count(*) AS no_rows FROM recsys.model_facts(NULL::bytea);

-- training_history: the loss of each iteration, as model_info records it
SELECT r.name, count(h.*) AS iterations, bool_and(h.loss IS NOT NULL) AS losses,
       count(h.validation_loss) AS validation_losses, min(h.iteration) AS first, max(h.iteration) AS last
FROM row_models r LEFT JOIN LATERAL recsys.training_history(r.model) h ON true
GROUP BY r.name ORDER BY r.name;
SELECT h.iteration, h.loss = (recsys.model_info(r.model) #>> ARRAY['metadata', 'training', 'loss', (h.iteration - 1)::text])::float8
       AS loss_matches
FROM row_models r, recsys.training_history(r.model) h WHERE r.name = 'als' ORDER BY h.iteration;
SELECT h.iteration, h.validation_loss = (recsys.model_info('rows_mlp') #>> ARRAY['metadata', 'training', 'validation_loss',
                                                                                  (h.iteration - 1)::text])::float8 AS validation_matches
FROM recsys.training_history('rows_mlp') h ORDER BY h.iteration;
-- the ALS loss falls (a chart: iteration on x, loss on y)
SELECT bool_and(h.loss < h.previous) AS loss_falls
FROM (SELECT loss, lag(loss) OVER (ORDER BY iteration) AS previous FROM recsys.training_history('rows_als')) h
WHERE h.previous IS NOT NULL;

-- featurizer_columns: per input column, typed
SELECT * FROM recsys.featurizer_columns('rows_featurizer');
-- the same from a pipeline's featurizer, and equal to model_info's statistics
SELECT (SELECT array_agg(c.name ORDER BY c.position) FROM recsys.featurizer_columns('rows_pipeline') c) AS pipeline_columns,
       (SELECT array_agg(c ->> 'name') FROM jsonb_array_elements(recsys.model_info('rows_featurizer') #> '{metadata,statistics,columns}') c)
         AS info_columns;
SELECT * FROM recsys.featurizer_columns((SELECT model FROM row_models WHERE name = 'als'));
SELECT count(*) AS no_rows FROM recsys.featurizer_columns(NULL::bytea);
SELECT * FROM recsys.featurizer_columns('rows_nothing');

-- bandit statistics per arm: bandit_items
SELECT count(*) AS arms, sum(shows) AS shows, sum(clicks) AS clicks FROM recsys.bandit_items('rows_bandit');
DROP TABLE row_models, row_houses;
