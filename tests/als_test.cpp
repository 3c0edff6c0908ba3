// ALS: planted structure must be recovered, the row solver must agree with a
// closed-form solve, training must be deterministic, and serving must honour
// its options.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <vector>

#include "als/als.h"
#include "als/als_gram.h"
#include "base/error.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;

// ---------------------------------------------------------------- helpers

std::vector<std::int64_t> ids_of(const AlsModel& m, const std::vector<Scored>& ranked) {
    std::vector<std::int64_t> out;
    for (const Scored& s : ranked) out.push_back(m.item_ids.at(static_cast<std::size_t>(s.index)));
    return out;
}

std::set<std::int64_t> seen_ids(const AlsModel& m, std::size_t u) {
    std::set<std::int64_t> out;
    for (auto j = m.seen_offsets[u]; j < m.seen_offsets[u + 1]; ++j) out.insert(m.item_ids[m.seen_items[j]]);
    return out;
}

// Planted implicit data: 300 users and 200 items with rank-4 tastes. Each
// user interacts with 15 items drawn from its 30 best-scoring ones; 3 of
// them are held out.
struct Planted {
    Rows train;
    std::vector<std::int64_t> user_ids;
    std::vector<std::vector<std::int64_t>> held_out;  // per user, parallel to user_ids
};

constexpr int kUsers = 300, kItems = 200, kRank = 4;

std::int64_t user_id(int u) { return 7 + 3 * static_cast<std::int64_t>(u); }
std::int64_t item_id(int i) { return 1000 + 2 * static_cast<std::int64_t>(i); }

// U V^T for random normal U (rows x rank) and V (cols x rank), drawn from rng
// in that order.
Eigen::MatrixXd low_rank_matrix(std::mt19937& rng, int rows, int cols, int rank) {
    std::normal_distribution<double> normal(0, 1);
    Eigen::MatrixXd u(rows, rank), v(cols, rank);
    for (int i = 0; i < u.size(); ++i) u.data()[i] = normal(rng);
    for (int i = 0; i < v.size(); ++i) v.data()[i] = normal(rng);
    return u * v.transpose();
}

const Planted& planted() {
    static const Planted data = [] {
        std::mt19937 rng(12345);
        Eigen::MatrixXd scores = low_rank_matrix(rng, kUsers, kItems, kRank);
        Planted p;
        for (int a = 0; a < kUsers; ++a) {
            std::vector<int> order(kItems);
            std::iota(order.begin(), order.end(), 0);
            std::sort(order.begin(), order.end(), [&](int x, int y) { return scores(a, x) > scores(a, y); });
            order.resize(30);
            std::shuffle(order.begin(), order.end(), rng);
            p.user_ids.push_back(user_id(a));
            p.held_out.emplace_back();
            for (int j = 0; j < 15; ++j) {
                if (j < 3)
                    p.held_out.back().push_back(item_id(order[j]));
                else
                    p.train.add(user_id(a), item_id(order[j]), 1.0f + static_cast<float>(rng() % 3));
            }
        }
        return p;
    }();
    return data;
}

Options planted_options(std::uint64_t seed = 1) {
    return als_options({num("factors", 8), num("iterations", 12), num("l2", 0.1), num("alpha", 5),
                        num("seed", static_cast<double>(seed))});
}

const AlsModel& planted_model() {
    static const AlsModel m = train(planted().train, planted_options(), 2);
    return m;
}

// Fraction of held-out items found in the top 10 (training items excluded).
double hit_rate(const Planted& p, const std::function<std::vector<std::int64_t>(std::size_t)>& top10) {
    std::size_t hits = 0, total = 0;
    for (std::size_t a = 0; a < p.user_ids.size(); ++a) {
        auto rec = top10(a);
        for (auto item : p.held_out[a]) {
            ++total;
            hits += std::find(rec.begin(), rec.end(), item) != rec.end();
        }
    }
    return static_cast<double>(hits) / static_cast<double>(total);
}

// ---------------------------------------------------------------- (a) quality

TEST(AlsQuality, RecoversPlantedTastesBetterThanPopularityAndRandom) {
    const Planted& p = planted();
    const AlsModel& m = planted_model();
    ASSERT_EQ(m.users(), static_cast<std::size_t>(kUsers));

    double als = hit_rate(p, [&](std::size_t a) {
        AlsModel::Query q = query(10);
        return ids_of(m, m.recommend(p.user_ids[a], q));
    });

    // Popularity: the most-interacted items the user has not seen.
    std::map<std::int64_t, int> count;
    for (auto item : p.train.items) ++count[item];
    std::vector<std::int64_t> by_popularity;
    for (auto& kv : count) by_popularity.push_back(kv.first);
    std::stable_sort(by_popularity.begin(), by_popularity.end(),
                     [&](std::int64_t a, std::int64_t b) { return count[a] > count[b]; });
    double popularity = hit_rate(p, [&](std::size_t a) {
        std::set<std::int64_t> seen = seen_ids(m, a);
        std::vector<std::int64_t> top;
        for (auto item : by_popularity)
            if (top.size() < 10 && !seen.count(item)) top.push_back(item);
        return top;
    });

    // Random: 10 of the ~188 unseen items.
    double random = 10.0 / (kItems - 12);

    std::printf("hit rate@10: als %.3f, popularity %.3f, random %.3f\n", als, popularity, random);
    EXPECT_GT(als, 5 * random);
    EXPECT_GT(als, 2.5 * popularity);
}

