// LDA as a model kind (lda.h): options, class probabilities, the transform,
// and the payload.
//
// Payload layout, version 1 (little-endian):
//   u32 payload version, u64 classes k, u64 features p, u64 directions m,
//   string[] class names (k, sorted, distinct), f64[] priors (k), means (k x p),
//   coef (k x p), intercept (k), scalings (p x m), xbar (p), explained variance ratio,
//   string options (JSON), common training summary (model.h)
// (matrices column-major, as Eigen keeps them)
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "lda.h"
#include "../base/checked.h"

namespace recsys {

namespace {

constexpr std::uint32_t kPayloadVersion = 1;
constexpr std::size_t kMaxFeatures = std::size_t(1) << 16;

// A shrinkage given as a number is kept as its text ("0.25"): the option is
// a string, "auto" or a number in [0, 1].
std::string normalize_shrinkage(const std::string& text) {
    nlohmann::json given = nlohmann::json::parse(text, nullptr, false);
    if (given.is_discarded() || !given.is_object()) return text;
    auto s = given.find("shrinkage");
    if (s == given.end() || !s->is_number()) return text;
    *s = s->dump();
    return given.dump();
}

void check_options(const Options& o) {
    if (o.is_null("shrinkage")) return;
    const std::string& s = o.string("shrinkage");
    if (s != "auto") {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0' || !(v >= 0 && v <= 1))
            fail_option(*o.schema(), "shrinkage", "must be \"auto\" or a number between 0 and 1, got \"" + s + "\"");
    }
    if (o.string("solver") != "eigen")
        fail_option(*o.schema(), "shrinkage", "takes the eigen solver, as in scikit-learn: add \"solver\": \"eigen\"");
}

void read_matrix(ByteReader& r, Eigen::MatrixXd& m, std::size_t rows, std::size_t cols, const char* what) {
    const std::size_t count = checked_mul(rows, cols, what);
    std::vector<double> v;
    r.array<double>(v, count, what);
    if (v.size() != count) fail(ErrorKind::Corrupted, std::string("model is inconsistent: ") + what);
    m = Eigen::Map<Eigen::MatrixXd>(v.data(), static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    if (!m.allFinite()) fail(ErrorKind::Corrupted, std::string("model is inconsistent: non-finite ") + what);
}

void read_vector(ByteReader& r, Eigen::VectorXd& out, std::size_t n, const char* what) {
    Eigen::MatrixXd m;
    read_matrix(r, m, n, 1, what);
    out = m.col(0);
}

}  // namespace

const OptionSchema& lda_option_schema() {
    static const OptionSchema schema = {
        "lda_fit",
        {
            choice_option("solver", "svd", {"svd", "eigen"},
                          "svd: from the SVD of the centered rows (no shrinkage); eigen: the generalized "
                          "eigenproblem of the between- and within-class covariances"),
            optional_string_option("shrinkage", "eigen solver only: \"auto\" (Ledoit-Wolf) or a number in [0, 1] "
                                                "that shrinks each covariance toward a multiple of the identity"),
            number_option("tol", 1e-4, 0, 1, "svd solver: singular values at or below this are rank-deficient "
                                             "(scikit-learn's tol)"),
        },
        check_options,
        normalize_shrinkage,
    };
    return schema;
}

double LdaModel::predict(const double*) const {
    fail(ErrorKind::InvalidParameter, "an lda model predicts a class (text), not a number",
         "use recsys.predict_class(model, features), or recsys.predict_proba for every class's probability");
}

void LdaModel::class_probabilities(const double* x, double* out) const {
    const Eigen::Map<const Eigen::VectorXd> v(x, static_cast<Eigen::Index>(feature_count()));
    const Eigen::VectorXd scores = coef * v + intercept;
    if (!scores.allFinite()) fail_score_overflow(kKind);
    const double top = scores.maxCoeff();
    double total = 0;
    for (Eigen::Index c = 0; c < scores.size(); ++c) total += out[c] = std::exp(scores[c] - top);
    for (Eigen::Index c = 0; c < scores.size(); ++c) out[c] /= total;
}

std::size_t LdaModel::components() const {
    return std::min<std::size_t>({classes.size() - 1, feature_count(), static_cast<std::size_t>(scalings.cols())});
}

void LdaModel::transform(const double* x, double* out) const {
    const Eigen::Map<const Eigen::VectorXd> v(x, static_cast<Eigen::Index>(feature_count()));
    const auto m = static_cast<Eigen::Index>(components());
    const Eigen::VectorXd t = scalings.leftCols(m).transpose() * (v - xbar);
    if (!t.allFinite()) fail_score_overflow(kKind);
    Eigen::Map<Eigen::VectorXd>(out, m) = t;
}

std::size_t LdaModel::memory_bytes() const {
    std::size_t bytes = sizeof(*this) + (static_cast<std::size_t>(means.size() + coef.size() + scalings.size()) +
                                         4 * feature_count() + 3 * classes.size()) * sizeof(double);
    for (const std::string& c : classes) bytes += c.size() + sizeof(std::string);
    return bytes;
}

std::string LdaModel::metadata_json() const {
    JsonWriter dimensions;
    dimensions.begin_object();
    dimensions.key("features");
    dimensions.integer(static_cast<long long>(feature_count()));
    dimensions.key("classes");
    dimensions.integer(static_cast<long long>(classes.size()));
    dimensions.key("components");
    dimensions.integer(static_cast<long long>(components()));
    dimensions.end_object();
    JsonWriter statistics;
    statistics.begin_object();
    statistics.key("classes");
    statistics.begin_array();
    for (const std::string& c : classes) statistics.string(c);
    statistics.end_array();
    statistics.key("priors");
    statistics.numbers(std::vector<double>(priors.data(), priors.data() + priors.size()));
    statistics.key("explained_variance_ratio");
    statistics.numbers(std::vector<double>(explained_variance_ratio.data(),
                                           explained_variance_ratio.data() + std::min<Eigen::Index>(
                                               explained_variance_ratio.size(), static_cast<Eigen::Index>(components()))));
    statistics.end_object();
    return model_metadata_json(options.to_json(), dimensions.str(), training_summary_json(summary), statistics.str());
}

void LdaModel::write_payload(ByteWriter& w) const {
    const std::size_t k = classes.size(), p = feature_count(), m = static_cast<std::size_t>(scalings.cols());
    w.pod<std::uint32_t>(kPayloadVersion);
    w.pod<std::uint64_t>(k);
    w.pod<std::uint64_t>(p);
    w.pod<std::uint64_t>(m);
    for (const std::string& c : classes) w.string(c);
    w.array(priors.data(), k);
    w.array(means.data(), k * p);
    w.array(coef.data(), k * p);
    w.array(intercept.data(), k);
    w.array(scalings.data(), p * m);
    w.array(xbar.data(), p);
    w.array(explained_variance_ratio.data(), static_cast<std::size_t>(explained_variance_ratio.size()));
    write_options(w, options);
    write_training_summary(w, summary);
}

LdaModel LdaModel::read(const Envelope& env) {
    ByteReader r(env.payload, env.payload_size);
    read_payload_version(r, kKind, kPayloadVersion);
    LdaModel m;
    const auto k = r.pod<std::uint64_t>("classes");
    const auto p = r.pod<std::uint64_t>("features");
    const auto dirs = r.pod<std::uint64_t>("directions");
    if (k < 2 || k > kLdaMaxClasses || p == 0 || p > kMaxFeatures || dirs > p)
        fail(ErrorKind::Corrupted, "model is inconsistent: classes, features or directions");
    for (std::uint64_t c = 0; c < k; ++c) {
        m.classes.push_back(r.string(std::size_t(1) << 30, "class name"));
        if (c > 0 && !(m.classes[c - 1] < m.classes[c]))
            fail(ErrorKind::Corrupted, "model is inconsistent: class names not sorted or repeated");
    }
    read_vector(r, m.priors, k, "priors");
    read_matrix(r, m.means, k, p, "means");
    read_matrix(r, m.coef, k, p, "coefficients");
    read_vector(r, m.intercept, k, "intercepts");
    read_matrix(r, m.scalings, p, dirs, "scalings");
    read_vector(r, m.xbar, p, "xbar");
    std::vector<double> ratio;
    r.array<double>(ratio, p + k, "explained variance ratio");
    m.explained_variance_ratio = Eigen::Map<Eigen::VectorXd>(ratio.data(), static_cast<Eigen::Index>(ratio.size()));
    if (!m.explained_variance_ratio.allFinite()) fail(ErrorKind::Corrupted, "model is inconsistent: variance ratio");
    m.options = read_options(r, lda_option_schema());
    m.summary = read_training_summary(r);
    if (r.remaining() != 0) fail(ErrorKind::Corrupted, "model is inconsistent: trailing bytes after the payload");
    return m;
}

}  // namespace recsys
