-- One timed als_fit of bench/train_speed.sql (included by it; not run alone).
-- Needs psql variables: label, tbl (table with user_id, item_id), threads, parallel
-- (max_parallel_workers_per_gather), opts (als_fit options). Appends a row to speed_runs.
SET recsys.threads = :threads;
SET max_parallel_workers_per_gather = :parallel;
\warn RUN :label
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
SELECT recsys.model_info(recsys.als_fit(user_id, item_id, 1.0, :'opts')) AS info FROM :"tbl" \gset
SELECT extract(epoch FROM clock_timestamp()) AS t1 \gset
INSERT INTO speed_runs (label, tbl, threads, parallel, statement_s, info)
VALUES (:'label', :'tbl', :threads, :parallel, :t1 - :t0, :'info'::jsonb);
