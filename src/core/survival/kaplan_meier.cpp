#include "kaplan_meier.h"

#include <algorithm>
#include <cmath>
#include <map>

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

// The counts per distinct time. A new time takes a node of the map: claimed
// first, kNodeBytes each (the node, its key and counts, the allocator's header).
constexpr std::size_t kNodeBytes = 80;
constexpr const char* kWhat = "kaplan_meier's distinct times";

struct Counts {
    std::uint64_t events = 0, censored = 0;
};

class KaplanMeierSummary : public RowSummary {
public:
    void add(const TrainingRows& rows, MemoryBudget& budget) override {
        const double* time = rows.column("time").float64s();
        const bool* event = rows.column("event").bools();
        for (std::size_t i = 0; i < rows.count; ++i) {
            Counts& c = at(time[i], budget);
            (event[i] ? c.events : c.censored) += 1;
        }
    }
    void merge(RowSummary& other, MemoryBudget& budget) override {
        for (const auto& [time, from] : dynamic_cast<const KaplanMeierSummary&>(other).counts_) {
            Counts& c = at(time, budget);
            c.events += from.events;
            c.censored += from.censored;
        }
    }
    void write(ByteWriter& w) const override {
        w.pod<std::uint64_t>(counts_.size());
        for (const auto& [time, c] : counts_) {
            w.pod(time);
            w.pod(c.events);
            w.pod(c.censored);
        }
    }
    std::size_t memory_bytes() const override { return sizeof(*this) + counts_.size() * kNodeBytes; }

    std::size_t times() const { return counts_.size(); }
    std::vector<TimeCounts> counts() const {
        std::vector<TimeCounts> out;
        out.reserve(counts_.size());
        for (const auto& [time, c] : counts_) out.push_back({time, c.events, c.censored});
        return out;
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
        double previous = -1;
        for (std::uint64_t i = 0; i < count; ++i) {
            const auto time = r.pod<double>("kaplan_meier time");
            Counts c;
            c.events = r.pod<std::uint64_t>("kaplan_meier events");
            c.censored = r.pod<std::uint64_t>("kaplan_meier censorings");
            if (!(std::isfinite(time) && time >= 0 && time > previous) || c.events + c.censored == 0)
                fail(ErrorKind::Corrupted, "kaplan_meier state has a bad time or count");
            previous = time;
            s.at(time, budget) = c;
        }
        return summary;
    }

private:
    Counts& at(double time, MemoryBudget& budget) {
        auto it = counts_.lower_bound(time);
        if (it != counts_.end() && it->first == time) return it->second;
        budget.reserve(kNodeBytes, kWhat);
        return counts_.emplace_hint(it, time, Counts{})->second;
    }

    std::map<double, Counts> counts_;
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
    return kaplan_meier(rows.summary_as<KaplanMeierSummary>().counts(), options.number("significance"));
}

std::size_t kaplan_meier_times(const TrainingRows& rows) {
    return rows.summary_as<KaplanMeierSummary>().times();
}

}  // namespace recsys
