// The ALS model's payload inside the shared envelope (model_format.h).
//
// Payload layout, version 3 (all little-endian, arrays length-prefixed):
//   u32 payload version, u32 factors
//   options: u64 count, then (string name, f64 value) pairs: the numbers and booleans;
//            u64 count, then (string name, u8 is set, string value if set): the strings
//   i64[] user ids, i64[] item ids, f32[] user factors, f32[] item factors
//   u64[] seen offsets, i32[] seen items, f32[] item popularity
//   summary: u64 rows, u64 skipped rows, f64[] loss, f64 seconds, i32 threads,
//            u64 user chunks, u64 item chunks, u64 user Gram blocks,
//            u64 item Gram blocks, u64 eigensolver fallbacks,
//            i64 warm start id, u64 warm users, u64 warm items
//   (version 4) f32[] seen weights: the summed weight of each seen item
// Version 3 has no seen weights (explain refuses such a model). Version 2 has no string options and ends after the fallbacks; version 1 also
// lacks the five u64 after `threads`. What is missing reads as 0 (or unset).
#include <algorithm>
#include <cmath>

#include "als.h"
#include "../base/bytes.h"
#include "../base/json.h"
#include "../model/model_format.h"

namespace recsys {

namespace {

constexpr const char* kKind = AlsModel::kKind;
constexpr std::uint32_t kPayloadVersion = 4;
constexpr std::size_t kMaxCount = std::size_t(1) << 40;

// The summary's counts of how the run split its work (version 2), in
// payload order, with their metadata keys.
struct WorkSplitField {
    const char* key;
    std::uint64_t AlsTrainingSummary::*field;
};
constexpr WorkSplitField kWorkSplit[] = {
    {"user_chunks", &AlsTrainingSummary::user_chunks},
    {"item_chunks", &AlsTrainingSummary::item_chunks},
    {"user_gram_blocks", &AlsTrainingSummary::user_gram_blocks},
    {"item_gram_blocks", &AlsTrainingSummary::item_gram_blocks},
    {"eigensolver_fallbacks", &AlsTrainingSummary::eigensolver_fallbacks},
};

bool is_string(const OptionSpec& spec) { return spec.type == OptionType::String; }

std::uint64_t count_options(bool strings) {
    std::uint64_t n = 0;
    for (const auto& spec : als_option_schema().options) n += is_string(spec) == strings;
    return n;
}

void write_payload(ByteWriter& w, const AlsModel& m) {
    w.pod<std::uint32_t>(kPayloadVersion);
    w.pod<std::uint32_t>(static_cast<std::uint32_t>(m.factors()));
    // The numbers and booleans as (name, f64) pairs, then the strings.
    const auto& specs = als_option_schema().options;
    w.pod<std::uint64_t>(count_options(false));
    for (const auto& spec : specs) {
        if (is_string(spec)) continue;
        w.string(spec.name);
        w.pod<double>(spec.type == OptionType::Boolean ? (m.options.boolean(spec.name) ? 1.0 : 0.0)
                                                       : m.options.number(spec.name));
    }
    w.pod<std::uint64_t>(count_options(true));
    for (const auto& spec : specs) {
        if (!is_string(spec)) continue;
        w.string(spec.name);
        const bool set = !m.options.is_null(spec.name);
        w.pod<std::uint8_t>(set ? 1 : 0);
        if (set) w.string(m.options.string(spec.name));
    }
    w.array(m.user_ids.data(), m.user_ids.size());
    w.array(m.item_ids.data(), m.item_ids.size());
    w.array(m.user_factors.data(), static_cast<std::size_t>(m.user_factors.size()));
    w.array(m.item_factors.data(), static_cast<std::size_t>(m.item_factors.size()));
    w.array(m.seen_offsets.data(), m.seen_offsets.size());
    w.array(m.seen_items.data(), m.seen_items.size());
    w.array(m.item_popularity.data(), m.item_popularity.size());
    w.pod<std::uint64_t>(m.summary.rows);
    w.pod<std::uint64_t>(m.summary.skipped_rows);
    w.array(m.summary.loss.data(), m.summary.loss.size());
    w.pod<double>(m.summary.seconds);
    w.pod<std::int32_t>(m.summary.threads);
    for (const WorkSplitField& count : kWorkSplit) w.pod<std::uint64_t>(m.summary.*count.field);
    w.pod<std::int64_t>(m.summary.warm_start_id);
    w.pod<std::uint64_t>(m.summary.warm_users);
    w.pod<std::uint64_t>(m.summary.warm_items);
    w.array(m.seen_weights.data(), m.seen_weights.size());
}

// The stored options, read back through the option checks under today's
// names (an option's former name reads as it); an option a later version
// added takes its default when reading an older model.
Options read_option_pairs(ByteReader& r, std::uint32_t version) {
    const OptionSchema& schema = als_option_schema();
    // An option takes at least 16 bytes (an empty name's length and a value).
    auto n_options = r.count("option count", 16);
    if (n_options > 1000) fail(ErrorKind::Corrupted, "model is inconsistent: option count");
    JsonWriter json;
    json.begin_object();
    for (std::uint64_t i = 0; i < n_options; ++i) {
        std::string name = r.string(256, "option name");
        auto value = r.pod<double>("option value");
        if (const OptionSpec* spec = stored_option(schema, name)) {
            json.key(spec->name);
            if (spec->type == OptionType::Boolean && value != 0 && value != 1)
                fail(ErrorKind::Corrupted, "model is inconsistent: option \"" + name + "\" is not a boolean");
            if (spec->type == OptionType::Boolean)
                json.boolean(value != 0);
            else
                json.number(value);
        }
    }
    const std::uint64_t n_strings = version >= 3 ? r.count("string option count", 9) : 0;
    if (n_strings > 1000) fail(ErrorKind::Corrupted, "model is inconsistent: string option count");
    for (std::uint64_t i = 0; i < n_strings; ++i) {
        std::string name = r.string(256, "option name");
        auto set = r.pod<std::uint8_t>("option is set");
        if (set > 1) fail(ErrorKind::Corrupted, "model is inconsistent: option \"" + name + "\" is not a string");
        std::string value = set ? r.string(std::size_t(1) << 20, "option value") : std::string();
        const OptionSpec* spec = stored_option(schema, name);
        if (spec && is_string(*spec) && set) {
            json.key(spec->name);
            json.string(value);
        }
    }
    json.end_object();
    try {
        return parse_options(json.str(), schema);
    } catch (const Error& e) {
        fail(ErrorKind::Corrupted, std::string("model is inconsistent: ") + e.what());
    }
}

void check(bool ok, const char* what) {
    if (!ok) fail(ErrorKind::Corrupted, std::string("model is inconsistent: ") + what);
}

}  // namespace

void AlsModel::write_payload(ByteWriter& w) const { recsys::write_payload(w, *this); }

AlsModel AlsModel::deserialize(const unsigned char* data, std::size_t size) {
    return read(read_envelope(data, size, kKind));
}

AlsModel AlsModel::read(const Envelope& env) {
    ByteReader r(env.payload, env.payload_size);
    AlsModel m;
    auto version = r.pod<std::uint32_t>("payload version");
    if (version == 0 || version > kPayloadVersion)
        fail(ErrorKind::InvalidInput, "ALS model payload version " + std::to_string(version) + " is not supported",
             "upgrade the recsys extension to read models written by a newer version");
    auto factors = r.pod<std::uint32_t>("factors");
    check(factors >= 1 && factors <= 1024, "factors out of range");

    m.options = read_option_pairs(r, version);
    m.params = AlsParams::from(m.options);
    check(m.params.factors == static_cast<int>(factors), "factors disagree with the options");

    r.array<std::int64_t>(m.user_ids, kMaxCount, "user ids");
    r.array<std::int64_t>(m.item_ids, kMaxCount, "item ids");
    check(m.user_ids.size() < INT32_MAX && m.item_ids.size() < INT32_MAX, "too many ids");
    read_factor_matrix(r, m.user_factors, m.user_ids.size(), factors, "user factors");
    read_factor_matrix(r, m.item_factors, m.item_ids.size(), factors, "item factors");
    check(m.user_factors.allFinite() && m.item_factors.allFinite(), "non-finite factors");
    r.array<std::uint64_t>(m.seen_offsets, kMaxCount, "seen offsets");
    r.array<std::int32_t>(m.seen_items, kMaxCount, "seen items");
    r.array<float>(m.item_popularity, kMaxCount, "item popularity");
    m.summary.rows = r.pod<std::uint64_t>("rows");
    m.summary.skipped_rows = r.pod<std::uint64_t>("skipped rows");
    r.array<double>(m.summary.loss, 1 << 20, "loss history");
    m.summary.seconds = r.pod<double>("seconds");
    m.summary.threads = r.pod<std::int32_t>("threads");
    if (version >= 2)
        for (const WorkSplitField& count : kWorkSplit) m.summary.*count.field = r.pod<std::uint64_t>(count.key);
    if (version >= 3) {
        m.summary.warm_start_id = r.pod<std::int64_t>("warm start id");
        m.summary.warm_users = r.pod<std::uint64_t>("warm users");
        m.summary.warm_items = r.pod<std::uint64_t>("warm items");
        check(m.summary.warm_users <= m.user_ids.size() && m.summary.warm_items <= m.item_ids.size(), "warm start");
    }
    if (version >= 4) {
        // Empty: a model read from version 3 and written again (explain refuses it).
        r.array<float>(m.seen_weights, kMaxCount, "seen weights");
    }
    m.check_catalogue();
    check(r.remaining() == 0, "trailing bytes after the payload");
    return m;
}

std::string AlsModel::metadata_json() const {
    JsonWriter dimensions;
    dimensions.begin_object();
    write_catalogue_dimensions(dimensions);
    dimensions.key("factors");
    dimensions.integer(factors());
    dimensions.end_object();
    std::string training = training_summary_json(summary, [&](JsonWriter& w) {
        w.key("interactions");
        w.integer(static_cast<long long>(seen_items.size()));
        for (const WorkSplitField& count : kWorkSplit) {
            w.key(count.key);
            w.integer(static_cast<long long>(summary.*count.field));
        }
        if (!options.is_null("warm_start")) {  // the version it started from, and what it knew
            w.key("warm_start");
            w.begin_object();
            w.key("model_id");
            w.integer(summary.warm_start_id);
            w.key("users");
            w.integer(static_cast<long long>(summary.warm_users));
            w.key("items");
            w.integer(static_cast<long long>(summary.warm_items));
            w.end_object();
        }
    });
    return model_metadata_json(options.to_json(), dimensions.str(), training);
}

std::size_t AlsModel::memory_bytes() const {
    return sizeof(*this) + catalogue_bytes() + factor_bytes() + static_cast<std::size_t>(item_gram_.size()) * 4;
}

}  // namespace recsys
