-- What the version lookup of serving by name costs per statement: the query a
-- call site ran before pins (the newest row of the name) against the one it
-- runs now (the pin, else the newest), both as plpgsql runs them (prepared,
-- generic plans), alternated in blocks so that load on the machine hits both.
-- Reads model 'tiny' (made here if missing); prints microseconds per lookup.
--
--   psql -X -v ON_ERROR_STOP=1 -f bench/serving_lookup.sql     (in a database with recsys)
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT recsys.save_model('tiny', recsys.als_fit(g % 50, g % 40, 1.0, '{"factors": 8, "iterations": 2}')) > 0 AS made
FROM generate_series(1, 2000) g WHERE NOT EXISTS (SELECT FROM recsys.models WHERE name = 'tiny');
CREATE FUNCTION pg_temp.lookups(pinned bool, rounds int, per_round int)
    RETURNS TABLE(query text, us_per_lookup numeric) LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz; old_total float8 := 0; new_total float8 := 0; k bigint; x bigint;
BEGIN
    IF pinned THEN PERFORM recsys.deploy('tiny', recsys.serving_version('tiny'));
    ELSIF EXISTS (SELECT FROM recsys.deployment_pins WHERE name = 'tiny') THEN PERFORM recsys.undeploy('tiny');
    END IF;
    FOR r IN 1 .. rounds LOOP
        t0 := clock_timestamp();
        FOR i IN 1 .. per_round LOOP
            SELECT id, CAST(CAST(xmin AS text) AS int8) INTO k, x FROM recsys.models
            WHERE name = 'tiny' ORDER BY created_at DESC, id DESC LIMIT 1;
        END LOOP;
        old_total := old_total + extract(epoch FROM clock_timestamp() - t0);
        t0 := clock_timestamp();
        FOR i IN 1 .. per_round LOOP
            SELECT id, CAST(CAST(xmin AS text) AS int8) INTO k, x FROM recsys.models
            WHERE id = COALESCE((SELECT p.model_id FROM recsys.deployment_pins p WHERE p.name = 'tiny'),
                                (SELECT n.id FROM recsys.models n WHERE n.name = 'tiny'
                                 ORDER BY n.created_at DESC, n.id DESC LIMIT 1));
        END LOOP;
        new_total := new_total + extract(epoch FROM clock_timestamp() - t0);
    END LOOP;
    RETURN QUERY VALUES ('newest only (before)', round((1e6 * old_total / (rounds * per_round))::numeric, 2)),
                        (CASE WHEN pinned THEN 'pin, else newest: pinned' ELSE 'pin, else newest: no pin' END,
                         round((1e6 * new_total / (rounds * per_round))::numeric, 2));
END $$;
SELECT * FROM pg_temp.lookups(false, 20, 2000);
SELECT * FROM pg_temp.lookups(true, 20, 2000);
SELECT recsys.undeploy('tiny') > 0 AS unpinned;
