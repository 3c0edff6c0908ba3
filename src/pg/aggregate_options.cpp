#include "aggregate_options.h"

#include <cstring>

#include "bridge.h"
#include "jsonb_rows.h"

namespace recsys::pg {

namespace {

bool same_options(const Jsonb* a, const Jsonb* b) {
    if (!a || !b) return a == b;
    return VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
}

[[noreturn]] void options_differ(const char* function) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("%s options differ between rows of one aggregate", function),
                    errhint("pass the same options value for every row, e.g. a constant")));
}

bool same_text(const text* a, const text* b) {
    return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) && memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

Jsonb* copy_in(const Jsonb* options, MemoryContext context) {
    if (!options) return nullptr;
    auto* copy = static_cast<Jsonb*>(MemoryContextAlloc(context, VARSIZE(options)));
    memcpy(copy, options, VARSIZE(options));
    return copy;
}

}  // namespace

char* options_text(const Jsonb* options) {
    if (!options) return pstrdup("{}");
    return JsonbToCString(nullptr, const_cast<JsonbContainer*>(&options->root), VARSIZE(options));
}

void take_options(AggregateOptions& o, FunctionCallInfo fcinfo, int argno, const char* function,
                  const OptionSchema* schema, MemoryContext context) {
    if (argno >= PG_NARGS() || !schema) {
        o.checked = true;
        return;
    }
    if (PG_ARGISNULL(argno))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s options must not be NULL", function),
                        errhint("use '{}' for the defaults")));
    const bool as_text = get_fn_expr_argtype(fcinfo->flinfo, argno) == TEXTOID;
    if (o.checked) {
        if (as_text ? !o.source || !same_text(o.source, PG_GETARG_TEXT_PP(argno))
                    : !same_options(o.value, PG_GETARG_JSONB_P(argno)))
            options_differ(function);
        return;
    }
    Jsonb* options = as_text ? jsonb_from_text(PG_GETARG_TEXT_PP(argno), psprintf("%s options", function),
                                               "options are a JSON object, e.g. '{}' for the defaults")
                             : PG_GETARG_JSONB_P(argno);
    char* json = options_text(options);
    guarded([&] { parse_options(json, *schema); });
    pfree(json);
    o.value = copy_in(options, context);
    if (as_text) {
        const text* given = PG_GETARG_TEXT_PP(argno);
        o.source = static_cast<text*>(MemoryContextAlloc(context, VARSIZE_ANY(given)));
        memcpy(o.source, given, VARSIZE_ANY(given));
    }
    o.checked = true;
}

void combine_options(AggregateOptions& into, const AggregateOptions& from, const char* function,
                     MemoryContext context) {
    if (!from.checked) return;
    if (!into.checked) {
        into.value = copy_in(from.value, context);
        into.checked = true;
    } else if (!same_options(into.value, from.value)) {
        options_differ(function);
    }
}

}  // namespace recsys::pg
