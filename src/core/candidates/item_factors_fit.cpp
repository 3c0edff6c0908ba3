// The ridge fit of item_factors (item_factors.h): two passes over the rows
// (means, then the centered cross products, block by block so that the
// centered copy stays small), one symmetric solve for every output at once,
// and a third pass for the training R².
#include <Eigen/Cholesky>
#include <algorithm>
#include <chrono>

#include "../base/checked.h"
#include "../base/decompositions.h"
#include "item_factors.h"

namespace recsys {

namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRows = Eigen::Map<const RowMatrix>;

constexpr std::size_t kBlockRows = 1024;  // rows centered at once
constexpr std::size_t kMaxFeatures = std::size_t(1) << 16;
constexpr std::size_t kMaxOutputs = 1024;  // an ALS model's most factors

ConstRows block(const double* data, std::size_t begin, std::size_t rows, std::size_t width) {
    return ConstRows(data + begin * width, static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(width));
}

Eigen::VectorXd column_means(const double* data, std::size_t n, std::size_t width, StopToken& stop) {
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(width));
    for (std::size_t begin = 0; begin < n; begin += kBlockRows) {
        stop.check();
        sum += block(data, begin, std::min(kBlockRows, n - begin), width).colwise().sum().transpose();
    }
    return sum / static_cast<double>(n);
}

}  // namespace

ItemFactorsModel fit_item_factors(const double* y, std::size_t k, const double* x, std::size_t p, std::size_t n,
                                  const Options& options, TrainContext& ctx, TrainingSummary training) {
    const auto started = std::chrono::steady_clock::now();
    ContextResources res(ctx);
    if (n == 0) fail(ErrorKind::InvalidParameter, "item_factors_fit needs at least one row with factors and features");
    if (k == 0 || k > kMaxOutputs)
        fail(ErrorKind::InvalidParameter, "item_factors_fit: factors must have between 1 and " +
                                              std::to_string(kMaxOutputs) + " elements, got " + std::to_string(k));
    if (p == 0 || p > kMaxFeatures)
        fail(ErrorKind::InvalidParameter, "item_factors_fit: features must have between 1 and " +
                                              std::to_string(kMaxFeatures) + " elements, got " + std::to_string(p));
    const double l2 = options.number("l2");

    // The Gram matrix, the cross products and the solution (p x p, p x k
    // twice), a centered block of rows, and the model's weights.
    const std::size_t rows_in_block = std::min(kBlockRows, n);
    std::size_t bytes = checked_mul(checked_add(checked_mul(p, p, "item_factors Gram matrix", ErrorKind::OutOfMemory),
                                                checked_mul(3 * k, p, "item_factors weights", ErrorKind::OutOfMemory),
                                                "item_factors solve", ErrorKind::OutOfMemory),
                                    sizeof(double), "item_factors solve", ErrorKind::OutOfMemory);
    bytes = checked_add(bytes, checked_mul(rows_in_block, p + k, sizeof(double), "item_factors block", ErrorKind::OutOfMemory),
                        "item_factors solve", ErrorKind::OutOfMemory);
    res.budget.reserve(bytes, "item_factors_fit solve");

    const Eigen::VectorXd x_mean = column_means(x, n, p, res.stop);
    const Eigen::VectorXd y_mean = column_means(y, n, k, res.stop);
    const auto P = static_cast<Eigen::Index>(p), K = static_cast<Eigen::Index>(k);
    Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(P, P), cross = Eigen::MatrixXd::Zero(P, K);
    for (std::size_t begin = 0; begin < n; begin += kBlockRows) {
        res.stop.check();
        const std::size_t rows = std::min(kBlockRows, n - begin);
        const Eigen::MatrixXd xc = block(x, begin, rows, p).rowwise() - x_mean.transpose();
        const Eigen::MatrixXd yc = block(y, begin, rows, k).rowwise() - y_mean.transpose();
        gram.selfadjointView<Eigen::Lower>().rankUpdate(xc.transpose());
        cross.noalias() += xc.transpose() * yc;
    }
    gram = gram.selfadjointView<Eigen::Lower>();
    gram /= static_cast<double>(n);
    cross /= static_cast<double>(n);
    gram.diagonal().array() += l2;

    ItemFactorsModel m;
    m.options = options;
    if (l2 > 0) {
        Eigen::LLT<Eigen::MatrixXd> llt(gram);
        if (llt.info() != Eigen::Success)
            fail(ErrorKind::DataException, "item_factors_fit: the features' Gram matrix is not positive definite",
                 "raise l2");
        m.weights = llt.solve(cross);
    } else {
        // No penalty: the least-squares solution of least norm (features
        // that repeat each other, such as one-hot groups, share the weight).
        // Eigenvalues below a relative tolerance count as zero (pseudo-inverse).
        const SymmetricEigen eig = symmetric_eigen(gram);
        if (!eig.converged) fail(ErrorKind::DataException, "item_factors_fit: the features' Gram matrix has no eigenbasis");
        const double tolerance = 1e-12 * std::max(eig.values.cwiseAbs().maxCoeff(), 1e-300) * static_cast<double>(p);
        const Eigen::VectorXd inverse =
            eig.values.unaryExpr([tolerance](double v) { return v > tolerance ? 1 / v : 0.0; });
        m.weights = eig.vectors * (inverse.asDiagonal() * (eig.vectors.transpose() * cross));
    }
    m.intercept = y_mean - m.weights.transpose() * x_mean;
    if (!m.weights.allFinite() || !m.intercept.allFinite())
        fail(ErrorKind::DataException, "item_factors_fit: the solution is not finite",
             "scale the features (the featurizer does), or raise l2");

    // R² over every output, on the training rows.
    double sse = 0, sst = 0;
    for (std::size_t begin = 0; begin < n; begin += kBlockRows) {
        res.stop.check();
        const std::size_t rows = std::min(kBlockRows, n - begin);
        const auto yb = block(y, begin, rows, k);
        const Eigen::MatrixXd fitted = (block(x, begin, rows, p) * m.weights).rowwise() + m.intercept.transpose();
        sse += (yb - fitted).squaredNorm();
        sst += (yb.rowwise() - y_mean.transpose()).squaredNorm();
    }
    static_cast<TrainingSummary&>(m.summary) = training;
    m.summary.r_squared = sst > 0 ? 1 - sse / sst : 0;
    m.summary.loss = {0.5 * sse / static_cast<double>(n) + 0.5 * l2 * m.weights.squaredNorm()};
    m.summary.threads = 1;
    m.summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return m;
}

}  // namespace recsys
