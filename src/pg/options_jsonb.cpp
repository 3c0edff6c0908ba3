#include "options_jsonb.h"

namespace recsys::pg {

JsonbOptions read_jsonb_options(Jsonb* options, const char* function) {
    if (!JB_ROOT_IS_OBJECT(options) || JB_ROOT_IS_SCALAR(options))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s options must be a JSON object", function),
                        errhint("for example '{\"factors\": 64}', or '{}' for the defaults")));
    JsonbOptions out;
    out.count = 0;
    out.entries = static_cast<JsonbOptions::Entry*>(palloc0(sizeof(JsonbOptions::Entry) * (JB_ROOT_COUNT(options) + 1)));
    JsonbIterator* it = JsonbIteratorInit(&options->root);
    JsonbValue v;
    JsonbIteratorToken token;
    JsonbOptions::Entry* current = nullptr;
    while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE) {
        if (token == WJB_KEY) {
            current = &out.entries[out.count++];
            current->key = pnstrdup(v.val.string.val, v.val.string.len);
        } else if (token == WJB_VALUE && current) {
            switch (v.type) {
                case jbvNumeric:
                    current->kind = RawOption::Kind::Number;
                    current->number = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v.val.numeric)));
                    break;
                case jbvBool:
                    current->kind = RawOption::Kind::Boolean;
                    current->boolean = v.val.boolean;
                    break;
                case jbvString: current->kind = RawOption::Kind::String; break;
                case jbvNull: current->kind = RawOption::Kind::Null; break;
                default: current->kind = RawOption::Kind::Other; break;
            }
        }
    }
    return out;
}

std::vector<RawOption> to_raw_options(const JsonbOptions& options) {
    std::vector<RawOption> raw;
    for (int i = 0; i < options.count; ++i) {
        RawOption r;
        r.key = options.entries[i].key;
        r.kind = options.entries[i].kind;
        r.number = options.entries[i].number;
        r.boolean = options.entries[i].boolean;
        raw.push_back(std::move(r));
    }
    return raw;
}

}  // namespace recsys::pg
