// Training the linear SVM (svm.h): dual coordinate descent as liblinear's
// solve_l2r_l1l2_svc (without its shrinking heuristic, which changes the
// path, not the optimum): for each row in a shuffled order, the dual
// variable moves to the minimum of the dual along it, clipped to [0, U],
// and w follows; a pass ends the fit when the projected gradients' spread is
// at most tol.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "svm.h"
#include "../base/random.h"

namespace recsys {

namespace {

using Clock = std::chrono::steady_clock;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Setup {
    bool squared;
    double c, scaling;  // scaling: the constant feature (0 without an intercept)
};

Setup setup(const Options& o) {
    return {o.string("loss") == "squared_hinge", o.number("C"),
            o.boolean("fit_intercept") ? o.number("intercept_scaling") : 0.0};
}

}  // namespace

double svm_objective(const LabeledRows& data, const Options& options, const Eigen::VectorXd& w, double b) {
    const Setup s = setup(options);
    const Eigen::Map<const RowMatrix> x(data.x, static_cast<Eigen::Index>(data.n), static_cast<Eigen::Index>(data.p));
    const Eigen::VectorXd margins = x * w;
    double loss = 0;
    for (std::size_t i = 0; i < data.n; ++i) {
        const double m = (data.y[i] ? 1 : -1) * (margins[static_cast<Eigen::Index>(i)] + b);
        const double h = std::max(0.0, 1 - m);
        loss += s.squared ? h * h : h;
    }
    const double bias = s.scaling > 0 ? b / s.scaling : 0;
    return 0.5 * (w.squaredNorm() + bias * bias) + s.c * loss;
}

SvmModel train_svm(const LabeledRows& data, const Options& options, TrainContext& ctx, TrainingSummary base) {
    const auto started = Clock::now();
    ContextResources resources(ctx);
    const std::size_t n = data.n, p = data.p;
    const Setup s = setup(options);
    resources.budget.reserve(n * (2 * sizeof(double) + sizeof(std::uint32_t)) + (p + 1) * sizeof(double),
                             "svm_fit solver");
    const Eigen::Map<const RowMatrix> x(data.x, static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p));
    // U bounds the dual variables (hinge: C; squared hinge: none), D adds to the diagonal.
    const double upper = s.squared ? INFINITY : s.c, diagonal = s.squared ? 0.5 / s.c : 0;
    std::vector<double> alpha(n, 0.0), q(n);
    for (std::size_t i = 0; i < n; ++i)
        q[i] = x.row(static_cast<Eigen::Index>(i)).squaredNorm() + s.scaling * s.scaling + diagonal;
    Eigen::VectorXd w = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p));
    double wb = 0;  // the weight of the constant feature
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    SplitMix rng(static_cast<std::uint64_t>(options.integer("seed")));

    SvmModel model;
    model.options = options;
    static_cast<TrainingSummary&>(model.summary) = base;
    model.summary.solver = "dual_cd";
    const double tol = options.number("tol");
    const int iterations = static_cast<int>(options.integer("iterations"));
    for (int pass = 1; pass <= iterations; ++pass) {
        shuffle(order.data(), n, rng);
        double pg_max = -INFINITY, pg_min = INFINITY;
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t i = order[k];
            const double yi = data.y[i] ? 1 : -1;
            const auto row = x.row(static_cast<Eigen::Index>(i));
            const double g = yi * (row.dot(w) + wb * s.scaling) - 1 + diagonal * alpha[i];
            double pg = g;
            if (alpha[i] == 0) pg = std::min(g, 0.0);
            else if (alpha[i] == upper) pg = std::max(g, 0.0);
            pg_max = std::max(pg_max, pg);
            pg_min = std::min(pg_min, pg);
            if (std::fabs(pg) > 1e-12) {
                const double old = alpha[i];
                alpha[i] = std::min(std::max(old - g / q[i], 0.0), upper);
                const double step = (alpha[i] - old) * yi;
                w.noalias() += step * row.transpose();
                wb += step * s.scaling;
            }
            if ((k & 4095) == 4095) resources.stop.check();
        }
        model.summary.iterations = pass;
        const double objective = svm_objective(data, options, w, wb * s.scaling);
        model.summary.loss.push_back(objective);
        if (ctx.progress) ctx.progress(pass, objective, std::chrono::duration<double>(Clock::now() - started).count());
        resources.stop.check();
        if (pg_max - pg_min <= tol) {
            model.summary.converged = true;
            break;
        }
    }
    if (!w.allFinite() || !std::isfinite(wb))
        fail(ErrorKind::DataException, "svm_fit training diverged: the coefficients are not finite",
             "scale the features, or lower C");
    if (!model.summary.converged && ctx.warn)
        ctx.warn("svm_fit did not converge in " + std::to_string(iterations) + " iterations",
                 "raise iterations, scale the features, or lower C");
    model.coefficients = w;
    model.intercept = wb * s.scaling;
    model.summary.support_vectors = static_cast<std::uint64_t>(
        std::count_if(alpha.begin(), alpha.end(), [](double a) { return a > 0; }));
    model.summary.objective = svm_objective(data, options, w, model.intercept);
    model.summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return model;
}

}  // namespace recsys
