// The item-neighbours model's payload inside the shared envelope
// (model_format.h), and the checks of meaning its reader makes.
//
// Payload layout, version 1 (little-endian, arrays length-prefixed):
//   u32 payload version, string options (JSON)
//   i64[] user ids, i64[] item ids
//   u64[] seen offsets, i32[] seen items, f32[] seen weights, f32[] item popularity
//   u64[] neighbour offsets, i32[] neighbour items, f32[] neighbour similarity
//   training summary (model.h), u64 blocks, u64 products
#include <algorithm>
#include <cmath>

#include "../base/bytes.h"
#include "../base/json.h"
#include "itemknn_model.h"

namespace recsys {

namespace {

constexpr std::uint32_t kPayloadVersion = 1;
constexpr std::size_t kMaxCount = std::size_t(1) << 40;

void check(bool ok, const char* what) {
    if (!ok) fail(ErrorKind::Corrupted, std::string("model is inconsistent: ") + what);
}

// offsets: rows + 1 entries from 0 to `entries`, never decreasing.
bool valid_offsets(const std::vector<std::uint64_t>& offsets, std::size_t rows, std::size_t entries) {
    return offsets.size() == rows + 1 && offsets.front() == 0 && offsets.back() == entries &&
           std::is_sorted(offsets.begin(), offsets.end());
}

bool in_range(const std::vector<std::int32_t>& indices, std::size_t n) {
    return std::all_of(indices.begin(), indices.end(),
                       [n](std::int32_t i) { return i >= 0 && static_cast<std::size_t>(i) < n; });
}

bool all_finite(const std::vector<float>& values, bool non_negative) {
    return std::all_of(values.begin(), values.end(),
                       [&](float v) { return std::isfinite(v) && (!non_negative || v >= 0); });
}

}  // namespace

void ItemKnnModel::write_payload(ByteWriter& w) const {
    w.pod<std::uint32_t>(kPayloadVersion);
    write_options(w, options);
    w.array(user_ids.data(), user_ids.size());
    w.array(item_ids.data(), item_ids.size());
    w.array(seen_offsets.data(), seen_offsets.size());
    w.array(seen_items.data(), seen_items.size());
    w.array(seen_weights.data(), seen_weights.size());
    w.array(item_popularity.data(), item_popularity.size());
    w.array(neighbour_offsets.data(), neighbour_offsets.size());
    w.array(neighbour_items.data(), neighbour_items.size());
    w.array(neighbour_similarity.data(), neighbour_similarity.size());
    write_training_summary(w, summary);
    w.pod<std::uint64_t>(summary.blocks);
    w.pod<std::uint64_t>(summary.products);
}

ItemKnnModel ItemKnnModel::read(const Envelope& env) {
    ByteReader r(env.payload, env.payload_size);
    ItemKnnModel m;
    read_payload_version(r, kKind, kPayloadVersion);
    m.options = read_options(r, itemknn_option_schema());
    m.params = ItemKnnParams::from(m.options);

    r.array<std::int64_t>(m.user_ids, kMaxCount, "user ids");
    r.array<std::int64_t>(m.item_ids, kMaxCount, "item ids");

    r.array<std::uint64_t>(m.seen_offsets, kMaxCount, "seen offsets");
    r.array<std::int32_t>(m.seen_items, kMaxCount, "seen items");
    r.array<float>(m.seen_weights, kMaxCount, "seen weights");
    r.array<float>(m.item_popularity, kMaxCount, "item popularity");
    m.check_catalogue();
    // Scores and explanations weigh every seen item: its weight must be there.
    check(m.seen_weights.size() == m.seen_items.size(), "seen weights");

    r.array<std::uint64_t>(m.neighbour_offsets, kMaxCount, "neighbour offsets");
    r.array<std::int32_t>(m.neighbour_items, kMaxCount, "neighbour items");
    r.array<float>(m.neighbour_similarity, kMaxCount, "neighbour similarity");
    check(valid_offsets(m.neighbour_offsets, m.items(), m.neighbour_items.size()), "neighbour offsets");
    for (std::size_t i = 0; i < m.items(); ++i)
        check(m.neighbour_offsets[i + 1] - m.neighbour_offsets[i] <= m.params.neighbours,
              "an item keeps more neighbours than the option says");
    check(in_range(m.neighbour_items, m.items()), "neighbour item");
    check(m.neighbour_similarity.size() == m.neighbour_items.size() && all_finite(m.neighbour_similarity, false),
          "neighbour similarity");

    static_cast<TrainingSummary&>(m.summary) = read_training_summary(r);
    m.summary.blocks = r.pod<std::uint64_t>("blocks");
    m.summary.products = r.pod<std::uint64_t>("products");
    check(r.remaining() == 0, "trailing bytes after the payload");
    return m;
}

std::string ItemKnnModel::metadata_json() const {
    JsonWriter dimensions;
    dimensions.begin_object();
    write_catalogue_dimensions(dimensions);
    dimensions.key("neighbour_pairs");
    dimensions.integer(static_cast<long long>(neighbour_items.size()));
    dimensions.end_object();
    std::string training = training_summary_json(summary, [&](JsonWriter& w) {
        w.key("interactions");
        w.integer(static_cast<long long>(seen_items.size()));
        w.key("blocks");
        w.integer(static_cast<long long>(summary.blocks));
        w.key("products");
        w.integer(static_cast<long long>(summary.products));
    });
    return model_metadata_json(options.to_json(), dimensions.str(), training);
}

}  // namespace recsys
