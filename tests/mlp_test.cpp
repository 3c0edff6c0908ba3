// The fully connected ranker: the gradient against finite differences and an
// independent loss, a planted nonlinear signal that logistic regression
// cannot see, sklearn's stopping rules, standardization, the down-sampling
// correction, determinism under a seed whatever the thread count, the
// payload (round trip and corruption) and the option errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "base/error.h"
#include "linear/logreg.h"
#include "network/mlp.h"
#include "statistics/statistic_kind.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;

using Data = LabeledData;

// XOR of the signs of the first two features (flipped with probability
// `noise`), p - 2 noise features after them.
Data xor_data(std::size_t n, std::size_t p, double noise, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> uniform(-1, 1);
    Data d{{}, {}, n, p};
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < p; ++j) d.x.push_back(uniform(rng));
        bool y = d.x[i * p] * d.x[i * p + 1] > 0;
        d.y.push_back(uniform(rng) < 2 * noise - 1 ? !y : y);
    }
    return d;
}

Options mlp_options(const std::vector<OptionArg>& members) {
    return parse_options(options_json(members), mlp_option_schema());
}

MlpModel train(const Data& d, const std::vector<OptionArg>& options, int threads = 2, MemoryBudget* budget = nullptr) {
    MemoryBudget unlimited;
    StopToken never;
    TrainContext ctx{threads, budget ? budget : &unlimited, &never, nullptr};
    return train_mlp(d.view(), mlp_options(options), ctx, TrainingSummary{});
}

double auc_of(const FeatureModel& m, const Data& d) {
    std::vector<double> scores;
    for (std::size_t i = 0; i < d.n; ++i) scores.push_back(m.predict(d.row(i)));
    return auc(scores.data(), reinterpret_cast<const bool*>(d.y.data()), d.n);
}

// ---------------------------------------------------------------- gradient

// The batch loss of mlp_network.h computed row by row in long double, with
// nothing shared with the library but the parameter layout.
long double reference_loss(const MlpNetwork<double>& net, const MlpMatrix<double>& x, const std::vector<double>& y,
                           const std::vector<double>& w, double l2) {
    long double loss = 0, squares = 0;
    const auto b = static_cast<std::size_t>(x.cols());
    for (std::size_t i = 0; i < b; ++i) {
        std::vector<long double> a(x.rows());
        for (Eigen::Index j = 0; j < x.rows(); ++j) a[static_cast<std::size_t>(j)] = x(j, static_cast<Eigen::Index>(i));
        for (std::size_t l = 0; l < net.layers(); ++l) {
            const auto W = net.weights(l, net.params);
            const auto bias = net.bias(l, net.params);
            std::vector<long double> z(net.sizes[l + 1]);
            for (std::size_t o = 0; o < z.size(); ++o) {
                z[o] = bias[static_cast<Eigen::Index>(o)];
                for (std::size_t k = 0; k < a.size(); ++k)
                    z[o] += W(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(k)) * a[k];
                if (l + 1 < net.layers()) z[o] = std::max(z[o], 0.0L);
            }
            a = z;
        }
        const long double p = 1 / (1 + std::exp(-a[0]));
        loss += -w[i] * (y[i] * std::log(p) + (1 - y[i]) * std::log(1 - p));
    }
    for (std::size_t l = 0; l < net.layers(); ++l) squares += net.weights(l, net.params).squaredNorm();
    return loss / b + 0.5L * l2 * squares / b;
}

