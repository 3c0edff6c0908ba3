// What every candidate generator shares in serving: the exclusions, the
// candidate subset, the popular fallback for what the model does not know,
// and the top-k selection of a kind's scores.
#include "candidate_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "../base/error.h"
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

}  // namespace

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
