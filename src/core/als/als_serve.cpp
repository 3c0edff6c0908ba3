// Serving from a trained ALS model: score, exclude, select the top k.
#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "als.h"
#include "als_kernel.h"
#include "../base/parallel.h"

namespace recsys {

namespace {

// Item indices of the ids that the model knows, in the given order.
std::vector<std::int32_t> known_items(const AlsModel& m, const std::vector<std::int64_t>* ids) {
    std::vector<std::int32_t> out;
    if (!ids) return out;
    out.reserve(ids->size());
    for (auto id : *ids) {
        auto i = index_of(m.item_ids, id);
        if (i >= 0) out.push_back(static_cast<std::int32_t>(i));
    }
    return out;
}

std::vector<std::int32_t> seen_by(const AlsModel& m, std::int64_t user) {
    auto b = m.seen_offsets[static_cast<std::size_t>(user)], e = m.seen_offsets[static_cast<std::size_t>(user) + 1];
    return std::vector<std::int32_t>(m.seen_items.begin() + static_cast<std::ptrdiff_t>(b),
                                     m.seen_items.begin() + static_cast<std::ptrdiff_t>(e));
}

// The union of two item lists, ascending and without repeats (for binary search).
std::vector<std::int32_t> merged(std::vector<std::int32_t> a, const std::vector<std::int32_t>& b = {}) {
    a.insert(a.end(), b.begin(), b.end());
    std::sort(a.begin(), a.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
    return a;
}

void check_k(std::size_t k) {
    if (k == 0) fail(ErrorKind::InvalidParameter, "k must be greater than 0");
}

}  // namespace

const std::vector<std::int32_t>& AlsModel::popularity_order() const {
    if (popularity_order_.size() != items()) {
        std::vector<std::int32_t> order(items());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::int32_t a, std::int32_t b) { return item_popularity[a] > item_popularity[b]; });
        popularity_order_ = std::move(order);
    }
    return popularity_order_;
}

const std::vector<float>& AlsModel::item_norms() const {
    if (item_norms_.size() != items()) {
        std::vector<float> norms(items());
        for (std::size_t i = 0; i < items(); ++i) norms[i] = item_factors.row(static_cast<Eigen::Index>(i)).norm();
        item_norms_ = std::move(norms);
    }
    return item_norms_;
}

const Eigen::MatrixXf& AlsModel::item_gram() const {
    if (item_gram_.rows() != factors()) {
        Eigen::MatrixXf g = Eigen::MatrixXf::Zero(factors(), factors());
        g.selfadjointView<Eigen::Lower>().rankUpdate(item_factors.transpose());
        g.triangularView<Eigen::StrictlyUpper>() = g.transpose();
        item_gram_ = std::move(g);
    }
    return item_gram_;
}

std::vector<Scored> AlsModel::popular(const std::vector<std::int32_t>& excluded, const Query& q) const {
    std::vector<std::int32_t> allowed;
    if (q.candidates) {
        allowed = known_items(*this, q.candidates);
        std::sort(allowed.begin(), allowed.end());
    }
    std::vector<Scored> out;
    for (auto i : popularity_order()) {
        if (out.size() >= q.k) break;
        if (std::binary_search(excluded.begin(), excluded.end(), i)) continue;
        if (q.candidates && !std::binary_search(allowed.begin(), allowed.end(), i)) continue;
        out.push_back({i, item_popularity[static_cast<std::size_t>(i)]});
    }
    return out;
}

std::vector<Scored> AlsModel::rank_for_vector(const float* user_vector, const std::vector<std::int32_t>& excluded,
                                              const Query& q) const {
    if (q.candidates) {
        // Score only the known, not excluded candidates, then map the
        // selection back (ascending item order keeps the tie-break).
        std::vector<std::int32_t> keep;
        for (auto i : merged(known_items(*this, q.candidates)))
            if (!std::binary_search(excluded.begin(), excluded.end(), i)) keep.push_back(i);
        Eigen::Map<const Eigen::VectorXf> x(user_vector, factors());
        std::vector<float> scores(keep.size());
        for (std::size_t j = 0; j < keep.size(); ++j) scores[j] = item_factors.row(keep[j]).dot(x);
        std::vector<Scored> best = top_k(scores.data(), scores.size(), q.k);
        for (auto& b : best) b.index = keep[static_cast<std::size_t>(b.index)];
        return best;
    }
    std::vector<float> scores(items());
    kernel::score_rows(item_factors.data(), items(), factors(), user_vector, scores.data());
    for (auto i : excluded) scores[static_cast<std::size_t>(i)] = -INFINITY;
    return top_k(scores.data(), scores.size(), q.k);
}

std::vector<Scored> AlsModel::recommend(std::int64_t user_id, const Query& q) const {
    check_k(q.k);
    std::vector<std::int32_t> excluded = known_items(*this, q.exclude);
    auto u = index_of(user_ids, user_id);
    excluded = merged(std::move(excluded), u >= 0 && q.exclude_seen ? seen_by(*this, u) : std::vector<std::int32_t>{});
    if (u < 0) return popular(excluded, q);
    return rank_for_vector(user_factors.row(u).data(), excluded, q);
}

