// The bandit (bandit.h): counts to Beta posteriors, the learned prior, Beta
// draws against their distribution, and the explored page (determinism,
// share of explored slots, what goes where).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "experiments/bandit.h"
#include "base/random.h"
#include "expect_failure.h"
#include "test_support.h"

namespace recsys {
namespace {

using test::expect_failure;
using test::options_json;

Options bandit_options(const std::vector<test::OptionArg>& members) {
    return parse_options(options_json(members), bandit_option_schema());
}

// A model of the rows (item, shown, clicked).
BanditModel bandit_of(const std::vector<std::int64_t>& items, const std::vector<std::int64_t>& shown,
                      const std::vector<std::int64_t>& clicked, const Options& options) {
    ItemCounts counts = count_items(items.data(), shown.data(), clicked.data(), items.size(), StopToken());
    return fit_bandit(counts, options, TrainingSummary{});
}

// P(X > Y) for X ~ Beta(a1, b1), Y ~ Beta(a2, b2), a1 a whole number
// (Evan Miller's closed form, in logs).
double probability_beats(int a1, double b1, double a2, double b2) {
    auto log_beta = [](double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); };
    double total = 0;
    for (int i = 0; i < a1; ++i)
        total += std::exp(log_beta(a2 + i, b1 + b2) - std::log(b1 + i) - log_beta(1 + i, b1) - log_beta(a2, b2));
    return total;
}

TEST(BanditTest, CountsAddUpByItemIntoBetaPosteriors) {
    // Item 7: one pre-aggregated row and two impressions; item -3: one row.
    BanditModel m = bandit_of({7, -3, 7, 7}, {100, 40, 1, 1}, {10, 0, 1, 0},
                              bandit_options({test::num("prior_a", 2), test::num("prior_b", 3)}));
    ASSERT_EQ(m.counts.items, (std::vector<std::int64_t>{-3, 7}));
    EXPECT_EQ(m.counts.shows, (std::vector<std::uint64_t>{40, 102}));
    EXPECT_EQ(m.counts.clicks, (std::vector<std::uint64_t>{0, 11}));
    const std::ptrdiff_t seven = m.find(7);
    EXPECT_DOUBLE_EQ(m.alpha(seven), 2 + 11);
    EXPECT_DOUBLE_EQ(m.beta(seven), 3 + 102 - 11);
    EXPECT_DOUBLE_EQ(m.alpha(m.find(-3)), 2);
    EXPECT_DOUBLE_EQ(m.beta(m.find(-3)), 3 + 40);
    // An item never seen has the prior and is fresh; min_shows defaults to 100.
    EXPECT_EQ(m.find(8), -1);
    EXPECT_DOUBLE_EQ(m.alpha(-1), 2);
    EXPECT_DOUBLE_EQ(m.beta(-1), 3);
    EXPECT_TRUE(m.fresh(-1));
    EXPECT_TRUE(m.fresh(m.find(-3)));
    EXPECT_FALSE(m.fresh(seven));
}

TEST(BanditTest, BadCountsAreErrorsNamingTheItem) {
    const Options o = bandit_options({});
    expect_failure(ErrorKind::DataException, "shown -1 of item_id 5 is negative",
                       [&] { bandit_of({5}, {-1}, {0}, o); });
    expect_failure(ErrorKind::DataException, "clicked 3 of item_id 5 is more than shown 2",
                       [&] { bandit_of({5}, {2}, {3}, o); });
    expect_failure(ErrorKind::InvalidParameter, "\"prior_b\" must be given with prior_a",
                       [&] { bandit_options({test::num("prior_a", 1)}); });
}

TEST(BanditTest, ModelRoundTripsThroughItsBytes) {
    BanditModel m = bandit_of({1, 2, 3}, {10, 200, 0}, {1, 30, 0}, bandit_options({test::num("min_shows", 50)}));
    auto bytes = test::to_bytes(m);
    auto loaded = load_model(bytes.data(), bytes.size());
    const auto& back = model_as<BanditModel>(*loaded);
    EXPECT_EQ(back.counts.items, m.counts.items);
    EXPECT_EQ(back.counts.shows, m.counts.shows);
    EXPECT_EQ(back.counts.clicks, m.counts.clicks);
    EXPECT_EQ(back.prior.a, m.prior.a);
    EXPECT_EQ(back.prior.b, m.prior.b);
    EXPECT_EQ(back.min_shows, 50u);
}

// Counts of `items` items shown `shows` times each (or, for a negative
// `shows`, between 1 and -shows times, log-uniformly: the long tail of a
// real log), their CTRs drawn from Beta(a, b), their clicks from those CTRs.
ItemCounts planted_counts(std::int64_t items, int shows, double a, double b, std::uint64_t seed) {
    ItemCounts counts;
    SplitMix rng(seed);
    for (std::int64_t item = 0; item < items; ++item) {
        const double ctr = beta_sample(a, b, seed + 11, static_cast<std::uint64_t>(item));
        const int n = shows > 0 ? shows : 1 + static_cast<int>(std::exp(rng.uniform() * std::log(-shows)));
        std::uint64_t clicks = 0;
        for (int s = 0; s < n; ++s) clicks += rng.uniform() < ctr;
        counts.items.push_back(item);
        counts.shows.push_back(static_cast<std::uint64_t>(n));
        counts.clicks.push_back(clicks);
    }
    return counts;
}

// Items whose CTRs are drawn from Beta(2, 98) (mean 0.02, strength 100), each
// shown 5,000 times: the marginal likelihood finds the prior again.
TEST(BanditTest, CataloguePriorRecoversPlantedSpread) {
    const ItemCounts counts = planted_counts(2000, 5000, 2, 98, 3);
    BetaPrior learned = catalogue_prior(counts, 0, 1e6);
    EXPECT_NEAR(learned.a / (learned.a + learned.b), 0.02, 0.001);
    EXPECT_NEAR(learned.a + learned.b, 100, 15);
    EXPECT_EQ(learned.source, "catalogue (marginal likelihood)");
    BetaPrior fixed = catalogue_prior(counts, 10, 1e6);
    EXPECT_NEAR(fixed.a + fixed.b, 10, 1e-12);
    EXPECT_NEAR(fixed.a / 10, learned.a / (learned.a + learned.b), 1e-12);
}

// A log's long tail: 1,000 items shown 1 to 2,000 times, most of them a few
// times, their CTRs from Beta(2, 98). The likelihood weighs each item by
// what its counts tell, and finds the strength within a fifth on every draw
// of the clicks (over 40 draws its quartiles were 96 and 106; the method of
// moments it replaced, 93 and 111).
TEST(BanditTest, CataloguePriorFromALongTail) {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        const BetaPrior learned = catalogue_prior(planted_counts(1000, -2000, 2, 98, seed), 0, 1e6);
        EXPECT_NEAR(learned.a + learned.b, 100, 20) << "seed " << seed;
        EXPECT_EQ(learned.source, "catalogue (marginal likelihood)");
    }
}

