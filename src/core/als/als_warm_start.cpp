// ALS warm start: check the model to start from, copy the factors it knows.
#include "als_warm_start.h"

#include <string>

namespace recsys {

const AlsModel* warm_start_model(const Options& options, const TrainContext& ctx) {
    if (options.is_null("warm_start")) return nullptr;
    const std::string& name = options.string("warm_start");
    if (!ctx.warm_start.model) fail(ErrorKind::Internal, "the model of als_fit option \"warm_start\" was not read");
    const auto* from = dynamic_cast<const AlsModel*>(ctx.warm_start.model.get());
    const std::string model = "model \"" + name + "\" (version " + std::to_string(ctx.warm_start.id) + ")";
    if (!from)
        fail_option(als_option_schema(), "warm_start",
                    "names " + model + ", which is of kind \"" + ctx.warm_start.model->kind() + "\", expected \"als\"");
    const std::int64_t factors = options.integer("factors");
    if (from->factors() != factors)
        fail(ErrorKind::InvalidParameter,
             "als_fit option \"warm_start\" names " + model + " of " + std::to_string(from->factors()) +
                 " factors, but \"factors\" is " + std::to_string(factors),
             "pass \"factors\": " + std::to_string(from->factors()) + " to start from it");
    return from;
}

std::uint64_t copy_known_rows(const std::vector<std::int64_t>& from_ids, const FactorMatrix& from,
                              const std::vector<std::int64_t>& to_ids, FactorMatrix& to) {
    std::uint64_t copied = 0;
    std::size_t f = 0;
    for (std::size_t t = 0; t < to_ids.size() && f < from_ids.size(); ++t) {
        while (f < from_ids.size() && from_ids[f] < to_ids[t]) ++f;
        if (f < from_ids.size() && from_ids[f] == to_ids[t]) {
            to.row(static_cast<Eigen::Index>(t)) = from.row(static_cast<Eigen::Index>(f));
            ++copied;
        }
    }
    return copied;
}

}  // namespace recsys
