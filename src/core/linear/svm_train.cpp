// Training the linear SVM (svm.h): dual coordinate descent (Hsieh et al.
// 2008). For each active row in a shuffled order, the dual variable moves to
// the minimum of the dual along it, clipped to [0, U], and w follows.
//
// Shrinking (the paper's Algorithm 3): a row whose dual variable sits at a
// bound with a gradient pushing it further out than the previous pass's
// projected gradients reached (M, m) is set aside: it would most likely stay
// there. When the active rows' projected gradients spread at most tol, every
// row comes back for one more pass, and only a pass over all rows within tol
// ends the fit: the stopping test, and so the optimum, are those without
// shrinking.
//
// The rows are read dense or by their nonzeros (sparse_rows.h, the rule
// logreg follows): a pass then costs the nonzeros, not n p.
//
// The loss history holds the dual objective after each pass, kept as the
// pass goes at no extra cost over the rows: it rises to the primal optimum
// (strong duality), and the primal objective at the end is in the summary.
// The primal at each pass would cost a pass over all rows, more than a pass
// over the few active rows shrinking leaves.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "sparse_rows.h"
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

// The two ways to read row i: x_i . w, w += a x_i and |x_i|^2.
struct DenseRows {
    Eigen::Map<const RowMatrix> x;
    double dot(std::size_t i, const Eigen::VectorXd& w) const { return x.row(static_cast<Eigen::Index>(i)).dot(w); }
    void axpy(std::size_t i, double a, Eigen::VectorXd& w) const {
        w.noalias() += a * x.row(static_cast<Eigen::Index>(i)).transpose();
    }
    double squared_norm(std::size_t i) const { return x.row(static_cast<Eigen::Index>(i)).squaredNorm(); }
    void prefetch_start(std::size_t) const {}
    void prefetch_entries(std::size_t i) const {
        const double* row = x.data() + i * static_cast<std::size_t>(x.cols());
        for (Eigen::Index j = 0; j < x.cols(); j += 8) __builtin_prefetch(row + j);
    }
};

struct NonzeroRows {
    const FeatureNonzeros& s;
    double dot(std::size_t i, const Eigen::VectorXd& w) const {
        double sum = 0;
        for (std::size_t k = s.start[i]; k < s.start[i + 1]; ++k) sum += s.value[k] * w[s.column[k]];
        return sum;
    }
    void axpy(std::size_t i, double a, Eigen::VectorXd& w) const {
        for (std::size_t k = s.start[i]; k < s.start[i + 1]; ++k) w[s.column[k]] += a * s.value[k];
    }
    double squared_norm(std::size_t i) const {
        double sum = 0;
        for (std::size_t k = s.start[i]; k < s.start[i + 1]; ++k) sum += s.value[k] * s.value[k];
        return sum;
    }
    // Two steps ahead: a row's offsets, then (once they are in cache) its entries.
    void prefetch_start(std::size_t i) const { __builtin_prefetch(&s.start[i]); }
    void prefetch_entries(std::size_t i) const {
        __builtin_prefetch(&s.column[s.start[i]]);
        __builtin_prefetch(&s.value[s.start[i]]);
    }
};

// The solver's state: the dual variables and w~ = (w, wb) = sum_i y_i alpha_i x~_i.
struct Dual {
    std::vector<double> alpha;
    Eigen::VectorXd w;
    double wb = 0;  // the weight of the constant feature
};

// What a step reads of row i, side by side: rows are visited in a random
// order, and one cache line then serves all three.
struct RowState {
    double alpha, q, y;
};

// How far ahead of the visit the rows' memory is asked for: far enough to
// hide a miss, near enough to still be in cache.
constexpr std::size_t kAhead = 4;

