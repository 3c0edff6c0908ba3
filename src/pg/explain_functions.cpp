// Why a prediction: recsys.feature_importance(model) -> table(feature,
// gain, weight, cover) of tree models, and recsys.contributions(model,
// features) -> table(class, feature, contribution): the per-feature parts of
// the raw score (TreeSHAP for trees, coefficient x value for linear models),
// feature 0 being the bias.
#include "../core/trees/contributions.h"
#include "bridge.h"
#include "feature_arguments.h"
#include "model_source.h"
#include "owned.h"
#include "pg_headers.h"
#include "rows.h"

namespace {

using namespace recsys;
using namespace recsys::pg;

Datum feature_importance(FunctionCallInfo fcinfo, ModelArgument form) {
    const Model& model = ***model_argument(fcinfo, 0, form);
    const char* label = model_label(fcinfo);
    using Table = std::vector<FeatureImportance>;
    auto* table = new_owned<Table>();
    guarded([&] { table->reset(new Table(model_importance(model, label))); });
    RowWriter rows(fcinfo);
    int feature = 0;
    for (const FeatureImportance& f : **table) {
        bool nulls[4] = {false, false, false, false};
        Datum values[4] = {Int32GetDatum(++feature), Float8GetDatum(f.gain), Float8GetDatum(f.weight),
                           Float8GetDatum(f.cover)};
        rows.put(values, nulls);
    }
    table->release();
    return (Datum)0;
}

Datum contributions(FunctionCallInfo fcinfo, ModelArgument form) {
    const Model& model = ***model_argument(fcinfo, 0, form);
    const char* label = model_label(fcinfo);
    const auto* scoring = dynamic_cast<const FeatureModel*>(&model);
    const double* x = scoring ? checked_features(fcinfo, PG_GETARG_ARRAYTYPE_P(1), scoring->feature_count(),
                                               scoring->takes_missing())
                              : nullptr;
    using Table = std::vector<Contribution>;
    auto* table = new_owned<Table>();
    guarded([&] { table->reset(new Table(model_contributions(model, x, label))); });
    RowWriter rows(fcinfo);
    for (const Contribution& c : **table) {
        bool nulls[3] = {c.group.empty(), false, false};
        Datum values[3] = {c.group.empty() ? Datum(0) : CStringGetTextDatum(c.group.c_str()), Int32GetDatum(c.feature),
                           Float8GetDatum(c.value)};
        rows.put(values, nulls);
    }
    table->release();
    return (Datum)0;
}

}  // namespace

extern "C" {
RECSYS_MODEL_FUNCTION(recsys_feature_importance, feature_importance)
RECSYS_MODEL_FUNCTION(recsys_contributions, contributions)
}
