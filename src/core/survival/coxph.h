// Cox proportional hazards, for lifetimes with features (how long a driver
// stays, given who they are):
//
//   minimize -(1/n) log PL(beta) + (l2 / 2) |beta|^2
//
// where PL is the partial likelihood with Breslow's handling of tied times:
//   log PL = sum_events x_i . beta - sum_t d_t log sum_{j: T_j >= t} exp(x_j . beta)
// (t: the distinct event times, d_t: the events at t). With l2 = 0 this is
// statsmodels' PHReg(ties="breslow").fit(); with l2 > 0 the objective of its
// fit_regularized(alpha = l2, L1_wt = 0). Newton's method with step halving
// on rows sorted by time once; the standard errors (l2 = 0 only) are those of
// the inverse information at the optimum, with Wald z tests.
//
// The model keeps Breslow's baseline cumulative hazard H0(t) at features 0
// (R's basehaz: summed over the event times up to t included; statsmodels'
// baseline_cumulative_hazard stops before t), so that the survival of new
// features x is S(t | x) = exp(-H0(t) exp(x . beta)). Its prediction
// (recsys.predict) is the relative hazard exp(x . beta) against features 0
// (statsmodels' pred_type "hr", lifelines' partial hazard); the hazard ratio
// of a feature is exp(coefficient).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "../model/coefficients.h"
#include "../model/model.h"
#include "../model/model_format.h"
#include "../model/model_kind.h"
#include "../model/training_summary_parts.h"

namespace recsys {

const OptionSchema& coxph_option_schema();
const ModelKind& coxph_kind();

struct CoxSummary : TrainingSummary, SolverRun {
    std::uint64_t events = 0;
    double log_likelihood = 0;  // log PL at the coefficients (unpenalized)
    double gradient_max = 0;    // largest |gradient| entry of the objective at the end
};

// A point of a projected survival curve: an event time of the training rows.
struct SurvivalPoint {
    double time, cumulative_hazard, survival;
};

class CoxModel : public LinearModel {
public:
    static constexpr const char* kKind = "coxph";
    const char* kind() const override { return kKind; }

    Options options;
    Eigen::VectorXd coefficients;  // one per feature
    Eigen::VectorXd std_errors;    // NaN each when penalized (l2 > 0) or the information is singular
    std::vector<double> baseline_time;     // the distinct event times, ascending
    std::vector<double> baseline_hazard;   // H0 at each, non-decreasing
    CoxSummary summary;

    std::size_t feature_count() const override { return static_cast<std::size_t>(coefficients.size()); }
    // The relative hazard exp(x . beta).
    double predict(const double* x) const override;
    // The coefficients (log hazard ratios) with their Wald tests (z in t_stat).
    std::vector<CoefficientRow> coefficient_table() const override;
    // S(t | x) at each baseline time.
    std::vector<SurvivalPoint> survival_curve(const double* x) const;

    std::size_t memory_bytes() const override;
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static CoxModel read(const Envelope& envelope);
};

// n rows: time (finite, >= 0), event, features x (n x p, row-major).
struct SurvivalRows {
    const double* time;
    const bool* event;
    const double* x;
    std::size_t n, p;
};

CoxModel train_coxph(const SurvivalRows& rows, const Options& options, TrainContext& ctx, TrainingSummary summary);

// The log partial likelihood (Breslow) at beta, with its gradient and the
// information (minus the Hessian), for tests.
struct PartialLikelihood {
    double log_likelihood;
    Eigen::VectorXd gradient;
    Eigen::MatrixXd information;
};
PartialLikelihood breslow_partial_likelihood(const SurvivalRows& rows, const Eigen::VectorXd& beta);

}  // namespace recsys
