#include "linear_decision.h"

#include <cmath>

namespace recsys {

double LinearDecisionModel::decision(const double* x) const {
    return intercept + Eigen::Map<const Eigen::VectorXd>(x, coefficients.size()).dot(coefficients);
}

std::vector<CoefficientRow> LinearDecisionModel::coefficient_table() const {
    return coefficient_rows(options, intercept, coefficients.data(), feature_count());
}

void LinearDecisionModel::write_head(ByteWriter& w, std::uint32_t version, const TrainingSummary& summary) const {
    w.pod<std::uint32_t>(version);
    w.pod<std::uint64_t>(feature_count());
    w.pod<double>(intercept);
    w.array(coefficients.data(), feature_count());
    write_options(w, options);
    write_training_summary(w, summary);
}

TrainingSummary LinearDecisionModel::read_head(ByteReader& r, const char* kind, std::uint32_t version,
                                               const OptionSchema& schema, bool empty_ok) {
    read_payload_version(r, kind, version);
    const auto features = r.pod<std::uint64_t>("features");
    intercept = r.pod<double>("intercept");
    std::vector<double> stored;
    r.array<double>(stored, std::size_t(1) << 32, "coefficients");
    if (stored.size() != features || (features == 0 && !empty_ok))
        fail(ErrorKind::Corrupted, "model is inconsistent: coefficient count");
    coefficients = Eigen::Map<Eigen::VectorXd>(stored.data(), static_cast<Eigen::Index>(features));
    if (!std::isfinite(intercept) || !coefficients.allFinite())
        fail(ErrorKind::Corrupted, "model is inconsistent: non-finite coefficients");
    options = read_options(r, schema);
    check_stored_feature_names(options, features);
    return read_training_summary(r);
}

std::string LinearDecisionModel::dimensions_json() const {
    JsonWriter dimensions;
    dimensions.begin_object();
    dimensions.key("features");
    dimensions.integer(static_cast<long long>(feature_count()));
    dimensions.end_object();
    return dimensions.str();
}

LabeledRows linear_fit_rows(const TrainingRows& rows, const Options& options) {
    check_feature_names(options, rows.column("features").width);
    return labeled_rows(rows);
}

}  // namespace recsys
