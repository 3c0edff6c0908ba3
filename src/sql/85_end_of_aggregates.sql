-- The end of the declarations: drops the install-time helpers that declared
-- the aggregates (30_training_aggregates.sql) and the name forms of the row
-- functions (15_model_info_rows.sql); they are no part of the API.
DROP FUNCTION recsys_internal.install_aggregate(text, text, text, text, int, text, text, text);
DROP FUNCTION recsys_internal.install_by_name(text);
