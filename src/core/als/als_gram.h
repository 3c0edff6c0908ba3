// The fixed side's Gram matrix of an ALS half-step, and the change of basis
// that makes it diagonal.
#pragma once

#include <Eigen/Core>
#include <cstddef>

#include "als.h"
#include "../base/stop.h"

namespace recsys {

// Y^T Y + reg I in double, summed in fixed blocks in a fixed order (the
// model does not depend on the thread count).
Eigen::MatrixXd gram(const FactorMatrix& y, double reg, int threads, StopToken& stop);

// The number of blocks gram() sums for `rows` rows.
std::size_t gram_blocks(std::size_t rows);

// Rows of m become m * rotation (rotation: f x f).
void rotate(FactorMatrix& m, const FactorMatrix& rotation, int threads, StopToken& stop);

// What the solves of a half-step multiply by: the fixed side's Gram matrix
// G = Y^T Y + reg I, either as it is (`full`) or, after a change of basis,
// diagonal. In the eigenvectors Q of G (G = Q L Q^T), y Q and x Q solve the
// same problem, rotated, with G = L: each CG step's product with G then
// costs f multiplications instead of f^2 multiply-adds. The price is a
// rotation of every row of y (gram_form) and of x (by the kernel, on load),
// so it pays where the solved side has more rows than the fixed one: users
// against videos. Every solve and the loss are the same in any basis; the
// training rotates the factors back at the end.
struct GramForm {
    Eigen::MatrixXf full;
    Eigen::VectorXf diagonal;  // L, when rotated
    FactorMatrix rotation;     // Q, when rotated
    std::size_t blocks = 0;    // of the Gram sum (gram_blocks)
    // Diagonalizing was asked for but the eigensolver did not converge
    // (non-finite factors): `full` is used instead.
    bool fell_back = false;
    bool rotated() const { return diagonal.size() > 0; }
};

// Whether rotating pays: it saves three products with G per solved row (the
// CG steps; the warm start's rotation replaces the first) and spends a
// rotation of every fixed row and a decomposition of G.
bool diagonalizing_pays(std::size_t solved_rows, std::size_t fixed_rows, int f);

// The Gram form of fixed side y; when `diagonalize` (and the eigensolver
// converges), rotates y and updates `basis`, the rotation from the original
// factors to the current ones.
GramForm gram_form(FactorMatrix& y, double reg, bool diagonalize, Eigen::MatrixXd& basis, int threads,
                   StopToken& stop);

}  // namespace recsys
