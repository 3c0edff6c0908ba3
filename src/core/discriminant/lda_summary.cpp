// LDA's summary (lda.h): per class, the count and moments about the class's
// first row; added row by row (the class is a text column), merged exactly
// between parallel workers, and handed over as bytes:
//   u64 p, u8 fourth, u64 classes, then per class: string name, u64 n,
//   f64[] point, s1, s2 (p x p) [, s21, s22 (p x p)]
#include <map>

#include "lda.h"
#include "../base/checked.h"

namespace recsys {

void ClassMoments::move_to(const Eigen::VectorXd& to, bool fourth) {
    // d' = d + delta, delta = point - to: the sums of the powers of d' from those of d.
    const Eigen::VectorXd delta = point - to;
    const double m = static_cast<double>(n);
    if (fourth) {
        const Eigen::VectorXd sq = s2.diagonal();  // sum d_i^2
        const Eigen::Index p = delta.size();
        Eigen::MatrixXd t21(p, p), t22(p, p);
        for (Eigen::Index j = 0; j < p; ++j)
            for (Eigen::Index i = 0; i < p; ++i) {
                const double di = delta[i], dj = delta[j];
                t21(i, j) = s21(i, j) + dj * sq[i] + 2 * di * s2(i, j) + 2 * di * dj * s1[i] + di * di * s1[j] +
                            m * di * di * dj;
                t22(i, j) = s22(i, j) + 2 * dj * s21(i, j) + dj * dj * sq[i] + 2 * di * s21(j, i) +
                            4 * di * dj * s2(i, j) + 2 * di * dj * dj * s1[i] + di * di * sq[j] +
                            2 * di * di * dj * s1[j] + m * di * di * dj * dj;
            }
        s21 = std::move(t21);
        s22 = std::move(t22);
    }
    s2 += delta * s1.transpose() + s1 * delta.transpose() + m * delta * delta.transpose();
    s1 += m * delta;
    point = to;
}

void ClassMoments::add(const ClassMoments& other, bool fourth) {
    n += other.n;
    s1 += other.s1;
    s2 += other.s2;
    if (fourth) {
        s21 += other.s21;
        s22 += other.s22;
    }
}

namespace {

std::size_t class_bytes(std::size_t p, bool fourth) {
    const std::size_t matrices = fourth ? 3 : 1;
    return checked_mul(checked_add(checked_mul(matrices, p, p, "lda_fit summary", ErrorKind::InvalidParameter),
                                   2 * p, "lda_fit summary", ErrorKind::InvalidParameter),
                       sizeof(double), "lda_fit summary", ErrorKind::InvalidParameter);
}

class LdaSummary : public RowSummary {
public:
    LdaSummary(std::size_t p, bool fourth) : p_(p), fourth_(fourth) {}

    void add(const TrainingRows& rows, MemoryBudget& budget) override {
        const std::string_view* names = rows.column("class").texts();
        const double* x = rows.column("features").arrays();
        for (std::size_t r = 0; r < rows.count; ++r) {
            const Eigen::Map<const Eigen::VectorXd> row(x + r * p_, static_cast<Eigen::Index>(p_));
            ClassMoments& c = find(names[r], row, budget);
            const Eigen::VectorXd d = row - c.point;
            c.n += 1;
            c.s1 += d;
            c.s2.selfadjointView<Eigen::Lower>().rankUpdate(d);
            if (fourth_) {
                const Eigen::VectorXd sq = d.cwiseProduct(d);
                c.s21.noalias() += sq * d.transpose();
                c.s22.noalias() += sq * sq.transpose();
            }
        }
    }
    void merge(RowSummary& other, MemoryBudget& budget) override {
        auto& from = dynamic_cast<LdaSummary&>(other);
        for (auto& [name, theirs] : from.classes_) {
            auto it = classes_.find(name);
            if (it == classes_.end()) {
                reserve_class(budget);
                classes_.emplace(name, std::move(theirs));
                continue;
            }
            // (s2 is right in its lower half, which rankUpdate keeps.)
            theirs.s2 = full(theirs.s2);
            theirs.move_to(it->second.point, fourth_);
            it->second.add(theirs, fourth_);
        }
        from.classes_.clear();
    }
    void write(ByteWriter& w) const override {
        w.pod<std::uint64_t>(p_);
        w.pod<std::uint8_t>(fourth_ ? 1 : 0);
        w.pod<std::uint64_t>(classes_.size());
        for (const auto& [name, c] : classes_) {
            w.string(name);
            w.pod<std::uint64_t>(c.n);
            w.array(c.point.data(), p_);
            w.array(c.s1.data(), p_);
            w.array(c.s2.data(), p_ * p_);
            if (fourth_) {
                w.array(c.s21.data(), p_ * p_);
                w.array(c.s22.data(), p_ * p_);
            }
        }
    }
    std::size_t memory_bytes() const override { return sizeof *this + classes_.size() * class_bytes(p_, fourth_); }

    // The classes' moments, sorted by name, each s2 made whole (it is kept as its lower half).
    std::vector<ClassMoments> classes() const {
        std::vector<ClassMoments> out;
        for (const auto& [name, c] : classes_) {
            out.push_back(c);
            out.back().s2 = full(c.s2);
        }
        return out;
    }

