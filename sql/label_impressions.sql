-- label_impressions: the labelling window rule on hand-built logs (its ends,
-- watches before an impression, repeated impressions, credit to the latest
-- impression only), clicks, since/until, views over other column names, safe
-- relation names, the rows it feeds to a ranker, and every error.
SET timezone = 'UTC';
CREATE TABLE rec_log (user_id bigint, item_id bigint, model_id bigint, "position" int, shown_at timestamptz,
                      clicked bool);
CREATE TABLE watch_log (user_id bigint, item_id bigint, minutes_watched real, watched_at timestamptz);
INSERT INTO rec_log VALUES
    -- user 1: video 10 shown twice (10:00, 10:05), video 11 clicked but never watched
    (1, 10, 7, 1, '2026-01-01 10:00', false), (1, 10, 7, 3, '2026-01-01 10:05', false),
    (1, 11, 7, 2, '2026-01-01 10:00', true),
    -- user 2: the window's ends: a watch at exactly +10 min counts, at +10 min + 1 ms does not
    (2, 20, 8, 1, '2026-01-01 10:00', false), (2, 21, 8, 2, '2026-01-01 10:00', false),
    -- user 3: a watch at the very instant of the impression counts; one a millisecond before does not
    (3, 30, 8, 1, '2026-01-01 10:00', NULL), (3, 31, 8, 2, '2026-01-01 10:00', NULL),
    -- user 4: video 40 on the page twice at one instant: the higher slot (position 2) gets the watch
    (4, 40, 8, 2, '2026-01-01 10:00', false), (4, 40, 8, 5, '2026-01-01 10:00', false),
    -- user 5: no watch of their own (user 6 watched video 50; user 5 watched video 51)
    (5, 50, 9, 1, '2026-01-02 09:00', false),
    -- left out: NULL user, NULL time
    (NULL, 10, 7, 1, '2026-01-01 10:00', true), (1, 12, 7, 4, NULL, true);
INSERT INTO watch_log VALUES
    (1, 10, 2.5, '2026-01-01 10:03'),             -- credited to the 10:00 impression (the latest before it)
    (1, 10, 6, '2026-01-01 10:07'),               -- credited to 10:05 only, not to 10:00 (within 10 min of both)
    (1, 10, 4, '2026-01-01 10:14'),               -- 10:05 again: minutes add up
    (1, 10, 9, '2026-01-01 10:30'),               -- 25 min after the latest impression: nobody's
    (2, 20, 3, '2026-01-01 10:10'),               -- exactly 10 minutes: counts
    (2, 21, 3, '2026-01-01 10:10:00.001'),        -- 10 minutes and 1 ms: does not
    (3, 30, NULL, '2026-01-01 10:00'),            -- at the instant shown: counts (unknown minutes: 0)
    (3, 31, 1, '2026-01-01 09:59:59.999'),        -- before the impression: does not
    (4, 40, 8, '2026-01-01 10:01'),
    (6, 50, 5, '2026-01-02 09:01'), (5, 51, 5, '2026-01-02 09:01'),
    (NULL, 10, 1, '2026-01-01 10:01'), (1, 10, 1, NULL);

SELECT * FROM recsys.label_impressions('rec_log', 'watch_log') ORDER BY user_id, item_id, shown_at, "position";

-- a shorter window: the watch at 10:14 is 9 minutes after its impression (10:05): out
SELECT user_id, item_id, shown_at, watched, minutes_watched
FROM recsys.label_impressions('rec_log', 'watch_log', within => '8 minutes')
WHERE user_id = 1 ORDER BY item_id, shown_at;
-- a zero window: only watches at the very instant of the impression
SELECT user_id, item_id, label FROM recsys.label_impressions('rec_log', 'watch_log', '0 seconds')
WHERE watched ORDER BY user_id, item_id;
-- since / until bound the impressions (shown in [since, until)); the watches
-- of impressions at the end of the range are still read
SELECT user_id, item_id, shown_at, label, minutes_watched
FROM recsys.label_impressions('rec_log', 'watch_log', since => '2026-01-01 10:05', until => '2026-01-02 00:00')
ORDER BY user_id, item_id;
SELECT count(*) FROM recsys.label_impressions('rec_log', 'watch_log', until => '2026-01-01 10:00');

