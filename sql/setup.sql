-- Installs the extension; later tests share this database.
CREATE EXTENSION recsys;
SELECT extname, extversion FROM pg_extension WHERE extname = 'recsys';
-- Every function lives in schema recsys.
SELECT count(*) > 20 AS has_functions FROM pg_proc WHERE pronamespace = 'recsys'::regnamespace;
-- Small, fixed watch history shared by the tests: users 1..40, items 100..129.
-- Users 1..20 like items 100..114, users 21..40 like items 115..129.
SELECT setseed(0.5);
CREATE TABLE watch AS
SELECT u::bigint AS user_id, (100 + ((u - 1) / 20) * 15 + floor(random() * 15))::bigint AS item_id, 1.0::float8 AS weight
FROM generate_series(1, 40) u, generate_series(1, 6) j;
SELECT count(*), count(DISTINCT user_id) AS users, count(DISTINCT item_id) AS items FROM watch;
