// BPR as a candidate generator: recsys.bpr_fit(user_id, item_id, weight
// [, options]) trains it (bpr_train.h), FactorModel serves it. The factors
// have factors + 1 columns, the last being the item bias (the user's is 1),
// so the served scores, similar items and item vectors include the bias, as
// implicit's do.
#pragma once

#include "bpr_train.h"
#include "factor_model.h"
#include "../model/model_kind.h"

namespace recsys {

const ModelKind& bpr_kind();

struct BprSummary : TrainingSummary {  // loss: the training AUC of each epoch
    std::uint32_t workers = 1;
    std::uint64_t rounds = 0;   // per epoch
    std::uint64_t skipped = 0;  // last epoch: sampled negatives the user had seen
};

class BprModel : public FactorModel {
public:
    static constexpr const char* kKind = "bpr";
    const char* kind() const override { return kKind; }

    Options options;
    BprParams params;
    BprSummary summary;

    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static BprModel read(const Envelope& envelope);
    std::size_t memory_bytes() const override;

protected:
    // A history's user vector: BPR's own SGD on that vector alone, the item
    // factors fixed, from zero (bias entry 1), epochs x |history| sampled
    // triples (at most kFoldInSteps) with the training's learning rate, l2,
    // negative sampling and a generator seeded from the model's seed: the
    // user's training in miniature, and the same vector for the same history.
    Eigen::VectorXf fold_in(const std::vector<std::pair<std::int32_t, double>>& history) const override;

private:
    const std::vector<double>& popularity_cumulative() const;
    mutable std::vector<double> popularity_cumulative_;  // computed on first fold-in
};

// Most SGD steps of a fold-in (a history of 1,000 items at 100 epochs).
constexpr std::uint64_t kFoldInSteps = 100000;

// Trains on the rows (weights finite and >= 0, checked by the caller; BPR
// uses only which pairs occur, as implicit does).
BprModel train_bpr(const std::int64_t* users, const std::int64_t* items, const float* weights, std::size_t n,
                   const Options& options, TrainingSummary summary, TrainContext& ctx);

}  // namespace recsys