-- other column names and types: a view that renames them; a log without a clicked column
CREATE TABLE lab_shown (uid int, vid int, model text, slot smallint, at timestamp);
CREATE TABLE lab_watched (uid int, vid int, seconds int, at timestamp);
INSERT INTO lab_shown VALUES (1, 10, '42', 1, '2026-01-01 10:00'), (1, 11, '42', 2, '2026-01-01 10:00');
INSERT INTO lab_watched VALUES (1, 11, 90, '2026-01-01 10:02');
CREATE VIEW lab_shown_v AS SELECT uid AS user_id, vid AS item_id, model::bigint AS model_id, slot AS "position",
                              at AT TIME ZONE 'UTC' AS shown_at FROM lab_shown;
CREATE VIEW lab_watched_v AS SELECT uid AS user_id, vid AS item_id, seconds / 60.0 AS minutes_watched,
                                at AT TIME ZONE 'UTC' AS watched_at FROM lab_watched;
SELECT * FROM recsys.label_impressions('lab_shown_v', 'lab_watched_v') ORDER BY item_id;

-- a relation whose name needs quoting (and would be SQL if pasted): read as a name
CREATE TABLE "log; DROP TABLE rec_log; --" AS SELECT * FROM rec_log;
SELECT count(*) AS impressions, count(*) FILTER (WHERE label) AS positives
FROM recsys.label_impressions('"log; DROP TABLE rec_log; --"', 'watch_log');
SELECT count(*) AS rec_log_still_there FROM rec_log;
CREATE SCHEMA lab_other;
CREATE TABLE lab_other.rec_log AS SELECT * FROM rec_log WHERE user_id = 2;
SELECT user_id, item_id, label FROM recsys.label_impressions('lab_other.rec_log', 'watch_log') ORDER BY item_id;

-- ready for a ranker: label and a feature vector per impression, negatives down-sampled
SELECT (recsys.model_info(m)->'metadata'->'training'->>'rows')::int AS rows,
       (recsys.model_info(m)->'metadata'->'training'->>'positives')::int AS positives,
       recsys.model_info(m)->'metadata'->'options'->'negative_sample_rate' AS negative_sample_rate
FROM (SELECT recsys.logreg_fit(label, ARRAY[ln("position"), model_id]::float8[],
                               '{"negative_sample_rate": 0.5}') AS m
      FROM recsys.label_impressions('rec_log', 'watch_log')) s;

-- labelled impressions of every model version: the click-through rate per version
SELECT model_id, count(*) AS impressions, round(avg(label::int), 3) AS label_rate
FROM recsys.label_impressions('rec_log', 'watch_log') GROUP BY model_id ORDER BY model_id;

-- errors
SELECT * FROM recsys.label_impressions(NULL, 'watch_log');
SELECT * FROM recsys.label_impressions('rec_log', NULL);
SELECT * FROM recsys.label_impressions('rec_log', 'watch_log', NULL);
SELECT * FROM recsys.label_impressions('rec_log', 'watch_log', '-1 minute');
SELECT * FROM recsys.label_impressions('rec_log', 'no_such_table');
SELECT * FROM recsys.label_impressions('watch_log', 'rec_log');
CREATE TABLE bad_clicked (user_id bigint, item_id bigint, model_id bigint, "position" int, shown_at timestamptz,
                          clicked date);
INSERT INTO bad_clicked VALUES (1, 10, 7, 1, '2026-01-01 10:00', '2026-01-01');
SELECT * FROM recsys.label_impressions('bad_clicked', 'watch_log');
DROP TABLE rec_log, watch_log, lab_shown, lab_watched, "log; DROP TABLE rec_log; --", lab_other.rec_log, bad_clicked CASCADE;
DROP SCHEMA lab_other;
RESET timezone;
