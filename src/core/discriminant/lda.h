// Linear discriminant analysis: recsys.lda_fit(class text, features float8[]
// [, options]), as scikit-learn's LinearDiscriminantAnalysis. A summarizing
// kind: the aggregate keeps, per class, the count and the moments of its
// rows about a point of the class (its first row), which parallel workers
// merge exactly (moments move from one point to another by the binomial
// formula), so any number of rows fits in classes x p^2 numbers:
//
//   n, s1 = sum d, s2 = sum d d^T                      (d = x - the class's point)
//   and, for Ledoit-Wolf shrinkage ("auto") only,
//   s21[i][j] = sum d_i^2 d_j, s22[i][j] = sum d_i^2 d_j^2
//
// the fourth moments that the Ledoit-Wolf formula needs of each class's
// standardized rows (sum_k z_ki^2 z_kj^2), as sklearn.covariance computes it.
//
// Solvers, as scikit-learn's: "svd" (the default; from the within-class
// scatter, whose eigen-decomposition is the SVD of the centered rows, and
// the between-class means) and "eigen" (the generalized eigenproblem of the
// between- and within-class covariances, with optional shrinkage).
// Classes are the distinct texts, sorted by their bytes (Python's order of
// str); priors are the class shares.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "../model/model.h"
#include "../model/model_format.h"
#include "../model/model_kind.h"

namespace recsys {

const OptionSchema& lda_option_schema();
const ModelKind& lda_kind();
const SummaryKind& lda_summary();

// The most classes an LDA takes.
constexpr std::size_t kLdaMaxClasses = 1000;

// One class's moments about `point` (see above).
struct ClassMoments {
    std::string name;
    std::uint64_t n = 0;
    Eigen::VectorXd point, s1;
    Eigen::MatrixXd s2, s21, s22;  // s21, s22: with fourth moments only

    // The same moments about another point (exact up to rounding).
    void move_to(const Eigen::VectorXd& to, bool fourth);
    // Adds other's (about the same point).
    void add(const ClassMoments& other, bool fourth);
};

class LdaModel : public FeatureModel, public ClassModel {
public:
    static constexpr const char* kKind = "lda";
    Options options;
    std::vector<std::string> classes;  // sorted
    Eigen::VectorXd priors;            // per class
    Eigen::MatrixXd means;             // classes x p
    Eigen::MatrixXd coef;              // classes x p: the score of class c is coef_c . x + intercept_c
    Eigen::VectorXd intercept;         // per class
    Eigen::MatrixXd scalings;          // p x m: the discriminant directions
    Eigen::VectorXd xbar;              // p: subtracted before the svd solver's transform
    Eigen::VectorXd explained_variance_ratio;
    TrainingSummary summary;

    const char* kind() const override { return kKind; }
    std::size_t feature_count() const override { return static_cast<std::size_t>(coef.cols()); }
    // An LDA predicts a class, not a number: an InvalidParameter error that
    // points to recsys.predict_class and recsys.predict_proba.
    double predict(const double* x) const override;
    const std::vector<std::string>& class_names() const override { return classes; }
    void class_probabilities(const double* x, double* out) const override;
    // x projected on the discriminant directions (min(classes - 1, p) of them).
    std::size_t components() const;
    void transform(const double* x, double* out) const;

    std::size_t memory_bytes() const override;
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static LdaModel read(const Envelope& envelope);
};

// Fits from the classes' moments (sorted by name), as scikit-learn does.
LdaModel fit_lda(std::vector<ClassMoments> classes, const Options& options, TrainContext& ctx);

}  // namespace recsys
