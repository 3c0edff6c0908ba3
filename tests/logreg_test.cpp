// Logistic regression: the optimum is checked by its own first-order
// conditions (computed here independently of the solver), the solvers agree,
// l1 gives exact zeros that satisfy the subgradient conditions, the
// down-sampling correction restores the base rate, and the model does not
// depend on the thread count.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>
#include <vector>

#include "base/error.h"
#include "linear/logreg.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;

using Data = LabeledData;

Options logreg_options(const std::vector<OptionArg>& members) {
    return parse_options(options_json(members), logreg_option_schema());
}

LogregModel train(const Data& d, const std::vector<OptionArg>& options, int threads = 2) {
    MemoryBudget unlimited;
    StopToken never;
    TrainContext ctx{threads, &unlimited, &never, nullptr};
    return train_logreg(d.view(), logreg_options(options), ctx, TrainingSummary{});
}

// The gradient of the smooth part, (1/n) sum (s_i - y_i) (x_i, 1) + l2 (beta, 0),
// in long double, independently of the solver's blocks.
Eigen::VectorXd gradient(const Data& d, const LogregModel& m, double l2) {
    std::vector<long double> g(d.p + 1, 0.0L);
    for (std::size_t i = 0; i < d.n; ++i) {
        long double z = m.intercept;
        for (std::size_t j = 0; j < d.p; ++j) z += d.x[i * d.p + j] * m.coefficients[static_cast<Eigen::Index>(j)];
        long double r = 1 / (1 + std::exp(-z)) - (d.y[i] ? 1 : 0);
        for (std::size_t j = 0; j < d.p; ++j) g[j] += r * d.x[i * d.p + j];
        g[d.p] += r;
    }
    Eigen::VectorXd out(static_cast<Eigen::Index>(d.p + 1));
    for (std::size_t j = 0; j <= d.p; ++j) out[static_cast<Eigen::Index>(j)] = static_cast<double>(g[j] / d.n);
    out.head(static_cast<Eigen::Index>(d.p)) += l2 * m.coefficients;
    return out;
}

TEST(Logreg, NewtonReachesTheOptimum) {
    Data d = logistic_rows(5000, 6, 4, -0.5, 1);
    LogregModel m = train(d, {num("l2", 1e-3)});
    EXPECT_EQ(m.summary.solver, "newton");
    EXPECT_TRUE(m.summary.converged);
    EXPECT_LT(gradient(d, m, 1e-3).cwiseAbs().maxCoeff(), 1e-8);
    EXPECT_GT(m.coefficients[0], 1.0) << "the planted +1.5";
    EXPECT_LT(m.coefficients[1], -0.6) << "the planted -1";
    EXPECT_LT(std::fabs(m.coefficients[5]), 0.15) << "an uninformative feature";
    // The losses are the objective after each iteration: they go down.
    for (std::size_t k = 1; k < m.summary.loss.size(); ++k) EXPECT_LE(m.summary.loss[k], m.summary.loss[k - 1]);
}

// One-hot rows, as categorical columns become: 2 numeric columns and 3
// categories of 10, 20 and 30 levels (65 features, 5 nonzeros a row), so the
// solver takes its sparse path (under 30 % nonzeros).
Data one_hot_rows(std::size_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0, 1);
    std::uniform_real_distribution<double> uniform(0, 1);
    const std::size_t levels[] = {10, 20, 30};
    Data d{{}, {}, n, 2 + 10 + 20 + 30};
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<double> row(d.p, 0.0);
        row[0] = normal(rng);
        row[1] = normal(rng);
        double z = -1 + 0.8 * row[0] - 0.5 * row[1];
        std::size_t offset = 2;
        for (std::size_t c = 0; c < 3; ++c) {
            const std::size_t level = static_cast<std::size_t>(uniform(rng) * static_cast<double>(levels[c]));
            row[offset + level] = 1;
            z += 0.1 * static_cast<double>(level % 5) - 0.2;
            offset += levels[c];
        }
        d.x.insert(d.x.end(), row.begin(), row.end());
        d.y.push_back(uniform(rng) < 1 / (1 + std::exp(-z)));
    }
    return d;
}

