-- Option handling of als_fit: defaults, validation, messages.
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
SELECT recsys.als_fit(user_id, item_id, weight, '{"regularization": -1}') FROM watch;
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
