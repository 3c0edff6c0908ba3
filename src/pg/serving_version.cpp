// recsys.serving_version(name): the version serving by name uses now (its
// pinned one, else its newest), by the lookup every function given a name
// makes. deploy, undeploy, rollback and prune_models are SQL (src/sql/10_deployments.sql).
#include "model_source.h"
#include "pg_headers.h"

extern "C" {

RECSYS_FUNCTION(recsys_serving_version) {
    PG_RETURN_INT64(recsys::pg::served_version(text_to_cstring(PG_GETARG_TEXT_PP(0))));
}

}  // extern "C"
