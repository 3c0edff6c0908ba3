// A candidate generator scored by dot products: user and item factors
// (ALS, BPR). Scores of a user are its factor row times the item factors;
// similar items are cosine neighbours; a history is folded in by the kind
// (fold_in), then scored like a user; a block of users is one matrix product.
#pragma once

#include <Eigen/Core>

#include "candidate_model.h"

namespace recsys {

class ByteReader;

using FactorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

class FactorModel : public CandidateModel {
public:
    static constexpr const char* kKind = "a factor model (als, bpr)";
    FactorMatrix user_factors, item_factors;  // rows follow user_ids and item_ids
    int factors() const { return static_cast<int>(item_factors.cols()); }

    std::vector<Scored> similar_items(std::int64_t item_id, std::size_t k) const override;
    const float* item_vector(std::size_t index) const override {
        return item_factors.row(static_cast<Eigen::Index>(index)).data();
    }
    std::size_t dimensions() const override { return static_cast<std::size_t>(factors()); }

protected:
    // The user vector of a history of (item index, weight) pairs (ascending
    // by item, at least one), in the space of the user factors.
    virtual Eigen::VectorXf fold_in(const std::vector<std::pair<std::int32_t, double>>& history) const = 0;

    void score(const Taste& taste, const std::int32_t* items, std::size_t n, float* out) const override;
    // A block of users by one matrix product.
    void score_users(std::size_t begin, std::size_t end, float* rows) const override;

    // Bytes of the factors and of their cache (for memory_bytes; the
    // catalogue's are catalogue_bytes()).
    std::size_t factor_bytes() const {
        return static_cast<std::size_t>(user_factors.size() + item_factors.size()) * 4 + item_norms_.size() * 4;
    }

private:
    const std::vector<float>& item_norms() const;
    mutable std::vector<float> item_norms_;  // computed on first use
};

// Reads a rows x cols factor matrix stored as one float array (row-major),
// or fails with Corrupted naming `what` when its size is not that.
void read_factor_matrix(ByteReader& r, FactorMatrix& m, std::size_t rows, std::size_t cols, const char* what);

}  // namespace recsys
