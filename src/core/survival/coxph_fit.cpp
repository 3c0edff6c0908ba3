// Cox proportional hazards: the Breslow partial likelihood over rows sorted
// by time once, Newton's method with step halving, the standard errors and
// Breslow's baseline cumulative hazard (coxph.h).
#include <Eigen/Cholesky>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "../base/checked.h"
#include "coxph.h"

namespace recsys {

namespace {

using Clock = std::chrono::steady_clock;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
constexpr std::size_t kStopEvery = 1 << 14;  // rows between checks for a cancel

// The rows by time, latest first, with the groups of equal times: the risk
// set of a group is every row up to its end. Rows of equal times are ordered
// by their event and features too, so the sums run in one order whatever
// the order the rows came in (a parallel plan's): the same model, bit for bit.
struct SortedRows {
    RowMatrix x;
    std::vector<double> time;
    std::vector<char> event;
    struct Group {
        std::size_t end;  // one past its last row
        double time;
        std::uint64_t events;
    };
    std::vector<Group> groups;
    std::size_t n() const { return time.size(); }
};

SortedRows sort_rows(const SurvivalRows& rows) {
    std::vector<std::size_t> order(rows.n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (rows.time[a] != rows.time[b]) return rows.time[a] > rows.time[b];
        if (rows.event[a] != rows.event[b]) return rows.event[a] < rows.event[b];
        const double *xa = rows.x + a * rows.p, *xb = rows.x + b * rows.p;
        return std::lexicographical_compare(xa, xa + rows.p, xb, xb + rows.p);
    });
    SortedRows s;
    s.x.resize(static_cast<Eigen::Index>(rows.n), static_cast<Eigen::Index>(rows.p));
    s.time.resize(rows.n);
    s.event.resize(rows.n);
    for (std::size_t k = 0; k < rows.n; ++k) {
        const std::size_t i = order[k];
        s.x.row(static_cast<Eigen::Index>(k)) =
            Eigen::Map<const Eigen::RowVectorXd>(rows.x + i * rows.p, static_cast<Eigen::Index>(rows.p));
        s.time[k] = rows.time[i];
        s.event[k] = rows.event[i];
    }
    for (std::size_t k = 0; k < rows.n;) {
        SortedRows::Group g{k, s.time[k], 0};
        for (; k < rows.n && s.time[k] == g.time; ++k) g.events += s.event[k] ? 1 : 0;
        g.end = k;
        s.groups.push_back(g);
    }
    return s;
}

// The log partial likelihood and its derivatives at beta, from the latest
// time back: each group's rows join the risk sums (S0, S1, S2 of
// exp(eta - shift)), then its events take their share. `risk` (optional):
// each group's S0 times exp(shift), for the baseline hazard.
PartialLikelihood evaluate(const SortedRows& s, const Eigen::VectorXd& beta, bool information, StopToken* stop,
                           std::vector<double>* risk = nullptr) {
    const Eigen::Index p = beta.size();
    const Eigen::VectorXd eta = s.x * beta;
    const double shift = s.n() ? eta.maxCoeff() : 0;
    PartialLikelihood out{0, Eigen::VectorXd::Zero(p), Eigen::MatrixXd::Zero(information ? p : 0, information ? p : 0)};
    double s0 = 0;
    Eigen::VectorXd s1 = Eigen::VectorXd::Zero(p);
    Eigen::MatrixXd s2 = Eigen::MatrixXd::Zero(information ? p : 0, information ? p : 0);
    std::size_t row = 0;
    for (const SortedRows::Group& g : s.groups) {
        Eigen::VectorXd event_x = Eigen::VectorXd::Zero(p);
        for (; row < g.end; ++row) {
            const auto i = static_cast<Eigen::Index>(row);
            const double w = std::exp(eta[i] - shift);
            s0 += w;
            s1.noalias() += w * s.x.row(i).transpose();
            if (information) s2.selfadjointView<Eigen::Lower>().rankUpdate(s.x.row(i).transpose(), w);
            if (s.event[row]) {
                out.log_likelihood += eta[i];
                event_x += s.x.row(i).transpose();
            }
            if (stop && row % kStopEvery == kStopEvery - 1) stop->check();
        }
        if (risk) risk->push_back(s0 * std::exp(shift));
        if (g.events == 0) continue;
        const double d = static_cast<double>(g.events);
        const Eigen::VectorXd mean = s1 / s0;
        out.log_likelihood -= d * (std::log(s0) + shift);
        out.gradient += event_x - d * mean;
        if (information) {
            out.information.selfadjointView<Eigen::Lower>().rankUpdate(mean, -d);
            out.information.triangularView<Eigen::Lower>() += (d / s0) * s2;
        }
    }
    if (information) {
        const Eigen::MatrixXd full = out.information.selfadjointView<Eigen::Lower>();
        out.information = full;
    }
    return out;
}

// The objective (mean negative log PL plus the penalty) and its derivatives.
struct Objective {
    double value;
    Eigen::VectorXd gradient;
    Eigen::MatrixXd hessian;
    double log_likelihood;
};

Objective objective(const SortedRows& s, const Eigen::VectorXd& beta, double l2, bool hessian, StopToken& stop) {
    const double n = static_cast<double>(s.n());
    PartialLikelihood pl = evaluate(s, beta, hessian, &stop);
    Objective o{-pl.log_likelihood / n + 0.5 * l2 * beta.squaredNorm(), -pl.gradient / n + l2 * beta,
                Eigen::MatrixXd(), pl.log_likelihood};
    if (hessian) {
        o.hessian = pl.information / n;
        o.hessian.diagonal().array() += l2;
    }
    return o;
}

// A constant feature (an intercept column, say) leaves the partial
// likelihood flat in its direction: no optimum to find.
void check_features_vary(const SurvivalRows& rows) {
    for (std::size_t j = 0; j < rows.p; ++j) {
        bool varies = false;
        for (std::size_t i = 1; i < rows.n && !varies; ++i) varies = rows.x[i * rows.p + j] != rows.x[j];
        if (!varies)
            fail(ErrorKind::InvalidParameter,
                 "coxph_fit's feature " + std::to_string(j + 1) + " has the same value in every row",
                 "a Cox model has no intercept (the baseline hazard plays its part): drop constant features");
    }
}

}  // namespace

