// The featurizer a function is called with (a featurizer_fit model, or a
// pipeline's), prepared once per call site: the columns it reads from a row
// and the buffers a row is read into, so that a row costs its lookups and
// the result, and no allocation.
#pragma once

#include <string_view>

#include "../core/features/featurizer.h"
#include "../core/model/pipeline.h"
#include "model_source.h"
#include "pg_headers.h"
#include "record_rows.h"

namespace recsys::pg {

// A row argument: a jsonb object, a composite value (a table's row), or
// JSON text (the form an untyped literal takes).
enum class RowForm { Json, Record, Text };

struct FeaturizerSite {
    const FeaturizerModel* featurizer;
    const PipelineModel* pipeline;  // when the model is a pipeline (featurizer is its)
    int columns;                    // the featurizer's raw columns
    int features;                   // its output
    const std::string_view* names;  // of the columns
    RawValue* values;               // one row's, a value per column
    double* output;                 // `features` doubles (a pipeline's estimator input)
    RowForm row_form;               // how rows come (argument 1's type)
    mutable RecordLayout* layout;   // of their row type (record_rows.h)
    MemoryContext memory;           // the call site's
};

// The model of argument 0 must be a featurizer or a pipeline (with
// `pipeline_only`, a pipeline): another kind is an error (22023) naming it.
// `function` names the SQL function in messages.
const FeaturizerSite& featurizer_site(FunctionCallInfo fcinfo, ModelArgument form, const char* function,
                                      bool pipeline_only = false);

// Reads the site's columns of the row in argument 1 (a JSON object, a
// composite value: a table's row, or JSON text) into site.values.
void read_site_row(const FeaturizerSite& site, FunctionCallInfo fcinfo, const char* function);

}  // namespace recsys::pg
