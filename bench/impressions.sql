-- Table bench_impressions(id, watched, features): :rows generated impressions (default 1,000,000)
-- with 50 features uniform in [-1, 1], 2 % watched plus 5 % on every seventh row, the same rows
-- on every run (setseed). Included by bench/predict_speed.sql and bench/mlp_sklearn.sh.
\if :{?rows}
\else
\set rows 1000000
\endif
DROP TABLE IF EXISTS bench_impressions;
SELECT setseed(0.5);
CREATE TABLE bench_impressions AS
SELECT g AS id, random() < 0.02 + 0.05 * (g % 7 = 0)::int AS watched,
       (SELECT array_agg(random() * 2 - 1) FROM generate_series(1, 50) WHERE g > 0) AS features
FROM generate_series(1, :rows) g;
VACUUM ANALYZE bench_impressions;
