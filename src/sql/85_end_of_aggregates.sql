-- The end of the declarations: drops the install-time helper that declared
-- the aggregates (30_training_aggregates.sql); it is no part of the API.
DROP FUNCTION recsys.install_aggregate(text, text, text, text, int, text, text);