// ---------------------------------------------------------------- (b) row solver

struct RowProblem {
    Eigen::MatrixXf gram;
    FactorMatrix gathered;
    std::vector<float> confidence;
    // The same system in double precision: A x = b.
    Eigen::MatrixXd a;
    Eigen::VectorXd b;
};

RowProblem random_row_problem(std::uint32_t seed, int f, int nz) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0, 1);
    std::uniform_real_distribution<float> weight(0, 4);
    FactorMatrix y(3 * nz, f);
    for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] = normal(rng) / std::sqrt(static_cast<float>(f));
    RowProblem p;
    p.gram = (y.transpose() * y).eval();
    p.gram.diagonal().array() += 0.5f;  // regularization
    p.gathered = y.topRows(nz);
    for (int i = 0; i < nz; ++i) p.confidence.push_back(1.0f + 2.0f * weight(rng));
    p.a = p.gram.cast<double>();
    p.b = Eigen::VectorXd::Zero(f);
    for (int i = 0; i < nz; ++i) {
        Eigen::VectorXd yi = p.gathered.row(i).transpose().cast<double>();
        p.a += (p.confidence[i] - 1.0) * yi * yi.transpose();
        p.b += p.confidence[i] * yi;
    }
    return p;
}

Eigen::VectorXf solve(const RowProblem& p, int cg_steps, Eigen::VectorXf x) {
    solve_implicit_row(p.gram, p.gathered, p.confidence.data(), cg_steps, x.data());
    return x;
}

double residual(const RowProblem& p, const Eigen::VectorXf& x) { return (p.b - p.a * x.cast<double>()).norm(); }

TEST(AlsRowSolver, CholeskyMatchesClosedForm) {
    for (std::uint32_t seed : {1u, 2u, 3u}) {
        RowProblem p = random_row_problem(seed, 8, 20);
        Eigen::VectorXd exact = p.a.ldlt().solve(p.b);
        Eigen::VectorXf x = solve(p, 0, Eigen::VectorXf::Random(8));
        EXPECT_LT((x.cast<double>() - exact).norm(), 1e-4 * exact.norm()) << "seed " << seed;
    }
}

TEST(AlsRowSolver, ManyCgStepsMatchCholesky) {
    for (std::uint32_t seed : {4u, 5u, 6u}) {
        RowProblem p = random_row_problem(seed, 8, 20);
        Eigen::VectorXf chol = solve(p, 0, Eigen::VectorXf::Zero(8));
        Eigen::VectorXf cg = solve(p, 50, Eigen::VectorXf::Zero(8));
        EXPECT_LT((cg - chol).cwiseAbs().maxCoeff(), 1e-4) << "seed " << seed;
        Eigen::VectorXf warm = solve(p, 50, Eigen::VectorXf::Constant(8, 0.3f));
        EXPECT_LT((warm - chol).cwiseAbs().maxCoeff(), 1e-4) << "seed " << seed;
    }
}

TEST(AlsRowSolver, ThreeCgStepsReduceTheResidual) {
    for (std::uint32_t seed : {7u, 8u, 9u}) {
        RowProblem p = random_row_problem(seed, 16, 30);
        Eigen::VectorXf start = Eigen::VectorXf::Zero(16);
        Eigen::VectorXf one = solve(p, 1, start);
        Eigen::VectorXf three = solve(p, 3, start);
        double r0 = residual(p, start), r3 = residual(p, three);
        EXPECT_LT(r3, 0.5 * r0) << "seed " << seed;
        // CG minimises the A-norm of the error: 3 steps beat 1.
        Eigen::VectorXd exact = p.a.ldlt().solve(p.b);
        auto energy = [&](const Eigen::VectorXf& x) {
            Eigen::VectorXd e = x.cast<double>() - exact;
            return e.dot(p.a * e);
        };
        EXPECT_LT(energy(three), energy(one)) << "seed " << seed;
        EXPECT_LT(energy(one), energy(start)) << "seed " << seed;
    }
}

TEST(AlsRowSolver, ExactStartStaysPut) {
    RowProblem p = random_row_problem(10, 6, 12);
    Eigen::VectorXf exact = p.a.ldlt().solve(p.b).cast<float>();
    Eigen::VectorXf x = solve(p, 3, exact);
    EXPECT_LT((x - exact).cwiseAbs().maxCoeff(), 1e-4);
}

// ---------------------------------------------------------------- (c) determinism

Rows small_rows() {
    Rows r;
    std::mt19937 rng(77);
    for (int k = 0; k < 3000; ++k)
        r.add(static_cast<std::int64_t>(rng() % 400), static_cast<std::int64_t>(rng() % 150), 1.0f + rng() % 4);
    return r;
}

Options small_options(std::uint64_t seed) {
    return als_options({num("factors", 6), num("iterations", 4), num("seed", static_cast<double>(seed))});
}

// The same model and summary, except for the run's seconds and threads.
void expect_identical(const AlsModel& a, const AlsModel& b) {
    EXPECT_EQ(a.user_ids, b.user_ids);
    EXPECT_EQ(a.item_ids, b.item_ids);
    EXPECT_TRUE(a.user_factors == b.user_factors) << "user factors differ";
    EXPECT_TRUE(a.item_factors == b.item_factors) << "item factors differ";
    expect_same_summary(a.summary, b.summary, false);
}

