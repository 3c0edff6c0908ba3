// Thompson sampling and the explored page of recsys.explore (bandit.h).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "bandit.h"
#include "../base/json.h"
#include "../base/random.h"

namespace recsys {

namespace {

// Separates the page's own draws (explored slot count and positions) from the
// items' draws, which use the seed as it is.
constexpr std::uint64_t kPageSeed = 0x6a09e667f3bcc909ULL;

// Uniform in (0, 1]: safe under a logarithm.
double open_uniform(SplitMix& rng) { return 1 - rng.uniform(); }

// A standard normal draw (Marsaglia's polar method).
double normal(SplitMix& rng) {
    for (;;) {
        const double u = 2 * rng.uniform() - 1, v = 2 * rng.uniform() - 1, s = u * u + v * v;
        if (s > 0 && s < 1) return u * std::sqrt(-2 * std::log(s) / s);
    }
}

// The logarithm of a Gamma(a, 1) draw (Marsaglia and Tsang 2000; for a < 1,
// Gamma(a) = Gamma(a + 1) U^(1/a), kept in log space where U^(1/a) would
// underflow).
double log_gamma_sample(double a, SplitMix& rng) {
    if (a < 1) return log_gamma_sample(a + 1, rng) + std::log(open_uniform(rng)) / a;
    const double d = a - 1.0 / 3, c = 1 / std::sqrt(9 * d);
    for (;;) {
        const double x = normal(rng);
        double v = 1 + c * x;
        if (v <= 0) continue;
        v = v * v * v;
        const double u = open_uniform(rng);
        if (u < 1 - 0.0331 * x * x * x * x || std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v)))
            return std::log(d) + std::log(v);
    }
}

struct Candidate {
    std::int64_t item;
    double score, sample;
    bool fresh;
};

// Higher key first, then the smaller item id: a total order, so a page does
// not depend on the order the candidates came in.
template <class Key>
void sort_by(std::vector<const Candidate*>& v, Key key) {
    std::sort(v.begin(), v.end(), [&](const Candidate* x, const Candidate* y) {
        const double kx = key(*x), ky = key(*y);
        return kx != ky ? kx > ky : x->item < y->item;
    });
}

void check_request(const ExploreRequest& r) {
    if (r.k < 1) fail(ErrorKind::InvalidParameter, "k must be greater than 0, got " + std::to_string(r.k));
    if (!(r.epsilon >= 0 && r.epsilon <= 1))
        fail(ErrorKind::InvalidParameter, "epsilon must be between 0 and 1, got " + message_number(r.epsilon),
             "epsilon is the share of the page's slots given to fresh items");
    for (std::size_t i = 0; r.scores && i < r.n; ++i)
        if (!std::isfinite(r.scores[i]))
            fail(ErrorKind::DataException, "scores[" + std::to_string(i + 1) + "] is " + message_number(r.scores[i]) +
                                               ", not a finite number");
    std::vector<std::int64_t> sorted(r.items, r.items + r.n);
    std::sort(sorted.begin(), sorted.end());
    auto repeated = std::adjacent_find(sorted.begin(), sorted.end());
    if (repeated != sorted.end())
        fail(ErrorKind::InvalidParameter, "item_ids has item " + std::to_string(*repeated) + " more than once",
             "pass each candidate once (SELECT DISTINCT, or array_agg(DISTINCT ...))");
}

}  // namespace

double beta_sample(double a, double b, std::uint64_t seed, std::uint64_t stream) {
    SplitMix rng(seed, stream);
    const double log_x = log_gamma_sample(a, rng), log_y = log_gamma_sample(b, rng);
    return 1 / (1 + std::exp(log_y - log_x));
}

std::vector<ExploreSlot> explore(const BanditModel& model, const ExploreRequest& request) {
    check_request(request);
    std::vector<Candidate> candidates(request.n);
    for (std::size_t i = 0; i < request.n; ++i) {
        const std::int64_t item = request.items[i];
        const std::ptrdiff_t at = model.find(item);
        candidates[i] = {item, request.scores ? request.scores[i] : NAN,
                         beta_sample(model.alpha(at), model.beta(at), request.seed, static_cast<std::uint64_t>(item)),
                         model.fresh(at)};
    }
    const std::size_t page = std::min<std::size_t>(static_cast<std::size_t>(request.k), request.n);

    // How many slots to explore: epsilon * page, the fraction by a coin.
    SplitMix rng(request.seed ^ kPageSeed);
    const double wanted = request.epsilon * static_cast<double>(page);
    std::size_t explored = static_cast<std::size_t>(std::floor(wanted));
    if (rng.uniform() < wanted - std::floor(wanted)) ++explored;

    // The explored items: the fresh candidates of the highest draws.
    std::vector<const Candidate*> fresh, rest;
    for (const Candidate& c : candidates) (c.fresh ? fresh : rest).push_back(&c);
    sort_by(fresh, [](const Candidate& c) { return c.sample; });
    explored = std::min(explored, fresh.size());
    rest.insert(rest.end(), fresh.begin() + static_cast<std::ptrdiff_t>(explored), fresh.end());
    fresh.resize(explored);
    // The other slots: by exploitation score, or by the draw without scores.
    if (request.scores) sort_by(rest, [](const Candidate& c) { return c.score; });
    else sort_by(rest, [](const Candidate& c) { return c.sample; });

    // The explored slots' positions: a uniform choice of `explored` of them.
    std::vector<std::size_t> positions(page);
    std::iota(positions.begin(), positions.end(), 0);
    for (std::size_t j = 0; j < explored; ++j) std::swap(positions[j], positions[j + rng.below(page - j)]);
    std::vector<bool> is_explored(page, false);
    for (std::size_t j = 0; j < explored; ++j) is_explored[positions[j]] = true;

    std::vector<ExploreSlot> out;
    out.reserve(page);
    std::size_t next_fresh = 0, next_rest = 0;
    for (std::size_t slot = 0; slot < page; ++slot) {
        const Candidate& c = is_explored[slot] ? *fresh[next_fresh++] : *rest[next_rest++];
        out.push_back({c.item, static_cast<int>(slot + 1), c.score, c.sample, is_explored[slot]});
    }
    return out;
}

}  // namespace recsys