TEST(MlpGradient, MatchesFiniteDifferencesForEveryWeightAndBias) {
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> uniform(-1, 1);
    const std::size_t p = 4, b = 7;
    const double l2 = 0.3;
    for (const std::vector<std::int64_t>& hidden : {std::vector<std::int64_t>{3, 2}, {5}, {}}) {
        MlpNetwork<double> net(mlp_layer_sizes(p, hidden));
        for (Eigen::Index k = 0; k < net.params.size(); ++k) net.params[k] = uniform(rng);
        MlpMatrix<double> x(p, b);
        for (Eigen::Index k = 0; k < x.size(); ++k) x.data()[k] = 2 * uniform(rng);
        std::vector<double> y, w;
        for (std::size_t i = 0; i < b; ++i) {
            y.push_back(i % 3 == 0 ? 1 : 0);
            w.push_back(y.back() > 0 ? 2.5 : 0.7);  // class weights
        }
        MlpWorkspace<double> ws(net.sizes, 16);  // wider than the batch: leftCols are used
        MlpVector<double> gradient(net.params.size());
        const double loss = mlp_loss_gradient(net, x, y.data(), w.data(), l2, ws, gradient);
        EXPECT_NEAR(loss, static_cast<double>(reference_loss(net, x, y, w, l2)), 1e-12) << hidden.size() << " layers";

        MlpVector<double> unused(net.params.size());
        const double h = 1e-6;
        for (Eigen::Index k = 0; k < net.params.size(); ++k) {
            const double saved = net.params[k];
            net.params[k] = saved + h;
            const double up = mlp_loss_gradient(net, x, y.data(), w.data(), l2, ws, unused);
            net.params[k] = saved - h;
            const double down = mlp_loss_gradient(net, x, y.data(), w.data(), l2, ws, unused);
            net.params[k] = saved;
            const double numeric = (up - down) / (2 * h);
            const double relative =
                std::fabs(numeric - gradient[k]) / std::max(std::fabs(numeric) + std::fabs(gradient[k]), 1e-8);
            EXPECT_LT(relative, 1e-6) << "parameter " << k << " of " << net.params.size() << ", " << hidden.size()
                                      << " hidden layers: numeric " << numeric << ", analytic " << gradient[k];
        }
    }
}

// ---------------------------------------------------------------- learning

TEST(MlpTraining, LearnsXorWhereLogisticRegressionCannot) {
    Data d = xor_data(6000, 5, 0.02, 1), test = xor_data(3000, 5, 0.02, 2);
    MlpModel m = train(d, {{"hidden_layers", "[16, 8]"}, num("epochs", 60), num("learning_rate", 0.01)});
    EXPECT_GT(auc_of(m, test), 0.95);
    MemoryBudget unlimited;
    StopToken never;
    TrainContext ctx{1, &unlimited, &never, nullptr};
    LogregModel linear = train_logreg(d.view(), parse_options("{}", logreg_option_schema()), ctx, TrainingSummary{});
    EXPECT_LT(auc_of(linear, test), 0.6) << "no linear model sees XOR";
    EXPECT_EQ(m.summary.epochs, static_cast<int>(m.summary.loss.size()));
    EXPECT_LT(m.summary.loss.back(), 0.5 * m.summary.loss.front());
}

TEST(MlpTraining, WithoutHiddenLayersItIsLogisticRegression) {
    Data d = logistic_rows(2000, 4, 2, -0.5, 3);
    MlpModel m = train(d, {{"hidden_layers", "[]"},
                           num("l2", 0),
                           num("batch_size", 2000),
                           num("epochs", 3000),
                           num("learning_rate", 0.05),
                           num("tol", 0)});
    MemoryBudget unlimited;
    StopToken never;
    TrainContext ctx{1, &unlimited, &never, nullptr};
    LogregModel lr =
        train_logreg(d.view(), parse_options("{\"l2\": 0}", logreg_option_schema()), ctx, TrainingSummary{});
    EXPECT_EQ(m.network.sizes, (std::vector<std::size_t>{4, 1}));
    for (std::size_t i = 0; i < 50; ++i) EXPECT_NEAR(m.predict(d.row(i)), lr.predict(d.row(i)), 2e-3) << "row " << i;
}

TEST(MlpTraining, StopsAsScikitLearnWhenTheLossStopsImproving) {
    Data d = logistic_rows(1000, 3, 2, 0, 4);
    // No epoch improves on the first by tol = 1e9: n_iter_no_change + 1 more epochs run.
    MlpModel m = train(d, {num("tol", 1e9), num("n_iter_no_change", 3)});
    EXPECT_EQ(m.summary.epochs, 5);
    EXPECT_TRUE(m.summary.stopped_early);
    MlpModel all = train(d, {num("tol", 0), num("epochs", 7)});
    EXPECT_EQ(all.summary.epochs, 7);
    EXPECT_FALSE(all.summary.stopped_early);
}

