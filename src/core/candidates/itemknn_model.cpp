// Item neighbours: options, training and scoring. The payload is in
// itemknn_format.cpp.
#include "itemknn_model.h"

#include <algorithm>
#include <chrono>

#include "../als/als_kind.h"
#include "../als/interactions.h"
#include "../base/checked.h"
#include "itemknn_pairs.h"

namespace recsys {

const OptionSchema& itemknn_option_schema() {
    static const OptionSchema schema = {
        "itemknn_fit",
        {
            choice_option("similarity", "cosine", {"cosine", "bm25", "tfidf"},
                          "how two items are compared over their users (as implicit's Cosine, BM25 and "
                          "TFIDF recommenders)"),
            integer_option("neighbours", 20, 1, 100000,
                           "the most similar items kept per item, itself included (implicit's K)"),
            number_option("k1", 1.2, 0, 1e6, "bm25's saturation of an interaction's weight (bm25 only)"),
            number_option("b", 0.75, 0, 1, "bm25's normalization by an item's total weight (bm25 only)"),
        },
        nullptr,
    };
    return schema;
}

ItemKnnParams ItemKnnParams::from(const Options& o) {
    ItemKnnParams p;
    p.similarity.similarity = similarity_from_name(o.string("similarity"));
    p.similarity.k1 = o.number("k1");
    p.similarity.b = o.number("b");
    p.neighbours = static_cast<std::size_t>(o.integer("neighbours"));
    return p;
}

ItemKnnModel train_itemknn(const std::int64_t* users, const std::int64_t* items, const float* weights, std::size_t n,
                           const Options& options, TrainingSummary summary, TrainContext& ctx) {
    const auto start = std::chrono::steady_clock::now();
    ContextResources res(ctx);
    ItemKnnModel m;
    m.options = options;
    m.params = ItemKnnParams::from(options);
    if (n == 0) fail(ErrorKind::InvalidParameter, "itemknn_fit needs at least one (user, item) row");

    Interactions data = build_interactions(users, items, weights, n, res.budget, res.stop, ctx.threads);
    WeightedInteractions weighted = weight_interactions(data.by_item, data.by_user, m.params.similarity,
                                                        res.budget, res.stop);
    PairsWork work;
    ItemNeighbours kept = all_pairs_neighbours(weighted.by_item, weighted.by_user, m.params.neighbours, ctx.threads,
                                               res.budget, res.stop, &work);
    weighted = {};

    m.take_interactions(data, true);
    m.neighbour_offsets = std::move(kept.offsets);
    m.neighbour_items = std::move(kept.items);
    m.neighbour_similarity = std::move(kept.similarity);

    static_cast<TrainingSummary&>(m.summary) = summary;
    m.summary.blocks = work.blocks;
    m.summary.products = work.products;
    m.summary.threads = std::max(1, ctx.threads);
    m.summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return m;
}

std::vector<std::pair<std::int32_t, double>> ItemKnnModel::history_of(const Taste& taste) const {
    if (taste.history) return *taste.history;
    std::vector<std::pair<std::int32_t, double>> h;
    const auto u = static_cast<std::size_t>(taste.user);
    for (auto j = seen_offsets[u]; j < seen_offsets[u + 1]; ++j) h.push_back({seen_items[j], seen_weights[j]});
    return h;
}

void ItemKnnModel::score(const Taste& taste, const std::int32_t* items_in, std::size_t n, float* out) const {
    // implicit's scorer: the user's row times the pruned similarity rows, in
    // double, the user's items in ascending order.
    std::vector<double> sums(items(), 0.0);
    for (const auto& [j, w] : history_of(taste)) {
        const auto row = static_cast<std::size_t>(j);
        for (auto a = neighbour_offsets[row]; a < neighbour_offsets[row + 1]; ++a)
            sums[static_cast<std::size_t>(neighbour_items[a])] += static_cast<double>(neighbour_similarity[a]) * w;
    }
    for (std::size_t k = 0; k < n; ++k)
        out[k] = static_cast<float>(sums[items_in ? static_cast<std::size_t>(items_in[k]) : k]);
}

std::vector<Scored> ItemKnnModel::explain(std::size_t user, std::size_t item) const {
    std::vector<Scored> terms;
    for (auto j = seen_offsets[user]; j < seen_offsets[user + 1]; ++j) {
        const auto row = static_cast<std::size_t>(seen_items[j]);
        for (auto a = neighbour_offsets[row]; a < neighbour_offsets[row + 1]; ++a)
            if (static_cast<std::size_t>(neighbour_items[a]) == item) {
                terms.push_back({seen_items[j], static_cast<float>(static_cast<double>(neighbour_similarity[a]) *
                                                                   seen_weights[j])});
                break;
            }
    }
    return terms;
}

std::vector<Scored> ItemKnnModel::similar_items(std::int64_t item_id, std::size_t k) const {
    check_k(k);
    std::vector<Scored> out;
    const auto i = index_of(item_ids, item_id);
    if (i < 0) return out;
    const auto row = static_cast<std::size_t>(i);
    for (auto a = neighbour_offsets[row]; a < neighbour_offsets[row + 1] && out.size() < k; ++a)
        if (neighbour_items[a] != i) out.push_back({neighbour_items[a], neighbour_similarity[a]});
    return out;
}

std::size_t ItemKnnModel::memory_bytes() const {
    return sizeof(*this) + catalogue_bytes() + neighbour_offsets.size() * 8 + neighbour_items.size() * 8;
}

namespace {

std::unique_ptr<Model> fit(const TrainingRows& rows, const Options& options, TrainContext& ctx) {
    return std::make_unique<ItemKnnModel>(train_itemknn(rows.column("user_id").int64s(),
                                                        rows.column("item_id").int64s(),
                                                        rows.column("weight").float32s(), rows.count, options,
                                                        collected_summary(rows), ctx));
}

}  // namespace

const ModelKind& itemknn_kind() {
    static const ModelKind kind{
        {ItemKnnModel::kKind, "itemknn_fit", &itemknn_option_schema(),
         interaction_columns()},
        fit,
        read_model_as<ItemKnnModel>,
    };
    return kind;
}

}  // namespace recsys
