// k-nearest neighbours: recsys.knn_fit(target float8, features float8[]
// [, id bigint] [, options]). The model keeps its training rows; a query is
// answered by exact brute force, the distances to every row computed in
// blocks of rows (knn_kernel.h: many queries per pass over the rows for a
// batch, predict_many; a single query is a batch of one, so both give the
// same bits), then a partial selection of the k nearest. It answers as
// scikit-learn's KNeighborsClassifier /
// KNeighborsRegressor (algorithm="brute") on the same rows in the same order:
//
//   euclidean  d(x, y)^2 = max(0, |x|^2 - 2 x.y + |y|^2), as scikit-learn
//              computes it (so the same rounding), then the square root;
//   cosine     1 - (x / |x|) . (y / |y|), clipped to [0, 2]; a zero vector
//              stays zero (distance 1 to anything), as sklearn.normalize does.
//
// The rows are kept in a canonical order, which defines `row` (what
// knn_neighbors returns) and breaks distance ties: with an id column, by id
// (row = the id; ids must be unique); without one, by the features compared
// element by element and then the target (row = the position, from 1). The
// rows are fed in that order to scikit-learn's own bounded heap (heap_push
// of sklearn/utils/_heap.pyx), so that of rows tied at the k-th distance the
// same ones are kept as by scikit-learn's brute force on rows in that order
// (a later row never displaces an earlier one at the same distance; which
// of several tied rows gives way to a nearer one is the heap's choice). The
// neighbours are then listed by distance, then row.
//
// task "classification" votes among the classes (the distinct target
// values, sorted): each neighbour counts 1 (weights "uniform") or 1 / d
// (weights "distance"; neighbours at distance 0, where there are any, count
// 1 and the others 0); a tie goes to the smaller class, as scikit-learn's.
// task "regression" averages the targets with the same weights.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "../model/model.h"
#include "../model/model_format.h"
#include "../model/model_kind.h"

namespace recsys {

const OptionSchema& knn_option_schema();
const ModelKind& knn_kind();

// A neighbour of a query: the row's position in the canonical order, and its distance.
struct Neighbour {
    std::size_t position;
    double distance;
};

// The options a query needs, decided once when the model is built or read
// (derive()); the options themselves stay for the metadata and the payload.
enum class KnnMetric { Euclidean, Cosine };
enum class KnnWeights { Uniform, Distance };

class KnnModel : public FeatureModel, public ClassModel {
public:
    static constexpr const char* kKind = "knn";
    using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

    Options options;
    // n x p, in the canonical order; unit rows (or zero) for the cosine metric.
    RowMatrix rows;
    std::vector<double> targets;    // n
    std::vector<std::int64_t> ids;  // n, strictly increasing: the rows' ids (1..n without an id column)
    bool with_ids = false;          // whether ids came from an id column
    TrainingSummary summary;

    // Derived when built or read (never stored): the options as enums, the
    // rows' squared norms (euclidean), the classes (sorted distinct targets)
    // and each row's class.
    KnnMetric metric = KnnMetric::Euclidean;
    KnnWeights weighting = KnnWeights::Uniform;
    bool classification = true;
    std::size_t neighbour_count = 5;  // "neighbors"
    Eigen::VectorXd squared_norms;
    std::vector<double> class_values;
    std::vector<std::string> names;
    std::vector<std::uint32_t> row_class;

    const char* kind() const override { return kKind; }
    std::size_t feature_count() const override { return static_cast<std::size_t>(rows.cols()); }
    std::size_t row_count() const { return static_cast<std::size_t>(rows.rows()); }
    bool classifies() const { return classification; }
    std::size_t neighbours() const { return neighbour_count; }

    // The k nearest rows of x (feature_count() finite values), nearest first
    // (equal distances: earlier position first); k is capped at row_count().
    std::vector<Neighbour> nearest(const double* x, std::size_t k) const;

    // Classification: the voted class's value; regression: the (weighted) mean.
    double predict(const double* x) const override;
    // predict of n queries (row-major, n x feature_count()) into out[0..n),
    // on `threads` workers: blocks of queries against blocks of rows, each
    // answer bit for bit what predict gives that query (the same dot-product
    // kernel, the same heap). Its buffers are reserved in `budget` first;
    // `stop` is polled on the calling thread and checked between blocks.
    void predict_many(const double* x, std::size_t n, double* out, int threads, MemoryBudget& budget,
                      StopToken& stop) const;
    // Classification only (an InvalidParameter error for a regression).
    const std::vector<std::string>& class_names() const override;
    void class_probabilities(const double* x, double* out) const override;

    std::size_t memory_bytes() const override;
    std::string metadata_json() const override;
    void write_payload(ByteWriter& w) const override;
    static KnnModel read(const Envelope& envelope);

    // Fills the derived members from rows, targets and options (checks
    // what it derives: an error of `kind` for bad values).
    void derive(ErrorKind kind);

    // The answers from a query's `count` nearest rows (nearest(), or a
    // batch's): predict's value; the class probabilities into out (classes).
    double predict_from(const Neighbour* found, std::size_t count, double* probabilities) const;
    void probabilities_from(const Neighbour* found, std::size_t count, double* out) const;
};

// The most classes a classification keeps (distinct target values).
constexpr std::size_t kKnnMaxClasses = 10000;

}  // namespace recsys
