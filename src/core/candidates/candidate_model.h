// What serving asks of a candidate generator, whatever its kind: the
// catalogue, the interactions it was trained on, and scores. recommend,
// recommend_for_items, similar_items, recommend_all, seen_items and explain
// (src/pg/candidate_functions.cpp) work on any model that derives from these
// classes: serving is per capability, not per kind.
//
//   ItemModel       a catalogue of items: similar_items, item vectors
//   CandidateModel  an ItemModel that also knows users: recommendations,
//                   seen items, explanations (ALS, BPR, item neighbours)
//   FactorModel     a CandidateModel scored by dot products of user and item
//                   factors (factor_model.h: ALS, BPR)
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "../base/sorted_ids.h"
#include "../base/stop.h"
#include "../base/topk.h"
#include "../model/model.h"

namespace recsys {

struct Interactions;
class JsonWriter;

class ItemModel : public Model {
public:
    // For the wrong-kind error of a serving function given another model.
    static constexpr const char* kKind = "an item model (als, bpr, itemknn, cooccurrence)";

    std::vector<std::int64_t> item_ids;  // ascending
    std::size_t items() const { return item_ids.size(); }

    // The k items most similar to item_id (not itself), best first; empty
    // for an unknown item. k > 0.
    virtual std::vector<Scored> similar_items(std::int64_t item_id, std::size_t k) const = 0;

    // The item's vector (its factors or embedding), `dimensions()` floats,
    // or null for a kind without item vectors. index < items().
    virtual const float* item_vector(std::size_t) const { return nullptr; }
    virtual std::size_t dimensions() const { return 0; }
};

// recommend's arguments beyond the user: item lists are ids, unknown ones
// are ignored.
struct CandidateQuery {
    std::size_t k = 10;
    bool exclude_seen = true;
    const std::vector<std::int64_t>* candidates = nullptr;  // null: the whole catalogue
    const std::vector<std::int64_t>* exclude = nullptr;
};

// A user's taste as a kind scores it: a known user (by index), or a history
// of (item index, summed weight) pairs, ascending by item, folded in.
struct Taste {
    std::int64_t user = -1;
    const std::vector<std::pair<std::int32_t, double>>* history = nullptr;
};

class CandidateModel : public ItemModel {
public:
    static constexpr const char* kKind = "a candidate generator (als, bpr, itemknn)";
    using Query = CandidateQuery;

    std::vector<std::int64_t> user_ids;       // ascending
    std::vector<std::uint64_t> seen_offsets;  // per user, into seen_items (users() + 1 entries)
    std::vector<std::int32_t> seen_items;     // training items, ascending per user
    std::vector<float> seen_weights;          // their summed weights, where the kind keeps them (else empty)
    std::vector<float> item_popularity;       // users who interacted with the item
    std::size_t users() const { return user_ids.size(); }

    // Takes the users, items, seen items (with their weights if keep_weights)
    // and item popularity from the interactions the model was trained on.
    void take_interactions(Interactions& data, bool keep_weights);
    // After a payload is read: a catalogue serving can trust (ids ascending,
    // seen offsets consistent, seen items in range and ascending per user,
    // weights and popularity finite and >= 0), or a Corrupted error naming
    // what is not.
    void check_catalogue() const;
    // model_info's dimensions begin with "users" and "items".
    void write_catalogue_dimensions(JsonWriter& w) const;
    // Bytes of the catalogue's arrays (for memory_bytes).
    std::size_t catalogue_bytes() const;

    // The top q.k items for a user: unknown users get the most popular items
    // (scored by popularity); seen (if q.exclude_seen) and excluded items
    // are left out; only q.candidates when given.
    std::vector<Scored> recommend(std::int64_t user_id, const Query& q) const;
    // The same for a user folded in from recent items (weights may be empty:
    // all 1; duplicates add up). No known item: the popular items.
    std::vector<Scored> recommend_for_items(const std::vector<std::int64_t>& items,
                                            const std::vector<double>& weights, const Query& q) const;
    // Top k of each user in [begin, end): counts[u - begin] entries per user,
    // concatenated in user order in `out`. Blocks of users small enough that
    // their scores stay in cache (score_users), spread over `threads` workers.
    void recommend_users(std::size_t begin, std::size_t end, std::size_t k, bool exclude_seen, int threads,
                         StopToken& stop, std::vector<Scored>& out, std::vector<std::size_t>& counts) const;

    // The score of item `item` for user `user` (indices), decomposed over the
    // user's training items: (item index, contribution) pairs whose
    // contributions sum to the score recommend gives. The default refuses
    // (a kind that cannot explain its scores).
    virtual std::vector<Scored> explain(std::size_t user, std::size_t item) const;

    // The training items of user index u: [begin, end) of seen_items.
    std::pair<const std::int32_t*, const std::int32_t*> seen_by(std::size_t user) const;

protected:
    // Writes the taste's score of each of `n` items (ascending indices), or
    // of every item in order when `items` is null (n == items()).
    virtual void score(const Taste& taste, const std::int32_t* items, std::size_t n, float* out) const = 0;

    // The top q.k of a taste, without the excluded items (ascending).
    std::vector<Scored> rank(const Taste& taste, const std::vector<std::int32_t>& excluded, const Query& q) const;
    // The most popular items, scored by their popularity.
    std::vector<Scored> popular(const std::vector<std::int32_t>& excluded, const Query& q) const;
    // The indices of the known ids among `ids` (null: none), ascending, without repeats.
    std::vector<std::int32_t> known_items(const std::vector<std::int64_t>* ids) const;

    // The scores of users [begin, end) over every item into `rows`, one
    // row of items() floats per user. The default calls score() per user; a
    // kind may score the block at once (FactorModel: one matrix product).
    virtual void score_users(std::size_t begin, std::size_t end, float* rows) const;

    // Bytes of the caches below (for memory_bytes).
    std::size_t candidate_cache_bytes() const { return popularity_order_.size() * 4; }

private:
    const std::vector<std::int32_t>& popularity_order() const;
    mutable std::vector<std::int32_t> popularity_order_;  // computed on first use
};

// k must be > 0 (InvalidParameter otherwise).
void check_k(std::size_t k);

}  // namespace recsys
