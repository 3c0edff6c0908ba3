-- Scheduled retraining: recsys.retrain_als, the job pg_cron runs, and
-- recsys.retrain_log, one row per run (written through recsys.log_retrain).

-- One row per run of recsys.retrain_als: what it trained, how the candidate
-- and the serving version scored on the same held-out pairs (neither was
-- trained on), and what it did (saved, skipped, failed) and why.
CREATE TABLE recsys.retrain_log (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL,
    status          text NOT NULL CHECK (status IN ('saved', 'skipped', 'failed')),
    model_id        bigint,  -- the version saved
    serving_id      bigint,  -- the version served when the run started, compared with
    metrics         jsonb,   -- the candidate's, on the held-out pairs, and what was compared
    serving_metrics jsonb,   -- the serving version's, on the same pairs
    pruned          int,     -- old versions deleted after the save (recsys.prune_models)
    reason          text
);
CREATE INDEX retrain_log_name ON recsys.retrain_log (name, id DESC);
SELECT pg_catalog.pg_extension_config_dump('recsys.retrain_log', '');
SELECT pg_catalog.pg_extension_config_dump('recsys.retrain_log_id_seq', '');
COMMENT ON TABLE recsys.retrain_log IS 'One row per retraining run: what it trained, how it scored against the serving version, what it did';

