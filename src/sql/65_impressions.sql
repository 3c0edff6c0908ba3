-- The recommendation log: labelled impressions (recsys.label_impressions),
-- the training rows of the rankers. SECURITY INVOKER: it reads the relations
-- it is given with its caller's privileges.

-- Labelled impressions from a recommendation log and a watch history, for
-- logreg_fit / mlp_fit. Any two relations (tables or views) with these columns:
--   log:     user_id, item_id, model_id, position, shown_at [, clicked bool]
--   watches: user_id, item_id, watched_at, minutes_watched
-- A watch is credited to the latest impression of its user and item shown at
-- or before it (of two shown at the same instant, the higher one on the page),
-- if it came within `within` of it, both ends included: a watch exactly 10
-- minutes after its impression counts; one before any impression does not, and
-- an earlier impression of the same item gets no credit for it. label =
-- clicked (when the log has the column) or watched. Impressions shown in
-- [since, until) when given; rows with a NULL user, item or time are left out.
CREATE FUNCTION recsys.label_impressions(log regclass, watches regclass, within interval DEFAULT '10 minutes',
                                         since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL)
    RETURNS TABLE(user_id bigint, item_id bigint, model_id bigint, "position" int, shown_at timestamptz,
                  clicked bool, watched bool, label bool, minutes_watched real)
    LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    missing text;
    clicked_type oid;
BEGIN
    IF log IS NULL OR watches IS NULL THEN
        RAISE EXCEPTION 'recsys.label_impressions: % must not be NULL', CASE WHEN log IS NULL THEN 'log' ELSE 'watches' END
            USING ERRCODE = '22004';
    END IF;
    IF within IS NULL OR within < interval '0' THEN
        RAISE EXCEPTION 'recsys.label_impressions: within must be an interval >= 0, got %', coalesce(within::text, 'NULL')
            USING ERRCODE = CASE WHEN within IS NULL THEN '22004' ELSE '22023' END,
                  HINT = 'within is how long after an impression a watch still counts, e.g. ''10 minutes''';
    END IF;
    SELECT string_agg(format('%s %s has no column %I', r.role, r.rel, r.col), '; ') INTO missing
    FROM (VALUES ('log', log, 'user_id'), ('log', log, 'item_id'), ('log', log, 'model_id'),
                 ('log', log, 'position'), ('log', log, 'shown_at'), ('watches', watches, 'user_id'),
                 ('watches', watches, 'item_id'), ('watches', watches, 'watched_at'),
                 ('watches', watches, 'minutes_watched'))
         AS r(role, rel, col)
    WHERE NOT EXISTS (SELECT FROM pg_attribute a
                      WHERE a.attrelid = r.rel AND a.attname = r.col AND a.attnum > 0 AND NOT a.attisdropped);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'recsys.label_impressions: %', missing USING ERRCODE = '42703',
            HINT = 'pass a view that renames your columns: log (user_id, item_id, model_id, position, shown_at '
                   '[, clicked]), watches (user_id, item_id, watched_at, minutes_watched)';
    END IF;
    SELECT a.atttypid INTO clicked_type FROM pg_attribute a
    WHERE a.attrelid = log AND a.attname = 'clicked' AND a.attnum > 0 AND NOT a.attisdropped;
    IF clicked_type <> 'pg_catalog.bool'::pg_catalog.regtype THEN
        RAISE EXCEPTION 'recsys.label_impressions: log %''s column clicked is %, not boolean', log, clicked_type::regtype
            USING ERRCODE = '42804', HINT = 'pass a view with clicked as a boolean, or without it';
    END IF;
    -- Impressions and watches of one (user, item) in time order, impressions
    -- first at the same instant: the largest impression number up to a watch
    -- is the latest impression at or before it.
    RETURN QUERY EXECUTE format($q$
        WITH imp AS (
            SELECT l.user_id::bigint AS user_id, l.item_id::bigint AS item_id, l.model_id::bigint AS model_id,
                   l."position"::int AS pos, l.shown_at::timestamptz AS shown_at, %s AS clicked,
                   row_number() OVER (ORDER BY l.user_id, l.item_id, l.shown_at, l."position" DESC) AS seq
            FROM %s l
            WHERE l.user_id IS NOT NULL AND l.item_id IS NOT NULL AND l.shown_at IS NOT NULL
              AND ($1 IS NULL OR l.shown_at >= $1) AND ($2 IS NULL OR l.shown_at < $2)
        ), events AS (
            SELECT i.user_id, i.item_id, i.shown_at AS at, 0 AS kind, i.seq, NULL::real AS minutes FROM imp i
            UNION ALL
            SELECT w.user_id::bigint, w.item_id::bigint, w.watched_at::timestamptz, 1, NULL, w.minutes_watched::real
            FROM %s w
            WHERE w.user_id IS NOT NULL AND w.item_id IS NOT NULL AND w.watched_at IS NOT NULL
              AND ($1 IS NULL OR w.watched_at >= $1) AND ($2 IS NULL OR w.watched_at < $2 + $3)
        ), latest AS (
            SELECT e.kind, e.at, e.minutes,
                   max(e.seq) OVER (PARTITION BY e.user_id, e.item_id ORDER BY e.at, e.kind, e.seq) AS seq
            FROM events e
        ), credit AS (
            SELECT c.seq, sum(c.minutes) AS minutes
            FROM latest c JOIN imp i ON i.seq = c.seq
            WHERE c.kind = 1 AND c.at <= i.shown_at + $3
            GROUP BY c.seq
        )
        SELECT i.user_id, i.item_id, i.model_id, i.pos, i.shown_at, i.clicked, c.seq IS NOT NULL,
               i.clicked OR c.seq IS NOT NULL, coalesce(c.minutes, 0)::real
        FROM imp i LEFT JOIN credit c ON c.seq = i.seq
    $q$, CASE WHEN clicked_type IS NULL THEN 'false' ELSE 'coalesce(l.clicked, false)' END, log, watches)
    USING since, until, within;
END
$$;
COMMENT ON FUNCTION recsys.label_impressions IS
    'Labelled impressions from a recommendation log and a watch history: the training rows of the rankers';
