// The linear SVM as a model kind (svm.h): options, the decision value,
// coefficients and the payload.
//
// Payload layout, version 1 (little-endian): the linear head
// (linear_decision.h: version, features, intercept, coefficients, options,
// common training summary), then solver run (training_summary_parts.h),
// f64 objective, u64 support vectors
#include <cmath>

#include "svm.h"

namespace recsys {

namespace {

constexpr std::uint32_t kPayloadVersion = 1;

std::unique_ptr<Model> fit(const TrainingRows& rows, const Options& options, TrainContext& ctx) {
    const LabeledRows data = linear_fit_rows(rows, options);
    std::size_t positives = 0;
    for (std::size_t i = 0; i < data.n; ++i) positives += data.y[i];
    if (positives == 0 || positives == data.n)
        fail(ErrorKind::InvalidParameter, "svm_fit needs rows of both labels, got only " +
                                              std::string(positives ? "true" : "false") + " ones",
             "an SVM separates true rows from false ones");
    return std::make_unique<SvmModel>(train_svm(data, options, ctx, collected_summary(rows)));
}

}  // namespace

const OptionSchema& svm_option_schema() {
    static const OptionSchema schema = {
        "svm_fit",
        {
            number_option("C", 1, 1e-12, 1e12, "the weight of the loss against (1/2)|w|^2: larger fits the rows "
                                                "more closely (scikit-learn's C; sums over rows, not means)"),
            choice_option("loss", "squared_hinge", {"squared_hinge", "hinge"},
                          "squared_hinge: max(0, 1 - y f(x))^2 (scikit-learn's default); hinge: max(0, 1 - y f(x))"),
            boolean_option("fit_intercept", true, "fit an intercept (a constant feature, penalized, as liblinear)"),
            number_option("intercept_scaling", 1, 1e-6, 1e6,
                          "the constant feature's value: a larger one penalizes the intercept less"),
            number_option("tol", 1e-4, 1e-15, 1, "stop when the projected gradient's spread over a pass is below this"),
            integer_option("iterations", 1000, 1, 1000000, "most passes over the rows (scikit-learn's max_iter)"),
            integer_option("seed", 0, 0, 9007199254740991.0, "seed of the order rows are visited in"),
            feature_names_option(),
        },
        nullptr,
    };
    return schema;
}

const ModelKind& svm_kind() {
    static const ModelKind kind = linear_decision_kind<SvmModel>("svm_fit", svm_option_schema(), fit);
    return kind;
}

double SvmModel::predict(const double* x) const {
    const double z = decision(x);
    if (!std::isfinite(z)) fail_score_overflow(kKind);
    return z;
}

std::string SvmModel::metadata_json() const {
    std::string training = training_summary_json(summary, [&](JsonWriter& w) {
        solver_run_json(w, summary);
        w.key("objective");
        w.number(summary.objective);
        w.key("support_vectors");
        w.integer(static_cast<long long>(summary.support_vectors));
    });
    return model_metadata_json(options.to_json(), dimensions_json(), training);
}

void SvmModel::write_payload(ByteWriter& w) const {
    write_head(w, kPayloadVersion, summary);
    write_solver_run(w, summary);
    w.pod<double>(summary.objective);
    w.pod<std::uint64_t>(summary.support_vectors);
}

SvmModel SvmModel::read(const Envelope& env) {
    ByteReader r(env.payload, env.payload_size);
    SvmModel m;
    static_cast<TrainingSummary&>(m.summary) = m.read_head(r, kKind, kPayloadVersion, svm_option_schema(), false);
    static_cast<SolverRun&>(m.summary) = read_solver_run(r);
    m.summary.objective = r.pod<double>("objective");
    m.summary.support_vectors = r.pod<std::uint64_t>("support vectors");
    if (r.remaining() != 0) fail(ErrorKind::Corrupted, "model is inconsistent: trailing bytes after the payload");
    return m;
}

}  // namespace recsys
