#include "itemknn_weighting.h"

#include <cmath>
#include <numeric>

#include "../base/checked.h"
#include "../base/error.h"

namespace recsys {

namespace {

constexpr std::size_t kCheckEvery = (1 << 14) - 1;

// What one weight needs besides its value: its user's idf and its item's
// scale (cosine, tfidf: the row's 2-norm to divide by; bm25: the length
// normalization L).
class Weighting {
public:
    Weighting(const SparseRows& by_item, std::size_t users, const SimilarityParams& p)
        : p_(p), idf_(users, 0.0), item_(by_item.rows(), 0.0) {
        // idf_u = log(items) - log1p(items of u): users who watched
        // everything say little about an item; an interaction with 0 weight
        // still counts, as a stored entry does in implicit.
        for (std::int32_t u : by_item.columns) idf_[static_cast<std::size_t>(u)] += 1;
        const double log_items = std::log(static_cast<double>(by_item.rows()));
        for (double& c : idf_) c = log_items - std::log1p(c);
        if (p.similarity == Similarity::Bm25) {
            std::vector<double>& length = item_;
            for (std::size_t i = 0; i < by_item.rows(); ++i)
                for (auto j = by_item.offsets[i]; j < by_item.offsets[i + 1]; ++j) length[i] += by_item.values[j];
            const double mean =
                by_item.rows() ? std::accumulate(length.begin(), length.end(), 0.0) / by_item.rows() : 0;
            // mean is 0 only when every weight is 0: every value is then 0 too.
            for (double& l : length) l = 1.0 - p.b + (mean > 0 ? p.b * l / mean : 0.0);
            return;
        }
        // The 2-norm of each item's row before normalization, squares
        // summed in row order; 0 for a row of zeros (left as it is).
        for (std::size_t i = 0; i < by_item.rows(); ++i) {
            double squares = 0;
            for (auto j = by_item.offsets[i]; j < by_item.offsets[i + 1]; ++j) {
                const double v = raw(by_item.values[j], static_cast<std::size_t>(by_item.columns[j]));
                squares += v * v;
            }
            item_[i] = std::sqrt(squares);
        }
    }

    double operator()(double r, std::size_t item, std::size_t user) const {
        if (p_.similarity == Similarity::Bm25) {
            const double denominator = p_.k1 * item_[item] + r;
            return denominator > 0 ? r * (p_.k1 + 1.0) / denominator * idf_[user] : 0.0;
        }
        const double v = raw(r, user);
        return item_[item] > 0 ? v / item_[item] : v;
    }

private:
    // The value before the row's normalization (cosine, tfidf).
    double raw(double r, std::size_t user) const {
        return p_.similarity == Similarity::Tfidf ? std::sqrt(r) * idf_[user] : r;
    }

    SimilarityParams p_;
    std::vector<double> idf_, item_;
};

// `m` weighted; its rows are items (items_are_rows) or users.
WeightedRows weighted(const SparseRows& m, bool items_are_rows, const Weighting& weight, StopToken& stop) {
    WeightedRows w;
    w.offsets = m.offsets;
    w.columns = m.columns;
    w.values.resize(m.nnz());
    for (std::size_t r = 0; r < m.rows(); ++r) {
        if ((r & kCheckEvery) == 0) stop.check();
        for (auto j = m.offsets[r]; j < m.offsets[r + 1]; ++j) {
            const auto c = static_cast<std::size_t>(m.columns[j]);
            w.values[j] = items_are_rows ? weight(m.values[j], r, c) : weight(m.values[j], c, r);
        }
    }
    return w;
}

}  // namespace

const char* similarity_name(Similarity s) {
    switch (s) {
        case Similarity::Cosine: return "cosine";
        case Similarity::Bm25: return "bm25";
        case Similarity::Tfidf: return "tfidf";
    }
    return "cosine";
}

Similarity similarity_from_name(const std::string& name) {
    for (Similarity s : {Similarity::Cosine, Similarity::Bm25, Similarity::Tfidf})
        if (name == similarity_name(s)) return s;
    fail(ErrorKind::InvalidParameter, "unknown similarity \"" + name + "\"", "use cosine, bm25 or tfidf");
}

WeightedInteractions weight_interactions(const SparseRows& by_item, const SparseRows& by_user,
                                         const SimilarityParams& params, MemoryBudget& budget, StopToken& stop) {
    const char* what = "the weighted interactions";
    const std::size_t items = by_item.rows(), users = by_user.rows();
    // Both layouts (offsets, columns, values) and the statistics.
    budget.reserve(checked_add(checked_mul(by_item.nnz(), 2 * (sizeof(std::int32_t) + sizeof(double)), what,
                                           ErrorKind::OutOfMemory),
                               checked_mul(checked_add(items, users, what, ErrorKind::OutOfMemory),
                                           2 * sizeof(double), what, ErrorKind::OutOfMemory),
                               what, ErrorKind::OutOfMemory),
                   what);
    const Weighting weight(by_item, users, params);
    stop.check();
    WeightedInteractions out;
    out.by_item = weighted(by_item, true, weight, stop);
    out.by_user = weighted(by_user, false, weight, stop);
    return out;
}

}  // namespace recsys
