// The vectorized ALS kernels (the instruction set this CPU dispatches to)
// against plain Eigen computations of the same formulas.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "als/als.h"
#include "als/als_kernel.h"

namespace recsys {
namespace {

struct Problem {
    int f;
    FactorMatrix y;                       // the fixed side
    Eigen::MatrixXf gram;                 // y^T y + reg I
    std::vector<std::uint64_t> offsets;   // rows of x
    std::vector<std::int32_t> columns;
    std::vector<float> weights;
    FactorMatrix x;                       // warm start
    float alpha = 3.0f;
};

// `rows` rows of x with 0, 1, ... nonzeros (row 0 has none).
Problem random_problem(std::uint32_t seed, int f, int rows) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0, 1);
    std::uniform_real_distribution<float> weight(0, 3);
    Problem p;
    p.f = f;
    p.y.resize(60, f);
    for (Eigen::Index i = 0; i < p.y.size(); ++i) p.y.data()[i] = normal(rng) / std::sqrt(static_cast<float>(f));
    p.gram = (p.y.transpose() * p.y).eval();
    p.gram.diagonal().array() += 0.3f;
    p.offsets.push_back(0);
    for (int r = 0; r < rows; ++r) {
        std::vector<std::int32_t> cols(60);
        for (int i = 0; i < 60; ++i) cols[i] = i;
        std::shuffle(cols.begin(), cols.end(), rng);
        cols.resize(static_cast<std::size_t>(std::min(r * 3, 40)));
        std::sort(cols.begin(), cols.end());
        for (auto c : cols) {
            p.columns.push_back(c);
            p.weights.push_back(weight(rng));
        }
        p.offsets.push_back(p.columns.size());
    }
    p.x.resize(rows, f);
    for (Eigen::Index i = 0; i < p.x.size(); ++i) p.x.data()[i] = 0.1f * normal(rng);
    return p;
}

// Row r by conjugate gradient written out in double precision with Eigen:
// A = gram + sum (c - 1) y y^T, b = sum c y, warm-started from p.x.
Eigen::VectorXf reference_cg(const Problem& p, int r, int cg_steps) {
    const auto b = p.offsets[r], e = p.offsets[r + 1];
    if (e == b) return Eigen::VectorXf::Zero(p.f);  // no data: the regularized solution is 0
    // The confidences summed per column first: a column repeated in a row adds its
    // outer product once (the blockbuster rows repeat 60 columns thousands of times,
    // and this file is compiled without optimization).
    Eigen::VectorXd extra = Eigen::VectorXd::Zero(p.y.rows()), confidence = Eigen::VectorXd::Zero(p.y.rows());
    for (auto k = b; k < e; ++k) {
        const double c = 1.0 + static_cast<double>(p.alpha) * p.weights[k];
        extra[p.columns[k]] += c - 1;
        confidence[p.columns[k]] += c;
    }
    const Eigen::MatrixXd y = p.y.cast<double>();
    const Eigen::MatrixXd a = p.gram.cast<double>() + y.transpose() * extra.asDiagonal() * y;
    const Eigen::VectorXd rhs = y.transpose() * confidence;
    Eigen::VectorXd x = p.x.row(r).transpose().cast<double>();
    Eigen::VectorXd res = rhs - a * x, d = res;
    double rs = res.squaredNorm();
    for (int step = 0; step < cg_steps && rs > 1e-20; ++step) {
        const Eigen::VectorXd ad = a * d;
        const double denom = d.dot(ad);
        if (!(denom > 0)) break;
        x += rs / denom * d;
        res -= rs / denom * ad;
        const double rs_new = res.squaredNorm();
        d = res + rs_new / rs * d;
        rs = rs_new;
    }
    return x.cast<float>();
}

// Row r solved by solve_implicit_row (the exact solve when cg_steps = 0).
Eigen::VectorXf reference_row(const Problem& p, int r, int cg_steps) {
    auto b = p.offsets[r], e = p.offsets[r + 1];
    FactorMatrix gathered(static_cast<Eigen::Index>(e - b), p.f);
    std::vector<float> confidence;
    for (auto k = b; k < e; ++k) {
        gathered.row(static_cast<Eigen::Index>(k - b)) = p.y.row(p.columns[k]);
        confidence.push_back(1.0f + p.alpha * p.weights[k]);
    }
    Eigen::VectorXf x = p.x.row(r).transpose();
    if (e == b) return Eigen::VectorXf::Zero(p.f);  // no data: the regularized solution is 0
    solve_implicit_row(p.gram, gathered, confidence.data(), cg_steps, x.data());
    return x;
}