PartialLikelihood breslow_partial_likelihood(const SurvivalRows& rows, const Eigen::VectorXd& beta) {
    return evaluate(sort_rows(rows), beta, true, nullptr);
}

CoxModel train_coxph(const SurvivalRows& rows, const Options& options, TrainContext& ctx, TrainingSummary base) {
    const auto started = Clock::now();
    ContextResources resources(ctx);
    MemoryBudget& budget = resources.budget;
    StopToken& stop = resources.stop;
    const std::size_t n = rows.n, p = rows.p;
    if (p == 0) fail(ErrorKind::InvalidParameter, "coxph_fit needs at least one feature");

    // The sorted copy and the order (n (p + 4) numbers), the solver's p x p
    // matrices, and the model (p coefficients and errors, two numbers per event time).
    const char* what = "coxph_fit";
    budget.reserve(checked_mul(checked_add(p, 4, what), n, sizeof(double), what), "coxph_fit sorted rows");
    budget.reserve(checked_mul(p, p, 8 * sizeof(double), what), "coxph_fit solver");
    budget.reserve(checked_mul(checked_add(p, n, what), 2 * sizeof(double), what), "coxph_fit model");

    CoxModel model;
    model.options = options;
    static_cast<TrainingSummary&>(model.summary) = base;
    CoxSummary& summary = model.summary;
    summary.solver = "newton";
    for (std::size_t i = 0; i < n; ++i) summary.events += rows.event[i] ? 1 : 0;
    if (summary.events == 0)
        fail(ErrorKind::InvalidParameter, "coxph_fit needs at least one event: every row is censored",
             "event is true for a row whose lifetime ended (the driver left), false while it goes on");

    check_features_vary(rows);
    const SortedRows sorted = sort_rows(rows);
    const double l2 = options.number("l2"), tol = options.number("tol");
    const int max_iterations = static_cast<int>(options.integer("iterations"));

    Eigen::VectorXd beta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p));
    Objective o = objective(sorted, beta, l2, true, stop);
    // Newton steps, halved until the objective decreases enough. Once the
    // gradient is below tol, one last full step (quadratic convergence takes
    // the coefficients to rounding) is kept if it does not raise the objective.
    for (int k = 1; k <= max_iterations; ++k) {
        const bool last = o.gradient.cwiseAbs().maxCoeff() <= tol;
        const Eigen::VectorXd step = o.hessian.ldlt().solve(o.gradient);
        const double decrease = o.gradient.dot(step);
        double t = 1;
        Objective next;
        for (int halvings = 0; halvings < 50; ++halvings, t *= 0.5) {
            next = objective(sorted, beta - t * step, l2, true, stop);
            if (last || next.value <= o.value - 1e-4 * t * decrease) break;
        }
        const bool better = next.value <= o.value;  // (false for NaN)
        if (better) {
            beta -= t * step;
            o = std::move(next);
            summary.loss.push_back(o.value);
            summary.iterations = k;
            if (ctx.progress) ctx.progress(k, o.value, std::chrono::duration<double>(Clock::now() - started).count());
        }
        stop.check();
        if (last || !better) break;  // converged, or no step lowers the objective any more
    }
    summary.gradient_max = o.gradient.cwiseAbs().maxCoeff();
    if (!summary.converged) summary.converged = summary.gradient_max <= tol;
    if (!beta.allFinite() || !std::isfinite(o.value))
        fail(ErrorKind::DataException, "coxph_fit diverged: the coefficients are not finite",
             "a feature may separate the lifetimes perfectly: raise l2, or scale the features");
    if (!summary.converged && ctx.warn)
        ctx.warn("coxph_fit did not converge in " + std::to_string(max_iterations) + " iterations (largest gradient " +
                     std::to_string(summary.gradient_max) + ")",
                 "a feature may separate the lifetimes perfectly: raise l2, or raise iterations");
    summary.log_likelihood = o.log_likelihood;
    model.coefficients = beta;

    // Standard errors: the inverse information of the unpenalized fit.
    model.std_errors = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(p), NAN);
    const PartialLikelihood at = evaluate(sorted, beta, true, &stop);
    if (l2 == 0) {
        Eigen::LLT<Eigen::MatrixXd> llt(at.information);
        if (llt.info() == Eigen::Success) {
            const Eigen::MatrixXd inverse = llt.solve(Eigen::MatrixXd::Identity(at.information.rows(), at.information.cols()));
            model.std_errors = inverse.diagonal().cwiseSqrt();
            if (!model.std_errors.allFinite()) model.std_errors.setConstant(NAN);
        }
    }

    // Breslow's baseline: at each event time, d_t / sum_{R(t)} exp(x . beta), summed from the earliest.
    std::vector<double> risk;
    evaluate(sorted, beta, false, &stop, &risk);
    double cumulative = 0;
    for (std::size_t g = sorted.groups.size(); g-- > 0;) {
        const SortedRows::Group& group = sorted.groups[g];
        if (group.events == 0) continue;
        cumulative += static_cast<double>(group.events) / risk[g];
        model.baseline_time.push_back(group.time);
        model.baseline_hazard.push_back(cumulative);
    }
    if (!(std::isfinite(cumulative) && cumulative > 0))
        fail(ErrorKind::DataException, "coxph_fit's baseline hazard at features 0 is not finite",
             "center the features (subtract their means), so that features 0 is a typical row");
    summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return model;
}

}  // namespace recsys
