// Fitting linear regression from its summary (linreg.h): OLS and its
// statistics by back substitution in R, ridge by a QR of the augmented
// system, elastic net and lasso by coordinate descent on the centered cross
// products R^T R / n.
#include <chrono>
#include <cmath>

#include "../base/decompositions.h"
#include "../base/checked.h"
#include "../base/error.h"
#include "linreg.h"

namespace recsys {

namespace {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;
using Clock = std::chrono::steady_clock;

// A column whose distance from the span of the columns before it is below
// this fraction of its norm is taken as their linear combination.
constexpr double kRankTolerance = 1e-10;

// The factor of the data the fit works on: columns [design... y], upper
// triangular, (q + 1) x (q + 1); the design is [1 X] with an intercept and
// X without one.
struct Factor {
    Matrix r;
    Eigen::Index q;  // design columns
    bool intercept;
    double n;

    auto design() const { return r.topLeftCorner(q, q); }
    auto target() const { return r.col(q).head(q); }
    double residual_sum_of_squares() const { return r(q, q) * r(q, q); }
    // Sum of squares of y about its mean (with an intercept) or about 0.
    double total_sum_of_squares() const {
        return intercept ? r.col(q).segment(1, q).squaredNorm() : r.col(q).squaredNorm();
    }
    // The centered block [X y] (with an intercept: R's lower-right part is
    // the factor of the centered data).
    auto centered() const {
        const Eigen::Index skip = intercept ? 1 : 0;
        return r.bottomRightCorner(q + 1 - skip, q + 1 - skip);
    }
};

Factor data_factor(const double* summary, std::size_t p, bool intercept) {
    const auto m = static_cast<Eigen::Index>(p + 2);
    const Eigen::Map<const Matrix> r(summary + 1, m, m);
    Factor f{r, m - 1, true, summary[0]};
    if (intercept) return f;
    // Without the column of ones: the factor of R's other columns is the factor of [X y].
    Matrix rest = r.rightCols(m - 1);
    householder_qr_in_place(rest);
    f.r = rest.topRows(m - 1).triangularView<Eigen::Upper>();
    f.q = m - 2;
    f.intercept = false;
    return f;
}

// OLS needs full column rank: names the first column that is a linear
// combination of those before it.
void check_rank(const Factor& f, const std::vector<std::string>& names) {
    if (f.n < static_cast<double>(f.q))
        fail(ErrorKind::DataException,
             "linreg_fit has " + std::to_string(static_cast<long long>(f.n)) + " rows: least squares with " +
                 std::to_string(f.q) + " terms needs at least " + std::to_string(f.q),
             "train on more rows, or fit with \"l2\" > 0 (ridge)");
    for (Eigen::Index j = 0; j < f.q; ++j) {
        const double norm = f.r.col(j).head(j + 1).norm();
        if (std::fabs(f.r(j, j)) > kRankTolerance * norm) continue;
        const int feature = static_cast<int>(f.intercept ? j : j + 1);
        const std::string what = "linreg_fit features[" + std::to_string(feature) + "] (" + names[feature] + ")";
        if (norm == 0) fail(ErrorKind::DataException, what + " is 0 in every row", "drop it, or fit with \"l2\" > 0");
        fail(ErrorKind::DataException,
             what + " is a linear combination of " +
                 (j == 0 ? "nothing" : f.intercept ? "the intercept and the features before it"
                                                   : "the features before it"),
             "drop it (collinear features have no unique least-squares coefficients), or fit with \"l2\" > 0 "
             "(ridge)");
    }
}

double condition_number(const Matrix& design) {
    const Vector s = singular_values(design);
    return s(0) / s(s.size() - 1);
}

// OLS: coefficients by back substitution, standard errors from R^-1, and the tests.
void fit_ols(const Factor& f, LinregModel& m) {
    const Eigen::Index q = f.q;
    const Matrix design = f.design().triangularView<Eigen::Upper>();
    const Vector beta = design.triangularView<Eigen::Upper>().solve(f.target());
    const Matrix inverse = design.triangularView<Eigen::Upper>().solve(Matrix::Identity(q, q));
    const double rss = f.residual_sum_of_squares(), tss = f.total_sum_of_squares();
    LinregStatistics& s = m.statistics;
    s.df_residual = f.n - static_cast<double>(q);
    s.df_model = static_cast<double>(f.intercept ? q - 1 : q);
    const double variance = s.df_residual > 0 ? rss / s.df_residual : NAN;
    s.residual_std_error = std::sqrt(variance);
    s.r_squared = 1 - rss / tss;
    s.adj_r_squared = 1 - (1 - s.r_squared) * (f.intercept ? f.n - 1 : f.n) / s.df_residual;
    s.f_statistic = ((tss - rss) / s.df_model) / variance;
    s.f_p_value = f_test_p_value(s.f_statistic, s.df_model, s.df_residual);
    s.condition_number = condition_number(design);
    Vector errors = inverse.rowwise().norm() * s.residual_std_error;
    const Eigen::Index skip = f.intercept ? 1 : 0;
    m.intercept = f.intercept ? beta(0) : 0;
    m.coefficients = beta.tail(q - skip);
    m.std_errors.resize(q - skip + 1);
    m.std_errors(0) = f.intercept ? errors(0) : NAN;
    m.std_errors.tail(q - skip) = errors.tail(q - skip);
    m.summary.solver = "qr";
}

// Ridge: min |r - R beta|^2 / 2n + l2 |beta|^2 / 2 is the least-squares
// solution of [R; sqrt(n l2) I] beta = [r; 0].
Vector fit_ridge(const Matrix& r, const Vector& target, double n, double l2) {
    const Eigen::Index p = r.cols();
    Matrix stacked(2 * p, p);
    stacked.topRows(p) = r;
    stacked.bottomRows(p) = Matrix::Identity(p, p) * std::sqrt(n * l2);
    Vector rhs = Vector::Zero(2 * p);
    rhs.head(p) = target;
    return least_squares_qr(stacked, rhs);
}

double soft_threshold(double z, double t) { return z > t ? z - t : z < -t ? z + t : 0; }

// Elastic net by cyclic coordinate descent on the cross products
// G = R^T R / n, c = R^T r / n, until the optimality conditions hold to
// tol (relative to max |c|).
Vector fit_elastic_net(const Matrix& r, const Vector& target, double n, double l1, double l2, const Options& o,
                       TrainContext& ctx, LinregSummary& summary) {
    const Matrix g = r.transpose() * r / n;
    const Vector c = r.transpose() * target / n;
    const Eigen::Index p = g.rows();
    const double tolerance = o.number("tol") * std::max(c.cwiseAbs().maxCoeff(), 1e-300);
    Vector beta = Vector::Zero(p), gradient = c;  // gradient: c - G beta
    StopToken never;
    StopToken& stop = ctx.stop ? *ctx.stop : never;
    summary.solver = "coordinate_descent";
    summary.converged = false;
    const int limit = static_cast<int>(o.integer("iterations"));
    for (summary.iterations = 1; summary.iterations <= limit; ++summary.iterations) {
        stop.check();
        for (Eigen::Index j = 0; j < p; ++j) {
            const double curvature = g(j, j) + l2;
            if (curvature <= 0) continue;  // a column of zeros without ridge: stays 0
            const double updated = soft_threshold(gradient(j) + g(j, j) * beta(j), l1) / curvature;
            const double change = updated - beta(j);
            if (change == 0) continue;
            gradient -= g.col(j) * change;
            beta(j) = updated;
        }
        double violation = 0;
        for (Eigen::Index j = 0; j < p; ++j) {
            const double z = gradient(j) - l2 * beta(j);
            violation = std::max(violation, beta(j) != 0 ? std::fabs(z - l1 * (beta(j) > 0 ? 1 : -1))
                                                         : std::max(0.0, std::fabs(z) - l1));
        }
        if (violation <= tolerance) {
            summary.converged = true;
            break;
        }
    }
    summary.iterations = std::min(summary.iterations, limit);
    return beta;
}

// Penalized fits work on the centered data; the intercept comes from the means.
void fit_penalized(const Factor& f, const Options& o, TrainContext& ctx, LinregModel& m, const double* summary,
                   std::size_t p) {
    const double l1 = o.number("l1"), l2 = o.number("l2");
    const auto centered = f.centered();
    const auto k = static_cast<Eigen::Index>(p);
    const Matrix r = centered.topLeftCorner(k, k).triangularView<Eigen::Upper>();
    const Vector target = centered.col(k).head(k);
    if (l1 > 0) {
        m.coefficients = fit_elastic_net(r, target, f.n, l1, l2, o, ctx, m.summary);
    } else {
        m.coefficients = fit_ridge(r, target, f.n, l2);
        m.summary.solver = "ridge";
    }
    if (f.intercept) {  // means from the first row of the data's R: R(0, j) / R(0, 0)
        const auto m_all = static_cast<Eigen::Index>(p + 2);
        const Eigen::Map<const Matrix> full(summary + 1, m_all, m_all);
        const Vector means = full.row(0).segment(1, k).transpose() / full(0, 0);
        m.intercept = full(0, m_all - 1) / full(0, 0) - means.dot(m.coefficients);
    }
    const double rss = (target - r * m.coefficients).squaredNorm() + centered(k, k) * centered(k, k);
    m.statistics.r_squared = 1 - rss / f.total_sum_of_squares();
    m.std_errors = Vector::Constant(k + 1, NAN);
}

double objective(const Factor& f, const LinregModel& m, double l1, double l2) {
    Vector theta(f.q);
    if (f.intercept) theta << m.intercept, m.coefficients;
    else theta = m.coefficients;
    const double rss = (f.target() - f.design().triangularView<Eigen::Upper>() * theta).squaredNorm() +
                       f.residual_sum_of_squares();
    return rss / (2 * f.n) + l2 / 2 * m.coefficients.squaredNorm() + l1 * m.coefficients.lpNorm<1>();
}

}  // namespace

LinregModel fit_linreg(const double* summary, std::size_t p, const Options& options, TrainContext& ctx,
                       TrainingSummary training) {
    const auto started = Clock::now();
    check_feature_names(options, p);
    // Claimed before any of it is made: the factor's copy, the design, its
    // inverse and the SVD of the condition number (OLS: U, V and its working
    // copy), or ridge's stacked system and its QR, or the elastic net's Gram
    // matrix: at most eight (p + 2)^2 matrices beside the summary.
    ContextResources resources(ctx);
    const std::size_t side = checked_add(p, 2, "linreg_fit features", ErrorKind::InvalidParameter);
    resources.budget.reserve(checked_mul(side, side, 8 * sizeof(double), "linreg_fit solve", ErrorKind::OutOfMemory),
                             "linreg_fit solve");
    LinregModel m;
    m.options = options;
    static_cast<TrainingSummary&>(m.summary) = training;
    m.summary.threads = 1;
    const Factor f = data_factor(summary, p, options.boolean("fit_intercept"));
    const double l1 = options.number("l1"), l2 = options.number("l2");
    if (l1 == 0 && l2 == 0) {
        check_rank(f, term_names(options, p));
        fit_ols(f, m);
    } else {
        fit_penalized(f, options, ctx, m, summary, p);
    }
    if (!m.coefficients.allFinite() || !std::isfinite(m.intercept))
        fail(ErrorKind::DataException, "linreg_fit coefficients are not finite numbers",
             "the features or the target are too large: rescale them");
    m.summary.loss.push_back(objective(f, m, l1, l2));
    m.summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return m;
}

std::vector<CoefficientRow> LinregModel::coefficient_table() const {
    std::vector<CoefficientRow> rows = coefficient_rows(options, intercept, coefficients.data(), feature_count());
    for (CoefficientRow& row : rows) {
        row.std_error = std_errors(row.feature);
        row.t_stat = row.coefficient / row.std_error;
        row.p_value = t_test_p_value(row.t_stat, statistics.df_residual);
    }
    return rows;
}

}  // namespace recsys
