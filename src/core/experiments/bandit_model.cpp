// The bandit as a model kind (bandit.h): options, the counts by item, the
// prior, payload and metadata of bandit_fit(item_id, shown, clicked [, options]).
#include <algorithm>
#include <chrono>
#include <cmath>

#include "bandit.h"
#include "../base/radix_sort.h"

namespace recsys {

namespace {

constexpr std::uint32_t kPayloadVersion = 1;
constexpr double kMinShape = 1e-100, kMaxShape = 1e13;

OptionSpec optional_number_option(std::string name, double min, double max, std::string help) {
    OptionSpec s = number_option(std::move(name), 0, min, max, std::move(help));
    s.default_json = "null";
    return s;
}

void check_options(const Options& o) {
    if (o.is_null("prior_a") != o.is_null("prior_b"))
        fail_option(*o.schema(), o.is_null("prior_a") ? "prior_a" : "prior_b",
                    "must be given with " + std::string(o.is_null("prior_a") ? "prior_b" : "prior_a") +
                        " (or leave both out to learn the prior from the catalogue)");
    if (!o.is_null("prior_a") && !o.is_null("prior_strength"))
        fail_option(*o.schema(), "prior_strength", "sets the strength of a learned prior: leave it out with prior_a and prior_b");
}

ColumnSpec count_column(const char* name) {
    ColumnSpec c{name, ColumnType::Int64};
    c.on_null = NullRule::SkipRow;
    return c;
}

std::vector<ColumnSpec> bandit_columns() {
    ColumnSpec item{"item_id", ColumnType::Int64};
    item.on_null = NullRule::SkipRow;
    item.identifies_row = true;
    return {item, count_column("shown"), count_column("clicked")};
}

std::unique_ptr<Model> fit(const TrainingRows& rows, const Options& options, TrainContext& ctx) {
    const auto started = std::chrono::steady_clock::now();
    ContextResources resources(ctx);
    // The sort keys, then the counts (at most one entry per row).
    resources.budget.reserve(rows.count * (sizeof(KeyRow) + 24), "bandit_fit counts by item");
    ItemCounts counts = count_items(rows.column("item_id").int64s(), rows.column("shown").int64s(),
                                    rows.column("clicked").int64s(), rows.count, resources.stop);
    // The model keeps its own copy of the counts.
    resources.budget.reserve(counts.items.size() * (sizeof(std::int64_t) + 2 * sizeof(std::uint64_t)),
                             "bandit_fit model");
    auto model = std::make_unique<BanditModel>(fit_bandit(counts, options, collected_summary(rows)));
    const std::string warning = model->data_warning();
    if (!warning.empty() && ctx.warn) ctx.warn(warning, BanditModel::data_warning_hint());
    model->summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return model;
}

std::string row_problem(std::int64_t item, const std::string& problem) {
    return "bandit_fit " + problem + " of item_id " + std::to_string(item);
}

}  // namespace

const OptionSchema& bandit_option_schema() {
    static const OptionSchema schema = {
        "bandit_fit",
        {
            optional_number_option("prior_a", 1e-9, 1e12,
                                   "the prior's alpha: Beta(prior_a + clicks, prior_b + shows - clicks); with prior_b "
                                   "(default: learned from the catalogue)"),
            optional_number_option("prior_b", 1e-9, 1e12, "the prior's beta, with prior_a"),
            optional_number_option("prior_strength", 1e-6, 1e12,
                                   "prior_a + prior_b of the learned prior, whose mean is the catalogue's CTR "
                                   "(default: estimated from the spread of the items' CTRs)"),
            integer_option("min_shows", 100, 0, 1e15,
                           "an item shown fewer times (or never) is fresh: recsys.explore explores among these"),
        },
        check_options,
    };
    return schema;
}

const ModelKind& bandit_kind() {
    static const ModelKind kind{{BanditModel::kKind, "bandit_fit", &bandit_option_schema(), bandit_columns()}, fit,
                                read_model_as<BanditModel>};
    return kind;
}

ItemCounts count_items(const std::int64_t* items, const std::int64_t* shown, const std::int64_t* clicked,
                       std::size_t n, const StopToken& stop) {
    for (std::size_t i = 0; i < n; ++i) {
        if (shown[i] < 0) fail(ErrorKind::DataException, row_problem(items[i], "shown " + std::to_string(shown[i])) + " is negative");
        if (clicked[i] < 0)
            fail(ErrorKind::DataException, row_problem(items[i], "clicked " + std::to_string(clicked[i])) + " is negative");
        if (clicked[i] > shown[i])
            fail(ErrorKind::DataException,
                 row_problem(items[i], "clicked " + std::to_string(clicked[i])) + " is more than shown " +
                     std::to_string(shown[i]),
                 "a row counts the clicks among its shows: one row per impression is (item_id, 1, clicked::int)");
    }
    std::vector<KeyRow> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = {ordered_key(items[i]), i};
    radix_sort(order, stop);
    ItemCounts out;
    for (std::size_t j = 0; j < n; ++j) {
        const std::size_t i = order[j].row;
        if (out.items.empty() || out.items.back() != items[i]) {
            out.items.push_back(items[i]);
            out.shows.push_back(0);
            out.clicks.push_back(0);
        }
        out.shows.back() += static_cast<std::uint64_t>(shown[i]);  // (2^63 per row: no wrap below 2^64 rows / 2)
        out.clicks.back() += static_cast<std::uint64_t>(clicked[i]);
    }
    return out;
}

BanditModel fit_bandit(const ItemCounts& counts, const Options& options, TrainingSummary summary) {
    BanditModel m;
    m.options = options;
    m.counts = counts;
    m.min_shows = static_cast<std::uint64_t>(options.integer("min_shows"));
    if (!options.is_null("prior_a")) {
        m.prior.a = options.number("prior_a");
        m.prior.b = options.number("prior_b");
        m.prior.source = "options";
    } else {
        m.prior = catalogue_prior(counts, options.is_null("prior_strength") ? 0 : options.number("prior_strength"),
                                  static_cast<double>(m.min_shows));
    }
    m.summary = std::move(summary);
    return m;
}

std::ptrdiff_t BanditModel::find(std::int64_t item) const {
    auto it = std::lower_bound(counts.items.begin(), counts.items.end(), item);
    return it != counts.items.end() && *it == item ? it - counts.items.begin() : -1;
}

double BanditModel::alpha(std::ptrdiff_t i) const {
    return prior.a + (i < 0 ? 0.0 : static_cast<double>(counts.clicks[static_cast<std::size_t>(i)]));
}

double BanditModel::beta(std::ptrdiff_t i) const {
    if (i < 0) return prior.b;
    const auto k = static_cast<std::size_t>(i);
    return prior.b + static_cast<double>(counts.shows[k] - counts.clicks[k]);
}

std::string BanditModel::metadata_json() const {
    double shows = 0, clicks = 0;
    double fresh = 0;
    for (std::size_t i = 0; i < counts.items.size(); ++i) {
        shows += static_cast<double>(counts.shows[i]);
        clicks += static_cast<double>(counts.clicks[i]);
        fresh += counts.shows[i] < min_shows;
    }
    JsonWriter dimensions;
    dimensions.begin_object();
    dimensions.key("items");
    dimensions.integer(static_cast<long long>(counts.items.size()));
    dimensions.end_object();
    JsonWriter statistics;
    statistics.begin_object();
    const std::pair<const char*, double> numbers[] = {
        {"shows", shows},       {"clicks", clicks},   {"ctr", shows > 0 ? clicks / shows : NAN},
        {"fresh_items", fresh}, {"prior_a", prior.a}, {"prior_b", prior.b},
        {"prior_mean", prior.a / (prior.a + prior.b)}, {"prior_strength", prior.a + prior.b}};
    for (const auto& [key, value] : numbers) {
        statistics.key(key);
        statistics.number(value);
    }
    statistics.key("prior_source");
    statistics.string(prior.source);
    const std::string warning = data_warning();
    if (!warning.empty()) {
        statistics.key("warning");
        statistics.string(warning);
    }
    statistics.end_object();
    return model_metadata_json(options.to_json(), dimensions.str(), training_summary_json(summary), statistics.str());
}

void BanditModel::write_payload(ByteWriter& w) const {
    w.pod<std::uint32_t>(kPayloadVersion);
    w.pod<double>(prior.a);
    w.pod<double>(prior.b);
    w.string(prior.source);
    w.array(counts.items.data(), counts.items.size());
    w.array(counts.shows.data(), counts.shows.size());
    w.array(counts.clicks.data(), counts.clicks.size());
    write_options(w, options);
    write_training_summary(w, summary);
}

BanditModel BanditModel::read(const Envelope& env) {
    ByteReader r(env.payload, env.payload_size);
    read_payload_version(r, "bandit", kPayloadVersion);
    BanditModel m;
    m.prior.a = r.pod<double>("prior_a");
    m.prior.b = r.pod<double>("prior_b");
    // A Beta distribution, with shapes that keep every Thompson draw a number
    // (log_gamma_sample divides by a shape below 1): fit_bandit's are at least
    // 1e-9 times the catalogue's mean CTR, at most 1e12.
    if (!(m.prior.a >= kMinShape && m.prior.b >= kMinShape && m.prior.a <= kMaxShape && m.prior.b <= kMaxShape))
        fail(ErrorKind::Corrupted, "model is inconsistent: the prior Beta(" + message_number(m.prior.a) + ", " +
                                       message_number(m.prior.b) + ") is out of range");
    m.prior.source = r.string(256, "prior source");
    constexpr std::size_t kMaxItems = std::size_t(1) << 40;
    r.array<std::int64_t>(m.counts.items, kMaxItems, "items");
    r.array<std::uint64_t>(m.counts.shows, kMaxItems, "shows");
    r.array<std::uint64_t>(m.counts.clicks, kMaxItems, "clicks");
    const std::size_t n = m.counts.items.size();
    if (m.counts.shows.size() != n || m.counts.clicks.size() != n)
        fail(ErrorKind::Corrupted, "model is inconsistent: count arrays of different lengths");
    for (std::size_t i = 0; i < n; ++i)
        if ((i > 0 && m.counts.items[i] <= m.counts.items[i - 1]) || m.counts.clicks[i] > m.counts.shows[i])
            fail(ErrorKind::Corrupted, "model is inconsistent: item counts");
    m.options = read_options(r, bandit_option_schema());
    m.min_shows = static_cast<std::uint64_t>(m.options.integer("min_shows"));
    m.summary = read_training_summary(r);
    if (r.remaining() != 0) fail(ErrorKind::Corrupted, "model is inconsistent: trailing bytes after the payload");
    return m;
}

}  // namespace recsys
