// What every candidate generator shares in serving: the exclusions, the
// candidate subset, the popular fallback for what the model does not know,
// and the top-k selection of a kind's scores.
#include "candidate_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "../als/interactions.h"
#include "../base/error.h"
#include "../base/json.h"
#include "../base/parallel.h"

namespace recsys {

namespace {

// The union of two ascending item lists, ascending and without repeats.
std::vector<std::int32_t> merged(std::vector<std::int32_t> a, const std::int32_t* b_begin = nullptr,
                                 const std::int32_t* b_end = nullptr) {
    a.insert(a.end(), b_begin, b_end);
    std::sort(a.begin(), a.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
    return a;
}

void check_catalogue_part(bool ok, const char* what) {
    if (!ok) fail(ErrorKind::Corrupted, std::string("model is inconsistent: ") + what);
}

bool ascending(const std::int64_t* begin, const std::int64_t* end) {
    return std::adjacent_find(begin, end, [](std::int64_t a, std::int64_t b) { return a >= b; }) == end;
}

bool counts(const std::vector<float>& values) {
    return std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v) && v >= 0; });
}

}  // namespace

void CandidateModel::take_interactions(Interactions& data, bool keep_weights) {
    item_popularity.resize(data.item_ids.size());
    for (std::size_t i = 0; i < data.item_ids.size(); ++i)
        item_popularity[i] = static_cast<float>(data.by_item.offsets[i + 1] - data.by_item.offsets[i]);
    user_ids = std::move(data.user_ids);
    item_ids = std::move(data.item_ids);
    seen_offsets = std::move(data.by_user.offsets);
    seen_items = std::move(data.by_user.columns);
    if (keep_weights) seen_weights = std::move(data.by_user.values);
}

void CandidateModel::check_catalogue() const {
    check_catalogue_part(users() < INT32_MAX && items() < INT32_MAX, "too many ids");
    check_catalogue_part(ascending(user_ids.data(), user_ids.data() + users()) &&
                             ascending(item_ids.data(), item_ids.data() + items()),
                         "ids are not sorted");
    check_catalogue_part(seen_offsets.size() == users() + 1 && seen_offsets.front() == 0 &&
                             seen_offsets.back() == seen_items.size() &&
                             std::is_sorted(seen_offsets.begin(), seen_offsets.end()),
                         "seen offsets");
    for (auto item : seen_items)
        check_catalogue_part(item >= 0 && static_cast<std::size_t>(item) < items(), "seen item");
    // Ascending per user: explanations and the item neighbours' scores walk them in order.
    for (std::size_t u = 0; u < users(); ++u)
        check_catalogue_part(std::adjacent_find(seen_items.begin() + static_cast<std::ptrdiff_t>(seen_offsets[u]),
                                                seen_items.begin() + static_cast<std::ptrdiff_t>(seen_offsets[u + 1]),
                                                [](std::int32_t a, std::int32_t b) { return a >= b; }) ==
                                 seen_items.begin() + static_cast<std::ptrdiff_t>(seen_offsets[u + 1]),
                             "seen items are not ascending");
    check_catalogue_part(seen_weights.empty() || seen_weights.size() == seen_items.size(), "seen weights size");
    check_catalogue_part(counts(seen_weights), "seen weight");
    // Popularity orders the fallback for unknown users (a sort needs numbers).
    check_catalogue_part(item_popularity.size() == items(), "item popularity size");
    check_catalogue_part(counts(item_popularity), "item popularity is not a count");
}

void CandidateModel::write_catalogue_dimensions(JsonWriter& w) const {
    w.key("users");
    w.integer(static_cast<long long>(users()));
    w.key("items");
    w.integer(static_cast<long long>(items()));
}

std::size_t CandidateModel::catalogue_bytes() const {
    return (user_ids.size() + item_ids.size()) * 8 + seen_offsets.size() * 8 + seen_items.size() * 4 +
           seen_weights.size() * 4 + item_popularity.size() * 4 + candidate_cache_bytes();
}

void check_k(std::size_t k) {
    if (k == 0) fail(ErrorKind::InvalidParameter, "k must be greater than 0");
}

std::pair<const std::int32_t*, const std::int32_t*> CandidateModel::seen_by(std::size_t user) const {
    const std::int32_t* base = seen_items.data();
    return {base + seen_offsets[user], base + seen_offsets[user + 1]};
}

std::vector<std::int32_t> CandidateModel::known_items(const std::vector<std::int64_t>* ids) const {
    std::vector<std::int32_t> out;
    if (!ids) return out;
    out.reserve(ids->size());
    for (auto id : *ids) {
        auto i = index_of(item_ids, id);
        if (i >= 0) out.push_back(static_cast<std::int32_t>(i));
    }
    return merged(std::move(out));
}

const std::vector<std::int32_t>& CandidateModel::popularity_order() const {
    if (popularity_order_.size() != items()) {
        std::vector<std::int32_t> order(items());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::int32_t a, std::int32_t b) { return item_popularity[a] > item_popularity[b]; });
        popularity_order_ = std::move(order);
    }
    return popularity_order_;
}

std::vector<Scored> CandidateModel::popular(const std::vector<std::int32_t>& excluded, const Query& q) const {
    const std::vector<std::int32_t> allowed = known_items(q.candidates);
    std::vector<Scored> out;
    for (auto i : popularity_order()) {
        if (out.size() >= q.k) break;
        if (std::binary_search(excluded.begin(), excluded.end(), i)) continue;
        if (q.candidates && !std::binary_search(allowed.begin(), allowed.end(), i)) continue;
        out.push_back({i, item_popularity[static_cast<std::size_t>(i)]});
    }
    return out;
}