TEST(MlpTraining, EarlyStoppingKeepsTheBestValidationEpoch) {
    Data d = logistic_rows(3000, 30, 2, 0, 5);  // few rows, many noise features: it overfits
    MlpModel m = train(d, {flag("early_stopping", true),
                           num("validation_fraction", 0.2),
                           {"hidden_layers", "[128]"},
                           num("learning_rate", 0.01),
                           num("l2", 0)});
    EXPECT_TRUE(m.summary.stopped_early);
    const std::size_t positives = std::count(d.y.begin(), d.y.end(), 1);
    const auto held = [](std::size_t rows) { return static_cast<std::size_t>(std::ceil(0.2 * rows - 1e-9)); };
    EXPECT_EQ(m.summary.validation_rows, held(positives) + held(d.n - positives)) << "ceil(0.2 n_class) of each class";
    ASSERT_EQ(m.summary.validation_loss.size(), m.summary.loss.size());
    const double best = *std::min_element(m.summary.validation_loss.begin(), m.summary.validation_loss.end());
    EXPECT_EQ(m.summary.best_validation_loss, best);
    EXPECT_LT(best, m.summary.validation_loss.back()) << "the last epochs were worse";
    EXPECT_TRUE(contains(m.metadata_json(), "\"best_validation_loss\""));
}

// ---------------------------------------------------------------- inputs

TEST(MlpTraining, StandardizationIsKeptInTheModelAndApplied) {
    Data d = logistic_rows(3000, 3, 2, 0, 6);
    for (std::size_t i = 0; i < d.n; ++i) d.x[i * d.p + 2] = 4.0;  // a constant feature
    Data shifted = d;
    for (std::size_t i = 0; i < d.n; ++i) shifted.x[i * d.p] = 1000 * d.x[i * d.p] + 5;
    MlpModel m = train(d, {num("epochs", 10)}), ms = train(shifted, {num("epochs", 10)});
    double mean = 0, squares = 0;
    for (std::size_t i = 0; i < d.n; ++i) mean += d.x[i * d.p];
    mean /= d.n;
    for (std::size_t i = 0; i < d.n; ++i) squares += (d.x[i * d.p] - mean) * (d.x[i * d.p] - mean);
    EXPECT_NEAR(m.mean[0], mean, 1e-12);
    EXPECT_NEAR(m.scale[0], std::sqrt(squares / d.n), 1e-12);
    EXPECT_EQ(m.mean[2], 4.0);
    EXPECT_EQ(m.scale[2], 1.0) << "a constant feature keeps scale 1";
    EXPECT_NEAR(ms.scale[0], 1000 * m.scale[0], 1e-9);
    // predict applies them: the same network without them, on inputs standardized here, agrees.
    // (Rescaled inputs train another network: the rows are put in an order of their contents.)
    MlpModel bare = ms;
    bare.mean.setZero();
    bare.scale.setOnes();
    for (std::size_t i = 0; i < 20; ++i) {
        std::vector<double> z(d.p);
        for (std::size_t j = 0; j < d.p; ++j) z[j] = (shifted.row(i)[j] - ms.mean[j]) / ms.scale[j];
        EXPECT_NEAR(bare.predict(z.data()), ms.predict(shifted.row(i)), 1e-6);
    }
    MlpModel raw = train(d, {num("epochs", 2), flag("standardize", false)});
    EXPECT_TRUE(raw.mean.isZero() && raw.scale.isOnes());
}

TEST(MlpTraining, DownSampledNegativesAreCorrectedBackToTheBaseRate) {
    Data d = logistic_rows(40000, 4, 2, -3.5, 7);  // about 5 % positives
    double base = 0;
    for (char y : d.y) base += y;
    base /= d.n;
    MlpModel sampled = train(d, {num("negative_sample_rate", 0.2), num("seed", 7), num("epochs", 15)});
    EXPECT_LT(sampled.summary.used_rows, d.n / 3);
    EXPECT_EQ(sampled.summary.positives, static_cast<std::uint64_t>(base * d.n + 0.5)) << "every positive is kept";
    double mean = 0, uncorrected = 0;
    for (std::size_t i = 0; i < d.n; ++i) {
        mean += sampled.predict(d.row(i));
        uncorrected += 1 / (1 + std::exp(-sampled.decision(d.row(i))));
    }
    mean /= d.n;
    uncorrected /= d.n;
    EXPECT_NEAR(mean, base, 0.15 * base) << "corrected, within sampling noise";
    EXPECT_GT(uncorrected, 2 * base) << "the correction does something";
}

