// Serving a factor model: a user's scores are its row times the item
// factors (the SIMD kernel for the whole catalogue, dot products for a
// candidate list), similar items are cosine neighbours, and a block of
// users is scored by one matrix product.
#include "factor_model.h"

#include <algorithm>
#include <cmath>

#include "../als/als_kernel.h"
#include "../base/bytes.h"
#include "../base/error.h"
#include "../base/parallel.h"
#include "cosine_neighbours.h"

namespace recsys {

const std::vector<float>& FactorModel::item_norms() const {
    if (item_norms_.size() != items()) {
        std::vector<float> norms(items());
        for (std::size_t i = 0; i < items(); ++i) norms[i] = item_factors.row(static_cast<Eigen::Index>(i)).norm();
        item_norms_ = std::move(norms);
    }
    return item_norms_;
}

void FactorModel::score(const Taste& taste, const std::int32_t* items_to_score, std::size_t n, float* out) const {
    Eigen::VectorXf folded;
    const float* x;
    if (taste.history) {
        folded = fold_in(*taste.history);
        x = folded.data();
    } else {
        x = user_factors.row(static_cast<Eigen::Index>(taste.user)).data();
    }
    if (!items_to_score) {
        kernel::score_rows(item_factors.data(), items(), factors(), x, out);
        return;
    }
    Eigen::Map<const Eigen::VectorXf> v(x, factors());
    for (std::size_t j = 0; j < n; ++j) out[j] = item_factors.row(items_to_score[j]).dot(v);
}

std::vector<Scored> FactorModel::similar_items(std::int64_t item_id, std::size_t k) const {
    check_k(k);
    auto i = index_of(item_ids, item_id);
    if (i < 0) return {};
    return cosine_neighbours(item_factors.data(), items(), factors(), item_norms().data(), static_cast<std::size_t>(i), k);
}

void FactorModel::score_users(std::size_t begin, std::size_t end, float* rows) const {
    Eigen::Map<FactorMatrix> scores(rows, static_cast<Eigen::Index>(end - begin), static_cast<Eigen::Index>(items()));
    scores.noalias() = user_factors.middleRows(static_cast<Eigen::Index>(begin), static_cast<Eigen::Index>(end - begin)) *
                       item_factors.transpose();
}

void read_factor_matrix(ByteReader& r, FactorMatrix& m, std::size_t rows, std::size_t cols, const char* what) {
    std::vector<float> flat;
    r.array<float>(flat, std::size_t(1) << 40, what);
    if (cols == 0 || flat.size() % cols != 0 || flat.size() / cols != rows)
        fail(ErrorKind::Corrupted, std::string("model has a wrong size of ") + what);
    m = Eigen::Map<FactorMatrix>(flat.data(), static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
}

}  // namespace recsys
