// BPR's training (bpr_train.h): the options, the initial factors and the
// blocked SGD schedule.
//
// Why blocked, not Hogwild: Hogwild lets threads update shared item factors
// as they go, so the result depends on how the threads happen to interleave,
// and a seed could not reproduce a model. Here the users are cut into one
// block per worker (contiguous, of about equal interactions), and each
// epoch into rounds of kRoundSamples samples per worker (8 per item for a
// large catalogue: see round_samples). In a round,
// every worker samples only triples of its own users with its own
// generator, so the user factors are never shared; it updates the item
// factors in a private copy taken at the start of the round, so it sees its
// own item updates at once, as serial SGD would, and the others' at the next
// round. After the round the copies' changes are added to the shared item
// factors row by row in worker order. Nothing depends on timing: a seed and
// a thread count give the same model. With one thread there is no copy and
// the schedule is plain serial SGD. The cost of the copies is the rows a
// round touched (they are reset, merged and marked, not the whole matrix).
#include <algorithm>
#include <chrono>
#include <cmath>

#include "bpr_step.h"
#include "bpr_train.h"
#include "../base/checked.h"
#include "../base/json.h"
#include "../base/parallel.h"
#include "../base/random.h"

namespace recsys {

namespace {

using Clock = std::chrono::steady_clock;

// Samples per worker per round (at least; more for a large catalogue): how
// stale another worker's item updates can get, and the interval of the merge.
constexpr std::uint64_t kRoundSamples = 1 << 14;
constexpr std::uint64_t kCheckEvery = 4095;  // samples between looks at the stop flag

// Uniform (-0.5, 0.5) / factors, as implicit starts; each entry depends only
// on (seed, side, position), so a seed fixes it. The user's bias column is 1.
void random_init(FactorMatrix& m, std::uint64_t seed, std::uint64_t side, int factors, bool user_side) {
    const std::uint64_t base = splitmix64(splitmix64(seed) ^ (0xb9b0000 + side));
    const Eigen::Index cols = m.cols();
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (Eigen::Index c = 0; c < cols; ++c) {
            const std::uint64_t bits = splitmix64(base ^ static_cast<std::uint64_t>(r * cols + c));
            const double u = static_cast<double>(bits >> 11) * 0x1.0p-53;
            m(r, c) = static_cast<float>((u - 0.5) / factors);
        }
    if (user_side) m.col(factors).setOnes();
}

bool has_item(const SparseRows& rows, std::size_t user, std::int32_t item) {
    const std::int32_t* b = rows.columns.data() + rows.offsets[user];
    const std::int32_t* e = rows.columns.data() + rows.offsets[user + 1];
    return std::binary_search(b, e, item);
}

// What one worker owns: its users' interactions [begin, end) of the
// by-user matrix, its generator, its copy of the item factors (several
// workers only) and the rows of the copy it changed in this round.
struct Worker {
    std::uint64_t begin = 0, end = 0;
    SplitMix rng;
    FactorMatrix items;
    std::vector<std::uint8_t> touched;
    std::vector<std::int32_t> touched_rows;
    std::uint64_t correct = 0, skipped = 0;
    explicit Worker(SplitMix r) : rng(r) {}
};

// Cuts the users into `workers` blocks of about nnz / workers interactions
// each (a block ends at a user boundary; one may be empty).
std::vector<std::uint64_t> block_bounds(const SparseRows& rows, int workers) {
    std::vector<std::uint64_t> bounds(static_cast<std::size_t>(workers) + 1, 0);
    const std::uint64_t nnz = rows.nnz();
    for (int w = 1; w < workers; ++w) {
        const std::uint64_t target = nnz * static_cast<std::uint64_t>(w) / static_cast<std::uint64_t>(workers);
        bounds[static_cast<std::size_t>(w)] =
            *std::lower_bound(rows.offsets.begin(), rows.offsets.end(), std::max(target, bounds[w - 1]));
    }
    bounds.back() = nnz;
    return bounds;
}

[[noreturn]] void fail_diverged(int epoch, const BprParams& p) {
    fail(ErrorKind::InvalidParameter,
         "bpr_fit diverged in epoch " + std::to_string(epoch) + ": the factors are no longer finite",
         "lower learning_rate (" + json_number(p.learning_rate) + ")");
}

}  // namespace

const OptionSchema& bpr_option_schema() {
    static const OptionSchema schema = {
        "bpr_fit",
        {
            integer_option("factors", 64, 1, 1024, "number of latent factors per user and item (plus the item bias)"),
            number_option("learning_rate", 0.01, 1e-9, 10, "step size of the stochastic gradient updates"),
            number_option("l2", 0.01, 0, 1e6,
                          "L2 penalty on the factors and item biases in every update (implicit's regularization)"),
            integer_option("epochs", 100, 1, 100000,
                           "passes over the data; each samples as many triples as there are interactions"),
            integer_option("seed", 0, 0, 9007199254740991.0,
                           "seed of the initial factors and of the sampled triples (with a fixed thread count)"),
            boolean_option("verify_negative_samples", true,
                           "skip a sampled negative item the user has seen (implicit's verify_negative_samples)"),
        },
        nullptr,
    };
    return schema;
}

BprParams BprParams::from(const Options& o) {
    BprParams p;
    p.factors = static_cast<int>(o.integer("factors"));
    p.learning_rate = o.number("learning_rate");
    p.l2 = o.number("l2");
    p.epochs = static_cast<int>(o.integer("epochs"));
    p.seed = static_cast<std::uint64_t>(o.integer("seed"));
    p.verify_negative_samples = o.boolean("verify_negative_samples");
    return p;
}

BprRun bpr_sgd(const SparseRows& by_user, std::size_t n_items, const BprParams& p, TrainContext& ctx) {
    ContextResources res(ctx);
    const auto started = Clock::now();
    const std::size_t n_users = by_user.rows();
    const std::uint64_t nnz = by_user.nnz();
    if (n_users == 0 || n_items == 0 || nnz == 0) fail(ErrorKind::InvalidParameter, "bpr_fit needs at least one interaction");
    const int threads = std::max(1, ctx.threads);
    const int workers = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), n_users));
    const std::size_t width = static_cast<std::size_t>(p.factors) + 1;

    // The factors, the user of every interaction, and with several workers
    // their item copies and marks.
    std::size_t bytes = checked_mul(checked_add(n_users, n_items, "bpr_fit factors"), width, 4, "bpr_fit factors");
    bytes = checked_add(bytes, checked_mul(nnz, 4, "bpr_fit interactions"), "bpr_fit");
    if (workers > 1)
        bytes = checked_add(bytes, checked_mul(static_cast<std::size_t>(workers), n_items, width * 4 + 5, "bpr_fit copies"),
                            "bpr_fit");
    res.budget.reserve(bytes, "bpr_fit factors and sampling tables");

    BprRun run;
    run.workers = workers;
    run.user_factors.resize(static_cast<Eigen::Index>(n_users), static_cast<Eigen::Index>(width));
    run.item_factors.resize(static_cast<Eigen::Index>(n_items), static_cast<Eigen::Index>(width));
    random_init(run.user_factors, p.seed, 0, p.factors, true);
    random_init(run.item_factors, p.seed, 1, p.factors, false);
    res.stop.check();

    std::vector<std::int32_t> user_of(nnz);  // the row of each interaction (implicit's userids)
    for (std::size_t u = 0; u < n_users; ++u)
        std::fill(user_of.begin() + static_cast<std::ptrdiff_t>(by_user.offsets[u]),
                  user_of.begin() + static_cast<std::ptrdiff_t>(by_user.offsets[u + 1]), static_cast<std::int32_t>(u));

    const std::vector<std::uint64_t> bounds = block_bounds(by_user, workers);
    std::vector<Worker> team;
    std::uint64_t widest = 0;
    for (int w = 0; w < workers; ++w) {
        team.emplace_back(SplitMix(p.seed, 0x425052 + static_cast<std::uint64_t>(w)));
        Worker& k = team.back();
        k.begin = bounds[static_cast<std::size_t>(w)];
        k.end = bounds[static_cast<std::size_t>(w) + 1];
        widest = std::max(widest, k.end - k.begin);
        if (workers > 1) {
            k.items = run.item_factors;
            k.touched.assign(n_items, 0);
        }
    }
    // A round's merge costs the rows it touched, up to the whole catalogue:
    // at least 8 samples per item in a round keep that a small share of it.
    const std::uint64_t round_samples = std::max<std::uint64_t>(kRoundSamples, 8 * static_cast<std::uint64_t>(n_items));
    run.rounds = std::max<std::uint64_t>(1, (widest + round_samples - 1) / round_samples);

    const BprStep step{static_cast<float>(p.learning_rate), static_cast<float>(p.l2), p.factors};
    // A sample's reads are random (the interaction, its user's row, three
    // factor rows): they are drawn kAhead samples early and their memory
    // prefetched in two stages, the index arrays first, then, half-way,
    // the rows they name. The draws keep their order, so the model is the
    // same as without prefetching.
    constexpr std::uint64_t kAhead = 8;
    struct Draw {
        std::uint64_t at, negative;
    };
    const std::size_t row_bytes = width * sizeof(float);
    const auto prefetch_row = [row_bytes](const float* row) {
        for (std::size_t b = 0; b < row_bytes; b += 64) __builtin_prefetch(reinterpret_cast<const char*>(row) + b, 1);
    };
    const auto sample = [&](Worker& k, std::uint64_t count) {
        FactorMatrix& items = workers > 1 ? k.items : run.item_factors;
        Draw ring[kAhead];
        const auto draw = [&](std::uint64_t s) {
            // A seen (user, item) uniformly among the block's interactions,
            // an item by popularity (an interaction's item) as the negative.
            Draw& d = ring[s % kAhead];
            d.at = k.begin + k.rng.below(k.end - k.begin);
            d.negative = k.rng.below(nnz);
            __builtin_prefetch(&user_of[d.at]);
            __builtin_prefetch(&by_user.columns[d.at]);
            __builtin_prefetch(&by_user.columns[d.negative]);
        };
        for (std::uint64_t s = 0; s < std::min(kAhead, count); ++s) draw(s);
        for (std::uint64_t s = 0; s < count; ++s) {
            if ((s & kCheckEvery) == kCheckEvery) res.stop.check_stopped();
            const Draw d = ring[s % kAhead];
            if (s + kAhead < count) draw(s + kAhead);
            if (s + kAhead / 2 < count) {
                const Draw& next = ring[(s + kAhead / 2) % kAhead];
                const std::int32_t next_user = user_of[next.at];
                __builtin_prefetch(&by_user.offsets[static_cast<std::size_t>(next_user)]);
                prefetch_row(run.user_factors.row(next_user).data());
                prefetch_row(items.row(by_user.columns[next.at]).data());
                prefetch_row(items.row(by_user.columns[next.negative]).data());
            }
            const std::int32_t user = user_of[d.at], liked = by_user.columns[d.at];
            const std::int32_t disliked = by_user.columns[d.negative];
            if (disliked == liked || (p.verify_negative_samples && has_item(by_user, static_cast<std::size_t>(user), disliked))) {
                ++k.skipped;
                continue;
            }
            float* l = items.row(liked).data();
            float* dl = items.row(disliked).data();
            k.correct += step.both(run.user_factors.row(user).data(), l, dl);
            if (workers > 1)
                for (std::int32_t i : {liked, disliked})
                    if (!k.touched[static_cast<std::size_t>(i)]) {
                        k.touched[static_cast<std::size_t>(i)] = 1;
                        k.touched_rows.push_back(i);
                    }
        }
    };

    std::vector<std::int32_t> changed;  // rows some worker changed in the last round
    std::vector<std::uint8_t> is_changed(workers > 1 ? n_items : 0, 0);
    for (int epoch = 1; epoch <= p.epochs; ++epoch) {
        for (Worker& k : team) k.correct = k.skipped = 0;
        for (std::uint64_t round = 0; round < run.rounds; ++round) {
            parallel_for(static_cast<std::size_t>(workers), 1, threads, res.stop, [&](std::size_t b, std::size_t e, int) {
                for (std::size_t w = b; w < e; ++w) {
                    Worker& k = team[w];
                    const std::uint64_t n = k.end - k.begin;
                    if (n == 0) continue;
                    if (workers > 1)  // back to the shared rows
                        for (std::int32_t i : changed) k.items.row(i) = run.item_factors.row(i);
                    // n spread over the rounds: the first n % rounds get one more.
                    sample(k, n / run.rounds + (round < n % run.rounds ? 1 : 0));
                }
            });
            if (workers == 1) continue;
            for (std::int32_t i : changed) is_changed[static_cast<std::size_t>(i)] = 0;
            changed.clear();
            for (Worker& k : team) {
                for (std::int32_t i : k.touched_rows) {
                    k.touched[static_cast<std::size_t>(i)] = 0;
                    if (!is_changed[static_cast<std::size_t>(i)]) {
                        is_changed[static_cast<std::size_t>(i)] = 1;
                        changed.push_back(i);
                    }
                }
                k.touched_rows.clear();
            }
            // shared += sum over workers (in their order) of copy - shared.
            parallel_for(changed.size(), 1024, threads, res.stop, [&](std::size_t b, std::size_t e, int) {
                Eigen::RowVectorXf sum(static_cast<Eigen::Index>(width));
                for (std::size_t c = b; c < e; ++c) {
                    const std::int32_t i = changed[c];
                    sum = run.item_factors.row(i);
                    for (const Worker& k : team) sum += k.items.row(i) - run.item_factors.row(i);
                    run.item_factors.row(i) = sum;
                }
            });
        }
        std::uint64_t correct = 0, skipped = 0;
        for (const Worker& k : team) {
            correct += k.correct;
            skipped += k.skipped;
        }
        if (!run.user_factors.allFinite() || !run.item_factors.allFinite()) fail_diverged(epoch, p);
        const double auc = nnz > skipped ? static_cast<double>(correct) / static_cast<double>(nnz - skipped) : 0.0;
        run.auc.push_back(auc);
        run.skipped = skipped;
        if (ctx.progress) ctx.progress(epoch, auc, std::chrono::duration<double>(Clock::now() - started).count());
        res.stop.check();
    }
    return run;
}

}  // namespace recsys
