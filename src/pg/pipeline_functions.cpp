// Raw rows in, predictions out:
//   recsys.pipeline(featurizer, estimator bytea) -> bytea, one model of both;
//   recsys.predict(pipeline, row jsonb or a table's row) -> float8, the estimator's prediction
//   for the featurized row (per row: its key lookups, no allocation).
#include <memory>

#include "../core/model/pipeline.h"
#include "arguments.h"
#include "bridge.h"
#include "featurizer_site.h"
#include "model_source.h"
#include "owned.h"
#include "pg_headers.h"
#include "trained_model.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

Datum pipeline(FunctionCallInfo fcinfo, ModelArgument form) {
    const std::shared_ptr<const Model>& featurizer = **model_argument(fcinfo, 0, form);
    // (Its bytes are the argument named featurizer.)
    const char* label = form == ModelArgument::Name ? model_label(fcinfo) : "the featurizer argument";
    if (!dynamic_cast<const FeaturizerModel*>(featurizer.get()))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s is of kind \"%s\", expected \"featurizer\"", label, featurizer->kind()),
                        errhint("recsys.pipeline takes a model of featurizer_fit, then the estimator")));
    require_not_null(fcinfo, 1, "estimator");
    bytea* bytes = PG_GETARG_BYTEA_PP(1);
    auto* model = new_owned<Model>();
    guarded([&] {
        auto estimator =
            load_model(reinterpret_cast<const unsigned char*>(VARDATA_ANY(bytes)), VARSIZE_ANY_EXHDR(bytes));
        auto scoring = std::dynamic_pointer_cast<const FeatureModel>(estimator);
        if (!scoring)
            fail(ErrorKind::InvalidParameter,
                 std::string("the estimator argument is of kind \"") + estimator->kind() +
                     "\", which does not predict from a feature vector",
                 "recsys.pipeline takes a model of logreg_fit, linreg_fit or mlp_fit as its estimator");
        auto features = std::static_pointer_cast<const FeaturizerModel>(featurizer);
        if (scoring->feature_count() != features->feature_count())
            fail(ErrorKind::InvalidParameter,
                 std::string("the estimator argument (kind \"") + scoring->kind() + "\") takes " +
                     std::to_string(scoring->feature_count()) + " features, " + label + " makes " +
                     std::to_string(features->feature_count()),
                 "train the estimator on recsys.transform(featurizer, row, true) of this featurizer");
        model->reset(new PipelineModel(features, scoring));
    });
    PG_RETURN_BYTEA_P(model_bytes(model, "pipeline"));
}

Datum predict_row(FunctionCallInfo fcinfo, ModelArgument form) {
    const FeaturizerSite& site = featurizer_site(fcinfo, form, "predict", true);
    if (PG_ARGISNULL(1)) PG_RETURN_NULL();  // no row, no prediction
    read_site_row(site, fcinfo, "predict");
    PG_RETURN_FLOAT8(guarded([&] { return site.pipeline->predict(site.values, site.output); }));
}

}  // namespace

extern "C" {
RECSYS_MODEL_FUNCTION(recsys_pipeline, pipeline)
RECSYS_MODEL_FUNCTION(recsys_predict_row, predict_row)
}
