-- The registry as views a BI tool (or anyone who may only SELECT) reads:
-- every version of every model (recsys.model_versions) and every change of
-- what each name serves (recsys.deployment_history). Read-only: they grant
-- nothing the tables do not (security_invoker: the caller's own privileges on
-- recsys.models, recsys.deployment_pins and recsys.deployments apply), and only
-- SELECT is granted on them (90_roles.sql), so the registry is still written
-- through its writers alone.

-- Every version of every model. `serving`: the version serving by name uses
-- now (its pinned one, else its newest: recsys.serving_version's rule);
-- `pinned`: the version recsys.deploy or recsys.rollback pinned. `bytes` is
-- read from the stored value's header: listing versions reads no model.
CREATE VIEW recsys.model_versions WITH (security_invoker = true) AS
SELECT m.id AS model_id, m.name, m.kind, pg_catalog.octet_length(m.model)::bigint AS bytes, m.created_at,
       m.id OPERATOR(pg_catalog.=) coalesce(p.model_id, pg_catalog.first_value(m.id) OVER newest) AS serving,
       p.model_id IS NOT DISTINCT FROM m.id AS pinned,
       m.params, m.metrics
FROM recsys.models m
LEFT JOIN recsys.deployment_pins p ON p.name OPERATOR(pg_catalog.=) m.name
WINDOW newest AS (PARTITION BY m.name ORDER BY m.created_at DESC, m.id DESC);
COMMENT ON VIEW recsys.model_versions IS
    'Every version of every model: kind, size, created_at, serving now or not, pinned or not, params, metrics';

-- Every change of what each name serves, in the order they were made: a save
-- while the name was not pinned, a deploy, an undeploy, a rollback.
-- `served_until`: when the next change of the name replaced it (NULL: the
-- name serves it now).
CREATE VIEW recsys.deployment_history WITH (security_invoker = true) AS
SELECT d.id AS deployment_id, d.name, d.model_id, d.action, d.pinned, d.deployed_at,
       pg_catalog.lead(d.deployed_at) OVER (PARTITION BY d.name ORDER BY d.id) AS served_until, d.deployed_by
FROM recsys.deployments d;
COMMENT ON VIEW recsys.deployment_history IS
    'Every deployment event of every name (save, deploy, undeploy, rollback): what it served from when until when';
