// Logistic regression as a model kind: options, prediction, payload, and
// logreg_fit(label bool, features float8[] [, options]).
//
// Payload layout, version 1 (little-endian): the linear head
// (linear_decision.h: version, features, intercept, coefficients, options,
// common training summary), then sampled rows and solver run
// (training_summary_parts.h), f64 gradient max
#include <cmath>

#include "binary_labels.h"
#include "logreg.h"

namespace recsys {

namespace {

constexpr std::uint32_t kPayloadVersion = 1;

std::unique_ptr<Model> fit(const TrainingRows& rows, const Options& options, TrainContext& ctx) {
    return std::make_unique<LogregModel>(
        train_logreg(linear_fit_rows(rows, options), options, ctx, collected_summary(rows)));
}

void check_options(const Options& o) {
    if (o.number("l1") > 0 && o.string("solver") == "newton")
        fail_option(*o.schema(), "solver", "\"newton\" handles no l1 penalty: use \"owlqn\" (or \"auto\")");
    if (o.number("l1") > 0 && o.string("solver") == "lbfgs")
        fail_option(*o.schema(), "solver", "\"lbfgs\" handles no l1 penalty: use \"owlqn\" (or \"auto\")");
}

}  // namespace

const OptionSchema& logreg_option_schema() {
    static const OptionSchema schema = {
        "logreg_fit",
        with_sampling_options(
            {
                number_option("l2", 1e-4, 0, 1e9,
                              "L2 penalty (l2 / 2) |beta|^2 on the mean log loss; scikit-learn's C is 1 / (l2 n)"),
                number_option("l1", 0, 0, 1e9, "L1 penalty l1 |beta|_1 (with l2 > 0 too: elastic net)"),
                boolean_option("fit_intercept", true, "fit an unpenalized intercept"),
                choice_option("solver", "auto", {"auto", "newton", "lbfgs", "owlqn"},
                              "auto: owlqn with l1, newton up to 500 features, lbfgs beyond"),
                number_option("tol", 1e-8, 0, 1, "stop when the largest gradient entry is below this"),
                renamed_from("max_iterations",
                             integer_option("iterations", 1000, 1, 100000,
                                            "most solver iterations, fewer when tol is met (scikit-learn's max_iter)")),
                feature_names_option(),
            },
            "seed of the down-sampling of negatives"),
        check_options,
    };
    return schema;
}

const ModelKind& logreg_kind() {
    static const ModelKind kind = linear_decision_kind<LogregModel>("logreg_fit", logreg_option_schema(), fit);
    return kind;
}

double LogregModel::predict(const double* x) const {
    // An infinite decision is a probability of 0 or 1; inf - inf is refused.
    const double z = decision(x);
    if (std::isnan(z)) fail_score_overflow(kKind);
    return corrected_probability(sigmoid(z), negative_sample_rate);
}

std::string LogregModel::metadata_json() const {
    std::string training = training_summary_json(summary, [&](JsonWriter& w) {
        sampled_rows_json(w, summary);
        solver_run_json(w, summary);
        w.key("gradient_max");
        w.number(summary.gradient_max);
    });
    return model_metadata_json(options.to_json(), dimensions_json(), training);
}

void LogregModel::write_payload(ByteWriter& w) const {
    write_head(w, kPayloadVersion, summary);
    write_sampled_rows(w, summary);
    write_solver_run(w, summary);
    w.pod<double>(summary.gradient_max);
}

LogregModel LogregModel::read(const Envelope& env) {
    ByteReader r(env.payload, env.payload_size);
    LogregModel m;
    static_cast<TrainingSummary&>(m.summary) = m.read_head(r, kKind, kPayloadVersion, logreg_option_schema(), true);
    m.negative_sample_rate = m.options.number("negative_sample_rate");
    static_cast<SampledRows&>(m.summary) = read_sampled_rows(r);
    static_cast<SolverRun&>(m.summary) = read_solver_run(r);
    m.summary.gradient_max = r.pod<double>("gradient max");
    if (r.remaining() != 0) fail(ErrorKind::Corrupted, "model is inconsistent: trailing bytes after the payload");
    return m;
}

}  // namespace recsys