std::vector<Scored> AlsModel::recommend_for_items(const std::vector<std::int64_t>& items_in,
                                                  const std::vector<double>& weights, const Query& q) const {
    check_k(q.k);
    if (!weights.empty() && weights.size() != items_in.size())
        fail(ErrorKind::InvalidParameter, "weights must have as many elements as item_ids (" +
                                              std::to_string(weights.size()) + " vs " +
                                              std::to_string(items_in.size()) + ")");
    // Sum the weights of known items (duplicates add up, as in training).
    std::vector<std::pair<std::int32_t, double>> history;
    for (std::size_t j = 0; j < items_in.size(); ++j) {
        double w = weights.empty() ? 1.0 : weights[j];
        if (!std::isfinite(w) || w < 0)
            fail(ErrorKind::DataException, "weight of item " + std::to_string(items_in[j]) +
                                               " must be finite and >= 0");
        auto i = index_of(item_ids, items_in[j]);
        if (i >= 0) history.push_back({static_cast<std::int32_t>(i), w});
    }
    std::sort(history.begin(), history.end());
    std::vector<std::int32_t> excluded = known_items(*this, q.exclude);
    std::vector<std::int32_t> seen;
    for (auto& h : history) seen.push_back(h.first);
    excluded = merged(std::move(excluded), q.exclude_seen ? seen : std::vector<std::int32_t>{});
    if (history.empty()) return popular(excluded, q);

    const int f = factors();
    const float reg = static_cast<float>(params.l2);
    Eigen::MatrixXf a = Eigen::MatrixXf::Identity(f, f) * reg;
    Eigen::VectorXf b = Eigen::VectorXf::Zero(f);
    if (!params.explicit_feedback) a += item_gram();
    for (std::size_t j = 0; j < history.size();) {
        std::int32_t i = history[j].first;
        double w = 0;
        for (; j < history.size() && history[j].first == i; ++j) w += history[j].second;
        auto y = item_factors.row(i).transpose();
        float c = params.explicit_feedback ? static_cast<float>(w) : 1.0f + static_cast<float>(params.alpha * w);
        float extra = params.explicit_feedback ? 1.0f : c - 1.0f;
        a.noalias() += extra * y * y.transpose();
        b += c * y;
    }
    Eigen::VectorXf x = a.ldlt().solve(b);
    // Huge weights overflow the floats of the solve: NaN scores would rank
    // arbitrarily, so say so instead.
    if (!x.allFinite())
        fail(ErrorKind::DataException, "the weights of recommend_for_items make the folded-in user vector non-finite",
             "scale the weights down");
    return rank_for_vector(x.data(), excluded, q);
}

std::vector<Scored> AlsModel::similar_items(std::int64_t item_id, std::size_t k) const {
    check_k(k);
    auto i = index_of(item_ids, item_id);
    if (i < 0) return {};
    const auto& norms = item_norms();
    std::vector<float> scores(items());
    kernel::score_rows(item_factors.data(), items(), factors(), item_factors.row(i).data(), scores.data());
    float ni = norms[static_cast<std::size_t>(i)];
    for (std::size_t j = 0; j < scores.size(); ++j) {
        float d = norms[j] * ni;
        scores[j] = d > 0 ? scores[j] / d : 0.0f;
    }
    scores[static_cast<std::size_t>(i)] = -INFINITY;
    return top_k(scores.data(), scores.size(), k);
}

void AlsModel::recommend_users(std::size_t begin, std::size_t end, std::size_t k, bool exclude_seen, int threads,
                               StopToken& stop, std::vector<Scored>& out, std::vector<std::size_t>& counts) const {
    check_k(k);
    out.clear();
    counts.assign(end > begin ? end - begin : 0, 0);
    if (end <= begin) return;
    const std::size_t per_user = std::min(k, items());
    std::vector<Scored> best(counts.size() * per_user);
    // Blocks of users small enough that their scores stay in cache.
    const std::size_t block = std::max<std::size_t>(1, (std::size_t(1) << 18) / std::max<std::size_t>(1, items()));
    parallel_for(counts.size(), block, threads, stop, [&](std::size_t b, std::size_t e, int) {
        FactorMatrix scores = user_factors.middleRows(static_cast<Eigen::Index>(begin + b), static_cast<Eigen::Index>(e - b)) *
                              item_factors.transpose();
        for (std::size_t r = b; r < e; ++r) {
            float* row = scores.row(static_cast<Eigen::Index>(r - b)).data();
            std::size_t u = begin + r;
            if (exclude_seen)
                for (auto j = seen_offsets[u]; j < seen_offsets[u + 1]; ++j) row[seen_items[j]] = -INFINITY;
            std::vector<Scored> top = top_k(row, items(), k);
            counts[r] = top.size();
            std::copy(top.begin(), top.end(), best.begin() + static_cast<std::ptrdiff_t>(r * per_user));
        }
    });
    for (std::size_t r = 0; r < counts.size(); ++r)
        out.insert(out.end(), best.begin() + static_cast<std::ptrdiff_t>(r * per_user),
                   best.begin() + static_cast<std::ptrdiff_t>(r * per_user + counts[r]));
}

}  // namespace recsys
