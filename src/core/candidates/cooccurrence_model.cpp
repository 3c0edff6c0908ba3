// The co-occurrence model as a kind: its options, columns and fit, its
// payload, metadata and neighbours.
//
// Payload layout, version 1 (little-endian, arrays length-prefixed):
//   u32 payload version, u32 factors, string options (JSON)
//   i64[] item ids (ascending), f32[] item vectors (items x factors, row-major)
//   u64 pairs (nonzero counts fitted), u64 watch pairs (counted into them),
//   the training summary (model.h)
#include <algorithm>
#include <chrono>
#include <cmath>

#include "cooccurrence.h"
#include "cosine_neighbours.h"
#include "../base/checked.h"
#include "../base/json.h"

namespace recsys {

namespace {

constexpr std::uint32_t kPayloadVersion = 1;
constexpr std::size_t kMaxCount = std::size_t(1) << 40;

void check(bool ok, const char* what) {
    if (!ok) fail(ErrorKind::Corrupted, std::string("model is inconsistent: ") + what);
}

std::unique_ptr<Model> fit(const TrainingRows& rows, const Options& options, TrainContext& ctx) {
    return std::make_unique<CooccurrenceModel>(train_cooccurrence(
        rows.column("user_id").int64s(), rows.column("item_id").int64s(), rows.column("ts").int64s(), rows.count,
        options, collected_summary(rows), ctx));
}

ColumnSpec id_column(const char* name) {
    ColumnSpec c{name, ColumnType::Int64};
    c.on_null = NullRule::SkipRow;
    c.identifies_row = true;
    return c;
}

// The watch time. The aggregate's SQL argument is timestamptz: a
// timestamptz datum is its int64 microseconds since 2000-01-01, passed by
// value like a bigint's, so the host's Int64 column reads it unchanged
// (see 30_training_aggregates.sql). A NULL time cannot be placed in a
// session: the row is skipped and counted.
ColumnSpec time_column() {
    ColumnSpec c{"ts", ColumnType::Int64};
    c.on_null = NullRule::SkipRow;
    return c;
}

}  // namespace

const OptionSchema& cooccurrence_option_schema() {
    static const OptionSchema schema = [] {
        OptionSpec seconds = number_option("window_seconds", 0, 0, 1e12,
                                           "also limit pairs to watches at most this many seconds apart "
                                           "(null: only the count window)");
        seconds.default_json = "null";
        return OptionSchema{
            "cooccurrence_fit",
            {
                integer_option("window", 10, 1, 1000,
                               "watches of one user at most this many positions apart (in time order) co-occur, "
                               "weighted 1/distance"),
                seconds,
                number_option("x_max", 100, 1e-6, 1e12, "counts at or above this weigh fully: f(x) = min(1, (x/x_max)^alpha)"),
                number_option("alpha", 0.75, 0, 10, "exponent of the weighting function f"),
                integer_option("factors", 64, 1, 1024, "dimensions of the item vectors"),
                integer_option("epochs", 25, 1, 10000, "passes of AdaGrad over the nonzero counts"),
                number_option("learning_rate", 0.05, 1e-9, 10, "AdaGrad's initial step size"),
                integer_option("seed", 0, 0, 9007199254740991.0, "seed of the initial vectors and the visiting order"),
            },
            nullptr,
        };
    }();
    return schema;
}

CooccurrenceParams CooccurrenceParams::from(const Options& o) {
    CooccurrenceParams p;
    p.window = static_cast<int>(o.integer("window"));
    p.window_seconds = o.is_null("window_seconds") ? -1 : o.number("window_seconds");
    p.x_max = o.number("x_max");
    p.alpha = o.number("alpha");
    p.factors = static_cast<int>(o.integer("factors"));
    p.epochs = static_cast<int>(o.integer("epochs"));
    p.learning_rate = o.number("learning_rate");
    p.seed = static_cast<std::uint64_t>(o.integer("seed"));
    return p;
}

const ModelKind& cooccurrence_kind() {
    static const ModelKind kind{
        {CooccurrenceModel::kKind, "cooccurrence_fit", &cooccurrence_option_schema(),
         {id_column("user_id"), id_column("item_id"), time_column()}},
        fit,
        read_model_as<CooccurrenceModel>,
    };
    return kind;
}

CooccurrenceModel train_cooccurrence(const std::int64_t* users, const std::int64_t* items, const std::int64_t* times,
                                     std::size_t n, const Options& options, TrainingSummary summary,
                                     TrainContext& ctx) {
    const auto started = std::chrono::steady_clock::now();
    ContextResources res(ctx);
    CooccurrenceModel m;
    m.options = options;
    m.params = CooccurrenceParams::from(options);

    // Item ids to indices (ascending ids).
    res.budget.reserve(checked_mul(n, 2 * sizeof(std::int64_t) + sizeof(std::int32_t), "watches", ErrorKind::OutOfMemory),
                       "cooccurrence_fit's item index");
    m.item_ids.assign(items, items + n);
    std::sort(m.item_ids.begin(), m.item_ids.end());
    m.item_ids.erase(std::unique(m.item_ids.begin(), m.item_ids.end()), m.item_ids.end());
    if (m.item_ids.size() >= INT32_MAX) fail(ErrorKind::LimitExceeded, "cooccurrence_fit takes fewer than 2^31 items");
    std::vector<std::int32_t> index(n);
    for (std::size_t r = 0; r < n; ++r)
        index[r] = static_cast<std::int32_t>(std::lower_bound(m.item_ids.begin(), m.item_ids.end(), items[r]) -
                                             m.item_ids.begin());
    res.stop.check();

    const CooccurrenceCounts counts =
        count_cooccurrences(users, index.data(), times, n, m.item_ids.size(), m.params, res.budget, res.stop);
    if (counts.pairs.empty())
        fail(ErrorKind::DataException, "cooccurrence_fit found no two different items watched by one user within the window",
             "each user needs at least two different items within window (and window_seconds)");
    m.pairs = counts.pairs.size();
    m.watch_pairs = counts.windows;

    TrainContext inner = ctx;
    inner.budget = &res.budget;
    inner.stop = &res.stop;
    const GloveParameters g = fit_glove(counts, m.params, inner, summary.loss);
    res.budget.reserve(checked_mul(m.item_ids.size(), m.params.factors + 1, sizeof(float), "item vectors",
                                   ErrorKind::OutOfMemory),
                       "cooccurrence_fit's model");
    m.vectors = g.w + g.w_tilde;
    m.compute_norms();
    summary.threads = ctx.threads;
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    m.summary = summary;
    return m;
}

void CooccurrenceModel::compute_norms() {
    norms.resize(item_ids.size());
    for (std::size_t i = 0; i < norms.size(); ++i) norms[i] = vectors.row(static_cast<Eigen::Index>(i)).norm();
}

std::vector<Scored> CooccurrenceModel::similar_items(std::int64_t item_id, std::size_t k) const {
    check_k(k);
    const std::int64_t i = index_of(item_ids, item_id);
    if (i < 0) return {};
    return cosine_neighbours(vectors.data(), items(), static_cast<int>(vectors.cols()), norms.data(),
                             static_cast<std::size_t>(i), k);
}

std::size_t CooccurrenceModel::memory_bytes() const {
    return sizeof(*this) + item_ids.size() * sizeof(std::int64_t) +
           static_cast<std::size_t>(vectors.size()) * sizeof(float) + norms.size() * sizeof(float);
}

void CooccurrenceModel::write_payload(ByteWriter& w) const {
    w.pod<std::uint32_t>(kPayloadVersion);
    w.pod<std::uint32_t>(static_cast<std::uint32_t>(vectors.cols()));
    write_options(w, options);
    w.array(item_ids.data(), item_ids.size());
    w.array(vectors.data(), static_cast<std::size_t>(vectors.size()));
    w.pod<std::uint64_t>(pairs);
    w.pod<std::uint64_t>(watch_pairs);
    write_training_summary(w, summary);
}

CooccurrenceModel CooccurrenceModel::read(const Envelope& env) {
    ByteReader r(env.payload, env.payload_size);
    CooccurrenceModel m;
    read_payload_version(r, kKind, kPayloadVersion);
    const auto factors = r.pod<std::uint32_t>("factors");
    check(factors >= 1 && factors <= 1024, "factors out of range");
    m.options = read_options(r, cooccurrence_option_schema());
    m.params = CooccurrenceParams::from(m.options);
    check(m.params.factors == static_cast<int>(factors), "factors disagree with the options");
    r.array<std::int64_t>(m.item_ids, kMaxCount, "item ids");
    check(!m.item_ids.empty() && m.item_ids.size() < INT32_MAX, "item count");
    check(std::adjacent_find(m.item_ids.begin(), m.item_ids.end(), [](auto a, auto b) { return a >= b; }) ==
              m.item_ids.end(),
          "item ids are not ascending");
    std::vector<float> flat;
    r.array<float>(flat, kMaxCount, "item vectors");
    check(flat.size() == checked_mul(m.item_ids.size(), factors, "item vectors"), "item vectors have a wrong size");
    m.vectors = Eigen::Map<ItemVectors>(flat.data(), static_cast<Eigen::Index>(m.item_ids.size()), factors);
    check(m.vectors.allFinite(), "non-finite item vectors");
    m.pairs = r.pod<std::uint64_t>("pairs");
    m.watch_pairs = r.pod<std::uint64_t>("watch pairs");
    // Every nonzero count holds at least one watch pair; a vector per item needs a pair.
    check(m.pairs >= 1 && m.watch_pairs >= m.pairs, "pair counts");
    m.summary = read_training_summary(r);
    check(r.remaining() == 0, "trailing bytes after the payload");
    m.compute_norms();
    return m;
}

std::string CooccurrenceModel::metadata_json() const {
    JsonWriter dimensions;
    dimensions.begin_object();
    dimensions.key("items");
    dimensions.integer(static_cast<long long>(items()));
    dimensions.key("factors");
    dimensions.integer(static_cast<long long>(vectors.cols()));
    dimensions.end_object();
    const std::string training = training_summary_json(summary, [&](JsonWriter& w) {
        w.key("pairs");
        w.integer(static_cast<long long>(pairs));
        w.key("watch_pairs");
        w.integer(static_cast<long long>(watch_pairs));
    });
    return model_metadata_json(options.to_json(), dimensions.str(), training);
}

}  // namespace recsys