// Items that all have the same CTR (2 %), 20 shows each: their counts differ
// by binomial noise alone, so the likelihood rises to any strength (and the
// method of moments said 10^6: every posterior the catalogue's mean, every
// draw the same). The strength stops at min_shows; fresh items' draws still
// spread, and an item's own clicks move its posterior.
TEST(BanditTest, CataloguePriorWithoutSpreadStopsAtMinShows) {
    std::vector<std::int64_t> items, shown, clicked;
    SplitMix rng(5);
    for (std::int64_t item = 0; item < 3000; ++item)
        for (int s = 0; s < 20; ++s) {
            items.push_back(item);
            shown.push_back(1);
            clicked.push_back(rng.uniform() < 0.02);
        }
    const BanditModel m = bandit_of(items, shown, clicked, bandit_options({}));
    EXPECT_DOUBLE_EQ(m.prior.a + m.prior.b, 100);
    EXPECT_NE(m.prior.source.find("capped at min_shows"), std::string::npos) << m.prior.source;
    double sum = 0, sum2 = 0;
    const int n = 2000;
    for (int i = 0; i < n; ++i) {
        const double x = beta_sample(m.alpha(-1), m.beta(-1), 9, static_cast<std::uint64_t>(i));
        sum += x;
        sum2 += x * x;
    }
    const double sd = std::sqrt(sum2 / n - (sum / n) * (sum / n));
    EXPECT_GT(sd, 0.01) << "the draws of a fresh item barely vary";
    // 5 clicks in 20 shows: a posterior mean well above the catalogue's.
    const BanditModel lucky = bandit_of({1, 2, 3}, {20, 20, 2000}, {5, 0, 40}, bandit_options({}));
    const std::ptrdiff_t one = lucky.find(1);
    EXPECT_GT(lucky.alpha(one) / (lucky.alpha(one) + lucky.beta(one)), 0.03);
    // min_shows sets the cap.
    const BanditModel tight = bandit_of(items, shown, clicked, bandit_options({test::num("min_shows", 10)}));
    EXPECT_DOUBLE_EQ(tight.prior.a + tight.prior.b, 10);
}

