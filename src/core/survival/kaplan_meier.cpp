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

// A time as a key that orders like it: the bits of a double >= 0 do (+0
// for -0), plus 1, so that 0 marks an empty slot.
std::uint64_t time_key(double time) {
    const double t = time == 0 ? 0.0 : time;
    std::uint64_t bits;
    std::memcpy(&bits, &t, sizeof bits);
    return bits + 1;
}

double key_time(std::uint64_t key) {
    const std::uint64_t bits = key - 1;
    double t;
    std::memcpy(&t, &bits, sizeof t);
    return t;
}

// The counts per distinct time, in an open-addressing hash table (linear
// probing, at most half full): a row costs a hash and mostly one probe into
// a table that the few distinct times of lifetimes (days, weeks) keep in
// cache, where a search tree costs a walk of dependent loads per row. The
// curve sorts the distinct times once (count()).
class KaplanMeierSummary : public RowSummary {
public:
    void add(const TrainingRows& rows, MemoryBudget& budget) override {
        const double* time = rows.column("time").float64s();
        const bool* event = rows.column("event").bools();
        for (std::size_t i = 0; i < rows.count; ++i) {
            Slot& s = at(time_key(time[i]), budget);
            (event[i] ? s.events : s.censored) += 1;
        }
        sorted_ = false;
    }
    void merge(RowSummary& other, MemoryBudget& budget) override {
        for (const Slot& from : dynamic_cast<const KaplanMeierSummary&>(other).slots_) {
            if (from.key == 0) continue;
            Slot& s = at(from.key, budget);
            s.events += from.events;
            s.censored += from.censored;
        }
        sorted_ = false;
    }
    void write(ByteWriter& w) const override {
        w.pod<std::uint64_t>(size_);
        for (const Slot& s : slots_) {
            if (s.key == 0) continue;
            w.pod(key_time(s.key));
            w.pod(s.events);
            w.pod(s.censored);
        }
    }
    std::size_t memory_bytes() const override {
        return sizeof(*this) + slots_.capacity() * sizeof(Slot) + counts_.capacity() * sizeof(TimeCounts);
    }

    // The counts sorted by time, for the curve (a radix sort of the keys).
    void count(MemoryBudget& budget) {
        if (sorted_) return;
        budget.reserve(size_ * (2 * sizeof(KeyRow) + sizeof(TimeCounts)), "kaplan_meier's sort of its times");
        std::vector<KeyRow> keys;
        keys.reserve(size_);
        for (std::size_t i = 0; i < slots_.size(); ++i)
            if (slots_[i].key) keys.push_back({slots_[i].key, i});
        radix_sort(keys, StopToken());
        counts_.clear();
        counts_.reserve(size_);
        for (const KeyRow& k : keys) counts_.push_back({key_time(k.key), slots_[k.row].events, slots_[k.row].censored});
        sorted_ = true;
    }
    const std::vector<TimeCounts>& counted() const {
        if (!sorted_) fail(ErrorKind::Internal, "kaplan_meier's times were not sorted before its curve");
        return counts_;
    }
    std::size_t times() const { return size_; }

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
        for (std::uint64_t i = 0; i < count; ++i) {
            const auto time = r.pod<double>("kaplan_meier time");
            const auto events = r.pod<std::uint64_t>("kaplan_meier events");
            const auto censored = r.pod<std::uint64_t>("kaplan_meier censorings");
            if (!(std::isfinite(time) && time >= 0) || events + censored == 0)
                fail(ErrorKind::Corrupted, "kaplan_meier state has a bad time or count");
            Slot& slot = s.at(time_key(time), budget);
            if (slot.events + slot.censored) fail(ErrorKind::Corrupted, "kaplan_meier state repeats a time");
            slot.events = events;
            slot.censored = censored;
        }
        s.sorted_ = false;
        return summary;
    }

private:
    struct Slot {
        std::uint64_t key;  // time_key(time); 0: empty
        std::uint64_t events, censored;
    };

    std::size_t slot_of(std::uint64_t key) const {
        // The high bits of a double's key vary most: fold them down before the multiply spreads them up.
        return static_cast<std::size_t>(((key ^ (key >> 32)) * 0x9e3779b97f4a7c15ULL) >> shift_);
    }

    // The slot of `key`, made (the table doubled, claimed first) when new.
    Slot& at(std::uint64_t key, MemoryBudget& budget) {
        const std::size_t mask = slots_.size() - 1;
        if (!slots_.empty()) {
            std::size_t i = slot_of(key);
            while (slots_[i].key != 0) {
                if (slots_[i].key == key) return slots_[i];
                i = (i + 1) & mask;
            }
            if (2 * (size_ + 1) <= slots_.size()) {
                ++size_;
                slots_[i].key = key;
                return slots_[i];
            }
        }
        grow(budget);
        std::size_t i = slot_of(key);
        while (slots_[i].key != 0) i = (i + 1) & (slots_.size() - 1);
        ++size_;
        slots_[i].key = key;
        return slots_[i];
    }

    void grow(MemoryBudget& budget) {
        const std::size_t capacity = slots_.empty() ? 256 : 2 * slots_.size();
        budget.reserve(capacity * sizeof(Slot), kWhat);
        std::vector<Slot> old(capacity, Slot{0, 0, 0});
        old.swap(slots_);
        shift_ = 64;
        for (std::size_t c = capacity; c > 1; c >>= 1) --shift_;
        for (const Slot& s : old) {
            if (s.key == 0) continue;
            std::size_t i = slot_of(s.key);
            while (slots_[i].key != 0) i = (i + 1) & (capacity - 1);
            slots_[i] = s;
        }
    }

    std::vector<Slot> slots_;  // a power of two of them, or none
    std::size_t size_ = 0;     // slots in use: the distinct times
    int shift_ = 64;           // 64 - log2(slots)
    std::vector<TimeCounts> counts_;  // by time, once count() has run
    bool sorted_ = true;
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
    return rows.summary_as<KaplanMeierSummary>().counted().size();
}

}  // namespace recsys