    static std::unique_ptr<RowSummary> create(const TrainingRows& shape, const Options& options, MemoryBudget& budget) {
        budget.reserve(sizeof(LdaSummary), "lda_fit summary");
        return std::make_unique<LdaSummary>(shape.column("features").width, options.string("shrinkage") == "auto");
    }
    static std::unique_ptr<RowSummary> read(ByteReader& r, const TrainingRows& shape, const Options& options,
                                            MemoryBudget& budget) {
        auto made = create(shape, options, budget);
        auto& s = static_cast<LdaSummary&>(*made);
        if (r.pod<std::uint64_t>("lda_fit summary features") != s.p_ ||
            r.pod<std::uint8_t>("lda_fit summary moments") != (s.fourth_ ? 1 : 0))
            fail(ErrorKind::Corrupted, "lda_fit state does not match its aggregate");
        const auto count = r.pod<std::uint64_t>("lda_fit summary classes");
        if (count > kLdaMaxClasses) fail(ErrorKind::Corrupted, "lda_fit state has too many classes");
        const std::size_t p = s.p_, pp = p * p;
        for (std::uint64_t k = 0; k < count; ++k) {
            s.reserve_class(budget);
            ClassMoments c;
            c.name = r.string(std::size_t(1) << 30, "lda_fit class");
            c.n = r.pod<std::uint64_t>("lda_fit class rows");
            read_into(r, c.point, p);
            read_into(r, c.s1, p);
            read_matrix(r, c.s2, p, pp);
            if (s.fourth_) {
                read_matrix(r, c.s21, p, pp);
                read_matrix(r, c.s22, p, pp);
            }
            if (!s.classes_.emplace(c.name, std::move(c)).second)
                fail(ErrorKind::Corrupted, "lda_fit state has a class twice");
        }
        return made;
    }

private:
    static Eigen::MatrixXd full(const Eigen::MatrixXd& lower) { return lower.selfadjointView<Eigen::Lower>(); }

    static void read_into(ByteReader& r, Eigen::VectorXd& v, std::size_t p) {
        std::vector<double> values;
        r.array<double>(values, p, "lda_fit moments");
        if (values.size() != p) fail(ErrorKind::Corrupted, "lda_fit state has moments of another size");
        v = Eigen::Map<Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(p));
    }
    static void read_matrix(ByteReader& r, Eigen::MatrixXd& m, std::size_t p, std::size_t pp) {
        std::vector<double> values;
        r.array<double>(values, pp, "lda_fit moments");
        if (values.size() != pp) fail(ErrorKind::Corrupted, "lda_fit state has moments of another size");
        m = Eigen::Map<Eigen::MatrixXd>(values.data(), static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p));
    }

    void reserve_class(MemoryBudget& budget) {
        if (classes_.size() >= kLdaMaxClasses)
            fail(ErrorKind::LimitExceeded, "lda_fit takes at most " + std::to_string(kLdaMaxClasses) + " classes",
                 "a class column with that many values is an identifier, not a class");
        budget.reserve(class_bytes(p_, fourth_), "lda_fit summary");
    }

    ClassMoments& find(std::string_view name, const Eigen::Map<const Eigen::VectorXd>& row, MemoryBudget& budget) {
        auto it = classes_.find(name);
        if (it != classes_.end()) return it->second;
        reserve_class(budget);
        ClassMoments c;
        c.name = std::string(name);
        c.point = row;
        const auto p = static_cast<Eigen::Index>(p_);
        c.s1 = Eigen::VectorXd::Zero(p);
        c.s2 = Eigen::MatrixXd::Zero(p, p);
        if (fourth_) {
            c.s21 = Eigen::MatrixXd::Zero(p, p);
            c.s22 = Eigen::MatrixXd::Zero(p, p);
        }
        return classes_.emplace(c.name, std::move(c)).first->second;
    }

    std::size_t p_;
    bool fourth_;
    std::map<std::string, ClassMoments, std::less<>> classes_;
};

std::unique_ptr<Model> fit(const TrainingRows& rows, const Options& options, TrainContext& ctx) {
    LdaModel m = fit_lda(rows.summary_as<LdaSummary>().classes(), options, ctx);
    const double seconds = m.summary.seconds;
    m.summary = collected_summary(rows);
    m.summary.seconds = seconds;
    return std::make_unique<LdaModel>(std::move(m));
}

std::vector<ColumnSpec> lda_columns() {
    ColumnSpec name{"class", ColumnType::Text};
    name.identifies_row = true;
    return {name, features_column()};
}

}  // namespace

const SummaryKind& lda_summary() {
    static const SummaryKind summary{LdaSummary::create, LdaSummary::read, 1};
    return summary;
}

const ModelKind& lda_kind() {
    static const ModelKind kind{
        {LdaModel::kKind, "lda_fit", &lda_option_schema(), lda_columns(), &lda_summary()}, fit, read_model_as<LdaModel>};
    return kind;
}

}  // namespace recsys
