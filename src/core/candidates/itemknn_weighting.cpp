#include "itemknn_weighting.h"

#include <cmath>
#include <numeric>

#include "../base/checked.h"
#include "../base/error.h"

namespace recsys {

namespace {

constexpr std::size_t kCheckEvery = (1 << 14) - 1;

// idf_u = log(items) - log1p(items of u): users who watched everything say
// little about an item; an interaction with 0 weight still counts, as a
// stored entry does in implicit.
std::vector<double> user_idf(const SparseRows& by_item, std::size_t users) {
    std::vector<double> count(users, 0.0);
    for (std::int32_t u : by_item.columns) count[static_cast<std::size_t>(u)] += 1;
    const double log_items = std::log(static_cast<double>(by_item.rows()));
    for (double& c : count) c = log_items - std::log1p(c);
    return count;
}

// Divides each row by its 2-norm (squares summed in row order); a row of
// norm 0 stays 0.
void normalize_rows(WeightedRows& m) {
    for (std::size_t i = 0; i < m.rows(); ++i) {
        double squares = 0;
        for (auto j = m.offsets[i]; j < m.offsets[i + 1]; ++j) squares += m.values[j] * m.values[j];
        if (squares == 0) continue;
        const double norm = std::sqrt(squares);
        for (auto j = m.offsets[i]; j < m.offsets[i + 1]; ++j) m.values[j] /= norm;
    }
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

WeightedRows weight_items(const SparseRows& by_item, std::size_t users, const SimilarityParams& params,
                          MemoryBudget& budget, StopToken& stop) {
    const std::size_t nnz = by_item.nnz(), items = by_item.rows();
    const char* what = "the weighted item-user matrix";
    budget.reserve(checked_add(checked_mul(nnz, 12, what, ErrorKind::OutOfMemory),
                               checked_mul(checked_add(items, users, what, ErrorKind::OutOfMemory), 8, what,
                                           ErrorKind::OutOfMemory),
                               what, ErrorKind::OutOfMemory),
                   what);
    WeightedRows w;
    w.offsets = by_item.offsets;
    w.columns = by_item.columns;
    w.values.assign(by_item.values.begin(), by_item.values.end());
    stop.check();

    switch (params.similarity) {
        case Similarity::Cosine:
            break;
        case Similarity::Tfidf: {
            const std::vector<double> idf = user_idf(by_item, users);
            for (std::size_t j = 0; j < nnz; ++j) w.values[j] = std::sqrt(w.values[j]) * idf[w.columns[j]];
            break;
        }
        case Similarity::Bm25: {
            const std::vector<double> idf = user_idf(by_item, users);
            std::vector<double> length(items, 0.0);
            for (std::size_t i = 0; i < items; ++i)
                for (auto j = w.offsets[i]; j < w.offsets[i + 1]; ++j) length[i] += w.values[j];
            const double mean = items ? std::accumulate(length.begin(), length.end(), 0.0) / items : 0;
            for (std::size_t i = 0; i < items; ++i) {
                if ((i & kCheckEvery) == 0) stop.check();
                // mean is 0 only when every weight is 0: every value is then 0 too.
                const double norm = 1.0 - params.b + (mean > 0 ? params.b * length[i] / mean : 0.0);
                for (auto j = w.offsets[i]; j < w.offsets[i + 1]; ++j) {
                    const double r = w.values[j];
                    const double denominator = params.k1 * norm + r;
                    w.values[j] = denominator > 0 ? r * (params.k1 + 1.0) / denominator * idf[w.columns[j]] : 0.0;
                }
            }
            return w;  // bm25 rows are not normalized
        }
    }
    normalize_rows(w);
    return w;
}

WeightedRows transpose_weighted(const WeightedRows& m, std::size_t columns, MemoryBudget& budget, StopToken& stop) {
    const char* what = "the weighted user-item matrix";
    budget.reserve(checked_add(checked_mul(m.nnz(), 12, what, ErrorKind::OutOfMemory),
                               checked_mul(columns + 1, 16, what, ErrorKind::OutOfMemory), what,
                               ErrorKind::OutOfMemory),
                   what);
    WeightedRows t;
    t.offsets.assign(columns + 1, 0);
    for (auto c : m.columns) ++t.offsets[static_cast<std::size_t>(c) + 1];
    std::partial_sum(t.offsets.begin(), t.offsets.end(), t.offsets.begin());
    t.columns.resize(m.nnz());
    t.values.resize(m.nnz());
    std::vector<std::uint64_t> next(t.offsets.begin(), t.offsets.end() - 1);
    for (std::size_t r = 0; r < m.rows(); ++r) {  // rows ascending: the columns of t stay sorted
        if ((r & kCheckEvery) == 0) stop.check();
        for (auto j = m.offsets[r]; j < m.offsets[r + 1]; ++j) {
            auto pos = next[static_cast<std::size_t>(m.columns[j])]++;
            t.columns[pos] = static_cast<std::int32_t>(r);
            t.values[pos] = m.values[j];
        }
    }
    return t;
}

}  // namespace recsys
