// recsys.explain's core: ALS's score decomposed over the user's training
// items through the user's solve. The contributions must sum to what ALS's
// own exact row solve scores, and with the last part (the stored factors'
// difference) to the score recommend gives; a model without its training
// weights and a kind without a decomposition refuse.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>

#include "als/als.h"
#include "base/error.h"
#include "candidates/bpr.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;

// 30 users of two tastes over 20 items, weights 1..3.
Rows two_tastes() {
    Rows r;
    for (int u = 0; u < 30; ++u)
        for (int j = 0; j < 6; ++j) r.add(1000 + u, (u < 15 ? 0 : 10) + (u * 3 + j * 7) % 10, 1.0f + (u + j) % 3);
    return r;
}

float recommended_score(const CandidateModel& m, std::int64_t user_id, std::int64_t item_id) {
    for (const Scored& s : m.recommend(user_id, query(m.items(), false)))
        if (m.item_ids[static_cast<std::size_t>(s.index)] == item_id) return s.score;
    ADD_FAILURE() << "item " << item_id << " not recommended";
    return 0;
}

// y_i . x for x the exact solve of ALS's row problem (solve_implicit_row, cg_steps 0).
double exact_solve_score(const AlsModel& m, std::size_t user, std::size_t item) {
    const int f = m.factors();
    Eigen::MatrixXf gram = m.item_factors.transpose() * m.item_factors;
    gram.diagonal().array() += static_cast<float>(m.params.l2);
    const auto [first, last] = m.seen_by(user);
    FactorMatrix gathered(last - first, f);
    std::vector<float> confidence;
    for (auto p = first; p < last; ++p) {
        gathered.row(p - first) = m.item_factors.row(*p);
        confidence.push_back(1.0f + static_cast<float>(m.params.alpha) * m.seen_weights[m.seen_offsets[user] + (p - first)]);
    }
    Eigen::VectorXf x = Eigen::VectorXf::Zero(f);
    solve_implicit_row(gram, gathered, confidence.data(), 0, x.data());
    return static_cast<double>(m.item_factors.row(static_cast<Eigen::Index>(item)).dot(x));
}

TEST(AlsExplain, ContributionsSumToTheExactSolveAndTheRestToTheScore) {
    const AlsModel m = train(two_tastes(), als_options({num("factors", 4), num("iterations", 8), num("l2", 0.5),
                                                        num("alpha", 2), num("seed", 3)}));
    for (std::size_t user : {0, 7, 20})
        for (std::size_t item : {0, 5, 12, 19}) {
            const std::vector<Scored> parts = m.explain(user, item);
            const auto [first, last] = m.seen_by(user);
            ASSERT_EQ(parts.size(), static_cast<std::size_t>(last - first) + 1);
            EXPECT_EQ(parts.back().index, -1) << "the rest comes last";
            double watched = 0;
            for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
                EXPECT_TRUE(std::binary_search(first, last, parts[k].index)) << "a training item of the user";
                if (k > 0) EXPECT_GE(parts[k - 1].score, parts[k].score) << "largest first";
                watched += parts[k].score;
            }
            EXPECT_NEAR(watched, exact_solve_score(m, user, item), 1e-4);
            EXPECT_NEAR(watched + parts.back().score, recommended_score(m, m.user_ids[user], m.item_ids[item]), 1e-5);
        }
}

TEST(AlsExplain, ExplicitRatingsDecomposeTheirSolve) {
    const AlsModel m = train(two_tastes(), als_options({num("factors", 3), num("iterations", 6), num("l2", 0.3),
                                                        flag("explicit", true)}));
    const std::size_t user = 4, item = 2;
    const int f = m.factors();
    // x = (sum_j y_j y_j^T + l2 I)^-1 sum_j r_j y_j
    Eigen::MatrixXd w = Eigen::MatrixXd::Identity(f, f) * m.params.l2;
    Eigen::VectorXd b = Eigen::VectorXd::Zero(f);
    const auto [first, last] = m.seen_by(user);
    for (auto p = first; p < last; ++p) {
        const Eigen::VectorXd y = m.item_factors.row(*p).cast<double>().transpose();
        w += y * y.transpose();
        b += m.seen_weights[m.seen_offsets[user] + (p - first)] * y;
    }
    const double exact = m.item_factors.row(item).cast<double>().dot(w.ldlt().solve(b));
    const std::vector<Scored> parts = m.explain(user, item);
    double watched = 0;
    for (std::size_t k = 0; k + 1 < parts.size(); ++k) watched += parts[k].score;
    EXPECT_NEAR(watched, exact, 1e-4);
    EXPECT_NEAR(watched + parts.back().score, recommended_score(m, m.user_ids[user], m.item_ids[item]), 1e-5);
}

TEST(AlsExplain, NeedsTheTrainingWeights) {
    AlsModel m = train(two_tastes(), als_options({num("factors", 2), num("iterations", 2)}));
    m.seen_weights.clear();  // as a model of payload version 3 reads
    try {
        m.explain(0, 0);
        FAIL() << "expected a refusal";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
        EXPECT_NE(std::string(e.what()).find("training weights"), std::string::npos) << e.what();
    }
}

TEST(AlsExplain, AKindWithoutADecompositionRefuses) {
    const Rows r = two_tastes();
    TrainContext ctx;
    const BprModel m = train_bpr(r.users.data(), r.items.data(), r.weights.data(), r.size(),
                                 parse_options(R"({"factors": 2, "epochs": 2})", bpr_option_schema()), {}, ctx);
    try {
        m.explain(0, 0);
        FAIL() << "expected a refusal";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
        EXPECT_NE(std::string(e.what()).find("bpr"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace recsys
