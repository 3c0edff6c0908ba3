// The bandit's prior learned from the catalogue (bandit.h): an empirical-Bayes
// fit of its strength, and what the counts say that a user should hear about.
//
// The prior's mean is the pooled CTR. Its strength s = prior_a + prior_b (how
// many shows the prior is worth) is the one that makes the items' counts most
// likely under the beta-binomial model, CTR_i ~ Beta(m s, (1 - m) s) and
// clicks_i ~ Binomial(shows_i, CTR_i) (type-II maximum likelihood), searched
// on [2, cap]. The likelihood weighs each item by what its counts tell, where
// the method of moments that came before weighed them by their shows; with
// a log's long tail of rarely shown items its estimates are the tighter
// (tests/bandit_test.cpp, CataloguePriorFromALongTail).
//
// Where the counts cannot tell the items' CTRs apart (few shows each: their
// spread is binomial noise) both estimates run to any strength: the method
// of moments stopped at 10^6, where every posterior was the catalogue's mean
// to four digits and every Thompson draw the same. So the cap matters, and
// it is min_shows, the shows after which an item is established: a prior
// worth more shows than that would outweigh an established item's own
// clicks, and a fresh item's draws would stay at the mean for its whole fresh
// period, so exploration would learn nothing.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "bandit.h"

namespace recsys {

namespace {

constexpr double kMinStrength = 2, kMaxStrength = 1e6;

// Items of equal counts, with their number: one term of the likelihood each.
struct CountGroup {
    double shows, clicks, items;
};

std::vector<CountGroup> count_groups(const ItemCounts& counts) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs;
    pairs.reserve(counts.items.size());
    for (std::size_t i = 0; i < counts.items.size(); ++i)
        if (counts.shows[i] > 0) pairs.emplace_back(counts.shows[i], counts.clicks[i]);
    std::sort(pairs.begin(), pairs.end());
    std::vector<CountGroup> groups;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        if (i > 0 && pairs[i] == pairs[i - 1]) {
            groups.back().items += 1;
        } else {
            groups.push_back({static_cast<double>(pairs[i].first), static_cast<double>(pairs[i].second), 1});
        }
    }
    return groups;
}

// log P(counts | Beta(m s, (1 - m) s)), less the binomial coefficients (which
// do not depend on s): sum over items of log B(a + c, b + n - c) - log B(a, b).
double log_likelihood(const std::vector<CountGroup>& groups, double m, double s) {
    const double a = m * s, b = (1 - m) * s;
    const double prior = std::lgamma(a) + std::lgamma(b) - std::lgamma(s);
    double total = 0;
    for (const CountGroup& g : groups)
        total += g.items * (std::lgamma(a + g.clicks) + std::lgamma(b + g.shows - g.clicks) -
                            std::lgamma(s + g.shows) - prior);
    return total;
}

// The strength in [low, high] of the highest likelihood: the best of a grid
// even in log s (so that a second, lower peak cannot capture the search),
// refined by golden-section search between its neighbours. `at_high`: the
// best is the upper end (the likelihood still rose there).
double most_likely_strength(const std::vector<CountGroup>& groups, double m, double low, double high, bool* at_high) {
    *at_high = false;
    if (!(high > low)) {
        *at_high = true;
        return low;
    }
    constexpr int kGrid = 24;
    const double lo = std::log(low), step = (std::log(high) - lo) / (kGrid - 1);
    auto value = [&](double log_s) { return log_likelihood(groups, m, std::exp(log_s)); };
    int best = 0;
    double best_value = -INFINITY;
    for (int j = 0; j < kGrid; ++j) {
        const double v = value(lo + step * j);
        if (v > best_value) best_value = v, best = j;
    }
    if (best == kGrid - 1) {
        *at_high = true;
        return high;
    }
    double x0 = lo + step * std::max(0, best - 1), x3 = lo + step * (best + 1);
    const double r = (std::sqrt(5.0) - 1) / 2;
    double x1 = x3 - r * (x3 - x0), x2 = x0 + r * (x3 - x0);
    double f1 = value(x1), f2 = value(x2);
    for (int i = 0; i < 40 && x3 - x0 > 1e-7; ++i) {  // s to 1e-7: the same digits from any libm
        if (f1 >= f2) {
            x3 = x2, x2 = x1, f2 = f1;
            x1 = x3 - r * (x3 - x0), f1 = value(x1);
        } else {
            x0 = x1, x1 = x2, f1 = f2;
            x2 = x0 + r * (x3 - x0), f2 = value(x2);
        }
    }
    return std::exp((x0 + x3) / 2);
}

}  // namespace

BetaPrior catalogue_prior(const ItemCounts& counts, double strength, double cap) {
    double shows = 0, clicks = 0;
    for (std::size_t i = 0; i < counts.items.size(); ++i) {
        shows += static_cast<double>(counts.shows[i]);
        clicks += static_cast<double>(counts.clicks[i]);
    }
    const double mean = (clicks + 0.5) / (shows + 1);
    BetaPrior prior;
    if (strength > 0) {
        prior.source = "catalogue mean, strength from options";
    } else {
        const std::vector<CountGroup> groups = count_groups(counts);
        // No click, or only clicks: every item's CTR looks alike (0 or 1),
        // which says nothing about how they differ. One shown item: no spread.
        const double high = std::clamp(cap, kMinStrength, kMaxStrength);
        double shown_items = 0;
        for (const CountGroup& g : groups) shown_items += g.items;
        if (clicks == 0 || clicks == shows || shown_items < 2) {
            strength = kMinStrength;
            prior.source = "catalogue mean, too few items or clicks to estimate the strength";
        } else {
            bool at_cap = false;
            strength = most_likely_strength(groups, clicks / shows, kMinStrength, high, &at_cap);
            prior.source = at_cap ? "catalogue (marginal likelihood, capped at min_shows: the counts do not tell the "
                                    "items' CTRs apart)"
                                  : "catalogue (marginal likelihood)";
        }
    }
    prior.a = mean * strength;
    prior.b = (1 - mean) * strength;
    return prior;
}

std::string BanditModel::data_warning() const {
    bool shown = false, clicked = false, all_clicked = true;
    double shows = 0;
    for (std::size_t i = 0; i < counts.items.size(); ++i) {
        shown = shown || counts.shows[i] > 0;
        clicked = clicked || counts.clicks[i] > 0;
        all_clicked = all_clicked && counts.clicks[i] == counts.shows[i];
        shows += static_cast<double>(counts.shows[i]);
    }
    if (counts.items.empty()) return "";
    const std::string items = std::to_string(counts.items.size()) + (counts.items.size() == 1 ? " item" : " items");
    if (!shown)
        return "bandit_fit saw no show of its " + items +
               ": every posterior is the prior, and recsys.explore's draws do not tell the items apart";
    // A prior given in the options keeps the posteriors apart by their shows.
    if ((!clicked || all_clicked) && prior.source != "options") {
        char total[32];
        std::snprintf(total, sizeof total, "%.0f", shows);
        return "bandit_fit saw " + std::string(clicked ? "a click on every show" : "no click") + " in " + total +
               " shows of " + items + ": every posterior CTR is " + (clicked ? "near 1" : "near 0") +
               ", and recsys.explore's draws do not tell the items apart";
    }
    return "";
}

const char* BanditModel::data_warning_hint() {
    return "check the clicked column (one row per impression is (item_id, 1, clicked::int)), or give the prior you "
           "expect: {\"prior_a\": 1, \"prior_b\": 49} is a CTR of 2 % worth 50 shows";
}

}  // namespace recsys