TEST(Logreg, SparseRowsReachTheSameOptimumAsDenseSolvers) {
    Data d = one_hot_rows(6000, 7);
    LogregModel newton = train(d, {num("l2", 1e-3)});
    LogregModel lbfgs = train(d, {num("l2", 1e-3), {"solver", "\"lbfgs\""}, num("tol", 1e-10)});
    EXPECT_EQ(newton.summary.solver, "newton");
    EXPECT_TRUE(newton.summary.converged);
    EXPECT_LT(gradient(d, newton, 1e-3).cwiseAbs().maxCoeff(), 1e-8) << "the first-order conditions, checked densely";
    EXPECT_LT((newton.coefficients - lbfgs.coefficients).cwiseAbs().maxCoeff(), 1e-5);
    EXPECT_GT(newton.coefficients[0], 0.6) << "the planted +0.8";
    LogregModel two = train(d, {num("l2", 1e-3)}, 1);
    EXPECT_EQ(newton.coefficients, two.coefficients) << "threads do not change the sparse sums either";
}

TEST(Logreg, LbfgsAndNewtonFindTheSameOptimum) {
    Data d = logistic_rows(3000, 8, 5, 0.3, 2);
    LogregModel newton = train(d, {num("l2", 1e-2), {"solver", "\"newton\""}});
    LogregModel lbfgs = train(d, {num("l2", 1e-2), {"solver", "\"lbfgs\""}});
    EXPECT_EQ(lbfgs.summary.solver, "lbfgs");
    EXPECT_TRUE(lbfgs.summary.converged);
    EXPECT_LT((newton.coefficients - lbfgs.coefficients).cwiseAbs().maxCoeff(), 1e-5);
    EXPECT_NEAR(newton.intercept, lbfgs.intercept, 1e-5);
    EXPECT_NEAR(newton.summary.loss.back(), lbfgs.summary.loss.back(), 1e-10);
}

TEST(Logreg, L1GivesExactZerosThatSatisfyTheSubgradientConditions) {
    Data d = logistic_rows(4000, 10, 3, 0.0, 3);
    const double l1 = 0.02;
    LogregModel m = train(d, {num("l1", l1)});
    EXPECT_EQ(m.summary.solver, "owlqn");
    int zeros = 0;
    Eigen::VectorXd g = gradient(d, m, 1e-4);
    for (Eigen::Index j = 0; j < m.coefficients.size(); ++j) {
        if (m.coefficients[j] == 0) {
            ++zeros;
            EXPECT_LE(std::fabs(g[j]), l1 + 1e-6) << "feature " << j;
        } else {
            EXPECT_NEAR(g[j] + l1 * (m.coefficients[j] > 0 ? 1 : -1), 0, 1e-5) << "feature " << j;
        }
    }
    EXPECT_GE(zeros, 5) << "the 7 uninformative features are mostly exactly zero";
    EXPECT_NE(m.coefficients[0], 0);
    EXPECT_NEAR(g[10], 0, 1e-6) << "the intercept is not penalized";
}