TEST(AlsDeterminism, SameInputSameModel) {
    Rows r = small_rows();
    expect_identical(train(r, small_options(3)), train(r, small_options(3)));
}

TEST(AlsDeterminism, ThreadCountDoesNotChangeTheModel) {
    Rows r = small_rows();
    AlsModel one = train(r, small_options(3), 1);
    expect_identical(one, train(r, small_options(3), 2));
    expect_identical(one, train(r, small_options(3), 3));
}

TEST(AlsDeterminism, RowOrderDoesNotChangeTheModel) {
    Rows r = small_rows();
    expect_identical(train(r, small_options(3)), train(r.shuffled(8), small_options(3), 2));
}

// 20,000 users and 20,000 items with 150,000 random interactions: each half
// has dozens of solve chunks (256 rows) and each Gram sum three blocks (8192
// rows), so 1, 2 and 3 threads really share the work out differently. Few
// factors and iterations keep it quick under the sanitizers.
Rows split_rows() {
    Rows r;
    std::mt19937 rng(2024);
    for (int k = 0; k < 150000; ++k) {
        const auto user = static_cast<std::int64_t>(rng() % 20000);
        const auto item = static_cast<std::int64_t>(rng() % 20000);
        r.add(user, item, 1.0f + static_cast<float>(rng() % 5));
    }
    return r;
}

TEST(AlsDeterminism, ThreadCountDoesNotChangeAModelSplitIntoChunksAndBlocks) {
    const Rows r = split_rows();
    const Options o = als_options({num("factors", 4), num("iterations", 2), num("alpha", 3), num("seed", 11)});
    const AlsModel one = train(r, o, 1);
    // The run did split: otherwise the comparison below proves nothing.
    EXPECT_GT(one.summary.user_chunks, 1u);
    EXPECT_GT(one.summary.item_chunks, 1u);
    EXPECT_GT(one.summary.user_gram_blocks, 1u);
    EXPECT_GT(one.summary.item_gram_blocks, 1u);
    EXPECT_EQ(one.summary.eigensolver_fallbacks, 0u);
    for (int threads : {2, 3}) {
        SCOPED_TRACE(testing::Message() << threads << " threads");
        const AlsModel many = train(r, o, threads);
        EXPECT_EQ(many.summary.threads, threads);
        expect_identical(one, many);
    }
}

// Trains on `users` x `items` random interactions with and without the
// change of basis of als_gram.h; the factors, rotated back, and the losses
// must be those of the unrotated solves, up to rounding. Three CG steps
// carry a rounding difference of 1e-7 in their inputs to about 1e-4 in the
// solutions (measured: up to 7e-4 in the factors, 7e-5 in the losses); a
// wrong rotation would differ by 1.
void expect_rotated_training_matches_plain(int users, int items) {
    Rows r;
    std::mt19937 rng(static_cast<std::uint32_t>(users + items));
    for (int k = 0; k < 20 * users; ++k) r.add(rng() % users, rng() % items, 1.0f + static_cast<float>(rng() % 3));
    const Options options = als_options({num("factors", 4), num("iterations", 6), num("alpha", 5)});
    MemoryBudget unlimited;
    StopToken never;
    TrainContext rotating{2, &unlimited, &never, nullptr}, plain = rotating;
    plain.diagonal_gram = false;
    TrainingSummary summary;
    const AlsModel got = train_als(r.users.data(), r.items.data(), r.weights.data(), r.size(), options, summary, rotating);
    const AlsModel want = train_als(r.users.data(), r.items.data(), r.weights.data(), r.size(), options, summary, plain);
    EXPECT_FALSE(got.user_factors == want.user_factors) << "the rotated solves did not run";
    EXPECT_LE((got.user_factors - want.user_factors).norm(), 3e-3f * want.user_factors.norm());
    EXPECT_LE((got.item_factors - want.item_factors).norm(), 3e-3f * want.item_factors.norm());
    ASSERT_EQ(got.summary.loss.size(), want.summary.loss.size());
    for (std::size_t i = 0; i < want.summary.loss.size(); ++i)
        EXPECT_NEAR(got.summary.loss[i], want.summary.loss[i], 5e-4 * want.summary.loss[i]) << "iteration " << i + 1;
}

TEST(AlsDeterminism, SolvingInTheGramEigenbasisGivesTheSameModel) {
    // diagonalizing_pays (3 solved rows > fixed rows + 128 f, f = 4):
    // 1000 x 1000 rotates both halves, 3000 x 200 the users' only.
    expect_rotated_training_matches_plain(1000, 1000);
    expect_rotated_training_matches_plain(3000, 200);
}

TEST(AlsDeterminism, OtherSeedOtherModel) {
    Rows r = small_rows();
    AlsModel a = train(r, small_options(3)), b = train(r, small_options(4));
    EXPECT_FALSE(a.user_factors == b.user_factors);
    EXPECT_FALSE(a.item_factors == b.item_factors);
}

// ---------------------------------------------------------------- (d) explicit

