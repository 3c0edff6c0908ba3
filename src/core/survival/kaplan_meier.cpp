#include "kaplan_meier.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "../base/radix_sort.h"
#include "../experiments/ab_test.h"

namespace recsys {

std::vector<KaplanMeierPoint> kaplan_meier(const std::vector<TimeCounts>& counts, double significance) {
    const double z = normal_quantile(1 - significance / 2);
    std::uint64_t at_risk = 0;
    for (const TimeCounts& c : counts) at_risk += c.events + c.censored;
    std::vector<KaplanMeierPoint> out;
    out.reserve(counts.size());
    double survival = 1, greenwood = 0;  // greenwood: the sum of d / (n (n - d))
    for (const TimeCounts& c : counts) {
        const double n = static_cast<double>(at_risk), d = static_cast<double>(c.events);
        survival *= 1 - d / n;
        greenwood = d < n ? greenwood + d / (n * (n - d)) : NAN;  // nothing left at risk: undefined from here on
        KaplanMeierPoint p{c.time, at_risk, c.events, c.censored, survival, NAN, NAN, NAN};
        if (std::isfinite(greenwood)) {
            p.std_error = survival * std::sqrt(greenwood);
            if (greenwood == 0) {
                p.lower = p.upper = 1;
            } else {
                // log(-log S) +- z se, se = sqrt(greenwood) / |log S|, mapped back.
                const double spread = z * std::sqrt(greenwood) / std::abs(std::log(survival));
                p.lower = std::pow(survival, std::exp(spread));
                p.upper = std::pow(survival, std::exp(-spread));
            }
        }
        out.push_back(p);
        at_risk -= c.events + c.censored;
    }
    return out;
}

std::vector<KaplanMeierPoint> kaplan_meier(const double* time, const bool* event, std::size_t n,
                                           double significance) {
    std::map<double, TimeCounts> by_time;
    for (std::size_t i = 0; i < n; ++i) {
        TimeCounts& c = by_time.try_emplace(time[i], TimeCounts{time[i], 0, 0}).first->second;
        (event[i] ? c.events : c.censored) += 1;
    }
    std::vector<TimeCounts> counts;
    for (const auto& entry : by_time) counts.push_back(entry.second);
    return kaplan_meier(counts, significance);
}

namespace {

constexpr const char* kWhat = "kaplan_meier's distinct times";
// Rows held uncounted before they are sorted and counted at once: at least
// this many, and at least half the distinct times so far (so that each row
// is merged into the counts a bounded number of times on average).
constexpr std::size_t kMinPending = 1 << 16;

// A time as a key that sorts like it: the bits of a double >= 0 do (+0 for -0).
std::uint64_t time_key(double time) {
    const double t = time == 0 ? 0.0 : time;
    std::uint64_t key;
    std::memcpy(&key, &t, sizeof key);
    return key;
}

double key_time(std::uint64_t key) {
    double t;
    std::memcpy(&t, &key, sizeof t);
    return t;
}

// The counts per distinct time, sorted by time, and the rows added since
// they were last counted. A row costs an append (a tree or a hash table of
// times costs a cache miss or more per row); its rows are counted by a radix
// sort when they are many, on merge, and before the curve.
class KaplanMeierSummary : public RowSummary {
public:
    void add(const TrainingRows& rows, MemoryBudget& budget) override {
        const double* time = rows.column("time").float64s();
        const bool* event = rows.column("event").bools();
        make_room(rows.count, budget);
        for (std::size_t i = 0; i < rows.count; ++i) pending_.push_back({time_key(time[i]), event[i] ? 1u : 0u});
        if (pending_.size() >= std::max(kMinPending, counts_.size() / 2)) count(budget);
    }
    void merge(RowSummary& other, MemoryBudget& budget) override {
        auto& from = dynamic_cast<KaplanMeierSummary&>(other);
        from.count(budget);
        count(budget);
        absorb(from.counts_, budget);
    }
    void write(ByteWriter& w) const override {
        w.pod<std::uint64_t>(counts_.size());
        for (const TimeCounts& c : counts_) {
            w.pod(c.time);
            w.pod(c.events);
            w.pod(c.censored);
        }
        w.pod<std::uint64_t>(pending_.size());
        for (const KeyRow& row : pending_) {
            w.pod(key_time(row.key));
            w.pod(static_cast<std::uint8_t>(row.row));
        }
    }
    std::size_t memory_bytes() const override {
        return sizeof(*this) + counts_.capacity() * sizeof(TimeCounts) + pending_.capacity() * sizeof(KeyRow);
    }

    // Counts the rows added since the last count into the counts per time.
    void count(MemoryBudget& budget) {
        if (pending_.empty()) return;
        budget.reserve(pending_.size() * sizeof(KeyRow), "kaplan_meier's sort of its rows");
        radix_sort(pending_, StopToken());
        std::size_t distinct = 1;
        for (std::size_t i = 1; i < pending_.size(); ++i) distinct += pending_[i].key != pending_[i - 1].key;
        budget.reserve(distinct * sizeof(TimeCounts), kWhat);
        std::vector<TimeCounts> fresh;
        fresh.reserve(distinct);
        for (std::size_t i = 0; i < pending_.size(); ++i) {
            if (i == 0 || pending_[i].key != pending_[i - 1].key) fresh.push_back({key_time(pending_[i].key), 0, 0});
            (pending_[i].row ? fresh.back().events : fresh.back().censored) += 1;
        }
        pending_.clear();
        absorb(fresh, budget);
    }

    std::size_t times() const { return counted().size(); }
    const std::vector<TimeCounts>& counted() const {
        if (!pending_.empty()) fail(ErrorKind::Internal, "kaplan_meier's rows were not counted before its curve");
        return counts_;
    }

