// ab_compare as a statistic over rows, through the shared aggregate: its
// columns (variant: a number or a name; value: a number or a click), its
// options (ab_option_schema), and its summary, a mergeable AbMoments per
// variant (at most kMaxVariants of them). The final compares the variants.
#include <cmath>

#include "../base/error.h"
#include "../statistics/statistic_kind.h"
#include "ab_test.h"

namespace recsys {

namespace {

constexpr std::size_t kMaxVariants = kAbMaxVariants;
constexpr std::size_t kMaxName = 1 << 20;

struct Slot {
    std::int64_t number = 0;  // a numbered variant
    std::string name;         // a named variant
    AbMoments moments;
};

class AbSummary : public RowSummary {
public:
    AbSummary(bool named, bool binary) : named_(named), binary_(binary) {}

    void add(const TrainingRows& rows, MemoryBudget& budget) override {
        const ColumnView& variant = rows.column("variant");
        const ColumnView& value = rows.column("value");
        const std::int64_t* numbers = named_ ? nullptr : variant.int64s();
        const std::string_view* names = named_ ? variant.texts() : nullptr;
        const bool* clicks = binary_ ? value.bools() : nullptr;
        const double* values = binary_ ? nullptr : value.float64s();
        for (std::size_t i = 0; i < rows.count; ++i) {
            AbMoments& m = slot(numbers ? numbers[i] : 0, names ? names[i] : std::string_view(), budget).moments;
            if (clicks) m.add(clicks[i]);
            else m.add(values[i]);
        }
    }
    void merge(RowSummary& other, MemoryBudget& budget) override {
        for (const Slot& from : dynamic_cast<const AbSummary&>(other).slots_)
            slot(from.number, from.name, budget).moments.merge(from.moments);
    }
    void write(ByteWriter& w) const override {
        w.pod<std::uint64_t>(slots_.size());
        for (const Slot& s : slots_) {
            w.pod(s.number);
            w.array(s.name.data(), s.name.size());
            w.pod(s.moments);
        }
    }
    std::size_t memory_bytes() const override { return bytes_; }

    // The variants with their summaries, in the order they came.
    std::vector<AbVariant> variants() const {
        std::vector<AbVariant> out(slots_.size());
        for (std::size_t i = 0; i < slots_.size(); ++i) {
            out[i].numbered = !named_;
            out[i].number = slots_[i].number;
            out[i].name = named_ ? slots_[i].name : std::to_string(slots_[i].number);
            out[i].moments = slots_[i].moments;
        }
        return out;
    }
    bool binary() const { return binary_; }

    static std::unique_ptr<RowSummary> create(const TrainingRows& shape, const Options&, MemoryBudget& budget) {
        budget.reserve(sizeof(AbSummary), "ab_compare variants");
        auto summary = std::make_unique<AbSummary>(shape.column("variant").type == ColumnType::Text,
                                                   shape.column("value").type == ColumnType::Bool);
        summary->bytes_ = sizeof(AbSummary);
        return summary;
    }
    static std::unique_ptr<RowSummary> read(ByteReader& r, const TrainingRows& shape, const Options& options,
                                            MemoryBudget& budget) {
        auto summary = create(shape, options, budget);
        auto& s = static_cast<AbSummary&>(*summary);
        const auto count = r.pod<std::uint64_t>("ab_compare variants");
        if (count > kMaxVariants) fail(ErrorKind::Corrupted, "ab_compare state has too many variants");
        for (std::uint64_t i = 0; i < count; ++i) {
            const auto number = r.pod<std::int64_t>("ab_compare variant");
            std::string name;
            r.array<char>(name, kMaxName, "ab_compare variant name");
            if (!s.named_ && !name.empty())
                fail(ErrorKind::Corrupted, "ab_compare state has a variant of the other kind");
            const std::size_t before = s.slots_.size();
            Slot& slot = s.slot(number, name, budget);
            if (s.slots_.size() == before) fail(ErrorKind::Corrupted, "ab_compare state repeats a variant");
            slot.moments = r.pod<AbMoments>("ab_compare moments");
        }
        return summary;
    }

private:
    // The slot of a variant, added (claimed first) when new.
    Slot& slot(std::int64_t number, std::string_view name, MemoryBudget& budget) {
        for (Slot& s : slots_)
            if (named_ ? s.name == name : s.number == number) return s;
        if (slots_.size() == kMaxVariants)
            fail(ErrorKind::LimitExceeded, "ab_compare compares at most " + std::to_string(kMaxVariants) + " variants",
                 "is the first argument the variant (e.g. recsys.ab_bucket(...)), not the user?");
        std::size_t grow = name.size() < 16 ? 0 : name.size() + 1;
        std::size_t room = slots_.capacity();
        if (slots_.size() == room) {
            room = std::max<std::size_t>(4, 2 * room);
            grow += (room - slots_.capacity()) * sizeof(Slot);
        }
        budget.reserve(grow, "ab_compare variants");
        bytes_ += grow;
        slots_.reserve(room);
        slots_.push_back({number, std::string(name), AbMoments{}});
        return slots_.back();
    }

    bool named_, binary_;
    std::vector<Slot> slots_;
    std::size_t bytes_ = 0;
};

std::string compare(const TrainingRows& rows, const Options& options) {
    const auto& summary = rows.summary_as<AbSummary>();
    return ab_report_json(ab_compare(summary.variants(), summary.binary(), ab_options(options), rows.skipped));
}

std::vector<ColumnSpec> ab_columns() {
    ColumnSpec variant{"variant", ColumnType::Int64};
    variant.alternative = ColumnType::Text;
    variant.on_null = NullRule::SkipRow;
    variant.identifies_row = true;
    ColumnSpec value{"value", ColumnType::Float64};
    value.alternative = ColumnType::Bool;
    value.on_null = NullRule::SkipRow;
    value.hint = "leave such rows out, or pass NULL: a NULL value skips its row";
    return {variant, value};
}

const SummaryKind& ab_summary() {
    // Numbered variants come in batches; a named one's text is read in place, one row at a time.
    static const SummaryKind summary{AbSummary::create, AbSummary::read, 1024};
    return summary;
}

}  // namespace

const StatisticKind& ab_compare_kind() {
    static const StatisticKind kind{
        {"ab_compare", "ab_compare", &ab_option_schema(), ab_columns(), &ab_summary()}, nullptr, compare, nullptr};
    return kind;
}

}  // namespace recsys