// A log without a click (a wrong column, a join that lost them): every
// learned posterior is near 0 and draws cannot rank, which the model says
// in its statistics and the fit reports as a warning. A given prior keeps
// the posteriors apart; a log with clicks has nothing to say.
TEST(BanditTest, LogWithoutClicksIsReported) {
    const BanditModel none = bandit_of({1, 2, 3}, {100, 50, 10}, {0, 0, 0}, bandit_options({}));
    EXPECT_EQ(none.data_warning(),
              "bandit_fit saw no click in 160 shows of 3 items: every posterior CTR is near 0, and recsys.explore's "
              "draws do not tell the items apart");
    EXPECT_NE(none.metadata_json().find("\"warning\":\"bandit_fit saw no click"), std::string::npos);
    const BanditModel all = bandit_of({1, 2}, {3, 4}, {3, 4}, bandit_options({}));
    EXPECT_NE(all.data_warning().find("a click on every show in 7 shows of 2 items"), std::string::npos);
    const BanditModel unseen = bandit_of({1}, {0}, {0}, bandit_options({}));
    EXPECT_EQ(unseen.data_warning(),
              "bandit_fit saw no show of its 1 item: every posterior is the prior, and recsys.explore's draws do not "
              "tell the items apart");
    EXPECT_EQ(bandit_of({1, 2}, {100, 50}, {0, 0}, bandit_options({test::num("prior_a", 1), test::num("prior_b", 49)}))
                  .data_warning(),
              "");
    const BanditModel fine = bandit_of({1, 2, 3}, {100, 100, 10}, {3, 5, 0}, bandit_options({}));
    EXPECT_EQ(fine.data_warning(), "");
    EXPECT_EQ(fine.metadata_json().find("warning"), std::string::npos);
    // The fit reports it through its context, once.
    std::vector<std::string> warnings;
    TrainContext ctx;
    ctx.warn = [&](const std::string& message, const std::string& hint) { warnings.push_back(message + " | " + hint); };
    const std::vector<std::int64_t> items = {1, 2}, shown = {10, 10}, clicked = {0, 0};
    TrainingRows rows;
    rows.count = 2;
    rows.columns = {{"item_id", ColumnType::Int64, items.data(), 1},
                    {"shown", ColumnType::Int64, shown.data(), 1},
                    {"clicked", ColumnType::Int64, clicked.data(), 1}};
    bandit_kind().fit(rows, bandit_options({}), ctx);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("no click in 20 shows of 2 items"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("| check the clicked column"), std::string::npos) << warnings[0];
}

TEST(BanditTest, BetaDrawsHaveTheBetaMoments) {
    for (auto [a, b] : std::vector<std::pair<double, double>>{{2, 5}, {0.05, 0.5}, {300, 7000}, {1, 1}}) {
        const int n = 200000;
        double sum = 0, sum2 = 0;
        for (int i = 0; i < n; ++i) {
            const double x = beta_sample(a, b, 1, static_cast<std::uint64_t>(i));
            ASSERT_TRUE(x >= 0 && x <= 1) << x;
            sum += x;
            sum2 += x * x;
        }
        const double mean = a / (a + b), var = a * b / ((a + b) * (a + b) * (a + b + 1));
        const double sample_mean = sum / n, sample_var = sum2 / n - sample_mean * sample_mean;
        EXPECT_NEAR(sample_mean, mean, 5 * std::sqrt(var / n)) << "Beta(" << a << ", " << b << ")";
        EXPECT_NEAR(sample_var / var, 1, 0.03) << "Beta(" << a << ", " << b << ")";
    }
}