TEST(AlsExplicit, FitsAPlantedRatingMatrix) {
    const int users = 60, items = 40, rank = 3;
    std::mt19937 rng(5);
    Eigen::MatrixXd ratings = low_rank_matrix(rng, users, items, rank);

    Rows r;
    std::vector<std::pair<int, int>> held_out;
    std::uniform_real_distribution<double> unit(0, 1);
    for (int a = 0; a < users; ++a)
        for (int i = 0; i < items; ++i) {
            if (unit(rng) < 0.6)
                r.add(a, i, static_cast<float>(ratings(a, i)));
            else
                held_out.push_back({a, i});
        }
    double spread = std::sqrt(ratings.squaredNorm() / static_cast<double>(ratings.size()));

    AlsModel m = train(r, als_options({num("factors", rank), num("iterations", 30), num("l2", 0.01),
                                       flag("explicit", true), num("seed", 2)}));
    ASSERT_TRUE(m.params.explicit_feedback);
    auto predict = [&](int a, int i) {
        auto ua = index_of(m.user_ids, a), ii = index_of(m.item_ids, i);
        return static_cast<double>(m.user_factors.row(ua).dot(m.item_factors.row(ii)));
    };
    double train_se = 0, test_se = 0;
    for (std::size_t k = 0; k < r.size(); ++k) {
        double e = predict(static_cast<int>(r.users[k]), static_cast<int>(r.items[k])) - r.weights[k];
        train_se += e * e;
    }
    for (auto& h : held_out) {
        double e = predict(h.first, h.second) - ratings(h.first, h.second);
        test_se += e * e;
    }
    double train_rmse = std::sqrt(train_se / static_cast<double>(r.size()));
    double test_rmse = std::sqrt(test_se / static_cast<double>(held_out.size()));
    std::printf("explicit: rating spread %.3f, train RMSE %.4f, held-out RMSE %.4f\n", spread, train_rmse, test_rmse);
    EXPECT_LT(train_rmse, 0.05 * spread);
    EXPECT_LT(test_rmse, 0.1 * spread);  // rank 3 from 60% of the entries: recovered, not memorised
}

// ---------------------------------------------------------------- (e) loss

void expect_non_increasing(const std::vector<double>& loss, const char* what) {
    for (std::size_t i = 1; i < loss.size(); ++i)
        EXPECT_LE(loss[i], loss[i - 1] * (1 + 1e-4) + 1e-9) << what << ": iteration " << i + 1;
}

TEST(AlsLoss, ImplicitLossDecreases) {
    for (int cg : {0, 3}) {
        Options o = als_options({num("factors", 8), num("iterations", 10), num("l2", 0.1),
                                 num("alpha", 5), num("cg_steps", cg), num("seed", 9)});
        AlsModel m = train(planted().train, o, 2);
        ASSERT_EQ(m.summary.loss.size(), 10u);
        for (double l : m.summary.loss) EXPECT_TRUE(std::isfinite(l) && l >= 0) << l;
        expect_non_increasing(m.summary.loss, cg == 0 ? "cholesky" : "cg 3");
        EXPECT_LT(m.summary.loss.back(), m.summary.loss.front());
    }
}

TEST(AlsLoss, ExplicitLossDecreases) {
    Rows r = small_rows();
    AlsModel m = train(r, als_options({num("factors", 4), num("iterations", 8), num("l2", 0.1),
                                       flag("explicit", true)}));
    ASSERT_EQ(m.summary.loss.size(), 8u);
    expect_non_increasing(m.summary.loss, "explicit");
}

TEST(AlsLoss, ProgressReportsEveryIteration) {
    std::vector<int> iterations;
    std::vector<double> losses;
    AlsModel m = train(small_rows(), small_options(1), 2, nullptr, nullptr, [&](int it, double loss, double seconds) {
        iterations.push_back(it);
        losses.push_back(loss);
        EXPECT_GE(seconds, 0);
    });
    EXPECT_EQ(iterations, (std::vector<int>{1, 2, 3, 4}));
    EXPECT_EQ(losses, m.summary.loss);
}

TEST(AlsTraining, SummaryIsKept) {
    Rows r = small_rows();
    MemoryBudget budget;
    StopToken stop;
    TrainContext ctx{2, &budget, &stop, nullptr};
    TrainingSummary summary;
    summary.rows = r.size() + 5;
    summary.skipped_rows = 5;
    AlsModel m = train_als(r.users.data(), r.items.data(), r.weights.data(), r.size(), small_options(1), summary, ctx);
    EXPECT_EQ(m.summary.rows, r.size() + 5);
    EXPECT_EQ(m.summary.skipped_rows, 5u);
    EXPECT_EQ(m.summary.threads, 2);
    EXPECT_EQ(m.summary.loss.size(), 4u);
    EXPECT_GE(m.summary.seconds, 0);
    // 400 users make two chunks of at most 256 rows, 150 items one; each
    // Gram sum has one block of at most 8192 rows.
    EXPECT_EQ(m.summary.user_chunks, 2u);
    EXPECT_EQ(m.summary.item_chunks, 1u);
    EXPECT_EQ(m.summary.user_gram_blocks, 1u);
    EXPECT_EQ(m.summary.item_gram_blocks, 1u);
    EXPECT_EQ(m.summary.eigensolver_fallbacks, 0u);
}

TEST(AlsTraining, ExplicitTrainingHasNoGramBlocks) {
    AlsModel m = train(small_rows(), als_options({num("factors", 3), num("iterations", 2), flag("explicit", true)}));
    EXPECT_EQ(m.summary.user_chunks, 2u);
    EXPECT_EQ(m.summary.item_chunks, 1u);
    EXPECT_EQ(m.summary.user_gram_blocks, 0u);
    EXPECT_EQ(m.summary.item_gram_blocks, 0u);
}

// ---------------------------------------------------------------- Gram form

FactorMatrix random_factors(std::uint32_t seed, int rows, int f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0, 1);
    FactorMatrix y(rows, f);
    for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] = normal(rng);
    return y;
}

