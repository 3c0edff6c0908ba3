// k-NN queries (knn.h): blocks of queries against blocks of rows, the dot
// products of each pair by knn_kernel.h, the k nearest of each query kept in
// a bounded heap fed the rows in order, then the vote or the mean of their
// targets. A single query (predict, knn_neighbors) is a block of one: the
// same kernel and the same heap, so that a batch answers bit for bit as the
// queries one by one.
#include <algorithm>
#include <cmath>
#include <limits>

#include "../base/checked.h"
#include "../base/parallel.h"
#include "knn.h"
#include "knn_kernel.h"

namespace recsys {

namespace {

// Rows per block: the dot products of a block of queries with them (at most
// 48 x 256 doubles, 96 KB) and the rows themselves (216 KB at 108 features)
// stay in the core's L2 cache while the heaps read them.
constexpr std::size_t kBlockRows = 256;
// Queries per block, a worker's unit of work: each pass over the rows (from
// memory) serves this many queries.
constexpr std::size_t kBlockQueries = 48;

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

// A block's buffers (one per worker, reused from block to block).
struct Workspace {
    std::vector<double> queries;        // count x p, as the rows are kept (unit for cosine)
    std::vector<double> norms;          // count: the queries' squared norms (euclidean)
    std::vector<double> packed;         // the queries packed for the kernel
    std::vector<double> dots;           // a block of rows x the padded queries
    std::vector<Neighbour> heaps;       // count x k, then each query's nearest, sorted
    std::vector<double> probabilities;  // the classes, for a vote
};

// What a Workspace of `count` queries and k neighbours holds at most, for
// the memory budget. Bounded by the options' limits (count <= 48, k <=
// 100000, p <= 2^20): no overflow.
std::size_t workspace_bytes(const KnnModel& m, std::size_t count, std::size_t k) {
    const std::size_t p = m.feature_count();
    const std::size_t padded = knn_kernel::packed_size(count, p) / p;
    const std::size_t doubles = count * p + count + padded * p + kBlockRows * padded + m.class_values.size();
    return doubles * sizeof(double) + count * k * sizeof(Neighbour);
}

// The squared length, summed in order (one rounding sequence wherever the
// vector lies in memory, unlike a vectorized reduction that starts at an
// aligned address).
double squared_length(const double* x, std::size_t p) {
    double s = 0;
    for (std::size_t j = 0; j < p; ++j) s += x[j] * x[j];
    return s;
}

// Copies `count` queries into the workspace as the rows are kept: unit
// length (or zero) for cosine; their squared norms for euclidean.
void prepare(const KnnModel& m, const double* x, std::size_t count, Workspace& ws) {
    const std::size_t p = m.feature_count();
    ws.queries.assign(x, x + count * p);
    ws.norms.assign(count, 0.0);
    for (std::size_t q = 0; q < count; ++q) {
        double* v = ws.queries.data() + q * p;
        const double s = squared_length(v, p);
        if (!std::isfinite(s)) fail_score_overflow(KnnModel::kKind);
        if (m.metric == KnnMetric::Euclidean) {
            ws.norms[q] = s;
        } else if (s > 0) {
            const double norm = std::sqrt(s);
            for (std::size_t j = 0; j < p; ++j) v[j] /= norm;
        }
    }
}

// The k nearest rows of the `count` prepared queries, into ws.heaps (query
// q's at q * k, nearest first). Checks `stop` (when given) between blocks
// of rows, from any thread.
void search(const KnnModel& m, std::size_t count, std::size_t k, Workspace& ws, const StopToken* stop) {
    const std::size_t n = m.row_count(), p = m.feature_count();
    ws.heaps.assign(count * k, Neighbour{0, std::numeric_limits<double>::max()});
    if (k == 0) return;
    const std::size_t lanes = knn_kernel::lanes(), groups = (count + lanes - 1) / lanes;
    ws.packed.resize(knn_kernel::packed_size(count, p));
    knn_kernel::pack_queries(ws.queries.data(), count, p, ws.packed.data());
    ws.dots.resize(std::min(kBlockRows, n) * groups * lanes);
    const bool cosine = m.metric == KnnMetric::Cosine;
    const double* row_norms = m.squared_norms.data();
    for (std::size_t begin = 0; begin < n; begin += kBlockRows) {
        if (stop) stop->check_stopped();
        const std::size_t block = std::min(kBlockRows, n - begin);
        knn_kernel::dot_products(ws.packed.data(), groups, m.rows.data() + begin * p, block, p, ws.dots.data());
        for (std::size_t q = 0; q < count; ++q) {
            // The block's distances in place of its products (a loop the
            // compiler vectorizes), then the heap fed in row order; nearly
            // every row is refused by its first comparison.
            double* d = ws.dots.data() + q * block;
            const double query_norm = ws.norms[q];
            bool finite = true;
            for (std::size_t i = 0; i < block; ++i) {
                if (cosine) d[i] = std::clamp(1 - d[i], 0.0, 2.0);
                else d[i] = std::max(0.0, query_norm + -2.0 * d[i] + row_norms[begin + i]);
                finite &= d[i] < std::numeric_limits<double>::max();
            }
            if (!finite) fail_score_overflow(KnnModel::kKind);
            Neighbour* heap = ws.heaps.data() + q * k;
            for (std::size_t i = 0; i < block; ++i)
                if (d[i] < heap[0].distance) heap_push(heap, k, d[i], begin + i);
        }
    }
    for (std::size_t q = 0; q < count; ++q) {
        Neighbour* heap = ws.heaps.data() + q * k;
        std::sort(heap, heap + k, nearer);
        if (!cosine)
            for (std::size_t i = 0; i < k; ++i) heap[i].distance = std::sqrt(heap[i].distance);
    }
}

// The neighbours' weights: 1 each (uniform), or 1 / d, except that where
// some neighbours are at distance 0 those count 1 and the others 0.
struct Weighing {
    bool by_distance;
    bool exact;
    double of(const Neighbour& f) const {
        if (!by_distance) return 1.0;
        return exact ? (f.distance == 0 ? 1.0 : 0.0) : 1 / f.distance;
    }
};

Weighing weighing(const KnnModel& m, const Neighbour* found, std::size_t count) {
    const bool by_distance = m.weighting == KnnWeights::Distance;
    return {by_distance, by_distance && std::any_of(found, found + count, [](const Neighbour& f) {
                                            return f.distance == 0;
                                        })};
}

}  // namespace

std::vector<Neighbour> KnnModel::nearest(const double* x, std::size_t k) const {
    k = std::min(k, row_count());
    Workspace ws;
    prepare(*this, x, 1, ws);
    search(*this, 1, k, ws, nullptr);
    return std::move(ws.heaps);
}

const std::vector<std::string>& KnnModel::class_names() const {
    if (!classifies())
        fail(ErrorKind::InvalidParameter, "this knn model is a regression: it has no classes",
             "train it with {\"task\": \"classification\"} for classes, or use recsys.predict");
    return names;
}

void KnnModel::probabilities_from(const Neighbour* found, std::size_t count, double* out) const {
    const Weighing w = weighing(*this, found, count);
    std::fill(out, out + class_values.size(), 0.0);
    double total = 0;
    for (std::size_t i = 0; i < count; ++i) {
        out[row_class[found[i].position]] += w.of(found[i]);
        total += w.of(found[i]);
    }
    if (!(total > 0) || !std::isfinite(total)) fail_score_overflow(kKind);
    for (std::size_t c = 0; c < class_values.size(); ++c) out[c] /= total;
}

void KnnModel::class_probabilities(const double* x, double* out) const {
    class_names();  // a regression has none: its error
    const std::vector<Neighbour> found = nearest(x, neighbours());
    probabilities_from(found.data(), found.size(), out);
}

double KnnModel::predict_from(const Neighbour* found, std::size_t count, double* probabilities) const {
    if (classifies()) {
        probabilities_from(found, count, probabilities);
        // The first of the most probable: a tie goes to the smaller class.
        const std::size_t classes = class_values.size();
        return class_values[static_cast<std::size_t>(std::max_element(probabilities, probabilities + classes) -
                                                     probabilities)];
    }
    const Weighing w = weighing(*this, found, count);
    double sum = 0, total = 0;
    for (std::size_t i = 0; i < count; ++i) {
        sum += targets[found[i].position] * w.of(found[i]);
        total += w.of(found[i]);
    }
    const double y = sum / total;
    if (!std::isfinite(y)) fail_score_overflow(kKind);
    return y;
}

double KnnModel::predict(const double* x) const {
    const std::vector<Neighbour> found = nearest(x, neighbours());
    std::vector<double> probabilities(class_values.size());
    return predict_from(found.data(), found.size(), probabilities.data());
}

void KnnModel::predict_many(const double* x, std::size_t n, double* out, int threads, MemoryBudget& budget,
                            StopToken& stop) const {
    if (n == 0) return;
    const std::size_t p = feature_count(), k = std::min(neighbours(), row_count());
    const std::size_t blocks = (n + kBlockQueries - 1) / kBlockQueries;
    const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, threads)), blocks);
    budget.reserve(checked_mul(workers, workspace_bytes(*this, std::min(n, kBlockQueries), k), "knn buffers"),
                       "k-NN's buffers of a batch");
    std::vector<Workspace> spaces(workers);
    parallel_for(n, kBlockQueries, static_cast<int>(workers), stop,
                 [&](std::size_t begin, std::size_t end, int worker) {
                     Workspace& ws = spaces[static_cast<std::size_t>(worker)];
                     prepare(*this, x + begin * p, end - begin, ws);
                     search(*this, end - begin, k, ws, &stop);
                     ws.probabilities.resize(class_values.size());
                     for (std::size_t q = 0; q < end - begin; ++q)
                         out[begin + q] = predict_from(ws.heaps.data() + q * k, k, ws.probabilities.data());
                 });
}

}  // namespace recsys