double reference_loss(const Problem& p, const FactorMatrix& x) {
    double loss = 0;
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        Eigen::VectorXd xr = x.row(r).transpose().cast<double>();
        if (p.offsets[r] == p.offsets[r + 1]) continue;
        loss += xr.dot(p.gram.cast<double>() * xr);
        for (auto k = p.offsets[r]; k < p.offsets[r + 1]; ++k) {
            double c = 1.0 + static_cast<double>(p.alpha) * p.weights[k];
            double s = p.y.row(p.columns[k]).cast<double>().dot(xr.transpose());
            loss += (c - 1) * s * s - 2 * c * s + c;
        }
    }
    return loss;
}

// Runs `check` once with each instruction set this CPU has, then goes back
// to the best one.
template <class Check>
void for_each_instruction_set(Check check) {
    const std::string best = kernel::instruction_set();
    for (const char* isa : {"baseline", "avx2", "avx512"}) {
        if (!kernel::use_instruction_set(isa)) continue;
        SCOPED_TRACE(testing::Message() << "instruction set " << isa);
        check();
    }
    ASSERT_TRUE(kernel::use_instruction_set(best.c_str()));
}

// Solves rows [0, rows) of p with the kernel; checks every row against
// reference_cg and the returned loss against reference_loss.
void expect_kernel_matches_reference(const Problem& p, int rows, int steps) {
    FactorMatrix x = p.x;
    std::vector<float> scratch(kernel::cg_scratch_floats(p.f));
    kernel::CgProblem cg{p.offsets.data(), p.columns.data(), p.weights.data(), p.y.data(), p.gram.data(),
                         x.data(),         p.f,          p.alpha,          steps};
    double loss = kernel::cg_solve_rows(cg, 0, static_cast<std::size_t>(rows), scratch.data(), true);
    for (int r = 0; r < rows; ++r) {
        Eigen::VectorXf want = reference_cg(p, r, steps);
        Eigen::VectorXf got = x.row(r).transpose();
        EXPECT_LE((got - want).norm(), 1e-4f * (1 + want.norm())) << "row " << r;
    }
    EXPECT_NEAR(loss, reference_loss(p, x), 1e-4 * (1 + std::abs(loss)));
}

TEST(AlsKernel, CgRowsMatchTheReferenceSolver) {
    // Few steps: the same iterates as the double-precision reference (a long
    // CG run in float drifts apart by rounding alone, so that is checked
    // against the exact solution below instead). 12 rows: two lockstep
    // blocks; rows of 0 to 33 nonzeros: empty, partial and several groups.
    for_each_instruction_set([] {
        for (int f : {1, 3, 8, 15, 16, 17, 33, 64}) {
            for (int steps : {1, 2, 3}) {
                SCOPED_TRACE(testing::Message() << "f=" << f << " cg_steps=" << steps);
                expect_kernel_matches_reference(random_problem(static_cast<std::uint32_t>(f * 100 + steps), f, 12), 12,
                                                steps);
            }
        }
    });
}

// Eight rows, two of them blockbusters: more nonzeros than a solve gathers
// (2 MB of rows: 8192 rows of 64 floats, 16384 of 17 padded to 32), which
// take the dense path; their neighbours in the block do not.
Problem blockbuster_problem(int f) {
    Problem p = random_problem(static_cast<std::uint32_t>(f + 7), f, 8);
    std::mt19937 rng(3);
    std::uniform_int_distribution<std::int32_t> column(0, 59);
    std::uniform_real_distribution<float> weight(0, 3);
    p.offsets = {0}, p.columns.clear(), p.weights.clear();
    for (int r = 0; r < 8; ++r) {
        const int n = r == 2 ? 20000 : r == 5 ? 9000 : r;  // 9000: dense at f = 64 only
        for (int k = 0; k < n; ++k) {
            p.columns.push_back(column(rng));
            p.weights.push_back(weight(rng) / 100);  // keep A well scaled
        }
        p.offsets.push_back(p.columns.size());
    }
    return p;
}

TEST(AlsKernel, RowsTooLongToGatherAreSolvedDensely) {
    for_each_instruction_set([] {
        for (int f : {17, 64}) {
            SCOPED_TRACE(testing::Message() << "f=" << f);
            for (int steps : {1, 3}) expect_kernel_matches_reference(blockbuster_problem(f), 8, steps);
        }
    });
}

