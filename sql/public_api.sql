-- The public surface: schema recsys holds exactly what a user may call or
-- read, each with a comment (what a BI tool shows beside it); the internals
-- are in schema recsys_internal. The list below is the API: a function added,
-- removed or changed shows here.
--
-- every function, aggregate, view, table and type of schema recsys has a comment
SELECT p.oid::regprocedure::text AS without_comment FROM pg_proc p
WHERE p.pronamespace = 'recsys'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL
UNION ALL
SELECT c.oid::regclass::text FROM pg_class c
WHERE c.relnamespace = 'recsys'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p')
  AND obj_description(c.oid, 'pg_class') IS NULL
UNION ALL
SELECT t.oid::regtype::text FROM pg_type t
WHERE t.typnamespace = 'recsys'::regnamespace AND t.typtype = 'c'
  AND NOT EXISTS (SELECT FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
  AND obj_description(t.oid, 'pg_type') IS NULL;
-- a comment is one line
SELECT p.oid::regprocedure AS multi_line_comment FROM pg_proc p
WHERE p.pronamespace = 'recsys'::regnamespace AND obj_description(p.oid, 'pg_proc') ~ '\n';
-- \df recsys.*: what a user may call (a: aggregate, f: function), one per line; nothing takes or returns internal
\pset format unaligned
SELECT p.prokind AS kind, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS result
FROM pg_proc p WHERE p.pronamespace = 'recsys'::regnamespace
ORDER BY p.proname, pg_get_function_identity_arguments(p.oid);
\pset format aligned
SELECT count(*) AS internal_types FROM pg_proc p
WHERE p.pronamespace = 'recsys'::regnamespace
  AND ('internal'::regtype = ANY (p.proargtypes) OR p.prorettype = 'internal'::regtype);
-- the views, tables and types
SELECT c.relname AS name, CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'c' THEN 'type' END AS kind,
       coalesce(obj_description(c.oid, 'pg_class'), obj_description(c.reltype, 'pg_type')) AS comment
FROM pg_class c WHERE c.relnamespace = 'recsys'::regnamespace AND c.relkind IN ('r', 'v', 'c') ORDER BY 2, 1;
-- the internals (the writers' helpers, the aggregates' support functions); every function of both schemas
-- belongs to the extension
SELECT p.proname AS internal, pg_get_function_identity_arguments(p.oid) AS arguments
FROM pg_proc p WHERE p.pronamespace = 'recsys_internal'::regnamespace ORDER BY 1, 2;
SELECT count(*) AS not_the_extensions FROM pg_proc p
WHERE p.pronamespace IN ('recsys'::regnamespace, 'recsys_internal'::regnamespace)
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e');
-- the comments of a few, as \df+ and a BI tool show them
SELECT p.oid::regprocedure AS function, obj_description(p.oid, 'pg_proc') AS comment
FROM pg_proc p WHERE p.oid IN ('recsys.training_history(bytea)'::regprocedure, 'recsys.roc_curve(float8, bool)'::regprocedure,
                               'recsys.als_fit(bigint, bigint, float8, jsonb)'::regprocedure)
ORDER BY 1;
