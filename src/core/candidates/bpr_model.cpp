// BPR as a model kind (bpr.h): its columns, the training that lays out the
// interactions around the SGD, and the payload.
//
// Payload layout, version 1 (little-endian, arrays length-prefixed):
//   u32 payload version, u32 factors (without the bias column)
//   options (model.h write_options)
//   i64[] user ids, i64[] item ids,
//   f32[] user factors, f32[] item factors (rows x (factors + 1), row-major)
//   u64[] seen offsets, i32[] seen items, f32[] item popularity
//   common training summary (loss: the training AUC per epoch),
//   u32 workers, u64 rounds per epoch, u64 skipped samples of the last epoch
#include <algorithm>
#include <chrono>
#include <cmath>

#include "bpr.h"
#include "../als/als_kind.h"
#include "../base/bytes.h"

namespace recsys {

namespace {

constexpr std::uint32_t kPayloadVersion = 1;
constexpr std::size_t kMaxCount = std::size_t(1) << 40;

std::unique_ptr<Model> fit(const TrainingRows& rows, const Options& options, TrainContext& ctx) {
    return std::make_unique<BprModel>(train_bpr(rows.column("user_id").int64s(), rows.column("item_id").int64s(),
                                                rows.column("weight").float32s(), rows.count, options,
                                                collected_summary(rows), ctx));
}

void check(bool ok, const char* what) {
    if (!ok) fail(ErrorKind::Corrupted, std::string("model is inconsistent: ") + what);
}

}  // namespace

const ModelKind& bpr_kind() {
    static const ModelKind kind{
        {BprModel::kKind, "bpr_fit", &bpr_option_schema(), interaction_columns()},
        fit,
        read_model_as<BprModel>,
    };
    return kind;
}

BprModel train_bpr(const std::int64_t* users, const std::int64_t* items, const float* weights, std::size_t n,
                   const Options& options, TrainingSummary base, TrainContext& ctx) {
    const auto started = std::chrono::steady_clock::now();
    ContextResources res(ctx);
    BprModel m;
    m.options = options;
    m.params = BprParams::from(options);
    if (n == 0) fail(ErrorKind::InvalidParameter, "bpr_fit needs at least one interaction");
    Interactions data = build_interactions(users, items, weights, n, res.budget, res.stop, std::max(1, ctx.threads));
    BprRun run = bpr_sgd(data.by_user, data.item_ids.size(), m.params, ctx);

    m.user_factors = std::move(run.user_factors);
    m.item_factors = std::move(run.item_factors);
    m.take_interactions(data, false);
    static_cast<TrainingSummary&>(m.summary) = base;
    m.summary.loss = std::move(run.auc);
    m.summary.threads = std::max(1, ctx.threads);
    m.summary.workers = static_cast<std::uint32_t>(run.workers);
    m.summary.rounds = run.rounds;
    m.summary.skipped = run.skipped;
    m.summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return m;
}

void BprModel::write_payload(ByteWriter& w) const {
    w.pod<std::uint32_t>(kPayloadVersion);
    w.pod<std::uint32_t>(static_cast<std::uint32_t>(params.factors));
    write_options(w, options);
    w.array(user_ids.data(), user_ids.size());
    w.array(item_ids.data(), item_ids.size());
    w.array(user_factors.data(), static_cast<std::size_t>(user_factors.size()));
    w.array(item_factors.data(), static_cast<std::size_t>(item_factors.size()));
    w.array(seen_offsets.data(), seen_offsets.size());
    w.array(seen_items.data(), seen_items.size());
    w.array(item_popularity.data(), item_popularity.size());
    write_training_summary(w, summary);
    w.pod<std::uint32_t>(summary.workers);
    w.pod<std::uint64_t>(summary.rounds);
    w.pod<std::uint64_t>(summary.skipped);
}

BprModel BprModel::read(const Envelope& env) {
    ByteReader r(env.payload, env.payload_size);
    BprModel m;
    read_payload_version(r, kKind, kPayloadVersion);
    const auto factors = r.pod<std::uint32_t>("factors");
    check(factors >= 1 && factors <= 1024, "factors out of range");
    m.options = read_options(r, bpr_option_schema());
    m.params = BprParams::from(m.options);
    check(m.params.factors == static_cast<int>(factors), "factors disagree with the options");

    r.array<std::int64_t>(m.user_ids, kMaxCount, "user ids");
    r.array<std::int64_t>(m.item_ids, kMaxCount, "item ids");
    check(m.user_ids.size() < INT32_MAX && m.item_ids.size() < INT32_MAX, "too many ids");
    read_factor_matrix(r, m.user_factors, m.user_ids.size(), factors + 1, "user factors");
    read_factor_matrix(r, m.item_factors, m.item_ids.size(), factors + 1, "item factors");
    check(m.user_factors.allFinite() && m.item_factors.allFinite(), "non-finite factors");
    // The user's last entry multiplies the item bias: 1, as training keeps it.
    check(m.user_factors.rows() == 0 || (m.user_factors.col(factors).array() == 1.0f).all(), "user bias column");
    r.array<std::uint64_t>(m.seen_offsets, kMaxCount, "seen offsets");
    r.array<std::int32_t>(m.seen_items, kMaxCount, "seen items");
    r.array<float>(m.item_popularity, kMaxCount, "item popularity");
    m.check_catalogue();
    static_cast<TrainingSummary&>(m.summary) = read_training_summary(r);
    for (double auc : m.summary.loss) check(auc >= 0 && auc <= 1, "training AUC");
    m.summary.workers = r.pod<std::uint32_t>("workers");
    m.summary.rounds = r.pod<std::uint64_t>("rounds");
    m.summary.skipped = r.pod<std::uint64_t>("skipped samples");
    check(r.remaining() == 0, "trailing bytes after the payload");
    return m;
}

std::string BprModel::metadata_json() const {
    JsonWriter dimensions;
    dimensions.begin_object();
    write_catalogue_dimensions(dimensions);
    dimensions.key("factors");
    dimensions.integer(params.factors);
    dimensions.end_object();
    std::string training = training_summary_json(summary, [&](JsonWriter& w) {
        // The loss history holds the training AUC: the share of each epoch's
        // sampled triples (user, seen, unseen) ranked right before their step.
        w.key("metric");
        w.string("auc");
        w.key("interactions");
        w.integer(static_cast<long long>(seen_items.size()));
        w.key("workers");
        w.integer(summary.workers);
        w.key("rounds_per_epoch");
        w.integer(static_cast<long long>(summary.rounds));
        w.key("skipped_samples");
        w.integer(static_cast<long long>(summary.skipped));
    });
    return model_metadata_json(options.to_json(), dimensions.str(), training);
}

std::size_t BprModel::memory_bytes() const {
    return sizeof(*this) + catalogue_bytes() + factor_bytes() + popularity_cumulative_.size() * 8;
}

}  // namespace recsys
