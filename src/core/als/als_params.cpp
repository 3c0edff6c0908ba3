// The options of als_fit: names, defaults, ranges, and their meaning.
#include "als.h"

namespace recsys {

const OptionSchema& als_option_schema() {
    static const OptionSchema schema = {
        "als_fit",
        {
            integer_option("factors", 64, 1, 1024, "number of latent factors per user and item"),
            integer_option("iterations", 15, 0, 1000,
                           "number of alternating passes over users and items (0 only with warm_start)"),
            renamed_from("regularization",
                         number_option("l2", 10.0, 0, 1e9,
                                       "L2 penalty added to the diagonal of every solve (implicit's regularization)")),
            number_option("alpha", 2.0, 0, 1e9, "confidence slope: c = 1 + alpha * weight (implicit only)"),
            integer_option("cg_steps", 3, 0, 100,
                           "conjugate-gradient steps per solve; 0 solves each exactly by Cholesky (implicit only)"),
            integer_option("seed", 0, 0, 9007199254740991.0, "seed of the random initial factors"),
            boolean_option("explicit", false,
                           "true: weights are ratings, fit them by regularized least squares on observed entries"),
            optional_string_option("warm_start",
                                   "a registered model (its name): the users and items it knows start from its "
                                   "factors, the others as usual"),
        },
        [](const Options& o) {
            if (o.integer("iterations") == 0 && o.is_null("warm_start"))
                fail_option(als_option_schema(), "iterations", "must be at least 1 without warm_start, got 0");
        },
    };
    return schema;
}

AlsParams AlsParams::from(const Options& o) {
    AlsParams p;
    p.factors = static_cast<int>(o.integer("factors"));
    p.iterations = static_cast<int>(o.integer("iterations"));
    p.l2 = o.number("l2");
    p.alpha = o.number("alpha");
    p.cg_steps = static_cast<int>(o.integer("cg_steps"));
    p.seed = static_cast<std::uint64_t>(o.integer("seed"));
    p.explicit_feedback = o.boolean("explicit");
    return p;
}

}  // namespace recsys
