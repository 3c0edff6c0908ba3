// decompositions.h: the one file that instantiates Eigen's decompositions.
#include "decompositions.h"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <Eigen/SVD>

namespace recsys {

SymmetricEigen symmetric_eigen(const Eigen::MatrixXd& a, bool with_vectors) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(a, with_vectors ? Eigen::ComputeEigenvectors
                                                                          : Eigen::EigenvaluesOnly);
    SymmetricEigen out;
    out.converged = solver.info() == Eigen::Success;
    out.values = solver.eigenvalues();
    if (with_vectors) out.vectors = solver.eigenvectors();
    return out;
}

SymmetricEigen generalized_symmetric_eigen(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    Eigen::GeneralizedSelfAdjointEigenSolver<Eigen::MatrixXd> solver(a, b, Eigen::ComputeEigenvectors | Eigen::Ax_lBx);
    SymmetricEigen out;
    out.converged = solver.info() == Eigen::Success;
    out.values = solver.eigenvalues();
    out.vectors = solver.eigenvectors();
    return out;
}

Eigen::VectorXd singular_values(const Eigen::MatrixXd& a, Eigen::MatrixXd* thin_v) {
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(a, thin_v ? static_cast<unsigned>(Eigen::ComputeThinV) : 0u);
    if (thin_v) *thin_v = svd.matrixV();
    return svd.singularValues();
}

Eigen::VectorXd least_squares_qr(const Eigen::MatrixXd& a, const Eigen::VectorXd& b) {
    return a.householderQr().solve(b);
}

void householder_qr_in_place(Eigen::Ref<Eigen::MatrixXd> a) {
    Eigen::HouseholderQR<Eigen::Ref<Eigen::MatrixXd>> qr(a);
}

}  // namespace recsys