TEST(MlpTraining, BadInputsAreErrorsNotCrashes) {
    Data none{{}, {}, 0, 3};
    expect_error(error_from([&] { train(none, {}); }, "no rows"), ErrorKind::InvalidParameter, "mlp_fit kept no rows",
                 "raise negative_sample_rate");
    Data d = logistic_rows(500, 3, 2, 0, 8);
    d.x[7] = NAN;
    EXPECT_EQ(error_from([&] { train(d, {num("epochs", 2)}); }, "NaN input").kind(), ErrorKind::DataException);
    Data one = logistic_rows(1, 3, 2, 0, 9);
    EXPECT_EQ(error_from([&] { train(one, {flag("early_stopping", true)}); }, "one row").kind(),
              ErrorKind::InvalidParameter);
    MemoryBudget small(1 << 20);
    Data big = logistic_rows(20000, 20, 2, 0, 10);
    EXPECT_EQ(error_from([&] { train(big, {}, 2, &small); }, "over budget").kind(), ErrorKind::OutOfMemory);
}

TEST(MlpTraining, CancelStopsTraining) {
    Data d = logistic_rows(5000, 5, 2, 0, 11);
    MemoryBudget unlimited;
    StopToken stop([] { return true; });
    TrainContext ctx{2, &unlimited, &stop, nullptr};
    EXPECT_THROW(train_mlp(d.view(), mlp_options({}), ctx, TrainingSummary{}), Cancelled);
}

// ---------------------------------------------------------------- determinism

TEST(MlpTraining, SeedFixesTheModelWhateverTheThreadCount) {
    Data d = logistic_rows(9000, 6, 2, -1, 12);  // more than one chunk of 4096 rows
    const std::vector<OptionArg> o = {num("epochs", 4), flag("early_stopping", true), num("seed", 3),
                                      num("negative_sample_rate", 0.5)};
    MlpModel one = train(d, o, 1), two = train(d, o, 2), three = train(d, o, 3);
    EXPECT_TRUE(one.network.params == two.network.params);
    EXPECT_TRUE(one.network.params == three.network.params);
    EXPECT_EQ(one.summary.loss, two.summary.loss);
    EXPECT_EQ(one.summary.validation_loss, three.summary.validation_loss);
    EXPECT_TRUE(one.mean == two.mean && one.scale == two.scale);
    MlpModel other =
        train(d, {num("epochs", 4), flag("early_stopping", true), num("seed", 4), num("negative_sample_rate", 0.5)});
    EXPECT_FALSE(one.network.params == other.network.params);
    EXPECT_NE(one.summary.used_rows, other.summary.used_rows);
}

// ---------------------------------------------------------------- payload

TEST(MlpModel, PayloadRoundTripIsExact) {
    Data d = logistic_rows(1000, 4, 2, 0, 13);
    MlpModel m = train(d, {num("epochs", 5), num("negative_sample_rate", 0.5), flag("early_stopping", true)});
    std::vector<unsigned char> bytes = to_bytes(m);
    std::shared_ptr<const Model> back = load_model(bytes.data(), bytes.size());
    const auto& typed = model_as<MlpModel>(*back);
    EXPECT_TRUE(typed.network.params == m.network.params);
    EXPECT_EQ(typed.network.sizes, (std::vector<std::size_t>{4, 64, 32, 1}));
    EXPECT_TRUE(typed.mean == m.mean && typed.scale == m.scale);
    EXPECT_EQ(typed.metadata_json(), m.metadata_json());
    EXPECT_EQ(to_bytes(typed), bytes);
    for (std::size_t i = 0; i < 20; ++i) EXPECT_EQ(typed.predict(d.row(i)), m.predict(d.row(i)));
    EXPECT_TRUE(contains(m.metadata_json(), "\"layers\":[4,64,32,1]")) << m.metadata_json();
}

// The payload of m, with `edit` applied, read back.
template <class Edit>
void read_edited(const MlpModel& m, Edit edit) {
    std::vector<unsigned char> payload;
    ByteWriter counter;
    m.write_payload(counter);
    payload.resize(counter.size());
    ByteWriter writer(payload.data(), payload.size());
    m.write_payload(writer);
    edit(payload);
    Envelope env;
    env.kind = "mlp";
    env.payload = payload.data();
    env.payload_size = payload.size();
    MlpModel::read(env);
}

// Reading m's payload with `edit` applied gives a Corrupted error with this message.
template <class Edit>
void expect_corrupted(const MlpModel& m, Edit edit, const std::string& message) {
    expect_error(error_from([&] { read_edited(m, edit); }, message), ErrorKind::Corrupted, message);
}

