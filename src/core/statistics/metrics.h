// Ranking metrics with binary relevance, as in the recommender literature.
// `recommended` is in rank order and only its first k entries count; a
// repeated item keeps its rank but is a hit only the first time (as in the
// reference apk of Kaggle's ml_metrics). `relevant` is a set (duplicates
// ignored). Each returns 0 when there is nothing relevant.
#pragma once

#include <cstddef>
#include <cstdint>

namespace recsys {

struct RankingInput {
    const std::int64_t* recommended;
    std::size_t n_recommended;
    const std::int64_t* relevant;
    std::size_t n_relevant;
    std::size_t k;
};

double precision_at_k(const RankingInput& in);          // hits in top k / k
double recall_at_k(const RankingInput& in);             // hits in top k / |relevant|
double ndcg_at_k(const RankingInput& in);               // log2 discount, ideal over min(k, |relevant|)
double average_precision_at_k(const RankingInput& in);  // sum of precision at hits / min(k, |relevant|)

}  // namespace recsys