// The training's change of basis: in the eigenvectors Q of the Gram matrix
// (y becomes y Q, the Gram matrix the diagonal of eigenvalues, and the
// kernel rotates each warm start as it loads it) the kernel must give the
// reference solutions rotated, x Q, and the same loss.
void expect_rotated_solves_match_reference(const Problem& p, int rows, int steps) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(p.gram.cast<double>());
    const FactorMatrix q = eigen.eigenvectors().cast<float>();
    const Eigen::VectorXf diagonal = eigen.eigenvalues().cast<float>();
    const FactorMatrix y = p.y * q;
    FactorMatrix x = p.x;
    std::vector<float> scratch(kernel::cg_scratch_floats(p.f));
    kernel::CgProblem cg{p.offsets.data(), p.columns.data(), p.weights.data(), y.data(),        nullptr, x.data(),
                         p.f,              p.alpha,          steps,            nullptr,         diagonal.data(),
                         q.data()};
    const double loss = kernel::cg_solve_rows(cg, 0, static_cast<std::size_t>(rows), scratch.data(), true);
    FactorMatrix unrotated(rows, p.f);
    for (int r = 0; r < rows; ++r) {
        const Eigen::VectorXf reference = reference_cg(p, r, steps);
        unrotated.row(r) = reference.transpose();
        const Eigen::VectorXf want = (reference.transpose() * q).transpose();
        const Eigen::VectorXf got = x.row(r).transpose();
        EXPECT_LE((got - want).norm(), 1e-4f * (1 + want.norm())) << "row " << r;
    }
    EXPECT_NEAR(loss, reference_loss(p, unrotated), 1e-4 * (1 + std::abs(loss)));
}

TEST(AlsKernel, SolvesInTheGramEigenbasisAreTheSameSolvesRotated) {
    for_each_instruction_set([] {
        for (int f : {1, 3, 16, 17, 64})
            for (int steps : {1, 3}) {
                SCOPED_TRACE(testing::Message() << "f=" << f << " cg_steps=" << steps);
                expect_rotated_solves_match_reference(random_problem(static_cast<std::uint32_t>(f * 31 + steps), f, 12),
                                                      12, steps);
            }
        for (int f : {17, 64}) {
            SCOPED_TRACE(testing::Message() << "blockbusters, f=" << f);
            expect_rotated_solves_match_reference(blockbuster_problem(f), 8, 3);
        }
    });
}

TEST(AlsKernel, RotatedRowsMatchEigen) {
    for_each_instruction_set([] {
        for (int f : {1, 3, 16, 17, 64}) {
            SCOPED_TRACE(testing::Message() << "f=" << f);
            std::mt19937 rng(static_cast<std::uint32_t>(f));
            std::normal_distribution<float> normal(0, 1);
            FactorMatrix m(13, f), rotation(f, f);  // 13 rows: two blocks of six and one left over
            for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(rng);
            for (Eigen::Index i = 0; i < rotation.size(); ++i) rotation.data()[i] = normal(rng);
            const FactorMatrix original = m, want = m * rotation;
            kernel::rotate_rows(m.data(), 2, 13, f, rotation.data());  // rows 0 and 1 stay
            EXPECT_LE((m.bottomRows(11) - want.bottomRows(11)).norm(), 1e-5f * want.norm());
            EXPECT_TRUE(m.topRows(2) == original.topRows(2));
        }
    });
}

TEST(AlsKernel, ManyCgStepsReachTheExactSolution) {
    for_each_instruction_set([] {
    for (int f : {1, 3, 8, 17, 33, 64}) {
        SCOPED_TRACE(testing::Message() << "f=" << f);
        Problem p = random_problem(static_cast<std::uint32_t>(f), f, 12);
        FactorMatrix x = p.x;
        std::vector<float> scratch(kernel::cg_scratch_floats(f));
        kernel::CgProblem cg{p.offsets.data(), p.columns.data(), p.weights.data(), p.y.data(), p.gram.data(),
                             x.data(), f, p.alpha, 100};
        kernel::cg_solve_rows(cg, 0, 12, scratch.data(), false);
        for (int r = 0; r < 12; ++r) {
            Eigen::VectorXf exact = reference_row(p, r, 0);  // Cholesky
            Eigen::VectorXf got = x.row(r).transpose();
            EXPECT_LE((got - exact).norm(), 1e-3f * (1 + exact.norm())) << "row " << r;
        }
    }
    });
}