std::vector<Scored> CandidateModel::rank(const Taste& taste, const std::vector<std::int32_t>& excluded,
                                         const Query& q) const {
    if (q.candidates) {
        // Score only the known, not excluded candidates, then map the
        // selection back (ascending item order keeps the tie-break).
        std::vector<std::int32_t> keep;
        for (auto i : known_items(q.candidates))
            if (!std::binary_search(excluded.begin(), excluded.end(), i)) keep.push_back(i);
        std::vector<float> scores(keep.size());
        if (!keep.empty()) score(taste, keep.data(), keep.size(), scores.data());
        std::vector<Scored> best = top_k(scores.data(), scores.size(), q.k);
        for (auto& b : best) b.index = keep[static_cast<std::size_t>(b.index)];
        return best;
    }
    std::vector<float> scores(items());
    score(taste, nullptr, items(), scores.data());
    for (auto i : excluded) scores[static_cast<std::size_t>(i)] = -INFINITY;
    return top_k(scores.data(), scores.size(), q.k);
}

std::vector<Scored> CandidateModel::recommend(std::int64_t user_id, const Query& q) const {
    check_k(q.k);
    std::vector<std::int32_t> excluded = known_items(q.exclude);
    const auto u = index_of(user_ids, user_id);
    if (u >= 0 && q.exclude_seen) {
        const auto seen = seen_by(static_cast<std::size_t>(u));
        excluded = merged(std::move(excluded), seen.first, seen.second);
    }
    if (u < 0) return popular(excluded, q);
    Taste taste;
    taste.user = u;
    return rank(taste, excluded, q);
}

std::vector<Scored> CandidateModel::recommend_for_items(const std::vector<std::int64_t>& items_in,
                                                        const std::vector<double>& weights, const Query& q) const {
    check_k(q.k);
    if (!weights.empty() && weights.size() != items_in.size())
        fail(ErrorKind::InvalidParameter, "weights must have as many elements as item_ids (" +
                                              std::to_string(weights.size()) + " vs " +
                                              std::to_string(items_in.size()) + ")");
    // The known items with their weights; duplicates add up, as in training.
    std::vector<std::pair<std::int32_t, double>> listed;
    for (std::size_t j = 0; j < items_in.size(); ++j) {
        double w = weights.empty() ? 1.0 : weights[j];
        if (!std::isfinite(w) || w < 0)
            fail(ErrorKind::DataException, "weight of item " + std::to_string(items_in[j]) +
                                               " must be finite and >= 0");
        auto i = index_of(item_ids, items_in[j]);
        if (i >= 0) listed.push_back({static_cast<std::int32_t>(i), w});
    }
    std::sort(listed.begin(), listed.end());
    std::vector<std::pair<std::int32_t, double>> history;
    std::vector<std::int32_t> seen;
    for (const auto& entry : listed) {
        if (!history.empty() && history.back().first == entry.first) {
            history.back().second += entry.second;
        } else {
            history.push_back(entry);
            seen.push_back(entry.first);
        }
    }
    std::vector<std::int32_t> excluded = known_items(q.exclude);
    if (q.exclude_seen) excluded = merged(std::move(excluded), seen.data(), seen.data() + seen.size());
    if (history.empty()) return popular(excluded, q);
    Taste taste;
    taste.history = &history;
    return rank(taste, excluded, q);
}

void CandidateModel::score_users(std::size_t begin, std::size_t end, float* rows) const {
    for (std::size_t u = begin; u < end; ++u) {
        Taste taste;
        taste.user = static_cast<std::int64_t>(u);
        score(taste, nullptr, items(), rows + (u - begin) * items());
    }
}

void CandidateModel::recommend_users(std::size_t begin, std::size_t end, std::size_t k, bool exclude_seen,
                                     int threads, StopToken& stop, std::vector<Scored>& out,
                                     std::vector<std::size_t>& counts) const {
    check_k(k);
    out.clear();
    counts.assign(end > begin ? end - begin : 0, 0);
    if (end <= begin) return;
    const std::size_t per_user = std::min(k, items());
    std::vector<Scored> best(counts.size() * per_user);
    // Blocks of users whose scores (a float per item each) stay in cache.
    const std::size_t block = std::max<std::size_t>(1, (std::size_t(1) << 18) / std::max<std::size_t>(1, items()));
    parallel_for(counts.size(), block, threads, stop, [&](std::size_t b, std::size_t e, int) {
        std::vector<float> scores((e - b) * items());
        score_users(begin + b, begin + e, scores.data());
        for (std::size_t r = b; r < e; ++r) {
            float* row = scores.data() + (r - b) * items();
            const std::size_t u = begin + r;
            if (exclude_seen)
                for (auto j = seen_offsets[u]; j < seen_offsets[u + 1]; ++j) row[seen_items[j]] = -INFINITY;
            const std::vector<Scored> top = top_k(row, items(), k);
            counts[r] = top.size();
            std::copy(top.begin(), top.end(), best.begin() + static_cast<std::ptrdiff_t>(r * per_user));
        }
    });
    for (std::size_t r = 0; r < counts.size(); ++r)
        out.insert(out.end(), best.begin() + static_cast<std::ptrdiff_t>(r * per_user),
                   best.begin() + static_cast<std::ptrdiff_t>(r * per_user + counts[r]));
}

std::vector<Scored> CandidateModel::explain(std::size_t, std::size_t) const {
    fail(ErrorKind::InvalidParameter, std::string("a ") + kind() + " model cannot explain its scores",
         "explain works on als and itemknn models");
}

}  // namespace recsys
