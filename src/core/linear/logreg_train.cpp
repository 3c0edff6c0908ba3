// Training logistic regression (logreg.h): the objective over blocks of rows,
// and the three solvers.
#include <lbfgs.h>

#include <Eigen/Cholesky>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <vector>

#include "binary_labels.h"
#include "logreg.h"
#include "sparse_rows.h"
#include "../base/parallel.h"

namespace recsys {

namespace {

using Clock = std::chrono::steady_clock;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Rows per block of the sums: fixed, so that the sums (and the model) do not
// depend on the thread count.
constexpr std::size_t kBlockRows = 2048;

// Blocks evaluated in one round: as many as fit 32 MB of partial Hessians,
// from 1 to 64. It depends on p only, never on the thread count.
std::size_t round_blocks(std::size_t p) {
    const std::size_t hessian_bytes = (p + 1) * (p + 1) * sizeof(double);
    return std::clamp<std::size_t>((std::size_t(32) << 20) / hessian_bytes, 1, 64);
}

// The rows the solver sees: features (n x p; also by nonzeros when sparse
// is set), labels and weights.
struct Problem {
    Eigen::Map<const RowMatrix> x;
    const FeatureNonzeros* sparse;
    std::vector<double> y;  // 0 or 1
    std::vector<double> w;  // class weights (all 1 without)
    double total_weight;
    double l2, l1;
    bool intercept;
    std::size_t p() const { return static_cast<std::size_t>(x.cols()); }
    std::size_t n() const { return static_cast<std::size_t>(x.rows()); }
};

// theta = (beta, b): the intercept is the last entry.
struct Evaluation {
    double loss = 0;  // without the l1 term
    Eigen::VectorXd gradient;
    Eigen::MatrixXd hessian;  // only when asked
};

// Per row of a block: the loss term, and the row's weights in the gradient
// (r = w (s - y)) and in the Hessian (d = w s (1 - s)) at the score z.
struct RowTerms {
    double loss = 0;
    Eigen::VectorXd r, d;
};
RowTerms row_terms(const Problem& pr, const Eigen::VectorXd& z, Eigen::Index begin, double b) {
    RowTerms t;
    t.r.resize(z.size());
    t.d.resize(z.size());
    for (Eigen::Index i = 0; i < z.size(); ++i) {
        const double zi = z[i] + b, yi = pr.y[static_cast<std::size_t>(begin + i)],
                     wi = pr.w[static_cast<std::size_t>(begin + i)], s = sigmoid(zi);
        t.loss += wi * (softplus(zi) - yi * zi);
        t.r[i] = wi * (s - yi);
        t.d[i] = wi * s * (1 - s);
    }
    return t;
}

// Dense rows: the Hessian's lower triangle as one symmetric rank update
// (X' D X = (D^1/2 X)' (D^1/2 X): half the products of a full one).
void dense_block(const Problem& pr, const Eigen::VectorXd& theta, Eigen::Index begin, Eigen::Index rows,
                 bool with_hessian, Evaluation& e) {
    const Eigen::Index q = static_cast<Eigen::Index>(pr.p());
    const auto xb = pr.x.middleRows(begin, rows);
    const Eigen::VectorXd z = xb * theta.head(q);
    const RowTerms t = row_terms(pr, z, begin, pr.intercept ? theta[q] : 0.0);
    e.loss = t.loss;
    e.gradient.head(q).noalias() = xb.transpose() * t.r;
    e.gradient[q] = t.r.sum();
    if (!with_hessian) return;
    const Eigen::VectorXd root = t.d.cwiseSqrt();
    const RowMatrix weighted = root.asDiagonal() * xb;
    e.hessian.setZero();
    e.hessian.topLeftCorner(q, q).selfadjointView<Eigen::Lower>().rankUpdate(weighted.transpose());
    e.hessian.row(q).head(q).noalias() = root.transpose() * weighted;
    e.hessian(q, q) = t.d.sum();
}

// Sparse rows: each row adds the products of its nonzeros (ascending
// columns, so that (a, b) with a >= b is the lower triangle).
void sparse_block(const Problem& pr, const Eigen::VectorXd& theta, Eigen::Index begin, Eigen::Index rows,
                  bool with_hessian, Evaluation& e) {
    const Eigen::Index q = static_cast<Eigen::Index>(pr.p());
    const FeatureNonzeros& s = *pr.sparse;
    Eigen::VectorXd z(rows);
    for (Eigen::Index i = 0; i < rows; ++i) {
        double sum = 0;
        for (std::size_t k = s.start[begin + i]; k < s.start[begin + i + 1]; ++k) sum += s.value[k] * theta[s.column[k]];
        z[i] = sum;
    }
    const RowTerms t = row_terms(pr, z, begin, pr.intercept ? theta[q] : 0.0);
    e.loss = t.loss;
    e.gradient.setZero();
    if (with_hessian) e.hessian.setZero();
    double* h = with_hessian ? e.hessian.data() : nullptr;
    const std::size_t ld = static_cast<std::size_t>(q + 1);  // column-major: (a, b) at a + b * ld
    for (Eigen::Index i = 0; i < rows; ++i) {
        const std::size_t first = s.start[begin + i], last = s.start[begin + i + 1];
        for (std::size_t k = first; k < last; ++k) e.gradient[s.column[k]] += t.r[i] * s.value[k];
        if (!h) continue;
        for (std::size_t k = first; k < last; ++k) {
            const double dv = t.d[i] * s.value[k];
            const std::size_t a = s.column[k];
            for (std::size_t m = first; m <= k; ++m) h[a + s.column[m] * ld] += dv * s.value[m];
            h[static_cast<std::size_t>(q) + a * ld] += dv;
        }
    }
    e.gradient[q] = t.r.sum();
    if (h) e.hessian(q, q) = t.d.sum();
}

// The unscaled sums of rows [blk * kBlockRows, ...) of one block; the
// Hessian's lower triangle only.
void evaluate_block(const Problem& pr, const Eigen::VectorXd& theta, std::size_t blk, bool with_hessian,
                    Evaluation& e) {
    const Eigen::Index q = static_cast<Eigen::Index>(pr.p());
    const Eigen::Index begin = static_cast<Eigen::Index>(blk * kBlockRows);
    const Eigen::Index rows = static_cast<Eigen::Index>(std::min(kBlockRows, pr.n() - blk * kBlockRows));
    e.gradient.resize(q + 1);
    if (with_hessian) e.hessian.resize(q + 1, q + 1);
    if (pr.sparse) sparse_block(pr, theta, begin, rows, with_hessian, e);
    else dense_block(pr, theta, begin, rows, with_hessian, e);
}

Evaluation evaluate(const Problem& pr, const Eigen::VectorXd& theta, bool with_hessian, int threads,
                    StopToken& stop) {
    const std::size_t p = pr.p(), blocks = (pr.n() + kBlockRows - 1) / kBlockRows;
    const auto beta = theta.head(static_cast<Eigen::Index>(p));
    Evaluation total;
    total.gradient = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p + 1));
    if (with_hessian)
        total.hessian = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(p + 1), static_cast<Eigen::Index>(p + 1));
    // Rounds of blocks, so that the partial sums held at once stay bounded (a
    // p x p Hessian each); they are added in block order.
    const std::size_t per_round = round_blocks(p);
    std::vector<Evaluation> partial(std::min(blocks, per_round));
    for (std::size_t round = 0; round < blocks; round += per_round) {
        const std::size_t in_round = std::min(per_round, blocks - round);
        parallel_for(in_round, 1, threads, stop, [&](std::size_t first, std::size_t last, int) {
            for (std::size_t k = first; k < last; ++k) evaluate_block(pr, theta, round + k, with_hessian, partial[k]);
        });
        for (std::size_t k = 0; k < in_round; ++k) {
            total.loss += partial[k].loss;
            total.gradient += partial[k].gradient;
            if (with_hessian) total.hessian += partial[k].hessian;
        }
    }
    const double inv = 1 / pr.total_weight;
    total.loss = total.loss * inv + 0.5 * pr.l2 * beta.squaredNorm();
    total.gradient *= inv;
    total.gradient.head(static_cast<Eigen::Index>(p)) += pr.l2 * beta;
    if (with_hessian) {
        total.hessian.triangularView<Eigen::StrictlyUpper>() = total.hessian.transpose();
        total.hessian *= inv;
        total.hessian.diagonal().head(static_cast<Eigen::Index>(p)).array() += pr.l2;
    }
    if (!pr.intercept) {  // b stays 0: its row and column drop out
        total.gradient[static_cast<Eigen::Index>(p)] = 0;
        if (with_hessian) {
            total.hessian.row(static_cast<Eigen::Index>(p)).setZero();
            total.hessian.col(static_cast<Eigen::Index>(p)).setZero();
            total.hessian(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p)) = 1;
        }
    }
    return total;
}

