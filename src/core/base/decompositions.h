// Eigen's matrix decompositions behind plain functions, compiled in one file.
// Each is thousands of lines of templates: instantiated in every file that
// used one (a QR and an SVD in linreg_fit, three eigensolvers and an SVD in
// lda_fit, ...), they were the costliest files to compile. The answers are
// Eigen's, unchanged.
#pragma once

#include <Eigen/Core>

namespace recsys {

// Eigenvalues of a symmetric matrix, ascending, and (with_vectors) their
// unit eigenvectors as columns; converged is false when the iteration failed
// (only with non-finite entries: the values are then Eigen's, meaningless).
struct SymmetricEigen {
    Eigen::VectorXd values;
    Eigen::MatrixXd vectors;
    bool converged = false;
};
SymmetricEigen symmetric_eigen(const Eigen::MatrixXd& a, bool with_vectors = true);

// The generalized problem a v = lambda b v, a symmetric and b symmetric
// positive definite (Cholesky of b): eigenvalues ascending, vectors b-normalized.
SymmetricEigen generalized_symmetric_eigen(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b);

// Singular values of a, descending (two-sided Jacobi, Eigen's JacobiSVD),
// and, when thin_v is given, the thin matrix of right singular vectors.
Eigen::VectorXd singular_values(const Eigen::MatrixXd& a, Eigen::MatrixXd* thin_v = nullptr);

// The least-squares solution x of a x = b (a tall, full column rank) by Householder QR.
Eigen::VectorXd least_squares_qr(const Eigen::MatrixXd& a, const Eigen::VectorXd& b);

// Householder QR of a in place: R in the upper triangle, the reflectors below.
void householder_qr_in_place(Eigen::Ref<Eigen::MatrixXd> a);

}  // namespace recsys