TEST(AlsKernel, SolvesOnlyTheGivenRows) {
    Problem p = random_problem(5, 16, 10);
    FactorMatrix x = p.x;
    std::vector<float> scratch(kernel::cg_scratch_floats(16));
    kernel::CgProblem cg{p.offsets.data(), p.columns.data(), p.weights.data(), p.y.data(), p.gram.data(),
                         x.data(), 16, p.alpha, 3};
    EXPECT_EQ(kernel::cg_solve_rows(cg, 4, 7, scratch.data(), false), 0.0);
    for (int r = 0; r < 10; ++r) {
        if (r >= 4 && r < 7) {
            EXPECT_FALSE(x.row(r) == p.x.row(r)) << "row " << r << " was not solved";
        } else {
            EXPECT_TRUE(x.row(r) == p.x.row(r)) << "row " << r << " was touched";
        }
    }
}

TEST(AlsKernel, ACancelStopsTheSolvesBeforeTheNextBlock) {
    Problem p = random_problem(6, 64, 12);
    FactorMatrix x = p.x;
    std::atomic<bool> stop{true};
    std::vector<float> scratch(kernel::cg_scratch_floats(64));
    kernel::CgProblem cg{p.offsets.data(), p.columns.data(), p.weights.data(), p.y.data(), p.gram.data(),
                         x.data(),         64,           p.alpha,          3,           &stop};
    kernel::cg_solve_rows(cg, 0, 12, scratch.data(), false);
    EXPECT_TRUE(x == p.x) << "rows were solved after the cancel";
    stop = false;
    kernel::cg_solve_rows(cg, 0, 12, scratch.data(), false);
    EXPECT_FALSE(x == p.x);
}

TEST(AlsKernel, GramLowerTriangleMatchesEigen) {
    for_each_instruction_set([] {
    std::mt19937 rng(9);
    std::normal_distribution<float> normal(0, 1);
    for (int f : {1, 5, 8, 63, 64, 65, 130}) {
        for (std::size_t rows : {std::size_t(1), std::size_t(3), std::size_t(255), std::size_t(600)}) {
            SCOPED_TRACE(testing::Message() << "f=" << f << " rows=" << rows);
            FactorMatrix y(static_cast<Eigen::Index>(rows) + 10, f);
            for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] = normal(rng);
            // Accumulates into what is there (column-major); the strict upper triangle is left alone.
            Eigen::MatrixXd out(f, f);
            out.setConstant(1.5);
            kernel::gram_lower_accumulate(y.data(), 5, 5 + rows, f, out.data());
            Eigen::MatrixXd want =
                (y.middleRows(5, static_cast<Eigen::Index>(rows)).transpose() * y.middleRows(5, static_cast<Eigen::Index>(rows)))
                    .cast<double>();
            double worst = 0;
            for (int i = 0; i < f; ++i)
                for (int j = 0; j < f; ++j) {
                    double expected = j <= i ? 1.5 + want(i, j) : 1.5;
                    worst = std::max(worst, std::abs(out(i, j) - expected) / (1 + std::abs(expected)));
                }
            EXPECT_LT(worst, 1e-4);
        }
    }
    });
}

TEST(AlsKernel, ScoresMatchEigen) {
    for_each_instruction_set([] {
        std::mt19937 rng(4);
        std::normal_distribution<float> normal(0, 1);
        for (int f : {1, 7, 16, 64, 65}) {
            FactorMatrix y(37, f);
            for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] = normal(rng);
            Eigen::VectorXf x(f);
            for (int i = 0; i < f; ++i) x[i] = normal(rng);
            std::vector<float> got(37);
            kernel::score_rows(y.data(), 37, f, x.data(), got.data());
            Eigen::VectorXf want = y * x;
            for (int i = 0; i < 37; ++i) EXPECT_NEAR(got[i], want[i], 1e-4f * (1 + std::abs(want[i]))) << "f=" << f;
        }
    });
}

TEST(AlsKernel, UnknownInstructionSetIsRefused) {
    const std::string best = kernel::instruction_set();
    EXPECT_FALSE(kernel::use_instruction_set("sse9"));
    EXPECT_EQ(best, kernel::instruction_set());
}

TEST(AlsKernel, NamesItsInstructionSet) {
    std::string isa = kernel::instruction_set();
    EXPECT_TRUE(isa == "avx512" || isa == "avx2" || isa == "baseline") << isa;
    std::printf("ALS kernels run with: %s\n", isa.c_str());
}

}  // namespace
}  // namespace recsys
