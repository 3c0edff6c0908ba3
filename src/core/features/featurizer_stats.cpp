// The featurizer's one-pass summary of its training rows (FeatureStats):
// per column its kind, counts, exact moments and range, category tallies with
// target sums (overall and per fold), and a uniform sample of rows: the ones
// with the smallest row hashes, which any split of the rows over parallel
// workers selects alike.
//
// Memory is claimed before it is allocated: every growth of the summary (a
// new column, a new category level, a sampled row, the copy a pruning
// makes) is first reserved in the caller's MemoryBudget and counted in
// Impl::bytes, which memory_bytes() reports.
#include <algorithm>
#include <cstring>

#include "../base/error.h"
#include "featurizer_internal.h"
#include "../base/json.h"

namespace recsys {

namespace {

using Type = RawValue::Type;

const char* json_type_name(Type t) {
    switch (t) {
        case Type::Number: return "numbers";
        case Type::Text: return "strings";
        case Type::Boolean: return "booleans";
        case Type::Nested: return "nested values";
        case Type::Missing: return "nulls";
    }
    return "?";
}

[[noreturn]] void type_changes(const std::string& column, Type was, Type now) {
    fail(ErrorKind::DataException,
         "featurizer_fit column \"" + column + "\" has " + json_type_name(was) + " in some rows and " +
             json_type_name(now) + " in others",
         "give every row's \"" + column + "\" one JSON type (cast it in the query), or set its \"type\" to \"ignore\"");
}

[[noreturn]] void nested_value(const std::string& column, std::string_view what) {
    fail(ErrorKind::DataException,
         "featurizer_fit column \"" + column + "\" holds a JSON " + std::string(what) + ", not a number, string or boolean",
         "flatten it into columns of their own, or set its \"type\" to \"ignore\"");
}

// The kind a column takes from its first value.
ColumnKind kind_of(const FeatureStatsColumn& c, const RawValue& v) {
    if (c.settings.type == DeclaredType::Ignore) return ColumnKind::Ignored;
    if (v.type == Type::Nested) nested_value(c.name, v.text);
    if (c.settings.type == DeclaredType::Categorical) return ColumnKind::Categorical;
    if (v.type == Type::Text) {
        if (c.settings.type == DeclaredType::Numeric)
            fail(ErrorKind::DataException,
                 "featurizer_fit column \"" + c.name + "\" is declared numeric but holds strings",
                 "cast it to a number in the query, or declare it categorical");
        return ColumnKind::Categorical;
    }
    if (v.type == Type::Boolean) return ColumnKind::Boolean;
    if (c.settings.type == DeclaredType::Auto && is_id_name(c.name)) return ColumnKind::Categorical;
    return ColumnKind::Numeric;
}

// The category level of a value (numbers by their canonical text).
std::string_view level_of(const RawValue& v, std::string& scratch) {
    if (v.type == Type::Text) return v.text;
    if (v.type == Type::Boolean) return v.boolean ? "true" : "false";
    scratch = number_level(v.number);
    return scratch;
}

// Reserves `bytes` in the budget and counts them as the summary's.
void charge(FeatureStats::Impl& s, MemoryBudget& budget, std::size_t bytes, const char* what) {
    budget.reserve(bytes, what);
    s.bytes += bytes;
}

// What one category level holds: its key (own block, view, map node) and its
// tallies (with the per-fold ones), twice over for the vectors' spare room.
std::size_t level_bytes(std::size_t key_size, std::size_t folds) {
    return key_size + 96 + 2 * (sizeof(LevelTally) + folds * (sizeof(std::uint64_t) + sizeof(double)));
}

std::size_t tally_bytes(const CategoryTally& t, std::size_t folds) {
    std::size_t bytes = (t.other_fold_count.size() + t.other_fold_sum.size()) * sizeof(double);
    for (std::uint32_t i = 0; i < t.levels.size(); ++i) bytes += level_bytes(t.keys.at(i).size(), folds);
    return bytes;
}

// The index of a level, added (with nothing counted) when new.
std::uint32_t level_slot(FeatureStats::Impl& s, MemoryBudget& budget, CategoryTally& t, std::string_view key,
                         std::size_t folds) {
    const std::int64_t found = t.keys.find(key);
    if (found >= 0) return static_cast<std::uint32_t>(found);
    charge(s, budget, level_bytes(key.size(), folds), "featurizer_fit category levels");
    const std::uint32_t level = t.keys.add(key);
    if (level == t.levels.size()) {
        t.levels.emplace_back();
        t.fold_count.resize(t.fold_count.size() + folds, 0);
        t.fold_sum.resize(t.fold_sum.size() + folds, 0);
    }
    return level;
}

// Gives "other" its per-fold tallies (kept only once levels are pruned).
void track_other_folds(FeatureStats::Impl& s, MemoryBudget& budget, CategoryTally& t, std::size_t folds) {
    if (folds && t.other_fold_count.empty()) {
        charge(s, budget, folds * (sizeof(std::uint64_t) + sizeof(double)), "featurizer_fit category levels");
        t.other_fold_count.assign(folds, 0);
        t.other_fold_sum.assign(folds, 0);
    }
}

// Keeps the `keep` most frequent levels (ties: by level), moving the rest into "other".
void prune(FeatureStats::Impl& s, MemoryBudget& budget, CategoryTally& t, std::size_t keep, int folds) {
    const std::size_t f = t.fold_count.empty() ? 0 : static_cast<std::size_t>(folds);
    const std::size_t before = tally_bytes(t, f);
    charge(s, budget, t.levels.size() * sizeof(std::uint32_t), "featurizer_fit category levels being pruned");
    std::vector<std::uint32_t> order(t.levels.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (t.levels[a].count != t.levels[b].count) return t.levels[a].count > t.levels[b].count;
        return t.keys.at(a) < t.keys.at(b);
    });
    // The kept levels are copied before the others go: claim the copy first.
    std::size_t kept_bytes = (t.other_fold_count.size() + t.other_fold_sum.size()) * sizeof(double);
    for (std::size_t r = 0; r < order.size() && r < keep; ++r) kept_bytes += level_bytes(t.keys.at(order[r]).size(), f);
    charge(s, budget, kept_bytes, "featurizer_fit category levels being pruned");
    CategoryTally kept;
    kept.other = t.other;
    kept.other_fold_count = t.other_fold_count;
    kept.other_fold_sum = t.other_fold_sum;
    for (std::size_t r = 0; r < order.size(); ++r) {
        const std::uint32_t i = order[r];
        if (r < keep) {
            kept.keys.add(t.keys.at(i));
            kept.levels.push_back(t.levels[i]);
            kept.fold_count.insert(kept.fold_count.end(), t.fold_count.begin() + i * f, t.fold_count.begin() + (i + 1) * f);
            kept.fold_sum.insert(kept.fold_sum.end(), t.fold_sum.begin() + i * f, t.fold_sum.begin() + (i + 1) * f);
        } else {
            add_level(kept.other, kept.other_fold_count.data(), kept.other_fold_sum.data(), t.levels[i],
                      t.fold_count.data() + i * f, t.fold_sum.data() + i * f, f);
        }
    }
    t = std::move(kept);
    s.bytes -= before + order.size() * sizeof(std::uint32_t);
}

// Levels a column tracks before pruning: twice what it keeps, so the
// kept ones are exact until the distinct values pass that.
std::size_t tracking_limit(const FeatureStatsColumn& c) { return 2 * static_cast<std::size_t>(c.settings.max_levels); }

bool heap_less(const SampleRow& a, const SampleRow& b) { return a.hash < b.hash; }

// Whether a row with this hash joins the sample (the rows with the smallest hashes).
bool joins_sample(const FeatureStats::Impl& s, std::uint64_t hash) {
    return s.sample.size() < static_cast<std::size_t>(s.settings.sample_rows) || hash < s.sample.front().hash;
}

// Adds a row that joins_sample (its values already counted), dropping the
// one with the largest hash when the sample is full.
void keep_smallest(FeatureStats::Impl& s, MemoryBudget& budget, SampleRow&& row) {
    if (s.sample.size() == s.sample.capacity()) {
        const std::size_t room = std::max<std::size_t>(
            16, std::min<std::size_t>(2 * s.sample.capacity(), static_cast<std::size_t>(s.settings.sample_rows) + 1));
        charge(s, budget, (room - s.sample.capacity()) * sizeof(SampleRow), "featurizer_fit sample rows");
        s.sample.reserve(room);
    }
    s.sample_values += row.values.size();
    s.sample.push_back(std::move(row));
    std::push_heap(s.sample.begin(), s.sample.end(), heap_less);
    if (s.sample.size() > static_cast<std::size_t>(s.settings.sample_rows)) {
        std::pop_heap(s.sample.begin(), s.sample.end(), heap_less);
        s.sample_values -= s.sample.back().values.size();
        s.bytes -= s.sample.back().values.capacity() * sizeof(SampleValue);
        s.sample.pop_back();
    }
}

}  // namespace

