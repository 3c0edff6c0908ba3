// A brute-force oracle of item neighbours, written plainly from implicit's
// definitions (nearest_neighbours.py): dense matrices, every pair. Shared by
// itemknn_pairs_test.cpp and itemknn_test.cpp.
#pragma once

#include <cmath>
#include <map>
#include <random>
#include <algorithm>
#include <vector>

#include "candidates/itemknn_weighting.h"

namespace recsys {
namespace test {

// A dense users x items matrix of weights; `seen` marks the interactions
// (a weight may be 0 and still be one).
struct Dense {
    std::size_t users = 0, items = 0;
    std::vector<double> r;
    std::vector<bool> seen;
    double& at(std::size_t u, std::size_t i) { return r[u * items + i]; }
    double get(std::size_t u, std::size_t i) const { return r[u * items + i]; }
    bool has(std::size_t u, std::size_t i) const { return seen[u * items + i]; }
};

inline Dense random_dense(std::size_t users, std::size_t items, double density, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    Dense d{users, items, std::vector<double>(users * items, 0.0), std::vector<bool>(users * items, false)};
    for (std::size_t u = 0; u < users; ++u)
        for (std::size_t i = 0; i < items; ++i)
            if (unit(rng) < density) {
                d.at(u, i) = static_cast<float>(1 + std::floor(unit(rng) * 5) + unit(rng));  // stored as float
                d.seen[u * items + i] = true;
            }
    // Every item is watched by someone (the model only knows such items).
    for (std::size_t i = 0; i < items; ++i) {
        bool any = false;
        for (std::size_t u = 0; u < users; ++u) any = any || d.has(u, i);
        if (!any) {
            d.at(i % users, i) = 1;
            d.seen[(i % users) * items + i] = true;
        }
    }
    return d;
}

// implicit's weighting, dense, item by item: W[i][u].
inline std::vector<std::vector<double>> oracle_weights(const Dense& d, const SimilarityParams& p) {
    std::vector<std::vector<double>> w(d.items, std::vector<double>(d.users, 0.0));
    std::vector<double> idf(d.users);
    for (std::size_t u = 0; u < d.users; ++u) {
        double n = 0;
        for (std::size_t i = 0; i < d.items; ++i) n += d.has(u, i);
        idf[u] = std::log(double(d.items)) - std::log(1 + n);
    }
    double mean_length = 0;
    for (std::size_t i = 0; i < d.items; ++i)
        for (std::size_t u = 0; u < d.users; ++u) mean_length += d.get(u, i) / d.items;
    for (std::size_t i = 0; i < d.items; ++i) {
        double length = 0;
        for (std::size_t u = 0; u < d.users; ++u) length += d.get(u, i);
        for (std::size_t u = 0; u < d.users; ++u) {
            if (!d.has(u, i)) continue;
            const double r = d.get(u, i);
            switch (p.similarity) {
                case Similarity::Cosine: w[i][u] = r; break;
                case Similarity::Tfidf: w[i][u] = std::sqrt(r) * idf[u]; break;
                case Similarity::Bm25: {
                    const double norm = 1 - p.b + p.b * length / mean_length;
                    w[i][u] = r * (p.k1 + 1) / (p.k1 * norm + r) * idf[u];
                    break;
                }
            }
        }
        if (p.similarity != Similarity::Bm25) {
            double squares = 0;
            for (double x : w[i]) squares += x * x;
            for (double& x : w[i]) x /= std::sqrt(squares);
        }
    }
    return w;
}

// Every pair: sim[i][j] = sum_u W[i][u] W[j][u], over pairs sharing a user.
inline std::vector<std::map<std::int32_t, double>> oracle_similarity(const Dense& d, const SimilarityParams& p) {
    auto w = oracle_weights(d, p);
    std::vector<std::map<std::int32_t, double>> sim(d.items);
    for (std::size_t i = 0; i < d.items; ++i)
        for (std::size_t j = 0; j < d.items; ++j) {
            bool share = false;
            double s = 0;
            for (std::size_t u = 0; u < d.users; ++u)
                if (d.has(u, i) && d.has(u, j)) {
                    share = true;
                    s += w[i][u] * w[j][u];
                }
            if (share) sim[i][static_cast<std::int32_t>(j)] = s;
        }
    return sim;
}

// The oracle's similarity rows pruned to the k best (no ties in the data).
inline std::vector<std::map<std::int32_t, double>> oracle_pruned(const Dense& d, const SimilarityParams& p,
                                                                 std::size_t k) {
    auto sim = oracle_similarity(d, p);
    for (auto& row : sim) {
        std::vector<std::pair<double, std::int32_t>> ranked;
        for (const auto& [j, s] : row) ranked.push_back({s, j});
        std::sort(ranked.rbegin(), ranked.rend());
        ranked.resize(std::min(k, ranked.size()));
        row.clear();
        for (const auto& [s, j] : ranked) row[j] = s;
    }
    return sim;
}

// implicit's recommend score: the user's row times the pruned similarity.
inline double oracle_score(const Dense& d, const std::vector<std::map<std::int32_t, double>>& pruned, std::size_t u,
                           std::int32_t i) {
    double s = 0;
    for (std::size_t j = 0; j < d.items; ++j) {
        if (!d.has(u, j)) continue;
        auto it = pruned[j].find(i);
        if (it != pruned[j].end()) s += d.get(u, j) * it->second;
    }
    return s;
}

}  // namespace test
}  // namespace recsys
