// Fitting LDA from the classes' moments (lda.h), step for step as
// scikit-learn 1.2's LinearDiscriminantAnalysis: _solve_svd (the SVD of the
// scaled, centered rows is the eigen-decomposition of their Gram matrix,
// which is the within-class scatter) and _solve_eigen (with _cov's
// shrinkage: a fixed number, or Ledoit-Wolf on the standardized rows).
#include <algorithm>
#include <chrono>
#include <cmath>

#include "../base/decompositions.h"
#include "lda.h"

namespace recsys {

namespace {

using Clock = std::chrono::steady_clock;

// A class's moments about its mean: n, the scatter C2 = sum e e^T and, with
// fourth moments, C22[i][j] = sum e_i^2 e_j^2 (e = x - mean).
struct Centered {
    double n;
    Eigen::VectorXd mean;
    Eigen::MatrixXd c2, c22;
};

Centered centered(ClassMoments c, bool fourth) {
    const Eigen::VectorXd mean = c.point + c.s1 / static_cast<double>(c.n);
    c.move_to(mean, fourth);
    return {static_cast<double>(c.n), mean, c.s2, fourth ? c.s22 : Eigen::MatrixXd()};
}

// scikit-learn's _cov(X, shrinkage) of rows with these centered moments:
// the biased covariance, shrunk toward mu I by a fixed amount or by
// Ledoit-Wolf's on the standardized rows (sklearn.covariance.ledoit_wolf).
Eigen::MatrixXd covariance(const Centered& c, const std::string& shrinkage) {
    const Eigen::Index p = c.c2.rows();
    const Eigen::MatrixXd empirical = c.c2 / c.n;
    if (shrinkage == "none") return empirical;
    if (shrinkage != "auto") {
        const double alpha = std::stod(shrinkage);
        const double mu = empirical.trace() / static_cast<double>(p);
        Eigen::MatrixXd s = (1 - alpha) * empirical;
        s.diagonal().array() += alpha * mu;
        return s;
    }
    // StandardScaler: z = e / scale, scale the biased std (1 where it is 0).
    Eigen::VectorXd scale = empirical.diagonal().cwiseSqrt();
    for (Eigen::Index i = 0; i < p; ++i)
        if (scale[i] == 0) scale[i] = 1;
    const Eigen::VectorXd inv = scale.cwiseInverse();
    const Eigen::MatrixXd ztz = inv.asDiagonal() * c.c2 * inv.asDiagonal();  // Z^T Z
    const Eigen::MatrixXd emp = ztz / c.n;
    const double mu = emp.trace() / static_cast<double>(p);
    double shrink = 0;
    if (p > 1) {  // ledoit_wolf_shrinkage
        const Eigen::VectorXd inv2 = inv.cwiseProduct(inv);
        const double beta_sum = (inv2.asDiagonal() * c.c22 * inv2.asDiagonal()).sum();  // sum (Z^2)^T Z^2
        const double delta_sum = ztz.array().square().sum() / (c.n * c.n);
        double beta = (beta_sum / c.n - delta_sum) / (static_cast<double>(p) * c.n);
        const double trace = emp.diagonal().sum();
        double delta = (delta_sum - 2 * mu * trace + static_cast<double>(p) * mu * mu) / static_cast<double>(p);
        beta = std::min(beta, delta);
        shrink = beta == 0 ? 0 : beta / delta;
    }
    Eigen::MatrixXd s = (1 - shrink) * emp;
    s.diagonal().array() += shrink * mu;
    return scale.asDiagonal() * s * scale.asDiagonal();
}

// Eigenvalues (descending) and their vectors of a symmetric matrix.
void descending_eigen(const Eigen::MatrixXd& a, Eigen::VectorXd& values, Eigen::MatrixXd& vectors) {
    const SymmetricEigen es = symmetric_eigen(a);
    if (!es.converged)
        fail(ErrorKind::DataException, "lda_fit's eigendecomposition did not converge (non-finite moments)",
             "rescale the features");
    values = es.values.reverse();
    vectors = es.vectors.rowwise().reverse();
}

void solve_svd(LdaModel& m, const std::vector<Centered>& cs, double n, double tol) {
    const Eigen::Index p = m.means.cols(), k = m.means.rows();
    Eigen::MatrixXd within = Eigen::MatrixXd::Zero(p, p);
    for (const Centered& c : cs) within += c.c2;
    m.xbar = m.means.transpose() * m.priors;
    // std of the centered rows (1 where it is 0); X = sqrt(fac) Xc / std.
    Eigen::VectorXd std = (within.diagonal() / n).cwiseSqrt();
    for (Eigen::Index i = 0; i < p; ++i)
        if (std[i] == 0) std[i] = 1;
    const double fac = 1 / (n - static_cast<double>(k));
    const Eigen::MatrixXd gram = fac * (std.cwiseInverse().asDiagonal() * within * std.cwiseInverse().asDiagonal());
    Eigen::VectorXd lambda;
    Eigen::MatrixXd v;
    descending_eigen(gram, lambda, v);
    const Eigen::VectorXd s = lambda.cwiseMax(0).cwiseSqrt();
    Eigen::Index rank = 0;
    while (rank < p && s[rank] > tol) ++rank;
    if (rank == 0)
        fail(ErrorKind::DataException, "lda_fit features do not vary within the classes",
             "every class's rows are identical: there is nothing to discriminate with");
    // scalings = (Vt[:rank] / std).T / S[:rank]
    const Eigen::MatrixXd scalings =
        std.cwiseInverse().asDiagonal() * v.leftCols(rank) * s.head(rank).cwiseInverse().asDiagonal();
    const double fac2 = k == 1 ? 1.0 : 1.0 / static_cast<double>(k - 1);
    Eigen::MatrixXd between = (m.means.rowwise() - m.xbar.transpose());
    for (Eigen::Index c = 0; c < k; ++c) between.row(c) *= std::sqrt(n * m.priors[c] * fac2);
    const Eigen::MatrixXd projected = between * scalings;  // k x rank
    Eigen::MatrixXd right;
    const Eigen::VectorXd s2 = singular_values(projected, &right);
    m.explained_variance_ratio = s2.array().square() / s2.array().square().sum();
    Eigen::Index rank2 = 0;
    while (rank2 < s2.size() && s2[rank2] > tol * s2[0]) ++rank2;
    m.scalings = scalings * right.leftCols(rank2);
    const Eigen::MatrixXd coef = (m.means.rowwise() - m.xbar.transpose()) * m.scalings;
    m.intercept = -0.5 * coef.rowwise().squaredNorm() + m.priors.array().log().matrix();
    m.coef = coef * m.scalings.transpose();
    m.intercept -= m.coef * m.xbar;
}

void solve_eigen(LdaModel& m, const std::vector<ClassMoments>& classes, const std::vector<Centered>& cs,
                 const std::string& shrinkage) {
    const Eigen::Index p = m.means.cols();
    Eigen::MatrixXd within = Eigen::MatrixXd::Zero(p, p);
    for (std::size_t c = 0; c < cs.size(); ++c) within += m.priors[static_cast<Eigen::Index>(c)] * covariance(cs[c], shrinkage);
    // The total scatter: every class's moments about one point, added.
    const bool fourth = shrinkage == "auto";
    ClassMoments all = classes[0];
    for (std::size_t c = 1; c < classes.size(); ++c) {
        ClassMoments moved = classes[c];
        moved.move_to(all.point, fourth);
        all.add(moved, fourth);
    }
    const Eigen::MatrixXd total = covariance(centered(all, fourth), shrinkage);
    const Eigen::MatrixXd between = total - within;
    // scipy's eigh(Sb, Sw) needs Sw positive definite; so does its Cholesky here.
    const SymmetricEigen spread = symmetric_eigen(within, false);
    const SymmetricEigen ges = generalized_symmetric_eigen(between, within);
    if (!spread.converged || !(spread.values[0] > 1e-12 * spread.values.cwiseAbs().maxCoeff()) || !ges.converged ||
        !ges.vectors.allFinite())
        fail(ErrorKind::DataException, "lda_fit within-class covariance is singular (a constant or collinear feature)",
             "use {\"solver\": \"svd\"}, or shrinkage (\"shrinkage\": \"auto\"), or drop the feature");
    const Eigen::VectorXd evals = ges.values.reverse();
    m.scalings = ges.vectors.rowwise().reverse();
    Eigen::VectorXd ratio = evals / evals.sum();
    std::sort(ratio.data(), ratio.data() + ratio.size(), std::greater<double>());
    m.explained_variance_ratio = ratio;
    m.coef = m.means * m.scalings * m.scalings.transpose();
    m.intercept = -0.5 * (m.means * m.coef.transpose()).diagonal() + m.priors.array().log().matrix();
    m.xbar = Eigen::VectorXd::Zero(p);  // the eigen solver's transform subtracts nothing
}

}  // namespace

LdaModel fit_lda(std::vector<ClassMoments> classes, const Options& options, TrainContext& ctx) {
    const auto started = Clock::now();
    ContextResources resources(ctx);
    if (classes.size() < 2)
        fail(ErrorKind::InvalidParameter, "lda_fit needs rows of at least two classes, got " +
                                              std::to_string(classes.size()),
             "the class column tells the classes apart: it must take two values or more");
    const auto k = static_cast<Eigen::Index>(classes.size());
    const auto p = static_cast<Eigen::Index>(classes[0].point.size());
    double n = 0;
    for (const ClassMoments& c : classes) n += static_cast<double>(c.n);
    if (n <= static_cast<double>(k))
        fail(ErrorKind::InvalidParameter, "lda_fit needs more rows than classes",
             "each class needs rows that vary to estimate its spread");
    resources.budget.reserve(static_cast<std::size_t>(4 * p * p + 4 * k * p) * sizeof(double), "lda_fit solver");
    const std::string shrinkage = options.is_null("shrinkage") ? "none" : options.string("shrinkage");
    const bool fourth = shrinkage == "auto";

    LdaModel m;
    m.options = options;
    m.priors.resize(k);
    m.means.resize(k, p);
    std::vector<Centered> cs;
    for (Eigen::Index c = 0; c < k; ++c) {
        const ClassMoments& moments = classes[static_cast<std::size_t>(c)];
        m.classes.push_back(moments.name);
        m.priors[c] = static_cast<double>(moments.n) / n;
        cs.push_back(centered(moments, fourth));
        m.means.row(c) = cs.back().mean.transpose();
        resources.stop.check();
    }
    if (options.string("solver") == "svd") solve_svd(m, cs, n, options.number("tol"));
    else solve_eigen(m, classes, cs, shrinkage);
    if (!m.coef.allFinite() || !m.intercept.allFinite() || !m.scalings.allFinite())
        fail(ErrorKind::DataException, "lda_fit diverged: the discriminants are not finite",
             "rescale the features, or use shrinkage with the eigen solver");
    m.summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return m;
}

}  // namespace recsys
