#include "featurizer_site.h"

#include <climits>

#include "arguments.h"
#include "bridge.h"
#include "jsonb_rows.h"

namespace recsys::pg {

namespace {

[[noreturn]] void wrong_kind(FunctionCallInfo fcinfo, const Model& model, const char* function, bool pipeline_only) {
    if (pipeline_only)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                 errmsg("%s is of kind \"%s\", which does not predict from a raw row", model_label(fcinfo),
                        model.kind()),
                 errhint("recsys.%s(model, row jsonb) takes a pipeline (recsys.pipeline(featurizer, "
                         "estimator))%s",
                         function,
                         dynamic_cast<const FeatureModel*>(&model)
                             ? "; pass this model a feature vector (float8[]: an array literal needs ::float8[])"
                             : "")));
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("%s is of kind \"%s\", expected \"featurizer\" or \"pipeline\"", model_label(fcinfo),
                           model.kind()),
                    errhint("recsys.%s takes a model of featurizer_fit, or a pipeline", function)));
    pg_unreachable();
}

}  // namespace

const FeaturizerSite& featurizer_site(FunctionCallInfo fcinfo, ModelArgument form, const char* function,
                                      bool pipeline_only) {
    ModelHandle* handle = model_argument(fcinfo, 0, form);
    void*& scratch = call_site_scratch(fcinfo);
    if (scratch) return *static_cast<const FeaturizerSite*>(scratch);

    const Model& model = ***handle;
    const auto* pipeline = dynamic_cast<const PipelineModel*>(&model);
    const auto* featurizer = pipeline ? &pipeline->featurizer() : dynamic_cast<const FeaturizerModel*>(&model);
    if (!featurizer || (pipeline_only && !pipeline)) wrong_kind(fcinfo, model, function, pipeline_only);
    // The output is sized by the model's meaning (a hashed column's buckets),
    // not by its bytes: checked, like a call's buffers, before it is made
    // (here, and the float8[] of each transform).
    if (featurizer->feature_count() > MaxAllocSize / sizeof(double) || featurizer->column_count() > INT_MAX / 2)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("a featurizer of %zu features is more than one float8[] holds",
                               featurizer->feature_count())));
    check_call_buffers(featurizer->feature_count(), 2 * sizeof(double), "the features of a featurizer");
    const int columns = static_cast<int>(featurizer->column_count());
    const int features = static_cast<int>(featurizer->feature_count());
    MemoryContext memory = call_site_memory(fcinfo);
    auto* site = static_cast<FeaturizerSite*>(MemoryContextAllocZero(memory, sizeof(FeaturizerSite)));
    auto* names = static_cast<std::string_view*>(MemoryContextAlloc(memory, sizeof(std::string_view) * (columns + 1)));
    site->values = static_cast<RawValue*>(MemoryContextAlloc(memory, sizeof(RawValue) * (columns + 1)));
    site->output = static_cast<double*>(MemoryContextAlloc(memory, sizeof(double) * (features + 1)));
    guarded([&] {
        for (int c = 0; c < columns; ++c) names[c] = featurizer->column_name(c);
    });
    site->featurizer = featurizer;
    site->pipeline = pipeline;
    site->columns = columns;
    site->features = features;
    site->names = names;
    const Oid row_type = get_fn_expr_argtype(fcinfo->flinfo, 1);
    site->row_form = !OidIsValid(row_type) || row_type == JSONBOID ? RowForm::Json
                     : row_type == TEXTOID                          ? RowForm::Text
                                                                    : RowForm::Record;
    site->memory = memory;
    scratch = site;
    return *site;
}

void read_site_row(const FeaturizerSite& site, FunctionCallInfo fcinfo, const char* function) {
    switch (site.row_form) {
        case RowForm::Record:
            read_record_values(PG_GETARG_HEAPTUPLEHEADER(1), site.layout, site.memory, site.names, site.columns,
                               site.values, function);
            return;
        case RowForm::Json:
            read_row_values(row_object(PG_GETARG_JSONB_P(1), function), site.names, site.columns, site.values,
                            function);
            return;
        case RowForm::Text:
            read_row_values(row_object(row_from_text(PG_GETARG_TEXT_PP(1), function), function), site.names,
                            site.columns, site.values, function);
            return;
    }
}

}  // namespace recsys::pg