TEST(Logreg, DownSampledNegativesAreCorrectedBackToTheBaseRate) {
    Data d = logistic_rows(40000, 4, 2, -3.5, 4);  // about 5 % positives
    double base = 0;
    for (char y : d.y) base += y;
    base /= d.n;
    LogregModel full = train(d, {});
    LogregModel sampled = train(d, {num("negative_sample_rate", 0.2), num("seed", 7)});
    EXPECT_LT(sampled.summary.used_rows, d.n / 3);
    EXPECT_EQ(sampled.summary.positives, full.summary.positives) << "every positive is kept";
    double mean_full = 0, mean_sampled = 0;
    for (std::size_t i = 0; i < d.n; ++i) {
        mean_full += full.predict(&d.x[i * d.p]);
        mean_sampled += sampled.predict(&d.x[i * d.p]);
    }
    mean_full /= d.n;
    mean_sampled /= d.n;
    EXPECT_NEAR(mean_full, base, 1e-6) << "an intercept makes the mean prediction the base rate";
    EXPECT_NEAR(mean_sampled, base, 0.15 * base) << "corrected, within sampling noise";
    // The same seed keeps the same rows; another seed others.
    LogregModel again = train(d, {num("negative_sample_rate", 0.2), num("seed", 7)}, 1);
    EXPECT_EQ(again.summary.used_rows, sampled.summary.used_rows);
    EXPECT_TRUE(again.coefficients == sampled.coefficients);
    EXPECT_NE(train(d, {num("negative_sample_rate", 0.2), num("seed", 8)}).summary.used_rows,
              sampled.summary.used_rows);
}

TEST(Logreg, ThreadCountDoesNotChangeTheModel) {
    Data d = logistic_rows(9000, 5, 3, 0.2, 5);  // several blocks of 2048 rows
    for (const char* solver : {"\"newton\"", "\"lbfgs\""}) {
        LogregModel one = train(d, {{"solver", solver}}, 1);
        for (int threads : {2, 3}) {
            LogregModel other = train(d, {{"solver", solver}}, threads);
            EXPECT_TRUE(one.coefficients == other.coefficients) << solver << ", " << threads << " threads";
            EXPECT_EQ(one.intercept, other.intercept);
            EXPECT_EQ(one.summary.loss, other.summary.loss);
        }
    }
}

TEST(Logreg, BalancedClassWeightsMoveTheInterceptTowardEvenOdds) {
    Data d = logistic_rows(8000, 3, 2, -3.0, 6);
    LogregModel plain = train(d, {});
    LogregModel balanced = train(d, {{"class_weight", "\"balanced\""}});
    EXPECT_GT(balanced.intercept, plain.intercept + 1.0);
}

TEST(Logreg, WithoutInterceptTheInterceptStaysZero) {
    Data d = logistic_rows(2000, 3, 2, 1.0, 7);
    LogregModel m = train(d, {flag("fit_intercept", false)});
    EXPECT_EQ(m.intercept, 0);
    EXPECT_TRUE(m.summary.converged);
}

TEST(Logreg, PayloadRoundTripIsExact) {
    Data d = logistic_rows(1000, 4, 2, 0.0, 8);
    LogregModel m = train(d, {num("l2", 0.01), num("negative_sample_rate", 0.5)});
    std::vector<unsigned char> bytes = to_bytes(m);
    std::shared_ptr<const Model> back = load_model(bytes.data(), bytes.size());
    const auto& typed = model_as<LogregModel>(*back);
    EXPECT_TRUE(typed.coefficients == m.coefficients);
    EXPECT_EQ(typed.intercept, m.intercept);
    EXPECT_EQ(typed.metadata_json(), m.metadata_json());
    EXPECT_EQ(to_bytes(typed), bytes);
    EXPECT_EQ(typed.predict(&d.x[0]), m.predict(&d.x[0]));
}

TEST(Logreg, CancelStopsTraining) {
    Data d = logistic_rows(20000, 20, 5, 0.0, 9);
    MemoryBudget unlimited;
    StopToken stop([] { return true; });
    TrainContext ctx{2, &unlimited, &stop, nullptr};
    for (const char* solver : {"\"newton\"", "\"lbfgs\"", "\"owlqn\""}) {
        Options o = logreg_options({{"solver", solver}, num("l1", std::string(solver) == "\"owlqn\"" ? 0.01 : 0)});
        EXPECT_THROW(train_logreg(d.view(), o, ctx, TrainingSummary{}), Cancelled) << solver;
    }
}

}  // namespace
}  // namespace recsys