// The largest entry of the minimum-norm subgradient of the whole objective
// (with l1 on beta): zero exactly at the optimum.
double optimality(const Problem& pr, const Eigen::VectorXd& theta, const Eigen::VectorXd& gradient) {
    double worst = 0;
    for (Eigen::Index j = 0; j < gradient.size(); ++j) {
        double g = gradient[j];
        if (pr.l1 > 0 && j < static_cast<Eigen::Index>(pr.p())) {
            if (theta[j] > 0) g += pr.l1;
            else if (theta[j] < 0) g -= pr.l1;
            else g = std::max(0.0, std::fabs(g) - pr.l1);
        }
        worst = std::max(worst, std::fabs(g));
    }
    return worst;
}

struct Run {
    const Problem& pr;
    TrainContext& ctx;
    StopToken& stop;
    Clock::time_point started;
    LogregSummary& summary;
    double tol;
    int max_iterations;

    void iteration_done(int k, double objective) {
        summary.loss.push_back(objective);
        summary.iterations = k;
        if (ctx.progress)
            ctx.progress(k, objective, std::chrono::duration<double>(Clock::now() - started).count());
        stop.check();
    }
};

// Newton's method with a backtracking line search: for l2-only problems
// whose p x p Hessian is cheap to factor.
Eigen::VectorXd newton(Run& run, Eigen::VectorXd theta) {
    const Problem& pr = run.pr;
    Evaluation e = evaluate(pr, theta, true, run.ctx.threads, run.stop);
    for (int k = 1; k <= run.max_iterations; ++k) {
        if (e.gradient.cwiseAbs().maxCoeff() <= run.tol) {
            run.summary.converged = true;
            break;
        }
        Eigen::VectorXd step = e.hessian.ldlt().solve(e.gradient);
        double t = 1, decrease = e.gradient.dot(step);
        Evaluation next;
        for (int halvings = 0; halvings < 50; ++halvings, t *= 0.5) {
            next = evaluate(pr, theta - t * step, true, run.ctx.threads, run.stop);
            if (next.loss <= e.loss - 1e-4 * t * decrease || halvings == 49) break;
        }
        theta -= t * step;
        e = std::move(next);
        run.iteration_done(k, e.loss);
    }
    if (!run.summary.converged) run.summary.converged = e.gradient.cwiseAbs().maxCoeff() <= run.tol;
    run.summary.gradient_max = e.gradient.cwiseAbs().maxCoeff();
    return theta;
}