// The share of draws where item A beats item B is the probability that
// Beta(A) exceeds Beta(B): what Thompson sampling's ranking rests on.
TEST(BanditTest, ShareOfWinsMatchesTheBetaProbability) {
    struct Case {
        int a1;
        double b1, a2, b2;
    };
    for (const Case& c : {Case{30, 70, 25, 55}, Case{3, 97, 1, 40}, Case{12, 988, 10, 990}}) {
        const double exact = probability_beats(c.a1, c.b1, c.a2, c.b2);
        const int n = 100000;
        int wins = 0;
        for (int i = 0; i < n; ++i)
            wins += beta_sample(c.a1, c.b1, static_cast<std::uint64_t>(i), 1) >
                    beta_sample(c.a2, c.b2, static_cast<std::uint64_t>(i), 2);
        EXPECT_NEAR(static_cast<double>(wins) / n, exact, 4 * std::sqrt(exact * (1 - exact) / n))
            << "P(Beta(" << c.a1 << ", " << c.b1 << ") > Beta(" << c.a2 << ", " << c.b2 << ")) = " << exact;
    }
}

// A catalogue of 40 items: 0..29 shown 1,000 times each (CTR rising with the
// id), 30..39 fresh (shown 10 times).
BanditModel catalogue() {
    std::vector<std::int64_t> items, shown, clicked;
    for (std::int64_t i = 0; i < 40; ++i) {
        items.push_back(i);
        shown.push_back(i < 30 ? 1000 : 10);
        clicked.push_back(i < 30 ? 10 + i : i % 2);
    }
    return bandit_of(items, shown, clicked, bandit_options({}));
}