// ------------------------------------------------------------- target tallies

void TargetTally::add(double target, int fold) {
    count++;
    sum += target;
    fold_count[fold]++;
    fold_sum[fold] += target;
}

void TargetTally::merge(const TargetTally& other) {
    count += other.count;
    sum += other.sum;
    for (std::size_t k = 0; k < fold_count.size(); ++k)
        fold_count[k] += other.fold_count[k], fold_sum[k] += other.fold_sum[k];
}

void TargetTally::write(ByteWriter& w) const {
    w.pod(count);
    w.pod(sum);
    w.array(fold_count.data(), fold_count.size());
    w.array(fold_sum.data(), fold_sum.size());
}

// ------------------------------------------------------------- construction

FeatureStats::FeatureStats(const Options& options, bool has_target) : impl_(std::make_unique<Impl>(options)) {
    impl_->settings = read_settings(options);
    impl_->has_target = has_target;
    if (has_target) impl_->target = TargetTally(static_cast<std::size_t>(impl_->settings.folds));
    impl_->bytes = sizeof(Impl) + 2 * impl_->target.fold_count.size() * sizeof(double);
}
FeatureStats::FeatureStats(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FeatureStats::~FeatureStats() = default;
FeatureStats::FeatureStats(FeatureStats&&) noexcept = default;
FeatureStats& FeatureStats::operator=(FeatureStats&&) noexcept = default;

std::uint64_t FeatureStats::rows() const { return impl_->rows; }
const Options& FeatureStats::options() const { return impl_->options; }
bool FeatureStats::has_target() const { return impl_->has_target; }

std::size_t FeatureStats::memory_bytes() const { return impl_ ? impl_->bytes : 0; }

namespace {

// What a new column takes: its entry (twice over for the vector's spare
// room), its name twice (entry and index) with the index's node, its
// per-fold target tallies.
std::size_t column_bytes(std::size_t name_size, std::size_t folds) {
    return 2 * sizeof(FeatureStatsColumn) + 2 * name_size + 64 + 2 * folds * sizeof(double);
}

std::uint32_t column_for(FeatureStats::Impl& s, MemoryBudget& budget, std::string_view name, std::size_t position) {
    // Rows built alike (to_jsonb of one table) list their keys in the same
    // order: try the column at this position first.
    if (position < s.columns.size() && s.columns[position].name == name) return static_cast<std::uint32_t>(position);
    std::string key(name);
    auto it = s.column_index.find(key);
    if (it != s.column_index.end()) return it->second;
    const std::size_t folds = s.has_target ? static_cast<std::size_t>(s.settings.folds) : 0;
    charge(s, budget, column_bytes(name.size(), folds), "featurizer_fit columns");
    FeatureStatsColumn c;
    c.name = key;
    c.name_hash = stable_hash(name);
    c.settings = s.settings.of(name);
    if (s.has_target) c.target_present = TargetTally(static_cast<std::size_t>(s.settings.folds));
    const auto index = static_cast<std::uint32_t>(s.columns.size());
    s.columns.push_back(std::move(c));
    s.column_index.emplace(std::move(key), index);
    return index;
}

void add_number(FeatureStatsColumn& c, double x) {
    const double n = static_cast<double>(c.present);  // present already counts x
    const double delta = x - c.mean;
    c.mean += delta / n;
    c.m2 += delta * (x - c.mean);
    c.min = std::min(c.min, x);
    c.max = std::max(c.max, x);
    if (x != std::floor(x)) c.integral = false;
}

void add_category(FeatureStats::Impl& s, MemoryBudget& budget, FeatureStatsColumn& c, const RawValue& v, double target,
                  int fold) {
    std::string scratch;
    CategoryTally& t = c.categories;
    const std::size_t folds = s.has_target ? static_cast<std::size_t>(s.settings.folds) : 0;
    const std::uint32_t level = level_slot(s, budget, t, level_of(v, scratch), folds);
    LevelTally& l = t.levels[level];
    l.count++;
    if (!std::isnan(target)) {
        l.target_count++;
        l.target_sum += target;
        t.fold_count[level * folds + fold]++;
        t.fold_sum[level * folds + fold] += target;
    }
    if (t.levels.size() >= tracking_limit(c)) {
        track_other_folds(s, budget, t, folds);
        prune(s, budget, t, static_cast<std::size_t>(c.settings.max_levels), s.settings.folds);
    }
}

bool sampled(const FeatureStatsColumn& c, const RawValue& v) {
    return c.kind == ColumnKind::Numeric && v.type == Type::Number;
}

void add_to_sample(FeatureStats::Impl& s, MemoryBudget& budget, std::uint64_t hash, const RawField* fields,
                   std::size_t count) {
    if (!joins_sample(s, hash)) return;
    std::size_t values = 0;
    for (std::size_t i = 0; i < count; ++i) values += sampled(s.columns[s.field_columns[i]], fields[i].value);
    charge(s, budget, values * sizeof(SampleValue), "featurizer_fit sample rows");
    SampleRow row{hash, {}};
    row.values.reserve(values);
    for (std::size_t i = 0; i < count; ++i) {
        const FeatureStatsColumn& c = s.columns[s.field_columns[i]];
        if (sampled(c, fields[i].value)) row.values.push_back({s.field_columns[i], 0, fields[i].value.number});
    }
    keep_smallest(s, budget, std::move(row));
}

}  // namespace

void FeatureStats::add(const RawField* fields, std::size_t count, double target) {
    MemoryBudget unlimited;
    add(fields, count, target, unlimited);
}

void FeatureStats::add(const RawField* fields, std::size_t count, double target, MemoryBudget& budget) {
    Impl& s = *impl_;
    if (s.field_columns.size() < count) {
        if (count > s.field_columns.capacity()) {
            charge(s, budget, (count - s.field_columns.capacity()) * sizeof(std::uint32_t), "featurizer_fit columns");
            s.field_columns.reserve(count);
        }
        s.field_columns.resize(count);
    }
    // First the row's columns, types and hash, so that a bad value leaves
    // the summary as it was.
    std::uint64_t hash_sum = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint32_t index = column_for(s, budget, fields[i].name, i);
        s.field_columns[i] = index;
        FeatureStatsColumn& c = s.columns[index];
        const RawValue& v = fields[i].value;
        hash_sum += field_hash(c.name_hash, v);
        if (v.type == Type::Missing || c.kind == ColumnKind::Ignored) continue;
        if (c.json_type == Type::Missing) {
            c.kind = kind_of(c, v);
            if (c.kind == ColumnKind::Ignored) continue;
            c.json_type = v.type;
        } else if (v.type != c.json_type) {
            if (v.type == Type::Nested) nested_value(c.name, v.text);
            type_changes(c.name, c.json_type, v.type);
        }
    }
    const std::uint64_t hash = finish_row_hash(hash_sum);
    const bool targeted = s.has_target && !std::isnan(target);
    const int fold = targeted ? fold_of(hash, s.settings.folds) : 0;
    s.rows++;
    if (targeted) s.target.add(target, fold);
    for (std::size_t i = 0; i < count; ++i) {
        FeatureStatsColumn& c = s.columns[s.field_columns[i]];
        const RawValue& v = fields[i].value;
        if (v.type == Type::Missing || c.kind == ColumnKind::Ignored) continue;
        c.present++;
        if (targeted) c.target_present.add(target, fold);
        switch (c.kind) {
            case ColumnKind::Numeric: add_number(c, v.number); break;
            case ColumnKind::Boolean: c.trues += v.boolean; break;
            case ColumnKind::Categorical: add_category(s, budget, c, v, targeted ? target : NAN, fold); break;
            default: break;
        }
    }
    add_to_sample(s, budget, hash, fields, count);
}

