// Cox proportional hazards as a model kind: options, columns, prediction,
// the inference table, the survival curve of new features, and the payload.
//
// Payload layout, version 1 (little-endian):
//   u32 payload version, u64 features, f64[] coefficients, f64[] std_errors,
//   f64[] baseline times, f64[] baseline cumulative hazards,
//   string options (JSON), common training summary (model.h), solver run
//   (training_summary_parts.h), u64 events, f64 log likelihood, f64 gradient max
#include <cmath>

#include "../experiments/ab_test.h"
#include "coxph.h"

namespace recsys {

namespace {

constexpr std::uint32_t kPayloadVersion = 1;
constexpr std::size_t kMaxCount = std::size_t(1) << 32;

std::unique_ptr<Model> fit(const TrainingRows& rows, const Options& options, TrainContext& ctx) {
    const ColumnView& features = rows.column("features");
    check_feature_names(options, features.width);
    const SurvivalRows data{rows.column("time").float64s(), rows.column("event").bools(), features.arrays(), rows.count,
                            features.width};
    return std::make_unique<CoxModel>(train_coxph(data, options, ctx, collected_summary(rows)));
}

std::vector<ColumnSpec> columns() {
    ColumnSpec time{"time", ColumnType::Float64};
    time.min = 0;
    time.hint = "time is the duration until the event or the censoring, from 0";
    ColumnSpec event{"event", ColumnType::Bool};
    return {time, event, features_column()};
}

void fail_corrupted(const char* what) { fail(ErrorKind::Corrupted, std::string("model is inconsistent: ") + what); }

}  // namespace

const OptionSchema& coxph_option_schema() {
    static const OptionSchema schema = {
        "coxph_fit",
        {
            number_option("l2", 0, 0, 1e9,
                          "L2 penalty (l2 / 2) |beta|^2 on the mean negative log partial likelihood "
                          "(statsmodels' PHReg.fit_regularized alpha with L1_wt 0); standard errors only without"),
            integer_option("iterations", 100, 1, 100000, "most Newton iterations, fewer when tol is met"),
            number_option("tol", 1e-8, 0, 1, "stop when the largest gradient entry is below this"),
            feature_names_option(),
        },
        nullptr,
    };
    return schema;
}

const ModelKind& coxph_kind() {
    static const ModelKind kind{{CoxModel::kKind, "coxph_fit", &coxph_option_schema(), columns()}, fit,
                                read_model_as<CoxModel>};
    return kind;
}

double CoxModel::predict(const double* x) const {
    const double hazard = std::exp(Eigen::Map<const Eigen::VectorXd>(x, coefficients.size()).dot(coefficients));
    if (!std::isfinite(hazard)) fail_score_overflow(kKind);
    return hazard;
}

std::vector<CoefficientRow> CoxModel::coefficient_table() const {
    const auto names = term_names(options, feature_count());
    std::vector<CoefficientRow> rows;
    for (std::size_t j = 0; j < feature_count(); ++j) {
        const auto k = static_cast<Eigen::Index>(j);
        CoefficientRow row{static_cast<int>(j + 1), names[j + 1], coefficients[k], std_errors[k]};
        row.t_stat = coefficients[k] / std_errors[k];
        row.p_value = std::isnan(row.t_stat) ? NAN : normal_two_sided_p(row.t_stat);
        rows.push_back(row);
    }
    return rows;
}

std::vector<SurvivalPoint> CoxModel::survival_curve(const double* x) const {
    const double hazard_ratio = predict(x);
    std::vector<SurvivalPoint> out(baseline_time.size());
    for (std::size_t k = 0; k < out.size(); ++k) {
        const double h = baseline_hazard[k] * hazard_ratio;
        out[k] = {baseline_time[k], h, std::exp(-h)};
    }
    return out;
}

std::size_t CoxModel::memory_bytes() const {
    return sizeof(*this) + 2 * (feature_count() + baseline_time.size()) * sizeof(double);
}

std::string CoxModel::metadata_json() const {
    JsonWriter dimensions;
    dimensions.begin_object();
    dimensions.key("features");
    dimensions.integer(static_cast<long long>(feature_count()));
    dimensions.key("event_times");
    dimensions.integer(static_cast<long long>(baseline_time.size()));
    dimensions.end_object();
    std::string training = training_summary_json(summary, [&](JsonWriter& w) {
        solver_run_json(w, summary);
        w.key("events");
        w.integer(static_cast<long long>(summary.events));
        w.key("log_likelihood");
        w.number(summary.log_likelihood);
        w.key("gradient_max");
        w.number(summary.gradient_max);
    });
    return model_metadata_json(options.to_json(), dimensions.str(), training);
}

void CoxModel::write_payload(ByteWriter& w) const {
    w.pod<std::uint32_t>(kPayloadVersion);
    w.pod<std::uint64_t>(feature_count());
    w.array(coefficients.data(), feature_count());
    w.array(std_errors.data(), feature_count());
    w.array(baseline_time.data(), baseline_time.size());
    w.array(baseline_hazard.data(), baseline_hazard.size());
    write_options(w, options);
    write_training_summary(w, summary);
    write_solver_run(w, summary);
    w.pod<std::uint64_t>(summary.events);
    w.pod<double>(summary.log_likelihood);
    w.pod<double>(summary.gradient_max);
}

CoxModel CoxModel::read(const Envelope& env) {
    ByteReader r(env.payload, env.payload_size);
    read_payload_version(r, kKind, kPayloadVersion);
    CoxModel m;
    const auto features = r.pod<std::uint64_t>("features");
    std::vector<double> coefficients, std_errors;
    r.array<double>(coefficients, kMaxCount, "coefficients");
    r.array<double>(std_errors, kMaxCount, "standard errors");
    r.array<double>(m.baseline_time, kMaxCount, "baseline times");
    r.array<double>(m.baseline_hazard, kMaxCount, "baseline hazards");
    if (features == 0 || coefficients.size() != features || std_errors.size() != features)
        fail_corrupted("coefficient count");
    const auto p = static_cast<Eigen::Index>(features);
    m.coefficients = Eigen::Map<Eigen::VectorXd>(coefficients.data(), p);
    m.std_errors = Eigen::Map<Eigen::VectorXd>(std_errors.data(), p);
    if (!m.coefficients.allFinite()) fail_corrupted("non-finite coefficients");
    for (double se : std_errors)
        if (!(std::isnan(se) || (std::isfinite(se) && se >= 0))) fail_corrupted("a bad standard error");
    if (m.baseline_time.empty() || m.baseline_time.size() != m.baseline_hazard.size())
        fail_corrupted("baseline length");
    for (std::size_t k = 0; k < m.baseline_time.size(); ++k) {
        const double t = m.baseline_time[k], h = m.baseline_hazard[k];
        if (!(std::isfinite(t) && t >= 0 && (k == 0 || t > m.baseline_time[k - 1])))
            fail_corrupted("baseline times are not ascending");
        if (!(std::isfinite(h) && h > 0 && (k == 0 || h >= m.baseline_hazard[k - 1])))
            fail_corrupted("baseline hazard is not increasing");
    }
    m.options = read_options(r, coxph_option_schema());
    check_stored_feature_names(m.options, features);
    static_cast<TrainingSummary&>(m.summary) = read_training_summary(r);
    static_cast<SolverRun&>(m.summary) = read_solver_run(r);
    m.summary.events = r.pod<std::uint64_t>("events");
    m.summary.log_likelihood = r.pod<double>("log likelihood");
    m.summary.gradient_max = r.pod<double>("gradient max");
    if (r.remaining() != 0) fail_corrupted("trailing bytes after the payload");
    return m;
}

}  // namespace recsys