// Writes v at byte `at` of the payload.
template <class T>
auto overwrite(std::size_t at, T v) {
    return [at, v](std::vector<unsigned char>& p) { std::memcpy(&p[at], &v, sizeof v); };
}

TEST(MlpModel, CorruptedPayloadsAreErrors) {
    Data d = logistic_rows(300, 3, 2, 0, 14);
    MlpModel m = train(d, {num("epochs", 2), {"hidden_layers", "[4]"}});
    EXPECT_NO_THROW(read_edited(m, [](std::vector<unsigned char>&) {}));
    std::vector<unsigned char> whole;
    read_edited(m, [&](std::vector<unsigned char>& p) { whole = p; });
    for (std::size_t cut = 0; cut < whole.size(); cut += 7) {
        Error e = error_from([&] { read_edited(m, [&](std::vector<unsigned char>& p) { p.resize(cut); }); },
                             "truncated at " + std::to_string(cut));
        EXPECT_EQ(e.kind(), ErrorKind::Corrupted) << e.what();
    }
    expect_corrupted(
        m, [](std::vector<unsigned char>& p) { p.push_back(0); },
        "model is inconsistent: trailing bytes after the payload");
    // Offsets: u32 version, u64 features, then the means and scales, each a
    // u64 count and 3 doubles, then the weights' count and the first weight.
    const std::size_t scale = 4 + 8 + (8 + 3 * 8) + 8, weight = 4 + 8 + 2 * (8 + 3 * 8) + 8;
    expect_corrupted(m, overwrite(weight, float(NAN)), "model is inconsistent: non-finite weights");
    expect_corrupted(m, overwrite(scale, 0.0), "model is inconsistent: non-finite or non-positive standardization");
    expect_corrupted(m, overwrite(4, std::uint64_t(1) << 32), "model is inconsistent: means count");
    // The layer list says [8] but the weights are of [4].
    MlpModel wrong = m;
    wrong.options = mlp_options({{"hidden_layers", "[8]"}});
    expect_corrupted(
        wrong, [](std::vector<unsigned char>&) {}, "model is inconsistent: parameter count");
}

// ---------------------------------------------------------------- options

TEST(MlpOptions, DefaultsAreSklearnsAndErrorsNameTheOption) {
    Options o = mlp_options({});
    EXPECT_EQ(o.integers("hidden_layers"), (std::vector<std::int64_t>{64, 32}));
    EXPECT_EQ(o.integer("batch_size"), 200);
    EXPECT_EQ(o.integer("epochs"), 200);
    EXPECT_EQ(o.number("l2"), 1e-4);
    EXPECT_EQ(o.number("learning_rate"), 1e-3);
    EXPECT_TRUE(mlp_options({{"hidden_layers", "[]"}}).integers("hidden_layers").empty());

    auto message = [](const std::vector<OptionArg>& members) {
        return std::string(error_from([&] { mlp_options(members); }, options_json(members)).what());
    };
    EXPECT_EQ(message({{"hidden_layers", "[1,1,1,1,1,1,1,1,1]"}}),
              "mlp_fit option \"hidden_layers\" has 9 layers: at most 8");
    EXPECT_TRUE(contains(message({{"hidden_layers", "[64, 0]"}}), "\"hidden_layers\""));
    EXPECT_TRUE(contains(message({{"hidden_layers", "[5000]"}}), "\"hidden_layers\""));
    EXPECT_EQ(message({num("validation_fraction", 0.2)}),
              "mlp_fit option \"validation_fraction\" is used only with \"early_stopping\": true");
    EXPECT_NO_THROW(mlp_options({num("validation_fraction", 0.2), flag("early_stopping", true)}));
    EXPECT_TRUE(contains(message({num("batch_size", 0)}), "\"batch_size\""));
    EXPECT_TRUE(contains(message({num("learning_rate", 0)}), "\"learning_rate\""));
    EXPECT_TRUE(contains(message({num("beta_2", 1)}), "\"beta_2\""));
    EXPECT_TRUE(contains(message({num("hidden_layer_sizes", 3)}), "hidden_layer_sizes"));
    EXPECT_EQ(error_from([&] { mlp_options({num("epochs", 0)}); }, "epochs").kind(), ErrorKind::InvalidParameter);
}

}  // namespace
}  // namespace recsys
