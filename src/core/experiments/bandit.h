// A Beta-Bernoulli bandit over items: per item, how often it was shown and
// clicked, and the posterior of its click-through rate,
//
//   CTR_i ~ Beta(prior_a + clicks_i, prior_b + shows_i - clicks_i),
//
// learned by bandit_fit(item_id bigint, shown bigint, clicked bigint
// [, options]) over an impression log (one row per impression, shown = 1, or
// pre-aggregated counts per item; rows of one item add up). The prior is given
// (prior_a, prior_b) or learned from the catalogue: its mean is the pooled CTR
// and its strength prior_a + prior_b is given (prior_strength) or the one of
// the highest beta-binomial likelihood of the items' counts, at most min_shows
// (bandit_prior.cpp). An item with fewer than min_shows shows, or one the
// model never saw, is "fresh".
//
// explore() samples one page from candidates: a share epsilon of its slots
// goes to fresh candidates chosen by Thompson sampling (the highest draws of
// their posteriors), the other slots to the candidates of the highest
// exploitation score (a ranker's), or, without scores, of the highest draw
// (pure Thompson sampling). Every draw comes from a generator seeded by
// (seed, item id), so a page is a function of the seed and the candidate set:
// the same for the same seed, whatever order the candidates come in.
//
// Payload layout, version 1 (little-endian):
//   u32 payload version, f64 prior_a, f64 prior_b, string prior source,
//   i64[] item ids (ascending), u64[] shows, u64[] clicks,
//   string options (JSON), common training summary (model.h)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../model/model.h"
#include "../model/model_format.h"
#include "../model/model_kind.h"
#include "../base/stop.h"

namespace recsys {

const OptionSchema& bandit_option_schema();
const ModelKind& bandit_kind();

// Per-item totals of shows and clicks.
struct ItemCounts {
    std::vector<std::int64_t> items;  // ascending, distinct
    std::vector<std::uint64_t> shows, clicks;
};

// Adds up n rows (item, shown, clicked) by item. A negative count, or more
// clicks than shows in a row, is a DataException naming the item.
ItemCounts count_items(const std::int64_t* items, const std::int64_t* shown, const std::int64_t* clicked,
                       std::size_t n, const StopToken& stop);

struct BetaPrior {
    double a = 1, b = 1;
    std::string source;  // "options", "catalogue mean, strength from options", "catalogue (marginal likelihood)", ...
};

// The prior learned from the catalogue: mean (clicks + 0.5) / (shows + 1)
// pooled over the items; strength `strength` if positive, otherwise the
// empirical-Bayes estimate: the strength of the highest beta-binomial
// marginal likelihood of the items' counts in [2, cap] (cap: min_shows; see
// bandit_prior.cpp for why), 2 where the counts cannot tell (no click, or
// fewer than two items shown).
BetaPrior catalogue_prior(const ItemCounts& counts, double strength, double cap);

class BanditModel : public Model {
public:
    static constexpr const char* kKind = "bandit";
    const char* kind() const override { return kKind; }

    Options options;
    BetaPrior prior;
    ItemCounts counts;
    std::uint64_t min_shows = 0;
    TrainingSummary summary;

    // The index of `item` in counts, or -1.
    std::ptrdiff_t find(std::int64_t item) const;
    // The posterior Beta(alpha, beta) of item index i (-1: an unseen item, the prior).
    double alpha(std::ptrdiff_t i) const;
    double beta(std::ptrdiff_t i) const;
    std::uint64_t shows(std::ptrdiff_t i) const { return i < 0 ? 0 : counts.shows[static_cast<std::size_t>(i)]; }
    bool fresh(std::ptrdiff_t i) const { return shows(i) < min_shows; }

    // What makes this model useless for exploration, for a WARNING at fit
    // time and model_info's statistics: no show at all, or, with a prior
    // learned from the catalogue, no click or only clicks (every posterior
    // near 0 or 1: Thompson draws that cannot rank). "" when there is none.
    std::string data_warning() const;
    static const char* data_warning_hint();

    std::size_t memory_bytes() const override { return sizeof(*this) + counts.items.size() * 24; }
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static BanditModel read(const Envelope& envelope);
};

BanditModel fit_bandit(const ItemCounts& counts, const Options& options, TrainingSummary summary);

// A draw from Beta(a, b), a, b > 0, from a generator seeded by (seed, stream).
// Exact for any shapes (small ones are drawn in log space).
double beta_sample(double a, double b, std::uint64_t seed, std::uint64_t stream);

struct ExploreRequest {
    const std::int64_t* items = nullptr;
    const double* scores = nullptr;  // null: rank by the Thompson draw
    std::size_t n = 0;
    int k = 10;
    double epsilon = 0.1;  // share of the page's slots explored, in [0, 1]
    std::uint64_t seed = 0;
};

struct ExploreSlot {
    std::int64_t item;
    int rank;        // 1..k
    double score;    // the candidate's exploitation score (NaN without scores)
    double sample;   // its Thompson draw
    bool explored;   // chosen among fresh items for exploration
};

// The page: min(k, n) slots in rank order. Explored slots: round(epsilon * k)
// in expectation (floor, plus one with the probability of the fraction), at
// positions drawn at random, fewer when fewer candidates are fresh. A
// repeated item, a non-finite score, k < 1 or epsilon outside [0, 1] is an
// InvalidParameter error.
std::vector<ExploreSlot> explore(const BanditModel& model, const ExploreRequest& request);

}  // namespace recsys
