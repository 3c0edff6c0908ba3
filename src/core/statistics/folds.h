// Folds for cross-validation (recsys.kfold, recsys.stratified_kfold): a row's
// fold 0 .. folds-1 from a 64-bit hash of its key (the key type's extended
// hash, seeded: src/pg/kfold_functions.cpp), so the same key is in the same
// fold at every call; and the exact stratified deal of a class's rows.
#pragma once

#include <cstddef>
#include <cstdint>

namespace recsys {

// The most folds a split takes: each fold of cross_validate trains a model.
constexpr std::int32_t max_folds = 1000;

// 22023 unless 2 <= folds <= max_folds.
void check_folds(std::int64_t folds);

// The fold of a key whose seeded hash is `hash`: mixed again, modulo folds.
std::int32_t fold_of_hash(std::uint64_t hash, std::int32_t folds);

// Deals n rows (a class's) out to the folds round robin in the order of their
// hashes (ties by row index), starting at a fold the smallest hash picks:
// out[i] is row i's fold, and the folds' counts differ by at most one.
// Works in 8 * n bytes beside its arguments: deal_memory(n).
void deal_folds(const std::uint64_t* hashes, std::size_t n, std::int32_t folds, std::int32_t* out);
std::size_t deal_memory(std::size_t n);

}  // namespace recsys