// L-BFGS, or OWL-QN with l1 > 0 (liblbfgs, a C library: no exception may
// cross its frames, so the callbacks catch and keep them).
struct LbfgsInstance {
    Run* run;
    std::exception_ptr error;
};

lbfgsfloatval_t lbfgs_evaluate(void* instance, const lbfgsfloatval_t* x, lbfgsfloatval_t* g, const int n,
                               const lbfgsfloatval_t) {
    auto* self = static_cast<LbfgsInstance*>(instance);
    if (self->error) return INFINITY;
    try {
        Eigen::Map<const Eigen::VectorXd> theta(x, n);
        Evaluation e = evaluate(self->run->pr, theta, false, self->run->ctx.threads, self->run->stop);
        Eigen::Map<Eigen::VectorXd>(g, n) = e.gradient;
        return e.loss;
    } catch (...) {
        self->error = std::current_exception();
        return INFINITY;
    }
}

int lbfgs_progress(void* instance, const lbfgsfloatval_t*, const lbfgsfloatval_t*, const lbfgsfloatval_t fx,
                   const lbfgsfloatval_t, const lbfgsfloatval_t, const lbfgsfloatval_t, int, int k, int) {
    auto* self = static_cast<LbfgsInstance*>(instance);
    if (self->error) return 1;
    try {
        self->run->iteration_done(k, fx);
        return 0;
    } catch (...) {
        self->error = std::current_exception();
        return 1;
    }
}

Eigen::VectorXd quasi_newton(Run& run, Eigen::VectorXd theta) {
    const Problem& pr = run.pr;
    lbfgs_parameter_t param;
    lbfgs_parameter_init(&param);
    param.epsilon = run.tol;
    param.max_iterations = run.max_iterations;
    param.m = 10;
    if (pr.l1 > 0) {
        param.orthantwise_c = pr.l1;
        param.orthantwise_start = 0;
        param.orthantwise_end = static_cast<int>(pr.p());  // not the intercept
        param.linesearch = LBFGS_LINESEARCH_BACKTRACKING;
    }
    LbfgsInstance instance{&run, nullptr};
    lbfgsfloatval_t fx = 0;
    int status = lbfgs(static_cast<int>(theta.size()), theta.data(), &fx, lbfgs_evaluate, lbfgs_progress, &instance,
                       &param);
    if (instance.error) std::rethrow_exception(instance.error);
    Evaluation e = evaluate(pr, theta, false, run.ctx.threads, run.stop);
    run.summary.gradient_max = optimality(pr, theta, e.gradient);
    // liblbfgs stops with a rounding error when the line search can no
    // longer improve: at the optimum, to machine precision, if the
    // subgradient is small there.
    run.summary.converged = status == LBFGS_SUCCESS || status == LBFGS_CONVERGENCE || status == LBFGS_STOP ||
                            status == LBFGS_ALREADY_MINIMIZED || run.summary.gradient_max <= 1e-6;
    return theta;
}

}  // namespace

