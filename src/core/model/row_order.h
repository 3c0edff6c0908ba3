// One order of a training aggregate's rows whatever order they came in (a
// parallel plan's workers hand them over in another, a table's rows move on
// UPDATE): the order a kind that learns from the order of its rows (the
// trees' sketches and splits) trains in, so that the same rows give the same
// model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../base/stop.h"

namespace recsys {

// The rows 0..n-1 of target y and features x (n x p, row-major), ordered by
// query (ascending) when `query` is given, then by the row's key (below),
// then by index: rows with equal keys are equal rows, kept in their order.
// The key is row_hash(x_i, p, row_hash(&y_i, 1, 0)) (linear/binary_labels.h).
std::vector<std::size_t> canonical_row_order(const double* y, const double* x, const std::int64_t* query,
                                             std::size_t n, std::size_t p, const StopToken& stop);

// The key of each row, as above (out: n of them).
void canonical_row_keys(const double* y, const double* x, std::size_t n, std::size_t p, std::uint64_t* out);

}  // namespace recsys
