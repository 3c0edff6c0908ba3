// Item-to-item neighbours (the collaborative filtering of implicit's
// ItemItemRecommender): each item keeps its most similar items (cosine,
// tfidf or bm25 over the users who interacted with both, itemknn_weighting.h
// and itemknn_pairs.h), and a user's score of item i is
//
//   score(u, i) = sum over the user's training items j of  r_uj * sim(j, i)
//
// where sim(j, i) is j's similarity to i if i is among j's kept neighbours,
// else 0: implicit's user_items row times its pruned similarity matrix. A
// history (recommend_for_items) is scored the same way with its weights.
// Serving (recommend, recommend_for_items, similar_items, recommend_all,
// explain) is the shared CandidateModel's.
#pragma once

#include <cstdint>
#include <vector>

#include "../base/options.h"
#include "../model/model_format.h"
#include "../model/model_kind.h"
#include "candidate_model.h"
#include "itemknn_weighting.h"

namespace recsys {

// The options of itemknn_fit.
const OptionSchema& itemknn_option_schema();

struct ItemKnnParams {
    SimilarityParams similarity;
    std::size_t neighbours = 20;
    static ItemKnnParams from(const Options& o);
};

struct ItemKnnTrainingSummary : TrainingSummary {
    std::uint64_t blocks = 0;    // blocks of items the product was split into
    std::uint64_t products = 0;  // multiply-adds of the product
};

class ItemKnnModel : public CandidateModel {
public:
    static constexpr const char* kKind = "itemknn";
    const char* kind() const override { return kKind; }

    Options options;
    ItemKnnParams params;
    std::vector<std::uint64_t> neighbour_offsets;  // items + 1 entries
    std::vector<std::int32_t> neighbour_items;     // per item, best first (itself included, as implicit keeps it)
    std::vector<float> neighbour_similarity;       // the same order
    ItemKnnTrainingSummary summary;

    // The item's kept neighbours, best first, without itself.
    std::vector<Scored> similar_items(std::int64_t item_id, std::size_t k) const override;
    // The terms r_uj * sim(j, item) of the user's score, one per training
    // item j that keeps `item` as a neighbour, ascending by j.
    std::vector<Scored> explain(std::size_t user, std::size_t item) const override;

    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static ItemKnnModel read(const Envelope& envelope);
    std::size_t memory_bytes() const override;

protected:
    void score(const Taste& taste, const std::int32_t* items, std::size_t n, float* out) const override;

private:
    // The taste as (item index, weight) pairs, ascending by item.
    std::vector<std::pair<std::int32_t, double>> history_of(const Taste& taste) const;
};

// Trains on the rows (weights finite and >= 0, checked by the host).
ItemKnnModel train_itemknn(const std::int64_t* users, const std::int64_t* items, const float* weights, std::size_t n,
                           const Options& options, TrainingSummary summary, TrainContext& ctx);

const ModelKind& itemknn_kind();

}  // namespace recsys
