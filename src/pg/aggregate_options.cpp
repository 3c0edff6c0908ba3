#include "aggregate_options.h"

#include <cstring>

#include "bridge.h"

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
    Jsonb* options = PG_GETARG_JSONB_P(argno);
    if (o.checked) {
        if (!same_options(o.value, options)) options_differ(function);
        return;
    }
    char* text = options_text(options);
    guarded([&] { parse_options(text, *schema); });
    pfree(text);
    o.value = copy_in(options, context);
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
