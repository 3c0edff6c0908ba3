#include "mlp_rows.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "../linear/binary_labels.h"
#include "../base/huge_pages.h"
#include "../base/parallel.h"
#include "../base/random.h"

namespace recsys {

namespace {

constexpr std::size_t kChunkRows = 4096;

// sklearn's train_test_split(stratify=y): ceil(fraction * n_class) rows of
// each class, drawn by the seed, go to validation. Both parts keep the order
// of `used`. Returns the training rows followed by the validation rows.
std::vector<std::size_t> split(const std::vector<std::size_t>& used, const bool* y, double fraction, std::uint64_t seed,
                               std::size_t& train) {
    std::vector<std::size_t> classes[2];  // positions in `used`
    for (std::size_t k = 0; k < used.size(); ++k) classes[y[used[k]] ? 1 : 0].push_back(k);
    SplitMix rng(seed, kMlpSplit);
    std::vector<std::size_t> training, validation;
    for (auto& rows : classes) {
        shuffle(rows.data(), rows.size(), rng);
        // ceil, forgiving the rounding of the product (0.07 * 100 is 7.000000000000001)
        const double share = fraction * static_cast<double>(rows.size());
        const auto held = std::min(rows.size(), static_cast<std::size_t>(std::ceil(share - share * 1e-12)));
        validation.insert(validation.end(), rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(held));
        training.insert(training.end(), rows.begin() + static_cast<std::ptrdiff_t>(held), rows.end());
    }
    std::sort(training.begin(), training.end());
    std::sort(validation.begin(), validation.end());
    train = training.size();
    training.insert(training.end(), validation.begin(), validation.end());
    for (std::size_t& k : training) k = used[k];
    return training;
}

// Mean and population standard deviation (as sklearn's StandardScaler) of
// each feature over the first `train` rows of `order`; a constant feature
// gets scale 1 (its values all standardize to 0).
void standardization(const MlpData& data, const std::vector<std::size_t>& order, std::size_t train,
                     Eigen::VectorXd& mean, Eigen::VectorXd& scale) {
    const auto p = static_cast<Eigen::Index>(data.p);
    mean = Eigen::VectorXd::Zero(p);
    Eigen::VectorXd low = Eigen::VectorXd::Constant(p, INFINITY), high = Eigen::VectorXd::Constant(p, -INFINITY);
    for (std::size_t k = 0; k < train; ++k) {
        Eigen::Map<const Eigen::VectorXd> row(data.x + order[k] * data.p, p);
        mean += row;
        low = low.cwiseMin(row);
        high = high.cwiseMax(row);
    }
    mean /= static_cast<double>(train);
    Eigen::VectorXd squares = Eigen::VectorXd::Zero(p);
    for (std::size_t k = 0; k < train; ++k)
        squares += (Eigen::Map<const Eigen::VectorXd>(data.x + order[k] * data.p, p) - mean).array().square().matrix();
    scale = (squares / static_cast<double>(train)).cwiseSqrt();
    for (Eigen::Index j = 0; j < p; ++j)
        if (!(low[j] < high[j]) || !(scale[j] > 0)) scale[j] = 1;
}

// Puts the rows in an order that depends on their contents only: the host
// hands rows over in scan order, which a parallel plan changes, and the
// shuffles of SGD would otherwise make each order a different model. Rows of
// equal contents are interchangeable, so ties may fall either way.
void order_by_content(std::vector<std::size_t>& rows, const MlpData& data) {
    std::vector<std::pair<std::uint64_t, std::size_t>> keyed(rows.size());
    for (std::size_t k = 0; k < rows.size(); ++k)
        keyed[k] = {row_hash(data.x + rows[k] * data.p, data.p, data.y[rows[k]] ? 1 : 0), rows[k]};
    std::sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first < b.first;
        const double* xa = data.x + a.second * data.p;
        const double* xb = data.x + b.second * data.p;
        if (data.y[a.second] != data.y[b.second]) return data.y[a.second] < data.y[b.second];
        return std::lexicographical_compare(xa, xa + data.p, xb, xb + data.p);
    });
    for (std::size_t k = 0; k < rows.size(); ++k) rows[k] = keyed[k].second;
}

}  // namespace

MlpRows prepare_mlp_rows(const MlpData& data, const Options& options, int threads, MemoryBudget& budget,
                         StopToken& stop) {
    const auto seed = static_cast<std::uint64_t>(options.integer("seed"));
    const double rate = options.number("negative_sample_rate");
    // The rows used, and (with the validation split) its class lists and parts.
    budget.reserve(5 * data.n * sizeof(std::size_t), "mlp_fit row selection");
    std::vector<std::size_t> used;
    if (rate < 1) {
        used = kept_rows(data.y, data.x, data.n, data.p, seed, rate);
    } else {
        used.resize(data.n);
        std::iota(used.begin(), used.end(), std::size_t(0));
    }
    if (used.empty()) fail(ErrorKind::InvalidParameter, "mlp_fit kept no rows", "raise negative_sample_rate");
    order_by_content(used, data);

    MlpRows rows;
    std::vector<std::size_t> order;
    if (options.boolean("early_stopping")) {
        order = split(used, data.y, options.number("validation_fraction"), seed, rows.train);
    } else {
        order = std::move(used);
        rows.train = order.size();
    }
    if (rows.train == 0)
        fail(ErrorKind::InvalidParameter, "mlp_fit has no training rows left after the validation split",
             "lower validation_fraction, or train on more rows");

    const auto p = static_cast<Eigen::Index>(data.p);
    if (options.boolean("standardize")) {
        standardization(data, order, rows.train, rows.mean, rows.scale);
    } else {
        rows.mean = Eigen::VectorXd::Zero(p);
        rows.scale = Eigen::VectorXd::Ones(p);
    }

    const std::size_t n = order.size();
    budget.reserve(n * (data.p + 2) * sizeof(float), "mlp_fit standardized rows");
    rows.x.resize(p, static_cast<Eigen::Index>(n));
    // Fewer page faults while filling it, fewer TLB misses when the batches
    // gather its columns in shuffled order.
    advise_huge_pages(rows.x.data(), static_cast<std::size_t>(rows.x.size()) * sizeof(float));
    rows.y.resize(n);
    rows.w.resize(n);
    for (std::size_t k = 0; k < n; ++k) rows.positives += data.y[order[k]];
    const ClassWeights cw = class_weights(options.string("class_weight"), n, rows.positives);
    parallel_for(n, kChunkRows, threads, stop, [&](std::size_t begin, std::size_t end, int) {
        for (std::size_t k = begin; k < end; ++k) {
            const std::size_t i = order[k];
            mlp_standardize(data.x + i * data.p, rows.mean, rows.scale,
                            rows.x.col(static_cast<Eigen::Index>(k)).data());
            rows.y[k] = data.y[i] ? 1.0f : 0.0f;
            rows.w[k] = static_cast<float>(data.y[i] ? cw.positive : cw.negative);
        }
    });
    return rows;
}

}  // namespace recsys