    static std::unique_ptr<RowSummary> create(const TrainingRows&, const Options&, MemoryBudget& budget) {
        budget.reserve(sizeof(KaplanMeierSummary), kWhat);
        return std::make_unique<KaplanMeierSummary>();
    }
    static std::unique_ptr<RowSummary> read(ByteReader& r, const TrainingRows& shape, const Options& options,
                                            MemoryBudget& budget) {
        auto summary = create(shape, options, budget);
        auto& s = static_cast<KaplanMeierSummary&>(*summary);
        const auto count = r.pod<std::uint64_t>(kWhat);
        if (count > r.remaining() / (3 * sizeof(std::uint64_t))) fail(ErrorKind::Corrupted, "kaplan_meier state is truncated");
        budget.reserve(count * sizeof(TimeCounts), kWhat);
        s.counts_.reserve(count);
        double previous = -1;
        for (std::uint64_t i = 0; i < count; ++i) {
            TimeCounts c;
            c.time = r.pod<double>("kaplan_meier time");
            c.events = r.pod<std::uint64_t>("kaplan_meier events");
            c.censored = r.pod<std::uint64_t>("kaplan_meier censorings");
            if (!(valid_time(c.time) && c.time > previous) || c.events + c.censored == 0)
                fail(ErrorKind::Corrupted, "kaplan_meier state has a bad time or count");
            previous = c.time;
            s.counts_.push_back(c);
        }
        const auto pending = r.pod<std::uint64_t>("kaplan_meier rows");
        if (pending > r.remaining() / (sizeof(double) + 1)) fail(ErrorKind::Corrupted, "kaplan_meier state is truncated");
        s.make_room(pending, budget);
        for (std::uint64_t i = 0; i < pending; ++i) {
            const auto time = r.pod<double>("kaplan_meier time");
            const auto event = r.pod<std::uint8_t>("kaplan_meier event");
            if (!valid_time(time) || event > 1) fail(ErrorKind::Corrupted, "kaplan_meier state has a bad row");
            s.pending_.push_back({time_key(time), event});
        }
        return summary;
    }

private:
    static bool valid_time(double time) { return std::isfinite(time) && time >= 0; }

    // Room for n more uncounted rows (the capacity doubles), claimed first.
    void make_room(std::size_t n, MemoryBudget& budget) {
        const std::size_t needed = pending_.size() + n;
        if (needed <= pending_.capacity()) return;
        const std::size_t capacity = std::max(needed, std::max<std::size_t>(1024, 2 * pending_.capacity()));
        budget.reserve((capacity - pending_.capacity()) * sizeof(KeyRow), "kaplan_meier's rows");
        pending_.reserve(capacity);
    }

    // Adds counts sorted by distinct time: a merge of two sorted runs into a
    // new vector (claimed first), equal times summed.
    void absorb(const std::vector<TimeCounts>& more, MemoryBudget& budget) {
        if (more.empty()) return;
        if (counts_.empty()) {
            budget.reserve(more.size() * sizeof(TimeCounts), kWhat);
            counts_ = more;
            return;
        }
        budget.reserve((counts_.size() + more.size()) * sizeof(TimeCounts), kWhat);
        std::vector<TimeCounts> merged;
        merged.reserve(counts_.size() + more.size());
        std::size_t a = 0, b = 0;
        while (a < counts_.size() || b < more.size()) {
            if (b == more.size() || (a < counts_.size() && counts_[a].time < more[b].time)) {
                merged.push_back(counts_[a++]);
            } else if (a == counts_.size() || more[b].time < counts_[a].time) {
                merged.push_back(more[b++]);
            } else {
                merged.push_back({counts_[a].time, counts_[a].events + more[b].events,
                                  counts_[a].censored + more[b].censored});
                ++a, ++b;
            }
        }
        counts_.swap(merged);
    }

    std::vector<TimeCounts> counts_;  // sorted by time, distinct
    std::vector<KeyRow> pending_;     // key: time_key(time); row: 1 for an event, 0 for a censoring
};

const SummaryKind& summary_kind() {
    static const SummaryKind kind{KaplanMeierSummary::create, KaplanMeierSummary::read, 1024};
    return kind;
}

const OptionSchema& option_schema() {
    static const OptionSchema schema{
        "kaplan_meier",
        {number_option("significance", 0.05, 1e-12, 0.5,
                       "the confidence band (lower, upper) has confidence 1 - significance")},
        nullptr};
    return schema;
}

std::vector<ColumnSpec> columns() {
    ColumnSpec time{"time", ColumnType::Float64};
    time.min = 0;  // a lifetime: from the start (0) on
    time.hint = "time is the duration until the event or the censoring, from 0";
    ColumnSpec event{"event", ColumnType::Bool};  // true: the event happened; false: censored
    return {time, event};  // a NULL in either skips the row, as avg() does
}

}  // namespace

const StatisticKind& kaplan_meier_kind() {
    static const StatisticKind kind{{"kaplan_meier", "kaplan_meier", &option_schema(), columns(), &summary_kind()},
                                    nullptr, nullptr, nullptr};
    return kind;
}

std::vector<KaplanMeierPoint> kaplan_meier_of(const TrainingRows& rows, const Options& options) {
    return kaplan_meier(rows.summary_as<KaplanMeierSummary>().counted(), options.number("significance"));
}

void kaplan_meier_count(RowSummary& summary, MemoryBudget& budget) {
    dynamic_cast<KaplanMeierSummary&>(summary).count(budget);
}

std::size_t kaplan_meier_times(const TrainingRows& rows) {
    return rows.summary_as<KaplanMeierSummary>().times();
}

}  // namespace recsys