// ------------------------------------------------------------- merge

namespace {

void merge_moments(FeatureStatsColumn& a, const FeatureStatsColumn& b, std::uint64_t a_present) {
    if (b.present == 0) return;
    if (a_present == 0) {
        a.mean = b.mean, a.m2 = b.m2, a.min = b.min, a.max = b.max, a.integral = b.integral;
        return;
    }
    const double na = static_cast<double>(a_present), nb = static_cast<double>(b.present), n = na + nb;
    const double delta = b.mean - a.mean;
    a.mean += delta * nb / n;
    a.m2 += b.m2 + delta * delta * na * nb / n;
    a.min = std::min(a.min, b.min);
    a.max = std::max(a.max, b.max);
    a.integral = a.integral && b.integral;
}

void merge_categories(FeatureStats::Impl& s, MemoryBudget& budget, FeatureStatsColumn& a, const FeatureStatsColumn& b,
                      std::size_t folds, int fold_setting) {
    CategoryTally& t = a.categories;
    const CategoryTally& u = b.categories;
    track_other_folds(s, budget, t, folds);
    for (std::uint32_t i = 0; i < u.levels.size(); ++i) {
        const std::uint32_t level = level_slot(s, budget, t, u.keys.at(i), folds);
        add_level(t.levels[level], t.fold_count.data() + level * folds, t.fold_sum.data() + level * folds, u.levels[i],
                  u.fold_count.data() + i * folds, u.fold_sum.data() + i * folds, folds);
        if (t.levels.size() >= tracking_limit(a))
            prune(s, budget, t, static_cast<std::size_t>(a.settings.max_levels), fold_setting);
    }
    add_level(t.other, t.other_fold_count.data(), t.other_fold_sum.data(), u.other, u.other_fold_count.data(),
              u.other_fold_sum.data(), u.other_fold_count.empty() ? 0 : folds);
}

}  // namespace

