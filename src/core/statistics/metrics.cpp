#include "metrics.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace recsys {

namespace {

// For each of the first k recommendations: was it a relevant item not
// recommended before? (A repeat keeps its rank but is never a second hit.)
struct Hits {
    std::vector<bool> at_rank;  // rank r (0-based) is a hit
    std::size_t relevant = 0;   // distinct relevant items
};

Hits hits(const RankingInput& in) {
    Hits h;
    std::vector<std::int64_t> relevant(in.relevant, in.relevant + in.n_relevant);
    std::sort(relevant.begin(), relevant.end());
    relevant.erase(std::unique(relevant.begin(), relevant.end()), relevant.end());
    h.relevant = relevant.size();
    const std::size_t shown = std::min(in.k, in.n_recommended);
    std::vector<bool> found(relevant.size(), false);
    for (std::size_t i = 0; i < shown; ++i) {
        auto it = std::lower_bound(relevant.begin(), relevant.end(), in.recommended[i]);
        bool hit = it != relevant.end() && *it == in.recommended[i] && !found[static_cast<std::size_t>(it - relevant.begin())];
        if (hit) found[static_cast<std::size_t>(it - relevant.begin())] = true;
        h.at_rank.push_back(hit);
    }
    return h;
}

std::size_t count(const Hits& h) { return static_cast<std::size_t>(std::count(h.at_rank.begin(), h.at_rank.end(), true)); }

}  // namespace

double precision_at_k(const RankingInput& in) {
    Hits h = hits(in);
    if (h.relevant == 0 || in.k == 0) return 0;
    return static_cast<double>(count(h)) / static_cast<double>(in.k);
}

double recall_at_k(const RankingInput& in) {
    Hits h = hits(in);
    if (h.relevant == 0) return 0;
    return static_cast<double>(count(h)) / static_cast<double>(h.relevant);
}

double ndcg_at_k(const RankingInput& in) {
    Hits h = hits(in);
    if (h.relevant == 0 || in.k == 0) return 0;
    double dcg = 0, ideal = 0;
    for (std::size_t r = 0; r < h.at_rank.size(); ++r)
        if (h.at_rank[r]) dcg += 1.0 / std::log2(static_cast<double>(r) + 2.0);
    for (std::size_t r = 0; r < std::min(in.k, h.relevant); ++r) ideal += 1.0 / std::log2(static_cast<double>(r) + 2.0);
    return dcg / ideal;
}

double average_precision_at_k(const RankingInput& in) {
    Hits h = hits(in);
    if (h.relevant == 0 || in.k == 0) return 0;
    double sum = 0;
    std::size_t found = 0;
    for (std::size_t r = 0; r < h.at_rank.size(); ++r)
        if (h.at_rank[r]) sum += static_cast<double>(++found) / static_cast<double>(r + 1);
    return sum / static_cast<double>(std::min(in.k, h.relevant));
}

}  // namespace recsys