TEST(AlsGramForm, DiagonalizesFiniteFactors) {
    FactorMatrix y = random_factors(1, 50, 4);
    Eigen::MatrixXd basis = Eigen::MatrixXd::Identity(4, 4);
    StopToken stop;
    GramForm form = gram_form(y, 0.1, true, basis, 2, stop);
    EXPECT_TRUE(form.rotated());
    EXPECT_FALSE(form.fell_back);
    EXPECT_EQ(form.blocks, 1u);
    EXPECT_FALSE(basis.isIdentity());
}

TEST(AlsGramForm, NonFiniteFactorsFallBackToTheFullMatrixAndSaySo) {
    for (float bad : {NAN, INFINITY}) {
        FactorMatrix y = random_factors(2, 50, 4);
        y(17, 2) = bad;
        const FactorMatrix before = y;
        Eigen::MatrixXd basis = Eigen::MatrixXd::Identity(4, 4);
        StopToken stop;
        GramForm form = gram_form(y, 0.1, true, basis, 2, stop);
        EXPECT_TRUE(form.fell_back) << bad;
        EXPECT_FALSE(form.rotated()) << bad;
        EXPECT_EQ(form.full.rows(), 4) << bad;
        EXPECT_TRUE(basis.isIdentity()) << "the basis moved without a rotation (" << bad << ")";
        FactorMatrix finite_part = y, finite_before = before;
        finite_part(17, 2) = finite_before(17, 2) = 0;
        EXPECT_TRUE(finite_part == finite_before) << "the factors were rotated (" << bad << ")";
    }
}

TEST(AlsGramForm, NotDiagonalizingIsNoFallback) {
    FactorMatrix y = random_factors(3, 50, 4);
    y(0, 0) = NAN;
    Eigen::MatrixXd basis = Eigen::MatrixXd::Identity(4, 4);
    StopToken stop;
    GramForm form = gram_form(y, 0.1, false, basis, 1, stop);
    EXPECT_FALSE(form.fell_back);
    EXPECT_FALSE(form.rotated());
}

// The Gram sum in double, bit for bit, whatever the thread count. The
// training test above cannot see a change in the order of its block sums:
// float partial sums of similar size add up exactly in double, so any order
// gives the same matrix (tried: reversing the blocks leaves every factor and
// loss the same). Here each block of 8192 rows has its own scale, from 1e-8
// to 1e8, so that the double sums round and their order shows.
TEST(AlsGramForm, GramSumDoesNotDependOnTheThreadCount) {
    FactorMatrix y = random_factors(4, 5 * 8192 + 100, 8);
    const float scales[] = {1e8f, 1e-8f, 1.0f, 1e-4f, 1e4f, 1e-8f};
    for (Eigen::Index r = 0; r < y.rows(); ++r) y.row(r) *= scales[r / 8192];
    ASSERT_EQ(gram_blocks(static_cast<std::size_t>(y.rows())), 6u);
    StopToken stop;
    const Eigen::MatrixXd one = gram(y, 0.5, 1, stop);
    for (int threads : {2, 3, 4}) EXPECT_TRUE(gram(y, 0.5, threads, stop) == one) << threads << " threads";
}

TEST(AlsGramForm, BlocksOf8192Rows) {
    EXPECT_EQ(gram_blocks(0), 0u);
    EXPECT_EQ(gram_blocks(1), 1u);
    EXPECT_EQ(gram_blocks(8192), 1u);
    EXPECT_EQ(gram_blocks(8193), 2u);
    EXPECT_EQ(gram_blocks(20000), 3u);
}

TEST(AlsTraining, OneUserOneItem) {
    Rows r;
    r.add(1, 2, 1.0f);
    AlsModel m = train(r, als_options({num("factors", 3), num("iterations", 3)}));
    ASSERT_EQ(m.users(), 1u);
    ASSERT_EQ(m.items(), 1u);
    EXPECT_TRUE(m.user_factors.allFinite());
    EXPECT_TRUE(m.item_factors.allFinite());
    EXPECT_GT(m.user_factors.row(0).dot(m.item_factors.row(0)), 0.0f);
}

TEST(AlsTraining, CancelStopsTraining) {
    int reported = 0;
    StopToken stop([&] { return reported >= 2; });
    Options o = als_options({num("factors", 4), num("iterations", 200)});
    EXPECT_THROW(train(small_rows(), o, 2, nullptr, &stop, [&](int, double, double) { ++reported; }), Cancelled);
    EXPECT_GE(reported, 2);
    EXPECT_LE(reported, 3);
}

// ---------------------------------------------------------------- (f) serving

TEST(AlsServe, ScoresAreDotProductsBestFirst) {
    const AlsModel& m = planted_model();
    AlsModel::Query q = query(20, false);
    auto ranked = m.recommend(user_id(17), q);
    ASSERT_EQ(ranked.size(), 20u);
    auto u = index_of(m.user_ids, user_id(17));
    // Compare with a full sort of every item's score.
    std::vector<std::pair<float, int>> all;
    for (int i = 0; i < static_cast<int>(m.items()); ++i) all.push_back({m.user_factors.row(u).dot(m.item_factors.row(i)), i});
    std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    for (std::size_t r = 0; r < ranked.size(); ++r) {
        EXPECT_NEAR(ranked[r].score, all[r].first, 1e-4);
        if (r > 0) {
            EXPECT_GE(ranked[r - 1].score, ranked[r].score);
        }
    }
    EXPECT_EQ(ranked[0].index, all[0].second);
}

