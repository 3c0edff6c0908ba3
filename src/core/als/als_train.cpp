// ALS training: alternate between solving every user against fixed item
// factors and every item against fixed user factors.
#include <Eigen/Cholesky>
#include <chrono>
#include <cmath>
#include <string>

#include "als.h"
#include "als_gram.h"
#include "als_kernel.h"
#include "als_warm_start.h"
#include "../base/huge_pages.h"
#include "../base/json.h"
#include "../base/parallel.h"

namespace recsys {

namespace {

using Clock = std::chrono::steady_clock;

// A chunk of solves (the unit of work of a thread, and the interval at
// which a cancel is seen) has at most kSolveChunk rows and, once it has
// kChunkNonzeros nonzeros, ends: a blockbuster row is a chunk of its own.
// The bounds depend only on the data, so the loss sums do not depend on
// the thread count.
constexpr std::size_t kSolveChunk = 256;
constexpr std::uint64_t kChunkNonzeros = 1 << 16;

std::vector<std::size_t> chunk_bounds(const SparseRows& rows) {
    std::vector<std::size_t> bounds = {0};
    const std::size_t n = rows.rows();
    for (std::size_t r = 0; r < n; ++r) {
        const std::size_t first = bounds.back();
        if (r + 1 - first == kSolveChunk || rows.offsets[r + 1] - rows.offsets[first] >= kChunkNonzeros || r + 1 == n)
            bounds.push_back(r + 1);
    }
    return bounds;
}

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Small uniform [0, 0.01) values, as the `implicit` library starts; each
// entry depends only on (seed, side, position), so filling is parallel and
// reproducible.
void random_init(FactorMatrix& m, std::uint64_t seed, std::uint64_t side, int threads, StopToken& stop) {
    std::uint64_t base = splitmix64(seed * 2 + side);
    std::size_t cols = static_cast<std::size_t>(m.cols());
    parallel_for(static_cast<std::size_t>(m.rows()), 4096, threads, stop, [&](std::size_t b, std::size_t e, int) {
        for (std::size_t r = b; r < e; ++r)
            for (std::size_t c = 0; c < cols; ++c) {
                std::uint64_t bits = splitmix64(base ^ (r * cols + c));
                m(r, c) = static_cast<float>(bits >> 40) * (0.01f / 16777216.0f);
            }
    });
}

// c = 1 + alpha w, in float as the solves compute it.
float implicit_confidence(const AlsParams& p, float w) { return 1.0f + static_cast<float>(p.alpha) * w; }

// Keeps the numbers of a training inside the floats, or stops it with an
// error that says which user or item went wrong and why. Too large a weight
// is the usual cause: it makes its confidence (implicit) or its rating
// (explicit), and so the solves' sums, huge; the errors name the largest.
class NumericGuard {
public:
    NumericGuard(const Interactions& data, const AlsParams& p) : data_(data), p_(p) {
        const SparseRows& rows = data.by_user;
        for (std::size_t u = 0; u < rows.rows(); ++u)
            for (std::uint64_t j = rows.offsets[u]; j < rows.offsets[u + 1]; ++j)
                if (rows.values[j] > largest_) {
                    largest_ = rows.values[j];
                    largest_user_ = data.user_ids[u];
                    largest_item_ = data.item_ids[static_cast<std::size_t>(rows.columns[j])];
                }
    }

    // Before training: the solves compute every confidence in float.
    void check_confidence() const {
        if (p_.explicit_feedback || std::isfinite(implicit_confidence(p_, largest_))) return;
        fail(ErrorKind::InvalidParameter,
             "als_fit option \"alpha\" (" + json_number(p_.alpha) + ") makes the confidence 1 + alpha * weight of " +
                 largest_pair() + " overflow a real",
             "lower alpha or scale the weights down");
    }

    // After an iteration: a loss that is not finite means the factors are
    // not, or soon will not be.
    void check_iteration(int iteration, double loss, const FactorMatrix& users, const FactorMatrix& items) const {
        if (std::isfinite(loss)) return;
        check_factors(users, items);
        fail_diverged("the loss of iteration " + std::to_string(iteration) + " is not finite");
    }

    // Names the first user, then item, whose factors are not finite.
    void check_factors(const FactorMatrix& users, const FactorMatrix& items) const {
        const Eigen::Index user = first_non_finite_row(users);
        if (user >= 0)
            fail_diverged("the factors of user " + std::to_string(data_.user_ids[static_cast<std::size_t>(user)]) +
                          " are not finite");
        const Eigen::Index item = first_non_finite_row(items);
        if (item >= 0)
            fail_diverged("the factors of item " + std::to_string(data_.item_ids[static_cast<std::size_t>(item)]) +
                          " are not finite");
    }

private:
    std::string largest_pair() const {
        return "user " + std::to_string(largest_user_) + " and item " + std::to_string(largest_item_);
    }

