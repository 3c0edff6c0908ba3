// What the classifiers over (label bool, features float8[]) rows share
// (logreg, mlp): their two columns, the options for class weights and for
// down-sampling negatives, which rows the down-sampling keeps, the logistic
// function, and the correction of predictions back to the full data's base
// rate.
//
// Down-sampling keeps every positive and each negative with probability
// `rate`, decided by a hash of (seed, row values): the choice depends on
// neither row order nor threads. A model trained on such rows over-predicts
// by the odds factor 1 / rate; p / (p + (1 - p) / rate) undoes it.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../base/options.h"
#include "../model/training_rows.h"

namespace recsys {

// The aggregate's columns: label bool, features float8[] (a NULL skips the row).
std::vector<ColumnSpec> labeled_columns();

// A kind's own options followed by the shared ones: class_weight ("none" |
// "balanced"), negative_sample_rate and seed (`seed_help` says what else it
// seeds in the kind).
std::vector<OptionSpec> with_sampling_options(std::vector<OptionSpec> own, std::string seed_help);

// Rows of (label, features): x is n x p, row-major.
struct LabeledRows {
    const bool* y;
    const double* x;
    std::size_t n, p;
};
// The collected columns of an aggregate over label_column(), features_column().
LabeledRows labeled_rows(const TrainingRows& rows);

// A hash of a row's p values and a seed: what decides for a row whatever
// the order rows come in.
std::uint64_t row_hash(const double* x, std::size_t p, std::uint64_t seed);

// Whether down-sampling keeps a negative row of p values.
bool keep_negative(const double* x, std::size_t p, std::uint64_t seed, double rate);

// The rows kept of n (x is n x p, row-major): every positive and the
// negatives keep_negative keeps, in order.
std::vector<std::size_t> kept_rows(const bool* y, const double* x, std::size_t n, std::size_t p, std::uint64_t seed,
                                   double rate);

// The weight of each class: 1 without ("none"); "balanced" weighs a class by
// n / (2 n_class) as scikit-learn does (0 for a class with no rows).
struct ClassWeights {
    double negative = 1, positive = 1;
};
ClassWeights class_weights(const std::string& mode, std::size_t n, std::size_t positives);

template <class T>
T sigmoid(T z) {
    if (z >= 0) return 1 / (1 + std::exp(-z));
    const T e = std::exp(z);
    return e / (1 + e);
}
// log(1 + e^z) without overflow: the log loss of a negative with score z.
template <class T>
T softplus(T z) {
    return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
}

// A probability of a model trained on down-sampled negatives, corrected.
inline double corrected_probability(double p, double rate) { return rate >= 1 ? p : p / (p + (1 - p) / rate); }

}  // namespace recsys