TEST(AlsServe, ExcludeSeenRemovesTrainingItems) {
    const AlsModel& m = planted_model();
    int users_with_seen_on_top = 0;
    for (int a = 0; a < 50; ++a) {
        auto u = static_cast<std::size_t>(index_of(m.user_ids, user_id(a)));
        std::set<std::int64_t> seen = seen_ids(m, u);
        AlsModel::Query q = query(10);
        for (auto id : ids_of(m, m.recommend(user_id(a), q))) EXPECT_EQ(seen.count(id), 0u) << "user " << a;
        q.exclude_seen = false;
        auto all = ids_of(m, m.recommend(user_id(a), q));
        users_with_seen_on_top += std::any_of(all.begin(), all.end(), [&](auto id) { return seen.count(id) > 0; });
    }
    // Without the filter, a fitted model puts known items on top: the filter did something.
    EXPECT_GT(users_with_seen_on_top, 40);
}

TEST(AlsServe, CandidatesRestrictTheRanking) {
    const AlsModel& m = planted_model();
    AlsModel::Query full = query(m.items());
    auto everything = ids_of(m, m.recommend(user_id(3), full));

    std::vector<std::int64_t> candidates = {item_id(5), item_id(150), item_id(42), -999 /* unknown */, item_id(77),
                                            item_id(5) /* repeated */, item_id(199), item_id(0)};
    AlsModel::Query q = query(4);
    q.candidates = &candidates;
    auto got = ids_of(m, m.recommend(user_id(3), q));

    std::vector<std::int64_t> expected;
    for (auto id : everything)
        if (expected.size() < 4 && std::find(candidates.begin(), candidates.end(), id) != candidates.end())
            expected.push_back(id);
    EXPECT_EQ(got, expected);
}

TEST(AlsServe, ExcludeRemovesItems) {
    const AlsModel& m = planted_model();
    AlsModel::Query q = query(13);
    auto top13 = ids_of(m, m.recommend(user_id(9), q));
    ASSERT_EQ(top13.size(), 13u);
    std::vector<std::int64_t> exclude = {top13[0], top13[4], top13[7], 123456789 /* unknown */};
    q.k = 10;
    q.exclude = &exclude;
    auto got = ids_of(m, m.recommend(user_id(9), q));
    std::vector<std::int64_t> expected;
    for (auto id : top13)
        if (std::find(exclude.begin(), exclude.end(), id) == exclude.end()) expected.push_back(id);
    EXPECT_EQ(got, expected);
}

std::vector<std::int32_t> popularity_ranking(const AlsModel& m) {
    std::vector<std::int32_t> order(m.items());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::int32_t a, std::int32_t b) { return m.item_popularity[a] > m.item_popularity[b]; });
    return order;
}

TEST(AlsServe, UnknownUserGetsPopularItems) {
    const AlsModel& m = planted_model();
    // item_popularity counts the users who interacted with each item
    std::vector<float> users_per_item(m.items(), 0);
    for (auto i : m.seen_items) users_per_item[i] += 1;
    EXPECT_EQ(m.item_popularity, users_per_item);

    AlsModel::Query q = query(15);
    auto got = m.recommend(-12345, q);
    auto order = popularity_ranking(m);
    ASSERT_EQ(got.size(), 15u);
    for (std::size_t r = 0; r < got.size(); ++r) EXPECT_EQ(got[r].index, order[r]) << "rank " << r;

    std::vector<std::int64_t> exclude = {m.item_ids[order[0]]};
    q.exclude = &exclude;
    got = m.recommend(-12345, q);
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got[0].index, order[1]);
}

TEST(AlsServe, KLargerThanTheCatalogueReturnsTheCatalogue) {
    const AlsModel& m = planted_model();
    AlsModel::Query q = query(100000, false);
    auto all = m.recommend(user_id(1), q);
    EXPECT_EQ(all.size(), m.items());
    std::set<std::int32_t> distinct;
    for (auto& s : all) distinct.insert(s.index);
    EXPECT_EQ(distinct.size(), m.items());

    q.exclude_seen = true;
    auto u = static_cast<std::size_t>(index_of(m.user_ids, user_id(1)));
    EXPECT_EQ(m.recommend(user_id(1), q).size(), m.items() - seen_ids(m, u).size());
    EXPECT_EQ(m.recommend(-1, q).size(), m.items());
}

TEST(AlsServe, RecommendForItemsFromAUsersHistoryMatchesRecommend) {
    const AlsModel& m = planted_model();
    const Rows& r = planted().train;
    double overlap = 0;
    const int users = 40;
    for (int a = 0; a < users; ++a) {
        std::vector<std::int64_t> items;
        std::vector<double> weights;
        for (std::size_t k = 0; k < r.size(); ++k)
            if (r.users[k] == user_id(a)) {
                items.push_back(r.items[k]);
                weights.push_back(r.weights[k]);
            }
        AlsModel::Query q = query(10);
        auto direct = ids_of(m, m.recommend(user_id(a), q));
        auto folded = ids_of(m, m.recommend_for_items(items, weights, q));
        // exclude_seen applies to the given items
        for (auto id : folded) EXPECT_EQ(std::count(items.begin(), items.end(), id), 0);
        std::set<std::int64_t> d(direct.begin(), direct.end());
        for (auto id : folded) overlap += d.count(id);
    }
    overlap /= users * 10.0;
    std::printf("recommend_for_items vs recommend: top-10 overlap %.3f\n", overlap);
    EXPECT_GT(overlap, 0.9);
}