LogregModel train_logreg(const LogregData& data, const Options& options, TrainContext& ctx,
                         TrainingSummary base) {
    const auto started = Clock::now();
    ContextResources resources(ctx);
    MemoryBudget& budget = resources.budget;
    StopToken& stop = resources.stop;

    LogregModel model;
    model.options = options;
    model.negative_sample_rate = options.number("negative_sample_rate");
    static_cast<TrainingSummary&>(model.summary) = base;
    LogregSummary& summary = model.summary;
    const std::size_t p = data.p;

    // The rows kept: every positive, and negatives down-sampled.
    RowMatrix kept;
    std::vector<double> labels;
    const double* x = data.x;
    std::size_t n = data.n;
    if (model.negative_sample_rate < 1) {
        const auto seed = static_cast<std::uint64_t>(options.integer("seed"));
        const std::vector<std::size_t> rows = kept_rows(data.y, data.x, data.n, p, seed, model.negative_sample_rate);
        budget.reserve(rows.size() * p * sizeof(double), "logreg_fit down-sampled rows");
        kept.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(p));
        for (std::size_t k = 0; k < rows.size(); ++k)
            std::memcpy(kept.row(static_cast<Eigen::Index>(k)).data(), data.x + rows[k] * p, p * sizeof(double));
        for (std::size_t i : rows) labels.push_back(data.y[i] ? 1 : 0);
        x = kept.data();
        n = rows.size();
    } else {
        for (std::size_t i = 0; i < n; ++i) labels.push_back(data.y[i] ? 1 : 0);
    }
    budget.reserve(n * 2 * sizeof(double) + (p + 1) * (p + 1) * sizeof(double) * (round_blocks(p) + 2) +
                       kBlockRows * p * sizeof(double) * static_cast<std::size_t>(std::max(ctx.threads, 1)),
                   "logreg_fit solver");
    summary.used_rows = n;
    for (double y : labels) summary.positives += y > 0;
    if (n == 0) fail(ErrorKind::InvalidParameter, "logreg_fit kept no rows", "raise negative_sample_rate");

    // Class weights: "balanced" weighs each class by n / (2 n_class), as scikit-learn does.
    const ClassWeights cw = class_weights(options.string("class_weight"), n, summary.positives);
    std::vector<double> weights(n);
    for (std::size_t i = 0; i < n; ++i) weights[i] = labels[i] > 0 ? cw.positive : cw.negative;
    double total_weight = 0;
    for (double w : weights) total_weight += w;

    FeatureNonzeros sparse;
    const bool use_sparse = mostly_zero(x, n, p);  // the rule shared with svm (sparse_rows.h)
    if (use_sparse) sparse = sparse_rows(x, n, p, budget, "logreg_fit sparse rows");
    Problem pr{Eigen::Map<const RowMatrix>(x, static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p)),
               use_sparse ? &sparse : nullptr,
               std::move(labels),
               std::move(weights),
               total_weight,
               options.number("l2"),
               options.number("l1"),
               options.boolean("fit_intercept")};

    std::string solver = options.string("solver");
    if (solver == "auto") solver = pr.l1 > 0 ? "owlqn" : p <= 500 ? "newton" : "lbfgs";
    summary.solver = solver;
    summary.threads = ctx.threads < 1 ? 1 : ctx.threads;
    TrainContext run_ctx = ctx;
    run_ctx.threads = summary.threads;
    Run run{pr, run_ctx, stop, started, summary, options.number("tol"), static_cast<int>(options.integer("iterations"))};

    // Start from beta = 0 and the intercept of the base rate.
    Eigen::VectorXd theta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p + 1));
    if (pr.intercept) {
        double wpos = 0;
        for (std::size_t i = 0; i < n; ++i) wpos += pr.w[i] * pr.y[i];
        double rate = std::clamp(wpos / total_weight, 1e-12, 1 - 1e-12);
        theta[static_cast<Eigen::Index>(p)] = std::log(rate / (1 - rate));
    }
    theta = solver == "newton" ? newton(run, theta) : quasi_newton(run, theta);
    if (!theta.allFinite())
        fail(ErrorKind::DataException, "logreg_fit training diverged: the coefficients are not finite",
             "scale the features, or raise l2");

    model.coefficients = theta.head(static_cast<Eigen::Index>(p));
    model.intercept = theta[static_cast<Eigen::Index>(p)];
    summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return model;
}

}  // namespace recsys