void FeatureStats::merge(FeatureStats&& other) {
    MemoryBudget unlimited;
    merge(std::move(other), unlimited);
}

void FeatureStats::merge(FeatureStats&& other, MemoryBudget& budget) {
    Impl& s = *impl_;
    Impl& o = *other.impl_;
    const std::size_t folds = s.has_target ? static_cast<std::size_t>(s.settings.folds) : 0;
    std::vector<std::uint32_t> remap(o.columns.size());
    for (std::size_t j = 0; j < o.columns.size(); ++j) {
        FeatureStatsColumn& b = o.columns[j];
        const std::uint32_t index = column_for(s, budget, b.name, s.columns.size());
        remap[j] = index;
        FeatureStatsColumn& a = s.columns[index];
        if (b.json_type != Type::Missing && a.json_type != Type::Missing && a.json_type != b.json_type)
            type_changes(a.name, a.json_type, b.json_type);
        if (a.json_type == Type::Missing) a.json_type = b.json_type, a.kind = b.kind;
        const std::uint64_t a_present = a.present;
        a.present += b.present;
        a.trues += b.trues;
        a.target_present.merge(b.target_present);
        merge_moments(a, b, a_present);
        merge_categories(s, budget, a, b, folds, s.settings.folds);
    }
    s.rows += o.rows;
    s.target.merge(o.target);
    for (SampleRow& row : o.sample) {
        if (!joins_sample(s, row.hash)) continue;
        for (SampleValue& v : row.values) v.column = remap[v.column];
        charge(s, budget, row.values.capacity() * sizeof(SampleValue), "featurizer_fit sample rows");
        keep_smallest(s, budget, std::move(row));
    }
    other.impl_.reset();
}

