// model_info(bytea) and model_info(name): what a model is, as jsonb.
#include <string>

#include "../core/model.h"
#include "bridge.h"
#include "model_source.h"
#include "owned.h"
#include "pg_headers.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

Datum info_of(bytea* bytes) {
    auto* json = new_owned<std::string>();
    guarded([&] {
        json->reset(new std::string(model_info_json(reinterpret_cast<const unsigned char*>(VARDATA_ANY(bytes)),
                                                    VARSIZE_ANY_EXHDR(bytes))));
    });
    Datum result = DirectFunctionCall1(jsonb_in, CStringGetDatum((*json)->c_str()));
    json->release();
    return result;
}

}  // namespace

extern "C" {

PG_FUNCTION_INFO_V1(recsys_model_info);
PG_FUNCTION_INFO_V1(recsys_model_info_by_name);

Datum recsys_model_info(PG_FUNCTION_ARGS) { return info_of(PG_GETARG_BYTEA_PP(0)); }

Datum recsys_model_info_by_name(PG_FUNCTION_ARGS) {
    return info_of(registered_model_bytes(text_to_cstring(PG_GETARG_TEXT_PP(0))));
}

}  // extern "C"