TEST(AlsServe, RecommendForItemsWithoutKnownItemsIsPopularity) {
    const AlsModel& m = planted_model();
    AlsModel::Query q = query(5);
    auto got = m.recommend_for_items({-1, -2}, {}, q);
    auto order = popularity_ranking(m);
    ASSERT_EQ(got.size(), 5u);
    for (std::size_t r = 0; r < got.size(); ++r) EXPECT_EQ(got[r].index, order[r]);
}

TEST(AlsServe, SimilarItemsAreSortedByCosineWithoutTheItem) {
    const AlsModel& m = planted_model();
    for (int item : {0, 57, 199}) {
        auto i = index_of(m.item_ids, item_id(item));
        auto got = m.similar_items(item_id(item), 10);
        ASSERT_EQ(got.size(), 10u);
        std::vector<std::pair<float, int>> all;
        Eigen::VectorXf y = m.item_factors.row(i);
        for (int j = 0; j < static_cast<int>(m.items()); ++j) {
            if (j == i) continue;
            Eigen::VectorXf z = m.item_factors.row(j);
            all.push_back({y.dot(z) / (y.norm() * z.norm()), j});
        }
        std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.first > b.first; });
        for (std::size_t r = 0; r < got.size(); ++r) {
            EXPECT_NE(got[r].index, i);
            EXPECT_NEAR(got[r].score, all[r].first, 1e-4) << "rank " << r;
            EXPECT_LE(got[r].score, 1.0f + 1e-5f);
            if (r > 0) {
                EXPECT_GE(got[r - 1].score, got[r].score);
            }
        }
    }
    EXPECT_EQ(m.similar_items(item_id(3), 100000).size(), m.items() - 1);
    EXPECT_TRUE(m.similar_items(-77, 5).empty());
}

TEST(AlsServe, BatchRecommendationsMatchSingleOnes) {
    const AlsModel& m = planted_model();
    for (int threads : {1, 2}) {
        for (bool exclude_seen : {true, false}) {
            SCOPED_TRACE(testing::Message() << "threads=" << threads << " exclude_seen=" << exclude_seen);
            std::vector<Scored> out;
            std::vector<std::size_t> counts;
            StopToken stop;
            m.recommend_users(10, 290, 7, exclude_seen, threads, stop, out, counts);
            ASSERT_EQ(counts.size(), 280u);
            std::size_t at = 0;
            for (std::size_t u = 10; u < 290; ++u) {
                AlsModel::Query q = query(7, exclude_seen);
                auto single = m.recommend(m.user_ids[u], q);
                ASSERT_EQ(counts[u - 10], single.size());
                ASSERT_LE(at + single.size(), out.size());
                for (std::size_t r = 0; r < single.size(); ++r, ++at) {
                    EXPECT_EQ(out[at].index, single[r].index) << "user " << u << " rank " << r;
                    EXPECT_NEAR(out[at].score, single[r].score, 1e-4);
                }
            }
            EXPECT_EQ(at, out.size());
        }
    }
}

TEST(AlsServe, BatchRecommendationsStopWhenCancelled) {
    const AlsModel& m = planted_model();
    StopToken stop([] { return true; });
    stop.poll();
    std::vector<Scored> out;
    std::vector<std::size_t> counts;
    EXPECT_THROW(m.recommend_users(0, m.users(), 10, true, 2, stop, out, counts), Cancelled);
}

// ---------------------------------------------------------------- (g) serialization

TEST(AlsSerialize, RoundTripIsExact) {
    const AlsModel& m = planted_model();
    std::vector<unsigned char> bytes = to_bytes(m);
    AlsModel back = AlsModel::deserialize(bytes.data(), bytes.size());
    expect_identical(m, back);
    expect_same_model(back, m);
    EXPECT_EQ(back.metadata_json(), m.metadata_json());

    EXPECT_EQ(to_bytes(back), bytes);

    AlsModel::Query q;
    EXPECT_EQ(ids_of(back, back.recommend(user_id(5), q)), ids_of(m, m.recommend(user_id(5), q)));
    EXPECT_GE(m.memory_bytes(), static_cast<std::size_t>(m.user_factors.size() + m.item_factors.size()) * 4);
}

// ---------------------------------------------------------------- (h) memory budget

TEST(AlsMemory, TinyBudgetIsOutOfMemory) {
    // 16000 bytes: less than the factor matrices alone (500 rows x 8 floats).
    for (std::size_t limit : {std::size_t(1024), std::size_t(16000)}) {
        MemoryBudget budget(limit, "raise recsys.max_memory");
        try {
            train(planted().train, planted_options(), 1, &budget);
            FAIL() << "trained within " << limit << " bytes";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::OutOfMemory) << e.what();
            EXPECT_EQ(e.hint(), "raise recsys.max_memory");
        }
    }
}

TEST(AlsMemory, LargeBudgetIsEnough) {
    MemoryBudget budget(std::size_t(256) << 20);
    AlsModel m = train(small_rows(), small_options(1), 1, &budget);
    EXPECT_GT(m.users(), 0u);
}

// ---------------------------------------------------------------- (i) numbers that must not go wrong