    [[noreturn]] void fail_diverged(const std::string& what) const {
        const std::string cause =
            p_.explicit_feedback
                ? "the largest weight, of " + largest_pair() + ", is " + message_number(largest_)
                : "the largest confidence, 1 + alpha * weight of " + largest_pair() + ", is " +
                      message_number(1.0 + p_.alpha * largest_);
        fail(ErrorKind::DataException, "als_fit training diverged: " + what + " (" + cause + ")",
             p_.explicit_feedback ? "scale the weights down or raise l2"
                                  : "lower alpha, scale the weights down, or raise l2");
    }

    const Interactions& data_;
    const AlsParams& p_;
    float largest_ = -INFINITY;  // the first of the largest weights, and whose it is
    std::int64_t largest_user_ = 0, largest_item_ = 0;
};

// Per-thread scratch for the row solves, kept for the whole training (the
// kernel's is several MB: allocating and zeroing it per half-step would
// cost page faults every time).
struct Scratch {
    FactorMatrix gathered;
    Eigen::VectorXf confidence;
    std::vector<float> cg;  // the kernel's three vectors
};

struct SolveSide {
    const SparseRows& rows;  // per row of x: columns index rows of y
    FactorMatrix& x;
    const FactorMatrix& y;
    const GramForm& gram;  // implicit only
    const std::vector<std::size_t>& chunks;  // chunk_bounds(rows)
};

// Solves every row of side.x; returns the loss terms of the solved rows
// when `with_loss` (see loss_normalizer below for the whole formula).
double solve_side(const SolveSide& side, const AlsParams& p, std::vector<Scratch>& scratch, StopToken& stop,
                  bool with_loss) {
    const int threads = static_cast<int>(scratch.size());
    int f = p.factors;
    const std::vector<std::size_t>& bounds = side.chunks;
    std::vector<double> chunk_loss(bounds.size() - 1, 0.0);
    float reg = static_cast<float>(p.l2);
    const GramForm& g = side.gram;
    kernel::CgProblem cg{side.rows.offsets.data(),
                         side.rows.columns.data(),
                         side.rows.values.data(),
                         side.y.data(),
                         g.full.data(),
                         side.x.data(),
                         f,
                         static_cast<float>(p.alpha),
                         p.cg_steps,
                         &stop.flag(),
                         g.rotated() ? g.diagonal.data() : nullptr,
                         g.rotated() ? g.rotation.data() : nullptr};

    // Rows [b, e) of one chunk; returns their loss terms.
    auto solve_chunk = [&](std::size_t b, std::size_t e, int worker) -> double {
        Scratch& s = scratch[static_cast<std::size_t>(worker)];
        if (!p.explicit_feedback && p.cg_steps > 0) {  // the common case: the vectorized kernel
            if (s.cg.empty()) s.cg.resize(kernel::cg_scratch_floats(f));
            return kernel::cg_solve_rows(cg, b, e, s.cg.data(), with_loss);
        }
        double loss = 0;
        for (std::size_t r = b; r < e; ++r) {
            auto begin = side.rows.offsets[r], end = side.rows.offsets[r + 1];
            Eigen::Index nz = static_cast<Eigen::Index>(end - begin);
            float* x = side.x.row(static_cast<Eigen::Index>(r)).data();
            Eigen::Map<Eigen::VectorXf> xv(x, f);
            if (nz == 0) {
                xv.setZero();
                continue;
            }
            if (s.gathered.rows() < nz) {
                s.gathered.resize(nz, f);
                s.confidence.resize(nz);
            }
            auto gathered = s.gathered.topRows(nz);
            for (Eigen::Index j = 0; j < nz; ++j) {
                gathered.row(j) = side.y.row(side.rows.columns[begin + static_cast<std::uint64_t>(j)]);
                float w = side.rows.values[begin + static_cast<std::uint64_t>(j)];
                s.confidence[j] = p.explicit_feedback ? w : implicit_confidence(p, w);
            }
            auto c = s.confidence.head(nz);
            if (p.explicit_feedback) {
                Eigen::MatrixXf a = Eigen::MatrixXf::Identity(f, f) * reg;
                a.selfadjointView<Eigen::Lower>().rankUpdate(gathered.transpose());
                Eigen::VectorXf rhs = gathered.transpose() * c;
                xv = a.selfadjointView<Eigen::Lower>().ldlt().solve(rhs);
                if (with_loss) loss += (c - gathered * xv).squaredNorm() + reg * xv.squaredNorm();
            } else {  // exact implicit solve (cg_steps = 0)
                solve_implicit_row(g.full, s.gathered.topRows(nz), c.data(), 0, x);
                if (with_loss) {
                    Eigen::VectorXf score = gathered * xv;
                    loss += xv.dot(g.full * xv);
                    loss += ((c.array() - 1) * score.array().square() - 2 * c.array() * score.array() + c.array())
                                .cast<double>()
                                .sum();
                }
            }
        }
        return loss;
    };
    parallel_for(chunk_loss.size(), 1, threads, stop, [&](std::size_t cb, std::size_t ce, int worker) {
        for (std::size_t c = cb; c < ce; ++c) chunk_loss[c] = solve_chunk(bounds[c], bounds[c + 1], worker);
    });
    double total = 0;
    for (double l : chunk_loss) total += l;
    return total;
}

}  // namespace

Eigen::Index first_non_finite_row(const FactorMatrix& m) {
    if (m.allFinite()) return -1;  // the usual case: one vectorized pass
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        if (!m.row(r).allFinite()) return r;
    return -1;
}

void solve_implicit_row(const Eigen::MatrixXf& gram, const FactorMatrix& gathered, const float* confidence,
                        int cg_steps, float* x_ptr) {
    const Eigen::Index f = gram.rows();
    const Eigen::Index nz = gathered.rows();
    Eigen::Map<Eigen::VectorXf> x(x_ptr, f);
    Eigen::Map<const Eigen::VectorXf> c(confidence, nz);
    if (cg_steps == 0) {
        Eigen::MatrixXf a = gram;
        Eigen::MatrixXf weighted = (c.array() - 1).matrix().asDiagonal() * gathered;
        a.noalias() += gathered.transpose() * weighted;
        Eigen::VectorXf rhs = gathered.transpose() * c;
        x = a.ldlt().solve(rhs);
        return;
    }
    // The training kernel on a one-row problem whose columns are the gathered
    // rows, with alpha = 1 and weights c - 1 (so that 1 + alpha w = c).
    std::vector<std::uint64_t> offsets = {0, static_cast<std::uint64_t>(nz)};
    std::vector<std::int32_t> columns(static_cast<std::size_t>(nz));
    std::vector<float> weights(static_cast<std::size_t>(nz));
    for (Eigen::Index k = 0; k < nz; ++k) {
        columns[static_cast<std::size_t>(k)] = static_cast<std::int32_t>(k);
        weights[static_cast<std::size_t>(k)] = confidence[k] - 1.0f;
    }
    FactorMatrix gram_rows = gram;  // the kernel reads row-major
    kernel::CgProblem problem{offsets.data(), columns.data(), weights.data(), gathered.data(), gram_rows.data(),
                              x_ptr, static_cast<int>(f), 1.0f, cg_steps};
    std::vector<float> scratch(kernel::cg_scratch_floats(static_cast<int>(f)));
    kernel::cg_solve_rows(problem, 0, 1, scratch.data(), false);
}

AlsModel train_als(const std::int64_t* users, const std::int64_t* items, const float* weights, std::size_t n,
                   const Options& options, TrainingSummary base, TrainContext& ctx) {
    AlsTrainingSummary summary;
    static_cast<TrainingSummary&>(summary) = base;
    auto started = Clock::now();
    MemoryBudget unlimited;
    MemoryBudget& budget = ctx.budget ? *ctx.budget : unlimited;
    StopToken never;
    StopToken& stop = ctx.stop ? *ctx.stop : never;
    int threads = ctx.threads < 1 ? 1 : ctx.threads;

    AlsModel model;
    model.options = options;
    model.params = AlsParams::from(options);
    const AlsParams& p = model.params;
    const AlsModel* warm = warm_start_model(options, ctx);  // checked before the data is laid out

    Interactions data = build_interactions(users, items, weights, n, budget, stop, threads);
    const NumericGuard guard(data, p);
    guard.check_confidence();
    std::size_t n_users = data.user_ids.size(), n_items = data.item_ids.size();
    budget.reserve((n_users + n_items) * static_cast<std::size_t>(p.factors) * sizeof(float), "ALS factors");

    if (p.explicit_feedback || p.cg_steps == 0) {  // these solves gather each row's factors
        std::size_t widest = 0;
        for (const SparseRows* side : {&data.by_user, &data.by_item})
            for (std::size_t r = 0; r < side->rows(); ++r)
                widest = std::max<std::size_t>(widest, side->offsets[r + 1] - side->offsets[r]);
        budget.reserve(widest * static_cast<std::size_t>(p.factors) * sizeof(float) * static_cast<std::size_t>(threads),
                       "exact solves");
    } else {
        budget.reserve(kernel::cg_scratch_floats(p.factors) * sizeof(float) * static_cast<std::size_t>(threads),
                       "CG solver scratch");
    }
    model.user_factors.resize(static_cast<Eigen::Index>(n_users), p.factors);
    model.item_factors.resize(static_cast<Eigen::Index>(n_items), p.factors);
    advise_huge_pages(model.user_factors.data(), n_users * static_cast<std::size_t>(p.factors) * sizeof(float));
    advise_huge_pages(model.item_factors.data(), n_items * static_cast<std::size_t>(p.factors) * sizeof(float));
    random_init(model.user_factors, p.seed, 0, threads, stop);
    random_init(model.item_factors, p.seed, 1, threads, stop);
    if (warm) {
        summary.warm_start_id = ctx.warm_start.id;
        summary.warm_users = copy_known_rows(warm->user_ids, warm->user_factors, data.user_ids, model.user_factors);
        summary.warm_items = copy_known_rows(warm->item_ids, warm->item_factors, data.item_ids, model.item_factors);
    }

    double confidence_total = 0;
    for (float w : data.by_user.values) confidence_total += 1.0 + p.alpha * w;
    double nnz = static_cast<double>(data.by_user.nnz());
    double normalizer = p.explicit_feedback ? nnz : confidence_total + double(n_users) * double(n_items) - nnz;

    std::vector<Scratch> scratch(static_cast<std::size_t>(threads));
    const std::vector<std::size_t> user_chunks = chunk_bounds(data.by_user), item_chunks = chunk_bounds(data.by_item);
    summary.user_chunks = user_chunks.size() - 1;
    summary.item_chunks = item_chunks.size() - 1;
    // The kernel's solves can run in a rotated basis (GramForm); `basis`
    // takes the original factors to the current ones.
    const bool kernel_solves = !p.explicit_feedback && p.cg_steps > 0;
    const bool rotate_users = kernel_solves && ctx.diagonal_gram && diagonalizing_pays(n_users, n_items, p.factors),
               rotate_items = kernel_solves && ctx.diagonal_gram && diagonalizing_pays(n_items, n_users, p.factors);
    Eigen::MatrixXd basis = Eigen::MatrixXd::Identity(p.factors, p.factors);
    for (int it = 1; it <= p.iterations; ++it) {
        GramForm gram_items, gram_users;
        if (!p.explicit_feedback)
            gram_items = gram_form(model.item_factors, p.l2, rotate_users, basis, threads, stop);
        solve_side({data.by_user, model.user_factors, model.item_factors, gram_items, user_chunks}, p, scratch, stop,
                   false);
        if (!p.explicit_feedback)
            gram_users = gram_form(model.user_factors, p.l2, rotate_items, basis, threads, stop);
        double loss =
            solve_side({data.by_item, model.item_factors, model.user_factors, gram_users, item_chunks}, p, scratch,
                       stop, true);
        // The item-side terms include reg*|y|^2; add reg*|x|^2 for the users.
        loss += p.l2 * static_cast<double>(model.user_factors.squaredNorm());
        loss /= normalizer > 0 ? normalizer : 1;
        guard.check_iteration(it, loss, model.user_factors, model.item_factors);
        summary.loss.push_back(loss);
        summary.item_gram_blocks = gram_items.blocks;  // (the same every iteration)
        summary.user_gram_blocks = gram_users.blocks;
        summary.eigensolver_fallbacks += gram_items.fell_back + gram_users.fell_back;
        double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
        if (ctx.progress) ctx.progress(it, loss, elapsed);
        stop.check();
    }

    if (rotate_users || rotate_items) {  // back to the basis of the factors the solves would give unrotated
        const FactorMatrix back = basis.transpose().cast<float>();
        rotate(model.user_factors, back, threads, stop);
        rotate(model.item_factors, back, threads, stop);
    }
    guard.check_factors(model.user_factors, model.item_factors);

    model.take_interactions(data, true);
    summary.threads = threads;
    summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    model.summary = std::move(summary);
    return model;
}

}  // namespace recsys
