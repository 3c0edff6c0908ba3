-- Scoring cost: recsys.predict over 1 million generated impressions with 50 features, next to
-- the same scan reading the rows (sum(features[1])), and the training throughput of logreg_fit and
-- linreg_fit (OLS of features[1] on the other 49, folding each 1,024 rows into a QR factor).
--   psql -X -f bench/predict_speed.sql            (bash bench/run.sh predict)
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
\ir impressions.sql
SELECT recsys.save_model('bench_ranker', recsys.logreg_fit(watched, features, '{"negative_sample_rate": 0.1}'))
FROM bench_impressions;
CREATE TEMP TABLE timings (what text, ms float8);
DO $$
DECLARE started timestamptz; dummy float8;
BEGIN
  FOR run IN 1..3 LOOP
    started := clock_timestamp();
    SELECT sum(features[1]) INTO dummy FROM bench_impressions;
    INSERT INTO timings VALUES ('read', 1000 * extract(epoch FROM clock_timestamp() - started));
    started := clock_timestamp();
    SELECT sum(recsys.predict('bench_ranker', features)) INTO dummy FROM bench_impressions;
    INSERT INTO timings VALUES ('predict', 1000 * extract(epoch FROM clock_timestamp() - started));
    started := clock_timestamp();
    PERFORM recsys.logreg_fit(watched, features, '{"l2": 1e-4}') FROM bench_impressions;
    INSERT INTO timings VALUES ('fit', 1000 * extract(epoch FROM clock_timestamp() - started));
    started := clock_timestamp();
    PERFORM recsys.linreg_fit(features[1], features[2:50]) FROM bench_impressions;
    INSERT INTO timings VALUES ('ols', 1000 * extract(epoch FROM clock_timestamp() - started));
  END LOOP;
END $$;
\pset format unaligned
\pset tuples_only on
SELECT format('PREDICT 1M rows x 50 features: reading the rows (sum(features[1])) %s ms, predict(''bench_ranker'', features) %s ms: scoring adds %s ns a row (best of 3)',
              round(r.ms::numeric), round(p.ms::numeric), round(((p.ms - r.ms) * 1000000 / 1000000)::numeric))
FROM (SELECT min(ms) ms FROM timings WHERE what = 'read') r, (SELECT min(ms) ms FROM timings WHERE what = 'predict') p;
SELECT format('PREDICT logreg_fit on 1M rows x 50 features (whole statement, newton): %s ms = %s rows/s (best of 3)',
              round(min(ms)::numeric), round((1000000 / (min(ms) / 1000))::numeric))
FROM timings WHERE what = 'fit';
SELECT format('PREDICT linreg_fit (OLS) on 1M rows x 49 features (whole statement): %s ms = %s rows/s (best of 3)',
              round(min(ms)::numeric), round((1000000 / (min(ms) / 1000))::numeric))
FROM timings WHERE what = 'ols';