// ------------------------------------------------------------- bytes

namespace {

constexpr std::uint32_t kStatsVersion = 1;
constexpr std::size_t kMaxCount = std::size_t(1) << 40;

void write_tally(ByteWriter& w, const LevelTally& t) {
    w.pod(t.count);
    w.pod(t.target_count);
    w.pod(t.target_sum);
}
LevelTally read_tally(ByteReader& r) {
    LevelTally t;
    t.count = r.pod<std::uint64_t>("level count");
    t.target_count = r.pod<std::uint64_t>("level target count");
    t.target_sum = r.pod<double>("level target sum");
    return t;
}

template <class T>
void read_exact(ByteReader& r, std::vector<T>& out, std::size_t expected, const char* what) {
    r.array<T>(out, kMaxCount, what);
    if (out.size() != expected) fail(ErrorKind::Corrupted, std::string("featurizer state has a bad ") + what);
}

}  // namespace

void TargetTally::read(ByteReader& r, std::size_t folds) {
    count = r.pod<std::uint64_t>("target count");
    sum = r.pod<double>("target sum");
    read_exact(r, fold_count, folds, "fold counts");
    read_exact(r, fold_sum, folds, "fold sums");
}

void FeatureStats::write(ByteWriter& w) const {
    const Impl& s = *impl_;
    w.pod(kStatsVersion);
    w.pod<std::uint8_t>(s.has_target);
    w.pod(s.rows);
    s.target.write(w);
    w.pod<std::uint64_t>(s.columns.size());
    for (const FeatureStatsColumn& c : s.columns) {
        w.string(c.name);
        w.pod(c.kind);
        w.pod(c.json_type);
        w.pod(c.present);
        w.pod(c.mean), w.pod(c.m2), w.pod(c.min), w.pod(c.max);
        w.pod<std::uint8_t>(c.integral);
        w.pod(c.trues);
        c.target_present.write(w);
        const CategoryTally& t = c.categories;
        w.pod<std::uint64_t>(t.levels.size());
        for (std::uint32_t i = 0; i < t.levels.size(); ++i) {
            const std::string_view key = t.keys.at(i);
            w.pod<std::uint64_t>(key.size());
            w.bytes(key.data(), key.size());
            write_tally(w, t.levels[i]);
        }
        w.array(t.fold_count.data(), t.fold_count.size());
        w.array(t.fold_sum.data(), t.fold_sum.size());
        write_tally(w, t.other);
        w.array(t.other_fold_count.data(), t.other_fold_count.size());
        w.array(t.other_fold_sum.data(), t.other_fold_sum.size());
    }
    w.pod<std::uint64_t>(s.sample.size());
    for (const SampleRow& row : s.sample) {
        w.pod(row.hash);
        w.array(row.values.data(), row.values.size());
    }
}

