// The Gram matrices of ALS training and the change of basis into their
// eigenvectors (als_gram.h).
#include "../base/decompositions.h"
#include "als_gram.h"

#include <algorithm>
#include <vector>
// GCC 12 sees a false "may be used uninitialized" in Eigen's eigensolver
// (this file only: the Makefile and CMakeLists.txt turn that warning off here).

#include "als_kernel.h"
#include "../base/parallel.h"

namespace recsys {

namespace {

// Rows per block of the Gram matrix sum. Fixed (not derived from the thread
// count) so that the floating-point sum, and so the model, does not depend
// on how many threads ran.
constexpr std::size_t kGramBlock = 8192;

}  // namespace

std::size_t gram_blocks(std::size_t rows) { return (rows + kGramBlock - 1) / kGramBlock; }

Eigen::MatrixXd gram(const FactorMatrix& y, double reg, int threads, StopToken& stop) {
    std::size_t rows = static_cast<std::size_t>(y.rows());
    int f = static_cast<int>(y.cols());
    std::size_t blocks = gram_blocks(rows);
    std::vector<Eigen::MatrixXd> partial(blocks);
    parallel_for(blocks, 1, threads, stop, [&](std::size_t b, std::size_t e, int) {
        for (std::size_t blk = b; blk < e; ++blk) {
            partial[blk] = Eigen::MatrixXd::Zero(f, f);
            kernel::gram_lower_accumulate(y.data(), blk * kGramBlock, std::min(rows, (blk + 1) * kGramBlock), f,
                                          partial[blk].data());
        }
    });
    Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(f, f);
    for (auto& p : partial) sum += p;
    sum.triangularView<Eigen::StrictlyUpper>() = sum.transpose();
    sum.diagonal().array() += reg;
    return sum;
}

void rotate(FactorMatrix& m, const FactorMatrix& rotation, int threads, StopToken& stop) {
    const int f = static_cast<int>(m.cols());
    parallel_for(static_cast<std::size_t>(m.rows()), 4096, threads, stop, [&](std::size_t b, std::size_t e, int) {
        kernel::rotate_rows(m.data(), b, e, f, rotation.data());
    });
}

bool diagonalizing_pays(std::size_t solved_rows, std::size_t fixed_rows, int f) {
    // Decomposing G (0.32 ms at f = 64, growing as f^3) costs about as much
    // as 128 f rows' products with G (43 ns a row at f = 64, as f^2).
    return 3 * solved_rows > fixed_rows + 128 * static_cast<std::size_t>(f);
}

GramForm gram_form(FactorMatrix& y, double reg, bool diagonalize, Eigen::MatrixXd& basis, int threads,
                   StopToken& stop) {
    GramForm form;
    form.blocks = gram_blocks(static_cast<std::size_t>(y.rows()));
    Eigen::MatrixXd g = gram(y, reg, threads, stop);
    SymmetricEigen eigen;
    if (diagonalize) eigen = symmetric_eigen(g);
    // No convergence happens only with non-finite factors: the training's
    // divergence check then stops it, and the summary counts the fallback.
    form.fell_back = diagonalize && !eigen.converged;
    if (!diagonalize || form.fell_back) {
        form.full = g.cast<float>();
        return form;
    }
    form.diagonal = eigen.values.cast<float>();
    form.rotation = eigen.vectors.cast<float>();
    rotate(y, form.rotation, threads, stop);
    basis = basis * eigen.vectors;
    return form;
}

}  // namespace recsys
