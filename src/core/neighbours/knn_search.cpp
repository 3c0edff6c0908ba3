// k-NN queries (knn.h): the distances to the rows in blocks, one matrix
// product each, the k nearest kept in a bounded heap, then the vote or the
// mean of their targets.
#include <algorithm>
#include <cmath>
#include <limits>

#include "knn.h"

namespace recsys {

namespace {

// Rows per block of distances: one matrix-vector product over 2 MB of rows
// at 64 features.
constexpr std::size_t kBlockRows = 4096;

// Whether a is nearer than b: the distance, then the canonical position
// (the order of the answer).
bool nearer(const Neighbour& a, const Neighbour& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.position < b.position);
}

// scikit-learn's heap_push (sklearn/utils/_heap.pyx), to the letter: a
// max-heap of `size` distances that refuses a value not below its top and
// otherwise replaces the top and sifts it down, preferring the left child on
// a tie. Fed the rows in order, it keeps the same rows as scikit-learn's
// brute force where distances tie at the k-th place.
void heap_push(Neighbour* heap, std::size_t size, double distance, std::size_t position) {
    if (distance >= heap[0].distance) return;
    std::size_t current = 0;
    for (;;) {
        const std::size_t left = 2 * current + 1, right = left + 1;
        std::size_t swap;
        if (left >= size) break;
        if (right >= size) {
            if (heap[left].distance > distance) swap = left;
            else break;
        } else if (heap[left].distance >= heap[right].distance) {
            if (distance < heap[left].distance) swap = left;
            else break;
        } else {
            if (distance < heap[right].distance) swap = right;
            else break;
        }
        heap[current] = heap[swap];
        current = swap;
    }
    heap[current] = {position, distance};
}

// The query as the rows are kept: unit length (or zero) for cosine.
Eigen::VectorXd prepared_query(const KnnModel& m, const double* x) {
    Eigen::VectorXd q = Eigen::Map<const Eigen::VectorXd>(x, static_cast<Eigen::Index>(m.feature_count()));
    if (m.options.string("metric") == "cosine") {
        const double norm = q.norm();
        if (!std::isfinite(norm)) fail_score_overflow(KnnModel::kKind);
        if (norm > 0) q /= norm;
    }
    return q;
}

}  // namespace

std::vector<Neighbour> KnnModel::nearest(const double* x, std::size_t k) const {
    const std::size_t n = row_count();
    k = std::min(k, n);
    const Eigen::VectorXd q = prepared_query(*this, x);
    const bool cosine = options.string("metric") == "cosine";
    const double query_norm = cosine ? 0 : q.squaredNorm();
    if (!std::isfinite(query_norm)) fail_score_overflow(kKind);

    std::vector<Neighbour> heap(k, Neighbour{0, std::numeric_limits<double>::max()});
    Eigen::VectorXd products;
    for (std::size_t begin = 0; begin < n && k > 0; begin += kBlockRows) {
        const auto count = static_cast<Eigen::Index>(std::min(kBlockRows, n - begin));
        const auto start = static_cast<Eigen::Index>(begin);
        if (cosine) products.noalias() = rows.middleRows(start, count) * q;
        else products.noalias() = (-2.0 * rows.middleRows(start, count)) * q;
        for (Eigen::Index i = 0; i < count; ++i) {
            double d;
            if (cosine) d = std::clamp(1 - products[i], 0.0, 2.0);
            else d = std::max(0.0, query_norm + products[i] + squared_norms[start + i]);
            if (!(d < std::numeric_limits<double>::max())) fail_score_overflow(kKind);
            heap_push(heap.data(), k, d, begin + static_cast<std::size_t>(i));
        }
    }
    std::sort(heap.begin(), heap.end(), nearer);
    if (!cosine)
        for (Neighbour& found : heap) found.distance = std::sqrt(found.distance);
    return heap;
}

std::vector<double> KnnModel::weights(const std::vector<Neighbour>& found) const {
    std::vector<double> w(found.size(), 1.0);
    if (options.string("weights") != "distance") return w;
    const bool exact = std::any_of(found.begin(), found.end(), [](const Neighbour& f) { return f.distance == 0; });
    for (std::size_t i = 0; i < found.size(); ++i)
        w[i] = exact ? (found[i].distance == 0 ? 1.0 : 0.0) : 1 / found[i].distance;
    return w;
}

const std::vector<std::string>& KnnModel::class_names() const {
    if (!classifies())
        fail(ErrorKind::InvalidParameter, "this knn model is a regression: it has no classes",
             "train it with {\"task\": \"classification\"} for classes, or use recsys.predict");
    return names;
}

void KnnModel::class_probabilities(const double* x, double* out) const {
    const std::size_t classes = class_names().size();
    const std::vector<Neighbour> found = nearest(x, neighbours());
    const std::vector<double> w = weights(found);
    std::fill(out, out + classes, 0.0);
    double total = 0;
    for (std::size_t i = 0; i < found.size(); ++i) {
        out[row_class[found[i].position]] += w[i];
        total += w[i];
    }
    if (!(total > 0) || !std::isfinite(total)) fail_score_overflow(kKind);
    for (std::size_t c = 0; c < classes; ++c) out[c] /= total;
}

double KnnModel::predict(const double* x) const {
    if (classifies()) {
        std::vector<double> p(class_values.size());
        class_probabilities(x, p.data());
        // The first of the most probable: a tie goes to the smaller class.
        return class_values[static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin())];
    }
    const std::vector<Neighbour> found = nearest(x, neighbours());
    const std::vector<double> w = weights(found);
    double sum = 0, total = 0;
    for (std::size_t i = 0; i < found.size(); ++i) {
        sum += targets[found[i].position] * w[i];
        total += w[i];
    }
    const double y = sum / total;
    if (!std::isfinite(y)) fail_score_overflow(kKind);
    return y;
}

}  // namespace recsys
