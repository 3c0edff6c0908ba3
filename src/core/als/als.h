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
#include "../candidates/factor_model.h"
#include "../model/model.h"
#include "../model/model_format.h"
#include "../base/options.h"
#include "../base/topk.h"
#include "../model/train_context.h"

namespace recsys {

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

class AlsModel : public FactorModel {
public:
    static constexpr const char* kKind = "als";
    const char* kind() const override { return kKind; }

    Options options;
    AlsParams params;
    AlsTrainingSummary summary;
    // The catalogue, the users, their seen items (with their summed weights:
    // explain needs the confidences; empty in a model written before payload
    // version 4), the item popularity and the factors are FactorModel's (candidates/factor_model.h), which
    // serves them (recommend, similar items, recommend_all).

    // Serialization in the shared envelope (kind "als"; model.h writes it).
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static AlsModel read(const Envelope& envelope);
    static AlsModel deserialize(const unsigned char* data, std::size_t size);  // read_envelope + read
    // Bytes held in memory (for the model cache bound).
    std::size_t memory_bytes() const override;

protected:
    // A history folded in as ALS folds in a user: the user's own least-squares
    // solve against the item factors (exact, by LDLT).
    Eigen::VectorXf fold_in(const std::vector<std::pair<std::int32_t, double>>& history) const override;

public:
    // The score decomposed over the user's training items through the
    // user's own solve, and the part the stored factors add (als_explain.cpp).
    std::vector<Scored> explain(std::size_t user, std::size_t item) const override;

private:
    const Eigen::MatrixXf& item_gram() const;
    mutable Eigen::MatrixXf item_gram_;  // Y^T Y, computed on first use
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
