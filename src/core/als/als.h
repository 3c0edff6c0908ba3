// Alternating least squares for implicit feedback (Hu, Koren & Volinsky 2008)
// with the conjugate-gradient solve of Takács et al. 2011, and plain
// regularized least squares for explicit ratings.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "interactions.h"
#include "../model/model.h"
#include "../model/model_format.h"
#include "../base/options.h"
#include "../base/topk.h"
#include "../model/train_context.h"

namespace recsys {

using FactorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The options of als_fit (names, defaults, ranges).
const OptionSchema& als_option_schema();

struct AlsParams {
    int factors = 64;
    int iterations = 15;
    double l2 = 10.0;
    double alpha = 2.0;
    int cg_steps = 3;  // 0: exact Cholesky solves
    std::uint64_t seed = 0;
    bool explicit_feedback = false;
    static AlsParams from(const Options& o);
};

// ALS's training summary: the common one, and how the run split its work
// (the same for any thread count), so that a test can tell that it ran in
// parallel pieces: the solve chunks of the users' and the items' half-steps,
// the blocks of the Gram sums over the user and the item factors (0 in
// explicit mode, which has none), and the half-steps whose change of basis
// fell back to the full Gram matrix because the eigensolver did not converge
// (GramForm::fell_back).
struct AlsTrainingSummary : TrainingSummary {
    std::uint64_t user_chunks = 0, item_chunks = 0;
    std::uint64_t user_gram_blocks = 0, item_gram_blocks = 0;
    std::uint64_t eigensolver_fallbacks = 0;
    // A warm start (option warm_start): the registry id of the model it
    // started from, and how many users and items took that model's factors.
    std::int64_t warm_start_id = 0;
    std::uint64_t warm_users = 0, warm_items = 0;
};

class AlsModel : public Model {
public:
    static constexpr const char* kKind = "als";
    const char* kind() const override { return kKind; }

    Options options;
    AlsParams params;
    std::vector<std::int64_t> user_ids, item_ids;  // ascending
    FactorMatrix user_factors, item_factors;       // rows follow the ids
    std::vector<std::uint64_t> seen_offsets;       // per user, into seen_items
    std::vector<std::int32_t> seen_items;          // training items, ascending per user
    std::vector<float> item_popularity;            // users who interacted with the item
    AlsTrainingSummary summary;

    std::size_t users() const { return user_ids.size(); }
    std::size_t items() const { return item_ids.size(); }
    int factors() const { return static_cast<int>(item_factors.cols()); }

    // Serialization in the shared envelope (kind "als"; model.h writes it).
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static AlsModel read(const Envelope& envelope);
    static AlsModel deserialize(const unsigned char* data, std::size_t size);  // read_envelope + read
    // Bytes held in memory (for the model cache bound).
    std::size_t memory_bytes() const override;

    // ---- serving ----
    // Options for recommend(); item lists are ids, unknown ones are ignored.
    struct Query {
        std::size_t k = 10;
        bool exclude_seen = true;
        const std::vector<std::int64_t>* candidates = nullptr;  // null: whole catalogue
        const std::vector<std::int64_t>* exclude = nullptr;
    };
    std::vector<Scored> recommend(std::int64_t user_id, const Query& q) const;
    // Folds a user in from recent items (weights may be empty: all 1).
    std::vector<Scored> recommend_for_items(const std::vector<std::int64_t>& items, const std::vector<double>& weights,
                                            const Query& q) const;
    std::vector<Scored> similar_items(std::int64_t item_id, std::size_t k) const;
    // Top k of each user in [begin, end): counts[u - begin] entries per user,
    // concatenated in user order in `out`. Blocks of users are scored by one
    // matrix product each, spread over `threads` worker threads.
    void recommend_users(std::size_t begin, std::size_t end, std::size_t k, bool exclude_seen, int threads,
                         StopToken& stop, std::vector<Scored>& out, std::vector<std::size_t>& counts) const;

private:
    std::vector<Scored> rank_for_vector(const float* user_vector, const std::vector<std::int32_t>& excluded,
                                        const Query& q) const;
    std::vector<Scored> popular(const std::vector<std::int32_t>& excluded, const Query& q) const;
    const std::vector<std::int32_t>& popularity_order() const;
    const std::vector<float>& item_norms() const;
    const Eigen::MatrixXf& item_gram() const;

    mutable std::vector<std::int32_t> popularity_order_;  // computed on first use
    mutable std::vector<float> item_norms_;
    mutable Eigen::MatrixXf item_gram_;
};

// Trains on the rows; weights must be finite and >= 0 (checked by the caller).
AlsModel train_als(const std::int64_t* users, const std::int64_t* items, const float* weights, std::size_t n,
                   const Options& options, TrainingSummary summary, TrainContext& ctx);

// Solves one implicit-feedback least-squares problem for a row x, in place:
// (YtY + sum_i (c_i - 1) y_i y_i^T) x = sum_i c_i y_i, where `gram` already
// includes the regularization on its diagonal. `gathered` holds the rows y_i.
// cg_steps == 0 solves exactly (Cholesky); otherwise the training kernel's
// conjugate gradient, warm-started from x. Exposed for tests.
void solve_implicit_row(const Eigen::MatrixXf& gram, const FactorMatrix& gathered, const float* confidence,
                        int cg_steps, float* x);

// The index of the first row of m with a value that is not finite, or -1.
// Training names that row when it diverges. Exposed for tests: every input
// that diverges is caught by the loss after an iteration first.
Eigen::Index first_non_finite_row(const FactorMatrix& m);

}  // namespace recsys