template <class Rows>
void solve(const Rows& rows, const LabeledRows& data, const Options& options, const Setup& s, bool shrinking,
           ContextResources& resources, TrainContext& ctx, Clock::time_point started, SvmSummary& summary,
           Dual& d) {
    const std::size_t n = data.n;
    // U bounds the dual variables (hinge: C; squared hinge: none), D adds to the diagonal.
    const double upper = s.squared ? INFINITY : s.c, diagonal = s.squared ? 0.5 / s.c : 0;
    std::vector<RowState> state(n);
    for (std::size_t i = 0; i < n; ++i)
        state[i] = {0.0, rows.squared_norm(i) + s.scaling * s.scaling + diagonal, data.y[i] ? 1.0 : -1.0};
    // active[0, count) are the rows a pass visits; the set-aside ones follow.
    std::vector<std::uint32_t> active(n);
    std::iota(active.begin(), active.end(), 0u);
    std::size_t count = n;
    // The previous pass's largest and smallest projected gradient: a row at a
    // bound is set aside when its gradient lies beyond them.
    double bound_max = INFINITY, bound_min = -INFINITY;
    SplitMix rng(static_cast<std::uint64_t>(options.integer("seed")));
    const double tol = options.number("tol");
    const int iterations = static_cast<int>(options.integer("iterations"));
    std::size_t visited = 0;
    for (int pass = 1; pass <= iterations; ++pass) {
        shuffle(active.data(), count, rng);
        double pg_max = -INFINITY, pg_min = INFINITY;
        for (std::size_t k = 0; k < count; ++k) {
            if (k + 2 * kAhead < count) rows.prefetch_start(active[k + 2 * kAhead]);
            if (k + kAhead < count) {
                __builtin_prefetch(&state[active[k + kAhead]]);
                rows.prefetch_entries(active[k + kAhead]);
            }
            const std::size_t i = active[k];
            RowState& r = state[i];
            const double yi = r.y;
            const double g = yi * (rows.dot(i, d.w) + d.wb * s.scaling) - 1 + diagonal * r.alpha;
            double pg = g;
            if (r.alpha == 0 || r.alpha == upper) {
                const bool at_zero = r.alpha == 0;
                if (shrinking && (at_zero ? g > bound_max : g < bound_min)) {
                    std::swap(active[k], active[count - 1]);
                    --count;
                    --k;  // the row swapped in is visited next
                    continue;
                }
                pg = at_zero ? std::min(g, 0.0) : std::max(g, 0.0);
            }
            pg_max = std::max(pg_max, pg);
            pg_min = std::min(pg_min, pg);
            if (std::fabs(pg) > 1e-12) {
                const double old = r.alpha;
                r.alpha = std::min(std::max(old - g / r.q, 0.0), upper);
                const double step = (r.alpha - old) * yi;
                rows.axpy(i, step, d.w);
                d.wb += step * s.scaling;
            }
            if ((++visited & 4095) == 0) resources.stop.check();
        }
        summary.iterations = pass;
        // The dual objective: sum alpha - (1/2) |w~|^2 - (D/2) sum alpha^2.
        double sum = 0, squares = 0;
        for (const RowState& r : state) {
            sum += r.alpha;
            squares += r.alpha * r.alpha;
        }
        const double dual = sum - 0.5 * (d.w.squaredNorm() + d.wb * d.wb) - 0.5 * diagonal * squares;
        summary.loss.push_back(dual);
        if (ctx.progress) ctx.progress(pass, dual, std::chrono::duration<double>(Clock::now() - started).count());
        resources.stop.check();
        if (pg_max - pg_min <= tol) {
            if (count == n) {
                summary.converged = true;
                break;
            }
            // The active rows are done: all rows come back, none is set aside
            // in the pass that checks them.
            count = n;
            bound_max = INFINITY;
            bound_min = -INFINITY;
            continue;
        }
        bound_max = pg_max > 0 ? pg_max : INFINITY;
        bound_min = pg_min < 0 ? pg_min : -INFINITY;
    }
    for (std::size_t i = 0; i < n; ++i) d.alpha[i] = state[i].alpha;
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

SvmModel train_svm(const LabeledRows& data, const Options& options, TrainContext& ctx, TrainingSummary base,
                   const SvmPath& path) {
    const auto started = Clock::now();
    ContextResources resources(ctx);
    const std::size_t n = data.n, p = data.p;
    const Setup s = setup(options);
    resources.budget.reserve(n * (sizeof(double) + sizeof(RowState) + sizeof(std::uint32_t)) + (p + 1) * sizeof(double),
                             "svm_fit solver");
    SvmModel model;
    model.options = options;
    static_cast<TrainingSummary&>(model.summary) = base;
    model.summary.solver = "dual_cd";
    Dual d;
    d.alpha.assign(n, 0.0);
    d.w = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p));
    const bool sparse = path.rows == SvmPath::Rows::Auto ? mostly_zero(data.x, n, p)
                                                         : path.rows == SvmPath::Rows::Sparse;
    if (sparse) {
        const FeatureNonzeros nonzeros = sparse_rows(data.x, n, p, resources.budget, "svm_fit sparse rows");
        solve(NonzeroRows{nonzeros}, data, options, s, path.shrinking, resources, ctx, started, model.summary, d);
    } else {
        const DenseRows dense{
            Eigen::Map<const RowMatrix>(data.x, static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p))};
        solve(dense, data, options, s, path.shrinking, resources, ctx, started, model.summary, d);
    }
    if (!d.w.allFinite() || !std::isfinite(d.wb))
        fail(ErrorKind::DataException, "svm_fit training diverged: the coefficients are not finite",
             "scale the features, or lower C");
    const int iterations = static_cast<int>(options.integer("iterations"));
    if (!model.summary.converged && ctx.warn)
        ctx.warn("svm_fit did not converge in " + std::to_string(iterations) + " iterations",
                 "raise iterations, scale the features, or lower C");
    model.coefficients = d.w;
    model.intercept = d.wb * s.scaling;
    model.summary.support_vectors = static_cast<std::uint64_t>(
        std::count_if(d.alpha.begin(), d.alpha.end(), [](double a) { return a > 0; }));
    model.summary.objective = svm_objective(data, options, d.w, model.intercept);
    model.summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return model;
}

}  // namespace recsys
