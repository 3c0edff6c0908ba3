// recsys.predict_class(model, features) -> text and
// recsys.predict_proba(model, features) -> jsonb ({class: probability}) for
// every classifier (ClassModel: LDA, the k-NN classifier, multi-class trees):
// written once over the interface, so a new classifier kind gets both.
#include <algorithm>
#include <string>
#include <vector>

#include "../core/base/json.h"
#include "../core/model/model.h"
#include "bridge.h"
#include "feature_arguments.h"
#include "model_source.h"
#include "pg_headers.h"
#include "rows.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

struct Classifier {
    const FeatureModel* features;
    const ClassModel* classes;
};

Classifier classifier(FunctionCallInfo fcinfo, ModelHandle* handle) {
    const Model& model = ***handle;
    const auto* classes = dynamic_cast<const ClassModel*>(&model);
    const auto* features = dynamic_cast<const FeatureModel*>(&model);
    if (!classes || !features)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s is of kind \"%s\", which does not tell classes apart", model_label(fcinfo),
                               model.kind()),
                        errhint("predict_class and predict_proba take classifiers (lda_fit, knn_fit with task "
                                "classification); recsys.predict scores the others")));
    return {features, classes};
}

// The most probable class of x and the probability of each (C++ only: run
// guarded; nothing of it outlives the call).
std::size_t most_probable(const ClassModel& m, const double* x, std::vector<double>& probabilities) {
    probabilities.assign(m.class_names().size(), 0.0);
    m.class_probabilities(x, probabilities.data());
    return static_cast<std::size_t>(std::max_element(probabilities.begin(), probabilities.end()) -
                                    probabilities.begin());
}

Datum predict_class(FunctionCallInfo fcinfo, ModelArgument form) {
    if (PG_ARGISNULL(1)) PG_RETURN_NULL();
    const Classifier c = classifier(fcinfo, model_argument(fcinfo, 0, form));
    const double* x = checked_features(fcinfo, PG_GETARG_ARRAYTYPE_P(1), c.features->feature_count(),
                                      c.features->takes_missing());
    // The name belongs to the model, which outlives the call.
    const std::string* name = guarded([&] {
        std::vector<double> probabilities;
        return &c.classes->class_names()[most_probable(*c.classes, x, probabilities)];
    });
    PG_RETURN_TEXT_P(cstring_to_text_with_len(name->data(), static_cast<int>(name->size())));
}

Datum predict_proba(FunctionCallInfo fcinfo, ModelArgument form) {
    if (PG_ARGISNULL(1)) PG_RETURN_NULL();
    const Classifier c = classifier(fcinfo, model_argument(fcinfo, 0, form));
    const double* x = checked_features(fcinfo, PG_GETARG_ARRAYTYPE_P(1), c.features->feature_count(),
                                      c.features->takes_missing());
    return jsonb_from([&] {
        std::vector<double> probabilities;
        most_probable(*c.classes, x, probabilities);
        JsonWriter w;
        w.begin_object();
        for (std::size_t k = 0; k < probabilities.size(); ++k) {
            w.key(c.classes->class_names()[k]);
            w.number(probabilities[k]);
        }
        w.end_object();
        return w.str();
    });
}

}  // namespace

extern "C" {
RECSYS_MODEL_FUNCTION(recsys_predict_class, predict_class)
RECSYS_MODEL_FUNCTION(recsys_predict_proba, predict_proba)
}