std::vector<std::int64_t> ids(std::int64_t n) {
    std::vector<std::int64_t> v(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = i;
    return v;
}

std::vector<ExploreSlot> page(const BanditModel& m, const std::vector<std::int64_t>& items,
                              const std::vector<double>* scores, int k, double epsilon, std::uint64_t seed) {
    ExploreRequest r;
    r.items = items.data();
    r.scores = scores ? scores->data() : nullptr;
    r.n = items.size();
    r.k = k;
    r.epsilon = epsilon;
    r.seed = seed;
    return explore(m, r);
}

std::vector<std::int64_t> items_of(const std::vector<ExploreSlot>& slots) {
    std::vector<std::int64_t> out;
    for (const auto& s : slots) out.push_back(s.item);
    return out;
}

TEST(BanditTest, PageIsDeterministicUnderTheSeedWhateverTheCandidateOrder) {
    const BanditModel m = catalogue();
    std::vector<std::int64_t> items = ids(40);
    std::vector<double> scores(40);
    for (std::size_t i = 0; i < 40; ++i) scores[i] = std::sin(static_cast<double>(i));
    const auto first = page(m, items, &scores, 10, 0.3, 42);
    EXPECT_EQ(items_of(page(m, items, &scores, 10, 0.3, 42)), items_of(first));
    std::vector<std::int64_t> reversed(items.rbegin(), items.rend());
    std::vector<double> reversed_scores(scores.rbegin(), scores.rend());
    const auto again = page(m, reversed, &reversed_scores, 10, 0.3, 42);
    EXPECT_EQ(items_of(again), items_of(first));
    for (std::size_t s = 0; s < first.size(); ++s) EXPECT_EQ(again[s].explored, first[s].explored);
    // Other seeds give other pages (pure Thompson sampling: every slot drawn).
    std::set<std::vector<std::int64_t>> pages;
    for (std::uint64_t seed = 0; seed < 20; ++seed) pages.insert(items_of(page(m, items, nullptr, 10, 0, seed)));
    EXPECT_GT(pages.size(), 15u);
}

TEST(BanditTest, ExploredSlotsAreTheEpsilonShareOfFreshItems) {
    const BanditModel m = catalogue();
    const std::vector<std::int64_t> items = ids(40);
    std::vector<double> scores(40);
    for (std::size_t i = 0; i < 40; ++i) scores[i] = static_cast<double>(i % 30);  // fresh items score low
    const int pages = 4000, k = 10;
    double explored = 0;
    std::vector<double> by_position(k, 0);
    for (int seed = 0; seed < pages; ++seed) {
        const auto slots = page(m, items, &scores, k, 0.15, static_cast<std::uint64_t>(seed));
        ASSERT_EQ(slots.size(), static_cast<std::size_t>(k));
        int here = 0;
        double last_score = INFINITY;
        for (const auto& s : slots) {
            EXPECT_EQ(s.rank, static_cast<int>(&s - slots.data()) + 1);
            if (s.explored) {
                EXPECT_GE(s.item, 30) << "explored a non-fresh item";
                ++here;
                by_position[static_cast<std::size_t>(s.rank - 1)] += 1;
            } else {
                EXPECT_LE(s.score, last_score) << "exploited slots must follow the score";
                last_score = s.score;
            }
        }
        EXPECT_TRUE(here == 1 || here == 2) << here;  // floor(1.5) plus a coin
        explored += here;
    }
    EXPECT_NEAR(explored / (pages * k), 0.15, 0.005);
    // Explored slots land anywhere on the page.
    for (double count : by_position) EXPECT_NEAR(count / pages, 0.15, 0.03);
    // No exploration; exploration of every slot, but only 10 items are fresh.
    for (const auto& s : page(m, items, &scores, k, 0, 1)) EXPECT_FALSE(s.explored);
    const auto all = page(m, items, &scores, 20, 1, 1);
    EXPECT_EQ(std::count_if(all.begin(), all.end(), [](const ExploreSlot& s) { return s.explored; }), 10);
}

// Pure Thompson sampling ranks the better of two items first as often as
// its Beta posterior beats the other's.
TEST(BanditTest, ThompsonPageFavoursTheBetterPosterior) {
    const BanditModel m = bandit_of({28, 29}, {1000, 1000}, {38, 45},
                                    bandit_options({test::num("prior_a", 1), test::num("prior_b", 1)}));
    const std::vector<std::int64_t> items = {28, 29};
    const int n = 20000;
    int first29 = 0;
    for (int seed = 0; seed < n; ++seed)
        first29 += page(m, items, nullptr, 1, 0, static_cast<std::uint64_t>(seed))[0].item == 29;
    const double exact = probability_beats(46, 956, 39, 963);  // Beta(1 + 45, 1 + 955) against Beta(1 + 38, 1 + 962)
    EXPECT_NEAR(static_cast<double>(first29) / n, exact, 4 * std::sqrt(exact * (1 - exact) / n));
}

TEST(BanditTest, BadRequestsAreErrors) {
    const BanditModel m = catalogue();
    std::vector<std::int64_t> twice = {1, 2, 1};
    expect_failure(ErrorKind::InvalidParameter, "item_ids has item 1 more than once",
                       [&] { page(m, twice, nullptr, 2, 0.1, 0); });
    std::vector<std::int64_t> items = {1, 2};
    std::vector<double> bad = {0.5, NAN};
    expect_failure(ErrorKind::DataException, "scores[2] is nan, not a finite number",
                       [&] { page(m, items, &bad, 2, 0.1, 0); });
    expect_failure(ErrorKind::InvalidParameter, "epsilon must be between 0 and 1",
                       [&] { page(m, items, nullptr, 2, 1.5, 0); });
    expect_failure(ErrorKind::InvalidParameter, "k must be greater than 0",
                       [&] { page(m, items, nullptr, 0, 0.1, 0); });
    EXPECT_TRUE(page(m, {}, nullptr, 5, 0.1, 0).empty());
}

}  // namespace
}  // namespace recsys