// 200 random rows of weight 1 among 20 users and 15 items, then user 5's
// weight `w` for item 77.
Rows rows_with_one_large_weight(float w) {
    Rows r;
    std::mt19937 rng(1);
    for (int k = 0; k < 200; ++k) {
        const auto user = static_cast<std::int64_t>(rng() % 20);
        const auto item = static_cast<std::int64_t>(rng() % 15);
        r.add(user, item, 1.0f);
    }
    r.add(5, 77, w);
    return r;
}

Error training_error(const Rows& r, const Options& o) {
    return error_from([&] { train(r, o); }, "the training finished");
}

TEST(AlsNumbers, ConfidenceOverflowingARealIsAnInvalidAlpha) {
    Rows r = rows_with_one_large_weight(3e38f);
    r.add(9, 2, 3e38f);  // as large, but after user 5 in id order
    Error e = training_error(r, als_options({num("alpha", 2)}));
    expect_error(e, ErrorKind::InvalidParameter,
                 "als_fit option \"alpha\" (2) makes the confidence 1 + alpha * weight of user 5 and item 77 overflow "
                 "a real",
                 "lower alpha or scale the weights down");
}

TEST(AlsNumbers, ConfidenceJustBelowTheLargestRealIsNoAlphaError) {
    // 1 + 1e9 * 3e29 = 3e38 < FLT_MAX: alpha is fine (whatever the solves make of it).
    try {
        train(rows_with_one_large_weight(3e29f), als_options({num("alpha", 1e9), num("iterations", 1)}));
    } catch (const Error& e) {
        EXPECT_NE(e.kind(), ErrorKind::InvalidParameter) << e.what();
    }
}

// A weight of 1e20 overflows the exact (Cholesky and LDLT) solves: a real
// divergence, first seen in item 77's factors.
TEST(AlsNumbers, DivergedImplicitTrainingNamesTheRowAndTheLargestConfidence) {
    Error e = training_error(rows_with_one_large_weight(1e20f),
                             als_options({num("factors", 4), num("alpha", 1), num("cg_steps", 0),
                                          num("l2", 0.1)}));
    expect_error(e, ErrorKind::DataException,
                 "als_fit training diverged: the factors of item 77 are not finite (the largest confidence, "
                 "1 + alpha * weight of user 5 and item 77, is 1e+20)",
                 "lower alpha, scale the weights down, or raise l2");
}

TEST(AlsNumbers, DivergedExplicitTrainingNamesTheRowAndTheLargestWeight) {
    Error e = training_error(rows_with_one_large_weight(1e20f),
                             als_options({num("factors", 4), flag("explicit", true), num("l2", 0.1)}));
    expect_error(e, ErrorKind::DataException,
                 "als_fit training diverged: the factors of item 77 are not finite (the largest weight, of user 5 "
                 "and item 77, is 1e+20)",
                 "scale the weights down or raise l2");
}

TEST(AlsNumbers, ALossThatOverflowsStopsTheTraining) {
    // The factors stay finite, but the CG kernel's loss terms (float dot
    // products of x with b = sum c y) do not.
    Error e = training_error(rows_with_one_large_weight(1e15f), als_options({num("factors", 4), num("alpha", 1)}));
    EXPECT_EQ(e.kind(), ErrorKind::DataException) << e.what();
    EXPECT_TRUE(contains(e.what(), "als_fit training diverged: the loss of iteration ")) << e.what();
    EXPECT_TRUE(contains(e.what(), "1 + alpha * weight of user 5 and item 77, is 1e+15")) << e.what();
}

// No honest input leaves non-finite factors behind a finite loss (a NaN in
// any factor reaches the loss), so the end-of-training check is tested
// through the helper that finds the row it names.
TEST(AlsNumbers, FirstNonFiniteRow) {
    FactorMatrix m = FactorMatrix::Constant(5, 3, 0.5f);
    EXPECT_EQ(first_non_finite_row(m), -1);
    m(4, 0) = NAN;
    EXPECT_EQ(first_non_finite_row(m), 4);
    m(2, 2) = -INFINITY;
    EXPECT_EQ(first_non_finite_row(m), 2);
    EXPECT_EQ(first_non_finite_row(FactorMatrix(0, 3)), -1);
}

TEST(AlsNumbers, NonFiniteFactorsInAModelAreCorrupted) {
    for (bool in_users : {true, false}) {
        AlsModel m = planted_model();
        (in_users ? m.user_factors(3, 1) : m.item_factors(7, 2)) = in_users ? INFINITY : NAN;
        std::vector<unsigned char> bytes = to_bytes(m);
        Error e = error_from([&] { AlsModel::deserialize(bytes.data(), bytes.size()); }, "non-finite factors loaded");
        expect_error(e, ErrorKind::Corrupted, "model is inconsistent: non-finite factors");
    }
}

TEST(AlsNumbers, FoldingInOverflowingWeightsIsADataException) {
    const AlsModel& m = planted_model();
    const std::vector<std::vector<double>> overflowing = {{1e300}, {1e308, 1e308} /* their sum is infinite */};
    for (const auto& weights : overflowing) {
        std::vector<std::int64_t> items(weights.size(), item_id(3));
        Error e = error_from([&] { m.recommend_for_items(items, weights, query(5)); }, "NaN scores were ranked");
        expect_error(e, ErrorKind::DataException,
                     "the weights of recommend_for_items make the folded-in user vector non-finite",
                     "scale the weights down");
    }
}

}  // namespace
}  // namespace recsys
