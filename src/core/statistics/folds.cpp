#include "folds.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "../base/checked.h"
#include "../base/error.h"
#include "../base/random.h"

namespace recsys {

void check_folds(std::int64_t folds) {
    if (folds < 2 || folds > max_folds)
        fail(ErrorKind::InvalidParameter,
             "folds must be between 2 and " + std::to_string(max_folds) + ", not " + std::to_string(folds),
             "5 or 10 folds are usual: each fold is held out once while the others train");
}

std::int32_t fold_of_hash(std::uint64_t hash, std::int32_t folds) {
    return static_cast<std::int32_t>(splitmix64(hash) % static_cast<std::uint64_t>(folds));
}

std::size_t deal_memory(std::size_t n) { return checked_mul(n, sizeof(std::size_t), "rows to deal into folds"); }

void deal_folds(const std::uint64_t* hashes, std::size_t n, std::int32_t folds, std::int32_t* out) {
    check_folds(folds);
    if (n == 0) return;
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return hashes[a] != hashes[b] ? hashes[a] < hashes[b] : a < b;
    });
    // The first fold dealt to varies with the class, so that the folds that
    // get one row more are not the same ones in every class.
    const auto first = static_cast<std::size_t>(fold_of_hash(hashes[order[0]], folds));
    for (std::size_t rank = 0; rank < n; ++rank)
        out[order[rank]] = static_cast<std::int32_t>((rank + first) % static_cast<std::size_t>(folds));
}

}  // namespace recsys
