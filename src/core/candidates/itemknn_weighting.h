// The item-user matrix weighted the way item neighbours compare items: the
// similarity of items i and j is then the dot product of their weighted rows
// (itemknn_pairs.h). The three weightings are those of implicit's
// CosineRecommender, TFIDFRecommender and BM25Recommender, so that the same
// interactions give the same similarities:
//
//   cosine  w_iu = r_iu / |r_i|                       (|r_i|: the item row's 2-norm)
//   tfidf   w_iu = t_iu / |t_i|,  t_iu = sqrt(r_iu) * idf_u
//   bm25    w_iu = r_iu (k1 + 1) / (k1 L_i + r_iu) * idf_u
//           L_i = 1 - b + b * (sum_u r_iu) / (mean over items of that sum)
//   idf_u = log(items) - log(1 + number of items of user u)
//
// Values are doubles, computed in the order implicit's numpy code sums them
// (per item, users ascending), so the similarities agree to the last bits.
// An item whose row has norm 0 (all weights 0) keeps weights 0 rather than
// implicit's division by zero.
#pragma once

#include <cstdint>
#include <vector>

#include "../als/interactions.h"
#include "../base/memory_budget.h"
#include "../base/stop.h"

namespace recsys {

enum class Similarity { Cosine, Bm25, Tfidf };

// The option's name of a similarity and back ("cosine", "bm25", "tfidf").
const char* similarity_name(Similarity s);
Similarity similarity_from_name(const std::string& name);

struct SimilarityParams {
    Similarity similarity = Similarity::Cosine;
    double k1 = 1.2, b = 0.75;  // bm25 only
};

// A sparse matrix of doubles in compressed rows.
struct WeightedRows {
    std::vector<std::uint64_t> offsets;  // rows + 1 entries
    std::vector<std::int32_t> columns;   // ascending within a row
    std::vector<double> values;
    std::size_t rows() const { return offsets.empty() ? 0 : offsets.size() - 1; }
    std::size_t nnz() const { return columns.size(); }
};

// The item-user matrix and its transpose, weighted.
struct WeightedInteractions {
    WeightedRows by_item;  // rows: items, columns: users
    WeightedRows by_user;  // rows: users, columns: items
};

// Weights both layouts of the interactions (`by_user` the transpose of
// `by_item`) entry by entry: every weight depends only on its value, its
// item's and its user's statistics, which come from `by_item` (per item,
// users ascending, as implicit sums them), so that both layouts hold the
// same doubles without a transpose. Their memory is reserved in `budget`
// first.
WeightedInteractions weight_interactions(const SparseRows& by_item, const SparseRows& by_user,
                                         const SimilarityParams& params, MemoryBudget& budget, StopToken& stop);

}  // namespace recsys
