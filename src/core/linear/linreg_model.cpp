// Linear regression as a model kind: options, the summarizing aggregate's
// columns, payload and metadata of linreg_fit(y float8, features float8[] [, options]).
//
// Payload layout, version 1 (little-endian):
//   u32 payload version, u64 features, f64 intercept, f64[] coefficients,
//   f64[] standard errors (intercept first), f64 x 8 statistics (LinregStatistics, in order),
//   string options (JSON), common training summary (model.h), solver run (training_summary_parts.h)
#include <cmath>

#include "linreg.h"

namespace recsys {

namespace {

constexpr std::uint32_t kPayloadVersion = 1;

std::unique_ptr<Model> fit(const TrainingRows& rows, const Options& options, TrainContext& ctx) {
    std::size_t p = 0;
    const double* factor = linreg_factor(rows, &p);
    return std::make_unique<LinregModel>(fit_linreg(factor, p, options, ctx, collected_summary(rows)));
}

ColumnSpec target_column() {
    ColumnSpec c{"y", ColumnType::Float64};
    c.on_null = NullRule::SkipRow;
    return c;
}

// The statistics in payload order.
double* statistic_fields(LinregStatistics& s, std::size_t i) {
    double* fields[] = {&s.r_squared,          &s.adj_r_squared,    &s.f_statistic, &s.f_p_value,
                        &s.residual_std_error, &s.condition_number, &s.df_residual, &s.df_model};
    return fields[i];
}
constexpr std::size_t kStatistics = 8;
const char* const kStatisticNames[kStatistics] = {"r_squared",          "adj_r_squared",    "f_statistic",
                                                  "f_p_value",          "residual_std_error", "condition_number",
                                                  "df_residual",        "df_model"};

}  // namespace

const OptionSchema& linreg_option_schema() {
    static const OptionSchema schema = {
        "linreg_fit",
        {
            number_option("l2", 0, 0, 1e12,
                          "ridge penalty (l2 / 2) |beta|^2 on (1/2n) |y - b - X beta|^2; Ridge(alpha) is l2 = alpha / n"),
            number_option("l1", 0, 0, 1e12, "lasso penalty l1 |beta|_1 (with l2 too: elastic net)"),
            boolean_option("fit_intercept", true, "fit an unpenalized intercept"),
            number_option("tol", 1e-10, 0, 1,
                          "elastic net: stop when the optimality conditions hold to this, relative to max |X'y| / n"),
            renamed_from("max_iterations", integer_option("iterations", 100000, 1, 100000000,
                                                          "elastic net: most coordinate descent sweeps, fewer when tol "
                                                          "is met (scikit-learn's max_iter)")),
            feature_names_option(),
        },
        nullptr,
    };
    return schema;
}

const ModelKind& linreg_kind() {
    static const ModelKind kind{{LinregModel::kKind,
                                 "linreg_fit",
                                 &linreg_option_schema(),
                                 {target_column(), features_column()},
                                 &linreg_summary()},
                                fit,
                                read_model_as<LinregModel>};
    return kind;
}

double LinregModel::predict(const double* x) const {
    const double y = intercept + Eigen::Map<const Eigen::VectorXd>(x, coefficients.size()).dot(coefficients);
    if (!std::isfinite(y)) fail_score_overflow(kKind);
    return y;
}

std::string LinregModel::metadata_json() const {
    JsonWriter dimensions;
    dimensions.begin_object();
    dimensions.key("features");
    dimensions.integer(static_cast<long long>(feature_count()));
    dimensions.end_object();
    std::string training = training_summary_json(summary, [&](JsonWriter& w) { solver_run_json(w, summary); });
    JsonWriter statistics;
    statistics.begin_object();
    LinregStatistics s = this->statistics;
    for (std::size_t i = 0; i < kStatistics; ++i) {
        statistics.key(kStatisticNames[i]);
        statistics.number(*statistic_fields(s, i));
    }
    statistics.end_object();
    return model_metadata_json(options.to_json(), dimensions.str(), training, statistics.str());
}

void LinregModel::write_payload(ByteWriter& w) const {
    w.pod<std::uint32_t>(kPayloadVersion);
    w.pod<std::uint64_t>(feature_count());
    w.pod<double>(intercept);
    w.array(coefficients.data(), feature_count());
    w.array(std_errors.data(), feature_count() + 1);
    LinregStatistics s = statistics;
    for (std::size_t i = 0; i < kStatistics; ++i) w.pod<double>(*statistic_fields(s, i));
    write_options(w, options);
    write_training_summary(w, summary);
    write_solver_run(w, summary);
}

LinregModel LinregModel::read(const Envelope& env) {
    ByteReader r(env.payload, env.payload_size);
    read_payload_version(r, "linreg", kPayloadVersion);
    LinregModel m;
    auto features = r.pod<std::uint64_t>("features");
    m.intercept = r.pod<double>("intercept");
    std::vector<double> values;
    r.array<double>(values, std::size_t(1) << 32, "coefficients");
    if (values.size() != features) fail(ErrorKind::Corrupted, "model is inconsistent: coefficient count");
    m.coefficients = Eigen::Map<Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(features));
    r.array<double>(values, std::size_t(1) << 32, "standard errors");
    if (values.size() != features + 1) fail(ErrorKind::Corrupted, "model is inconsistent: standard error count");
    m.std_errors = Eigen::Map<Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(features + 1));
    if (!std::isfinite(m.intercept) || !m.coefficients.allFinite())
        fail(ErrorKind::Corrupted, "model is inconsistent: non-finite coefficients");
    // A standard error is NaN (not available) or a finite number >= 0.
    if (((m.std_errors.array() < 0) || (m.std_errors.array().abs() == INFINITY)).any())
        fail(ErrorKind::Corrupted, "model is inconsistent: a negative or infinite standard error");
    for (std::size_t i = 0; i < kStatistics; ++i) *statistic_fields(m.statistics, i) = r.pod<double>("statistics");
    const double df = m.statistics.df_residual;
    if (!std::isnan(df) && !(df >= 0 && std::isfinite(df)))
        fail(ErrorKind::Corrupted, "model is inconsistent: residual degrees of freedom " + message_number(df));
    m.options = read_options(r, linreg_option_schema());
    check_stored_feature_names(m.options, features);
    static_cast<TrainingSummary&>(m.summary) = read_training_summary(r);
    static_cast<SolverRun&>(m.summary) = read_solver_run(r);
    if (r.remaining() != 0) fail(ErrorKind::Corrupted, "model is inconsistent: trailing bytes after the payload");
    return m;
}

}  // namespace recsys
