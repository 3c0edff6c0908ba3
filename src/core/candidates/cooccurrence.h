// Co-occurrence embeddings: GloVe's objective (Pennington, Socher & Manning
// 2014) on items watched near each other by one user.
//
// Each user's items, ordered by time, are a "sentence". Two watches at most
// `window` positions apart (and, with window_seconds, at most that many
// seconds apart) co-occur with weight 1/distance, distance counted in
// positions, as GloVe counts words in a symmetric context window. The counts
// X_ij (i != j, symmetric) are fitted by
//   J = 1/2 sum_ij f(X_ij) (w_i . w~_j + b_i + b~_j - log X_ij)^2,
//   f(x) = min(1, (x / x_max)^alpha),
// over every nonzero X_ij (both orders), with AdaGrad. An item's embedding
// is w + w~, as the paper recommends.
//
//   cooccurrence_counts.cpp  the sessions and the sparse count table
//   cooccurrence_train.cpp   the objective, its gradient and the AdaGrad fit
//   cooccurrence_model.cpp   the model: payload, metadata, similar items, kind
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "candidate_model.h"
#include "../model/model_format.h"
#include "../model/model_kind.h"

namespace recsys {

const OptionSchema& cooccurrence_option_schema();
const ModelKind& cooccurrence_kind();

struct CooccurrenceParams {
    int window = 10;             // positions either side
    double window_seconds = -1;  // < 0: no time limit
    double x_max = 100;
    double alpha = 0.75;
    int factors = 64;
    int epochs = 25;
    double learning_rate = 0.05;
    std::uint64_t seed = 0;
    static CooccurrenceParams from(const Options& o);
};

// One nonzero count, in one order: X(row, col) = count.
struct CooccurrenceEntry {
    std::int32_t row, col;
    float count;
};

// The symmetric counts of items 0..items-1: each unordered pair once (row < col).
struct CooccurrenceCounts {
    std::size_t items = 0;
    std::vector<CooccurrenceEntry> pairs;  // sorted by (row, col)
    std::uint64_t windows = 0;             // co-occurring watch pairs counted
};

// Counts the co-occurrences of the watches (user, item index, time in
// microseconds), n of them, under the window options. Memory for the table
// is claimed in `budget` before it grows; `stop` is polled between users.
// Items of one user with the same time are ordered by item index.
CooccurrenceCounts count_cooccurrences(const std::int64_t* users, const std::int32_t* items,
                                       const std::int64_t* times, std::size_t n, std::size_t item_count,
                                       const CooccurrenceParams& p, MemoryBudget& budget, StopToken& stop);

// The parameters GloVe learns: word and context vectors and biases.
using ItemVectors = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct GloveParameters {
    ItemVectors w, w_tilde;  // items x factors, a row per item
    Eigen::VectorXf b, b_tilde;
};

// f(x) = min(1, (x / x_max)^alpha).
double glove_weight(double x, double x_max, double alpha);
// J over every pair in both orders (the objective above).
double glove_loss(const GloveParameters& g, const CooccurrenceCounts& counts, const CooccurrenceParams& p);
// dJ/d(each parameter), in the same shapes as g (exposed for the
// finite-difference test; the AdaGrad step uses the same per-entry terms).
GloveParameters glove_gradient(const GloveParameters& g, const CooccurrenceCounts& counts,
                               const CooccurrenceParams& p);

// Fits the parameters (initialized from the seed) by AdaGrad over the
// entries, epochs times. The entries are split into blocks x blocks cells by
// a seeded assignment of items to blocks; the cells of one stratum share no
// row and no column, so threads update them at once without races, and the
// result is the same for any thread count. Reports each epoch's mean loss
// in loss_history.
GloveParameters fit_glove(const CooccurrenceCounts& counts, const CooccurrenceParams& p, TrainContext& ctx,
                          std::vector<double>& loss_history);

// The trained model: item embeddings (w + w~) and their ids. It knows no
// users: recommend refuses it, similar_items and item_vector serve it.
class CooccurrenceModel : public ItemModel {
public:
    static constexpr const char* kKind = "cooccurrence";
    const char* kind() const override { return kKind; }

    Options options;
    CooccurrenceParams params;
    ItemVectors vectors;       // items x factors: w + w~
    std::vector<float> norms;  // of each row, for cosine
    std::uint64_t pairs = 0;        // nonzero counts fitted (unordered)
    std::uint64_t watch_pairs = 0;  // pairs of watches counted into them
    TrainingSummary summary;

    std::vector<Scored> similar_items(std::int64_t item_id, std::size_t k) const override;
    const float* item_vector(std::size_t index) const override {
        return vectors.row(static_cast<Eigen::Index>(index)).data();
    }
    std::size_t dimensions() const override { return static_cast<std::size_t>(vectors.cols()); }

    std::size_t memory_bytes() const override;
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static CooccurrenceModel read(const Envelope& envelope);

    void compute_norms();
};

// The whole fit: ids to indices, counts, GloVe, the model.
CooccurrenceModel train_cooccurrence(const std::int64_t* users, const std::int64_t* items, const std::int64_t* times,
                                     std::size_t n, const Options& options, TrainingSummary summary,
                                     TrainContext& ctx);

}  // namespace recsys