-- Appends the run `entry` of a retraining job to recsys.retrain_log and
-- returns the row: recsys.retrain_als logs its runs through it, and a job of
-- one's own (retraining a ranker) may log its runs alike. A trainer's: called
-- by recsys.retrain_als, which runs with its caller's privileges (so that it
-- reads the source as its caller may). SECURITY DEFINER, so
-- a trainer appends runs only through it, and only runs that can be true: the
-- run started in this transaction, finished now (the server's clock), a saved
-- run names a version of `name` saved since then, the version it compared with
-- is or was one of `name`'s, metrics are JSON objects. The reason is kept to
-- its first 10,000 characters.
CREATE FUNCTION recsys.log_retrain(entry recsys.retrain_log) RETURNS recsys.retrain_log
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    problem text;
BEGIN
    PERFORM recsys_internal.check_model_name(entry.name, 'recsys.log_retrain');
    problem := CASE
        WHEN entry.status IS NULL OR entry.status NOT IN ('saved', 'skipped', 'failed')
            THEN format('status must be saved, skipped or failed, got %s', coalesce(entry.status, 'NULL'))
        WHEN entry.started_at IS NULL OR NOT entry.started_at BETWEEN now() AND clock_timestamp()
            THEN 'started_at must be a time of this transaction (when the run started)'
        WHEN (entry.status = 'saved') <> (entry.model_id IS NOT NULL)
            THEN 'model_id must be the version saved, for a saved run only'
        WHEN entry.model_id IS NOT NULL AND NOT EXISTS (
                 SELECT FROM recsys.models m WHERE m.id = entry.model_id AND m.name = entry.name AND m.created_at >= now())
            THEN format('version %s is not a version of model "%s" saved by this run', entry.model_id, entry.name)
        WHEN entry.serving_id IS NOT NULL
             AND NOT EXISTS (SELECT FROM recsys.models m WHERE m.id = entry.serving_id AND m.name = entry.name)
             AND NOT EXISTS (SELECT FROM recsys.deployments d WHERE d.model_id = entry.serving_id AND d.name = entry.name)
            THEN format('version %s was never a version of model "%s"', entry.serving_id, entry.name)
        WHEN jsonb_typeof(entry.metrics) <> 'object' OR jsonb_typeof(entry.serving_metrics) <> 'object'
            THEN 'metrics and serving_metrics must be JSON objects'
        WHEN entry.pruned IS NOT NULL AND (entry.pruned < 0 OR entry.status <> 'saved')
            THEN 'pruned must be a count of versions, for a saved run only'
    END;
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'recsys.log_retrain: %', problem USING ERRCODE = '22023';
    END IF;
    INSERT INTO recsys.retrain_log (name, started_at, finished_at, status, model_id, serving_id, metrics,
                                    serving_metrics, pruned, reason)
    VALUES (entry.name, entry.started_at, clock_timestamp(), entry.status, entry.model_id, entry.serving_id,
            entry.metrics, entry.serving_metrics, entry.pruned, left(entry.reason, 10000))
    RETURNING * INTO entry;
    RETURN entry;
END
$$;
COMMENT ON FUNCTION recsys.log_retrain IS 'Appends a run of a retraining job to recsys.retrain_log, checked (status, times, versions); returns the row';

-- Retrains ALS model `name` on the last `days` days of `source` (columns named
-- by `columns`; the defaults are the design's watch_history), each user's
-- chronologically last fifth (at least one row) held out. The candidate and the
-- serving version are scored on the same held-out (user, item) pairs: those
-- neither was trained on (the candidate's training rows, the serving version's
-- recsys.seen_items), of the users the candidate was trained on; each ranks the
-- top 10 with the same items excluded for a user, the user's items in either's
-- training rows (P, R, NDCG, MAP at 10). So the serving version, which may
-- have been trained on rows now held out, is neither credited with them nor
-- blamed for not recommending them again. The candidate is saved, with its
-- metrics and the pairs and users compared, unless its `metric` is below the
-- serving version's by more than `margin` (a fraction: 0.05 allows 5% lower),
-- or when no pair is left to compare on (the reason says so);
-- then the versions past the newest `keep` are pruned. With `warm_iterations`,
-- a candidate starts from the serving version (ALS option warm_start) and runs
-- that many iterations. Every run is logged in recsys.retrain_log; an error
-- during training or evaluation is logged as 'failed' (a WARNING), not raised,
-- so that a scheduled job records it. Made for pg_cron (README "Scheduled retraining").
-- SECURITY INVOKER: it reads `source` (and runs what its columns and casts
-- call) with its caller's privileges; it changes the registry only through
-- the registry's writers (save_model, prune_models, log_retrain).
CREATE FUNCTION recsys.retrain_als(name text, source regclass, days int DEFAULT 30, options jsonb DEFAULT '{}',
                                   margin float8 DEFAULT 0, keep int DEFAULT 10, metric text DEFAULT 'ndcg@10',
                                   warm_iterations int DEFAULT NULL, columns jsonb DEFAULT NULL)
    RETURNS recsys.retrain_log
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    entry recsys.retrain_log;
    cols jsonb := '{"user": "user_id", "item": "item_id", "weight": "minutes_watched", "time": "watched_at"}';
    fit_options jsonb := coalesce(retrain_als.options, '{}');
    metrics_list constant text[] := ARRAY['ndcg@10', 'recall@10', 'precision@10', 'map@10'];
    serving bytea;
    serving_kind text;
    candidate bytea;
    scored bytea;
    pass int;
    scratch text;
    result jsonb;
    candidate_value float8;
    serving_value float8;
BEGIN
    entry.name := retrain_als.name;
    entry.started_at := clock_timestamp();
    IF retrain_als.name IS NULL OR retrain_als.name = '' OR retrain_als.source IS NULL OR retrain_als.days IS NULL
       OR retrain_als.margin IS NULL OR retrain_als.metric IS NULL THEN
        RAISE EXCEPTION 'recsys.retrain_als: % must not be NULL%',
            CASE WHEN retrain_als.name IS NULL OR retrain_als.name = '' THEN 'name' WHEN retrain_als.source IS NULL THEN 'source'
                 WHEN retrain_als.days IS NULL THEN 'days' WHEN retrain_als.margin IS NULL THEN 'margin' ELSE 'metric' END,
            CASE WHEN retrain_als.name = '' THEN ' or empty' ELSE '' END
            USING ERRCODE = '22004';
    ELSIF retrain_als.days < 1 THEN
        RAISE EXCEPTION 'recsys.retrain_als: days must be at least 1, got %', retrain_als.days USING ERRCODE = '22023';
    ELSIF NOT (retrain_als.margin >= 0 AND retrain_als.margin < 1) THEN
        RAISE EXCEPTION 'recsys.retrain_als: margin must be in [0, 1), got %', retrain_als.margin
            USING ERRCODE = '22023', HINT = 'margin is the fraction the candidate may score below the serving version: 0.05 allows 5%';
    ELSIF retrain_als.keep < 1 THEN
        RAISE EXCEPTION 'recsys.retrain_als: keep must be at least 1 (or NULL: no pruning), got %', retrain_als.keep
            USING ERRCODE = '22023';
    ELSIF NOT retrain_als.metric = ANY (metrics_list) THEN
        RAISE EXCEPTION 'recsys.retrain_als: unknown metric "%"', retrain_als.metric
            USING ERRCODE = '22023', HINT = 'valid metrics are: ' || array_to_string(metrics_list, ', ');
    ELSIF jsonb_typeof(fit_options) <> 'object' THEN
        RAISE EXCEPTION 'recsys.retrain_als: options must be a JSON object of als_fit options' USING ERRCODE = '22023';
    ELSIF retrain_als.columns IS NOT NULL AND (jsonb_typeof(retrain_als.columns) <> 'object' OR EXISTS (
              SELECT FROM jsonb_each(retrain_als.columns) c
              WHERE c.key NOT IN ('user', 'item', 'weight', 'time')
                 OR NOT (jsonb_typeof(c.value) = 'string' OR (c.key = 'weight' AND jsonb_typeof(c.value) = 'null')))) THEN
        RAISE EXCEPTION 'recsys.retrain_als: columns must be a JSON object naming source columns'
            USING ERRCODE = '22023',
                  HINT = 'keys: user, item, weight (null: every row weighs 1), time; the defaults are ' || cols::text;
    END IF;
    PERFORM recsys_internal.check_model_name(retrain_als.name, 'recsys.retrain_als');  -- its length and characters
    cols := cols || coalesce(retrain_als.columns, '{}');

    IF EXISTS (SELECT FROM recsys.models m WHERE m.name = retrain_als.name) THEN
        entry.serving_id := recsys.serving_version(retrain_als.name);
        SELECT m.model, m.kind INTO serving, serving_kind FROM recsys.models m WHERE m.id = entry.serving_id;
        IF serving_kind <> 'als' THEN
            RAISE EXCEPTION 'recsys.retrain_als: model "%" is a % model, not als', retrain_als.name, serving_kind
                USING ERRCODE = '22023';
        END IF;
        IF retrain_als.warm_iterations IS NOT NULL AND NOT fit_options ? 'warm_start' THEN
            fit_options := fit_options || jsonb_build_object('warm_start', retrain_als.name,
                                                             'iterations', retrain_als.warm_iterations);
        END IF;
    END IF;

    BEGIN
        FOREACH scratch IN ARRAY ARRAY['recsys_retrain_rows', 'recsys_retrain_seen', 'recsys_retrain_pairs',
                                       'recsys_retrain_eval'] LOOP
            IF to_regclass('pg_temp.' || scratch) IS NOT NULL THEN
                EXECUTE format('DROP TABLE pg_temp.%I', scratch);
            END IF;
        END LOOP;
        EXECUTE format(
            'CREATE TEMP TABLE recsys_retrain_rows AS '
            'SELECT u AS user_id, i AS item_id, w AS weight, row_number() OVER (PARTITION BY u ORDER BY t DESC, i) '
            '       <= greatest(1, round(count(*) OVER (PARTITION BY u) / 5.0)) AS held_out '
            'FROM (SELECT %I::bigint AS u, %I::bigint AS i, %s::float8 AS w, %I AS t FROM %s '
            '      WHERE %I > now() - make_interval(days => %s)) s '
            'WHERE u IS NOT NULL AND i IS NOT NULL',
            cols->>'user', cols->>'item', coalesce(quote_ident(cols->>'weight'), '1'), cols->>'time',
            retrain_als.source, cols->>'time', retrain_als.days);
        SELECT recsys.als_fit(r.user_id, r.item_id, r.weight, fit_options) INTO candidate
        FROM pg_temp.recsys_retrain_rows r WHERE NOT r.held_out;
        IF candidate IS NULL THEN
            entry.status := 'skipped';
            entry.reason := format('no rows in the last %s days of %s', retrain_als.days, retrain_als.source);
        ELSE
            -- The comparison (README "Scheduled retraining"): both models are scored
            -- on the held-out (user, item) pairs that neither was trained on, of the
            -- users the candidate was trained on, each user's items in either model's
            -- training rows excluded for both. A model is neither credited with the
            -- pairs it was trained on nor blamed for not recommending them again.
            CREATE TEMP TABLE recsys_retrain_seen AS  -- the serving version's, for the users held out
            SELECT DISTINCT s.user_id, s.item_id FROM recsys.seen_items(serving) s
            WHERE s.user_id IN (SELECT h.user_id FROM pg_temp.recsys_retrain_rows h WHERE h.held_out);
            CREATE TEMP TABLE recsys_retrain_pairs AS
            SELECT h.user_id, h.item_id, u.user_id IS NOT NULL AS known, c.user_id IS NOT NULL AS in_candidate,
                   s.user_id IS NOT NULL AS in_serving
            FROM (SELECT DISTINCT r.user_id, r.item_id FROM pg_temp.recsys_retrain_rows r WHERE r.held_out) h
            LEFT JOIN (SELECT DISTINCT r.user_id FROM pg_temp.recsys_retrain_rows r WHERE NOT r.held_out) u
                ON u.user_id = h.user_id
            LEFT JOIN (SELECT DISTINCT r.user_id, r.item_id FROM pg_temp.recsys_retrain_rows r WHERE NOT r.held_out) c
                ON c.user_id = h.user_id AND c.item_id = h.item_id
            LEFT JOIN pg_temp.recsys_retrain_seen s ON s.user_id = h.user_id AND s.item_id = h.item_id;
            CREATE TEMP TABLE recsys_retrain_eval AS  -- per user: the pairs' items, and what both exclude
            SELECT t.user_id, t.relevant, x.excluded
            FROM (SELECT p.user_id, array_agg(p.item_id ORDER BY p.item_id) AS relevant FROM pg_temp.recsys_retrain_pairs p
                  WHERE p.known AND NOT p.in_candidate AND NOT p.in_serving GROUP BY p.user_id) t
            JOIN (SELECT e.user_id, array_agg(DISTINCT e.item_id) AS excluded
                  FROM (SELECT r.user_id, r.item_id FROM pg_temp.recsys_retrain_rows r WHERE NOT r.held_out
                        UNION ALL SELECT s.user_id, s.item_id FROM pg_temp.recsys_retrain_seen s) e
                  GROUP BY e.user_id) x ON x.user_id = t.user_id;
            FOR pass IN 1 .. 2 LOOP  -- the candidate, then the serving version (if any)
                scored := CASE pass WHEN 1 THEN candidate ELSE serving END;
                EXIT WHEN scored IS NULL;
                SELECT jsonb_build_object(
                           'ndcg@10', round(avg(coalesce(recsys.ndcg_at_k(r.rec, t.relevant, 10), 0))::numeric, 6),
                           'recall@10', round(avg(coalesce(recsys.recall_at_k(r.rec, t.relevant, 10), 0))::numeric, 6),
                           'precision@10', round(avg(coalesce(recsys.precision_at_k(r.rec, t.relevant, 10), 0))::numeric, 6),
                           'map@10', round(avg(coalesce(recsys.average_precision_at_k(r.rec, t.relevant, 10), 0))::numeric, 6),
                           'users', count(*), 'pairs', coalesce(sum(cardinality(t.relevant)), 0))
                       || (SELECT jsonb_build_object('held_out_pairs_seen',
                                                     count(*) FILTER (WHERE CASE pass WHEN 1 THEN p.in_candidate ELSE p.in_serving END))
                           FROM pg_temp.recsys_retrain_pairs p)
                INTO result
                FROM pg_temp.recsys_retrain_eval t,
                     LATERAL (SELECT array_agg(a.item_id ORDER BY a.rank) AS rec
                              FROM recsys.recommend(scored, t.user_id, 10, exclude_seen => false, exclude => t.excluded) a) r;
                IF pass = 1 THEN
                    entry.metrics := result || (SELECT jsonb_build_object('training_rows', count(*) FILTER (WHERE NOT h.held_out),
                                                                          'held_out_rows', count(*) FILTER (WHERE h.held_out))
                                                FROM pg_temp.recsys_retrain_rows h)
                                            || (SELECT jsonb_build_object('held_out_pairs', count(*)) FROM pg_temp.recsys_retrain_pairs);
                ELSE
                    entry.serving_metrics := result;
                END IF;
            END LOOP;
            candidate_value := (entry.metrics ->> retrain_als.metric)::float8;
            serving_value := (entry.serving_metrics ->> retrain_als.metric)::float8;
            IF serving IS NULL THEN
                entry.reason := format('the first version of "%s"', retrain_als.name);
            ELSIF (entry.metrics ->> 'pairs')::bigint = 0 THEN
                entry.reason := format('no fair comparison with the serving version %s was possible: of the %s held-out '
                                       '(user, item) pairs, it was trained on %s and the candidate on %s, which leaves none '
                                       'that neither was trained on (of the users the candidate was trained on); the candidate '
                                       'is saved', entry.serving_id, entry.metrics -> 'held_out_pairs',
                                       entry.serving_metrics -> 'held_out_pairs_seen', entry.metrics -> 'held_out_pairs_seen');
            ELSIF candidate_value >= serving_value * (1 - retrain_als.margin) THEN
                entry.reason := format('%s %s against %s of the serving version %s (margin %s%%)', retrain_als.metric,
                                       candidate_value, serving_value, entry.serving_id, 100 * retrain_als.margin);
            ELSE
                entry.status := 'skipped';
                entry.reason := format('%s %s is below %s of the serving version %s by more than the margin (%s%%)',
                                       retrain_als.metric, candidate_value, serving_value, entry.serving_id,
                                       100 * retrain_als.margin);
            END IF;
            IF entry.status IS NULL THEN
                entry.status := 'saved';
                entry.model_id := recsys.save_model(retrain_als.name, candidate, entry.metrics);
                IF recsys.serving_version(retrain_als.name) <> entry.model_id THEN
                    entry.reason := entry.reason || format('; serving stays on the pinned version %s',
                                                           recsys.serving_version(retrain_als.name));
                END IF;
                IF retrain_als.keep IS NOT NULL THEN
                    entry.pruned := recsys.prune_models(retrain_als.name, retrain_als.keep);
                END IF;
            END IF;
        END IF;
        DROP TABLE pg_temp.recsys_retrain_rows;
        IF candidate IS NOT NULL THEN
            DROP TABLE pg_temp.recsys_retrain_seen, pg_temp.recsys_retrain_pairs, pg_temp.recsys_retrain_eval;
        END IF;
    EXCEPTION WHEN OTHERS THEN  -- (not a cancel or a timeout: those stop the run)
        entry.status := 'failed';
        entry.model_id := NULL;  -- the save and the pruning were undone
        entry.pruned := NULL;
        entry.reason := SQLSTATE || ': ' || SQLERRM;
        RAISE WARNING 'recsys.retrain_als of model "%" failed: %', retrain_als.name, SQLERRM;
    END;
    RETURN recsys.log_retrain(entry);
END
$$;
COMMENT ON FUNCTION recsys.retrain_als IS 'The retraining job: trains an ALS candidate on recent rows, saves it unless worse than the serving version, logs the run';