FeatureStats FeatureStats::read(ByteReader& r, const Options& options) {
    MemoryBudget unlimited;
    return read(r, options, unlimited);
}

FeatureStats FeatureStats::read(ByteReader& r, const Options& options, MemoryBudget& budget) {
    if (r.pod<std::uint32_t>("featurizer state version") != kStatsVersion)
        fail(ErrorKind::Corrupted, "featurizer state has an unknown version");
    const bool has_target = r.pod<std::uint8_t>("has target") != 0;
    FeatureStats stats(options, has_target);
    Impl& s = *stats.impl_;
    const std::size_t folds = has_target ? static_cast<std::size_t>(s.settings.folds) : 0;
    s.rows = r.pod<std::uint64_t>("rows");
    s.target.read(r, folds);
    const auto columns = r.pod<std::uint64_t>("columns");
    if (columns > r.remaining()) fail(ErrorKind::Corrupted, "featurizer state has a bad column count");
    for (std::uint64_t j = 0; j < columns; ++j) {
        const std::string name = r.string(1 << 20, "column name");
        FeatureStatsColumn& c = s.columns[column_for(s, budget, name, s.columns.size())];
        if (c.present != 0) fail(ErrorKind::Corrupted, "featurizer state repeats a column");
        c.kind = r.pod<ColumnKind>("column kind");
        c.json_type = r.pod<Type>("column type");
        if (static_cast<int>(c.kind) > static_cast<int>(ColumnKind::Ignored) ||
            static_cast<int>(c.json_type) > static_cast<int>(Type::Nested))
            fail(ErrorKind::Corrupted, "featurizer state has a bad column kind");
        c.present = r.pod<std::uint64_t>("present");
        c.mean = r.pod<double>("mean"), c.m2 = r.pod<double>("m2");
        c.min = r.pod<double>("min"), c.max = r.pod<double>("max");
        c.integral = r.pod<std::uint8_t>("integral") != 0;
        c.trues = r.pod<std::uint64_t>("trues");
        c.target_present.read(r, folds);
        CategoryTally& t = c.categories;
        const auto levels = r.pod<std::uint64_t>("levels");
        if (levels > r.remaining()) fail(ErrorKind::Corrupted, "featurizer state has a bad level count");
        for (std::uint64_t i = 0; i < levels; ++i) {
            const auto size = r.pod<std::uint64_t>("level size");
            const auto* bytes = r.take(size, "level");
            charge(s, budget, level_bytes(size, folds), "featurizer_fit category levels");
            if (t.keys.add(std::string_view(reinterpret_cast<const char*>(bytes), size)) != i)
                fail(ErrorKind::Corrupted, "featurizer state repeats a level");
            t.levels.push_back(read_tally(r));
        }
        read_exact(r, t.fold_count, levels * folds, "level fold counts");
        read_exact(r, t.fold_sum, levels * folds, "level fold sums");
        t.other = read_tally(r);
        charge(s, budget, folds * (sizeof(std::uint64_t) + sizeof(double)), "featurizer_fit category levels");
        r.array<std::uint64_t>(t.other_fold_count, folds, "other fold counts");
        r.array<double>(t.other_fold_sum, folds, "other fold sums");
        if (t.other_fold_count.size() != t.other_fold_sum.size())
            fail(ErrorKind::Corrupted, "featurizer state has bad other fold sums");
    }
    const auto sampled = r.pod<std::uint64_t>("sample rows");
    if (sampled > static_cast<std::uint64_t>(s.settings.sample_rows))
        fail(ErrorKind::Corrupted, "featurizer state has too many sample rows");
    charge(s, budget, sampled * sizeof(SampleRow), "featurizer_fit sample rows");
    s.sample.reserve(sampled);
    for (std::uint64_t i = 0; i < sampled; ++i) {
        SampleRow row;
        row.hash = r.pod<std::uint64_t>("sample hash");
        // (As ByteWriter::array wrote it: the count, then the values.)
        const auto values = r.pod<std::uint64_t>("sample row");
        if (values > s.columns.size() || values * sizeof(SampleValue) > r.remaining())
            fail(ErrorKind::Corrupted, "model has an invalid length for sample row");
        charge(s, budget, values * sizeof(SampleValue), "featurizer_fit sample rows");
        row.values.resize(values);
        if (values) std::memcpy(row.values.data(), r.take(values * sizeof(SampleValue), "sample row"), values * sizeof(SampleValue));
        for (const SampleValue& v : row.values)
            if (v.column >= s.columns.size()) fail(ErrorKind::Corrupted, "featurizer state has a bad sample column");
        s.sample_values += row.values.size();
        s.sample.push_back(std::move(row));
    }
    std::make_heap(s.sample.begin(), s.sample.end(), heap_less);
    return stats;
}

}  // namespace recsys
