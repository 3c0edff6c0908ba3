// GloVe's objective on the co-occurrence counts, its gradient, and the
// AdaGrad fit.
//
// Both orders of every unordered pair are fitted (the counts are symmetric,
// as GloVe's are with a symmetric window): (i, j) moves w_i and w~_j, (j, i)
// moves w_j and w~_i. One step on an entry is GloVe's: the residual
//   d = w_row . w~_col + b_row + b~_col - log X,
// the gradient f(X) d times the other side's vector, and AdaGrad with the
// squared-gradient sums started at 1 (GloVe's choice: the first steps are
// the learning rate times the gradient, not a step of length lr whatever the
// gradient is).
#include <algorithm>
#include <chrono>
#include <cmath>

#include "cooccurrence.h"
#include "../base/checked.h"
#include "../base/parallel.h"
#include "../base/random.h"

namespace recsys {

namespace {

// The entry's residual and weight, shared by the loss, the gradient and the step.
struct Residual {
    double weight, diff;
};

Residual residual(const GloveParameters& g, std::int32_t row, std::int32_t col, float count,
                  const CooccurrenceParams& p) {
    const double dot = g.w.row(row).dot(g.w_tilde.row(col));
    return {glove_weight(count, p.x_max, p.alpha), dot + g.b[row] + g.b_tilde[col] - std::log(double(count))};
}

// Blocks of items for the parallel strata; fixed, so that the result does
// not depend on the thread count.
constexpr std::size_t kBlocks = 8;

// The directed entries grouped by cell (row block, column block).
struct Cells {
    std::size_t blocks = 1;
    std::vector<CooccurrenceEntry> entries;  // both orders of each pair
    std::vector<std::size_t> offsets;        // blocks * blocks + 1
};

Cells split_into_cells(const CooccurrenceCounts& counts, std::uint64_t seed, MemoryBudget& budget) {
    Cells c;
    c.blocks = std::max<std::size_t>(1, std::min(kBlocks, counts.items));
    const std::size_t directed = checked_mul(counts.pairs.size(), 2, "co-occurrence entries", ErrorKind::OutOfMemory);
    budget.reserve(checked_mul(directed, 2 * sizeof(CooccurrenceEntry), "co-occurrence entries", ErrorKind::OutOfMemory),
                   "cooccurrence_fit's training entries");
    // Items dealt to blocks in a seeded random order (balanced whatever the ids).
    std::vector<std::int32_t> order(counts.items);
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int32_t>(i);
    SplitMix rng(seed, 1);
    shuffle(order.data(), order.size(), rng);
    std::vector<std::uint8_t> block(counts.items);
    for (std::size_t k = 0; k < order.size(); ++k) block[static_cast<std::size_t>(order[k])] = std::uint8_t(k % c.blocks);

    auto cell_of = [&](const CooccurrenceEntry& e) { return block[e.row] * c.blocks + block[e.col]; };
    c.offsets.assign(c.blocks * c.blocks + 1, 0);
    for (const auto& e : counts.pairs) {
        c.offsets[cell_of(e) + 1]++;
        c.offsets[cell_of({e.col, e.row, e.count}) + 1]++;
    }
    for (std::size_t k = 1; k < c.offsets.size(); ++k) c.offsets[k] += c.offsets[k - 1];
    std::vector<std::size_t> fill(c.offsets.begin(), c.offsets.end() - 1);
    c.entries.resize(directed);
    for (const auto& e : counts.pairs) {
        const CooccurrenceEntry back{e.col, e.row, e.count};
        c.entries[fill[cell_of(e)]++] = e;
        c.entries[fill[cell_of(back)]++] = back;
    }
    return c;
}

struct AdaGradSums {
    ItemVectors w, w_tilde;
    Eigen::VectorXf b, b_tilde;
};

// One AdaGrad step on each entry of [begin, end), in order; returns the
// sum of 1/2 f d^2 before each step. The steps of a vector are whole-row
// array operations (Eigen vectorizes the square roots and divisions).
double train_entries(GloveParameters& g, AdaGradSums& s, const CooccurrenceEntry* begin, const CooccurrenceEntry* end,
                     const CooccurrenceParams& p, const StopToken& stop) {
    const float lr = static_cast<float>(p.learning_rate);
    Eigen::Array<float, 1, Eigen::Dynamic> grad_w(g.w.cols()), grad_wt(g.w.cols());  // this entry's gradients
    double loss = 0;
    std::size_t since_poll = 0;
    for (const CooccurrenceEntry* e = begin; e != end; ++e) {
        if (++since_poll == 4096) {
            since_poll = 0;
            if (stop.stopped()) return loss;
        }
        const Residual r = residual(g, e->row, e->col, e->count, p);
        loss += 0.5 * r.weight * r.diff * r.diff;
        const float fd = static_cast<float>(r.weight * r.diff);
        auto w = g.w.row(e->row).array();
        auto wt = g.w_tilde.row(e->col).array();
        auto sw = s.w.row(e->row).array();
        auto swt = s.w_tilde.row(e->col).array();
        grad_w = fd * wt;
        grad_wt = fd * w;
        w -= lr * grad_w / sw.sqrt();
        wt -= lr * grad_wt / swt.sqrt();
        sw += grad_w.square();
        swt += grad_wt.square();
        g.b[e->row] -= lr * fd / std::sqrt(s.b[e->row]);
        g.b_tilde[e->col] -= lr * fd / std::sqrt(s.b_tilde[e->col]);
        s.b[e->row] += fd * fd;
        s.b_tilde[e->col] += fd * fd;
    }
    return loss;
}

}  // namespace

double glove_weight(double x, double x_max, double alpha) { return x >= x_max ? 1.0 : std::pow(x / x_max, alpha); }

double glove_loss(const GloveParameters& g, const CooccurrenceCounts& counts, const CooccurrenceParams& p) {
    double loss = 0;
    for (const auto& e : counts.pairs)
        for (const auto& [row, col] : {std::pair{e.row, e.col}, std::pair{e.col, e.row}}) {
            const Residual r = residual(g, row, col, e.count, p);
            loss += 0.5 * r.weight * r.diff * r.diff;
        }
    return loss;
}

GloveParameters glove_gradient(const GloveParameters& g, const CooccurrenceCounts& counts,
                               const CooccurrenceParams& p) {
    GloveParameters d;
    d.w = ItemVectors::Zero(g.w.rows(), g.w.cols());
    d.w_tilde = ItemVectors::Zero(g.w.rows(), g.w.cols());
    d.b = Eigen::VectorXf::Zero(g.b.size());
    d.b_tilde = Eigen::VectorXf::Zero(g.b.size());
    for (const auto& e : counts.pairs)
        for (const auto& [row, col] : {std::pair{e.row, e.col}, std::pair{e.col, e.row}}) {
            const Residual r = residual(g, row, col, e.count, p);
            const float fd = static_cast<float>(r.weight * r.diff);
            d.w.row(row) += fd * g.w_tilde.row(col);
            d.w_tilde.row(col) += fd * g.w.row(row);
            d.b[row] += fd;
            d.b_tilde[col] += fd;
        }
    return d;
}

GloveParameters fit_glove(const CooccurrenceCounts& counts, const CooccurrenceParams& p, TrainContext& ctx,
                          std::vector<double>& loss_history) {
    ContextResources res(ctx);
    const auto items = static_cast<Eigen::Index>(counts.items);
    const auto factors = static_cast<Eigen::Index>(p.factors);
    // The parameters and their AdaGrad sums: 4 matrices and 4 vectors.
    const std::size_t cells_per_item = checked_add(checked_mul(p.factors, 4, "item vectors"), 4, "item vectors");
    res.budget.reserve(checked_mul(counts.items, cells_per_item, sizeof(float), "item vectors", ErrorKind::OutOfMemory),
                       "cooccurrence_fit's item vectors");
    const auto started = std::chrono::steady_clock::now();
    GloveParameters g;
    g.w.resize(items, factors);
    g.w_tilde.resize(items, factors);
    g.b.resize(items);
    g.b_tilde.resize(items);
    // GloVe's start: uniform in [-0.5, 0.5) / factors.
    SplitMix init(p.seed, 0);
    auto draw = [&] { return static_cast<float>((init.uniform() - 0.5) / static_cast<double>(p.factors)); };
    for (Eigen::Index i = 0; i < items; ++i)
        for (Eigen::Index d = 0; d < factors; ++d) g.w(i, d) = draw();
    for (Eigen::Index i = 0; i < items; ++i)
        for (Eigen::Index d = 0; d < factors; ++d) g.w_tilde(i, d) = draw();
    for (Eigen::Index i = 0; i < items; ++i) g.b[i] = draw();
    for (Eigen::Index i = 0; i < items; ++i) g.b_tilde[i] = draw();
    AdaGradSums sums{ItemVectors::Ones(items, factors), ItemVectors::Ones(items, factors), Eigen::VectorXf::Ones(items),
                     Eigen::VectorXf::Ones(items)};

    Cells cells = split_into_cells(counts, p.seed, res.budget);
    const std::size_t B = cells.blocks;
    std::vector<double> cell_loss(B * B, 0.0);
    for (int epoch = 0; epoch < p.epochs; ++epoch) {
        res.stop.check();
        for (std::size_t stratum = 0; stratum < B; ++stratum) {
            // Cell (t, t + stratum): the B cells of a stratum share no row block
            // and no column block.
            parallel_for(B, 1, ctx.threads, res.stop, [&](std::size_t t, std::size_t, int) {
                const std::size_t cell = t * B + (t + stratum) % B;
                CooccurrenceEntry* first = cells.entries.data() + cells.offsets[cell];
                const std::size_t n = cells.offsets[cell + 1] - cells.offsets[cell];
                SplitMix rng(p.seed ^ splitmix64(static_cast<std::uint64_t>(epoch)), 2 + cell);
                shuffle(first, n, rng);
                cell_loss[cell] = train_entries(g, sums, first, first + n, p, res.stop);
            });
            res.stop.check();
        }
        double loss = 0;
        for (double l : cell_loss) loss += l;
        loss /= std::max<std::size_t>(1, cells.entries.size());
        if (!std::isfinite(loss) || !g.w.allFinite() || !g.w_tilde.allFinite())
            fail(ErrorKind::DataException,
                 "cooccurrence_fit diverged in epoch " + std::to_string(epoch + 1) + " (the loss is not finite)",
                 "lower learning_rate");
        loss_history.push_back(loss);
        if (ctx.progress)
            ctx.progress(epoch + 1, loss,
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    return g;
}

}  // namespace recsys
