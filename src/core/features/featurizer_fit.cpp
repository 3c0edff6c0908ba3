// From the one-pass summary to a featurizer: each column's imputer, encoder
// and scaler with their learned values, the k-NN donors, the regression
// imputers' ridge models, and the output layout with its names.
#include <Eigen/Cholesky>
#include <algorithm>
#include <chrono>

#include "../base/error.h"
#include "featurizer_internal.h"
#include "../base/json.h"

namespace recsys {

namespace {

using Type = RawValue::Type;

[[noreturn]] void unsuited(const std::string& column, ColumnKind kind, const std::string& what) {
    fail(ErrorKind::InvalidParameter,
         "featurizer_fit column \"" + column + "\" is " + column_kind_name(kind) + ": " + what,
         "knn, regression, mean and median impute numeric columns; mode and constant any column");
}

// Quantile p of sorted values, interpolating linearly (numpy's default).
double quantile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return NAN;
    const double at = p * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(at));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (at - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// The most frequent of sorted values (the smallest among ties).
double mode_of(const std::vector<double>& sorted) {
    double best = NAN;
    std::size_t best_run = 0;
    for (std::size_t i = 0; i < sorted.size();) {
        std::size_t j = i;
        while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
        if (j - i > best_run) best = sorted[i], best_run = j - i;
        i = j;
    }
    return best;
}

bool wants_indicator(IndicatorRule rule, std::uint64_t missing) {
    return rule == IndicatorRule::Always || (rule == IndicatorRule::Auto && missing > 0);
}

double smoothed(double sum, double count, double prior, double m) {
    return count + m > 0 ? (sum + m * prior) / (count + m) : prior;
}

struct Fit {
    const FeatureStats::Impl& s;
    FeaturizerModel::Impl& m;
    std::vector<std::vector<double>> sample_values;  // per summary column, sorted
};

void learn_numeric(Fit& f, const FeatureStatsColumn& c, FeatureColumn& out) {
    const ColumnSettings& set = c.settings;
    const std::vector<double>& sorted = f.sample_values[&c - f.s.columns.data()];
    const std::uint64_t missing = f.s.rows - c.present;
    out.mean = c.mean;
    out.std = c.present ? std::sqrt(c.m2 / static_cast<double>(c.present)) : NAN;
    out.min = c.min, out.max = c.max;
    // A rare column whose few values all missed the bounded sample has no
    // sample quantiles: its mean (over every row) stands in for them, so no
    // fill or center is NaN.
    const double typical = c.present ? c.mean : 0;
    out.median = sorted.empty() ? typical : quantile(sorted, 0.5);
    out.impute = set.impute;
    switch (set.impute) {
        case Imputer::Median: out.fill = out.median; break;
        case Imputer::Mode: out.fill = sorted.empty() ? typical : mode_of(sorted); break;
        case Imputer::Constant:
            if (set.has_fill && set.fill_type != Type::Number)
                fail(ErrorKind::InvalidParameter,
                     "featurizer_fit column \"" + c.name + "\" is numeric: its fill_value must be a number");
            out.fill = set.has_fill ? set.fill_number : 0;
            break;
        default: out.fill = c.mean; break;  // mean, and knn / regression without donors
    }
    out.neighbors = set.neighbors;
    out.l2 = set.l2;
    out.indicator = wants_indicator(set.indicator, missing);
    out.scale = set.scale;
    switch (set.scale) {
        case Scaler::Standard:
            out.center = c.mean;
            out.divide = out.std > 0 ? out.std : 1;
            break;
        case Scaler::Minmax:
            out.center = c.min;
            out.divide = c.max > c.min ? c.max - c.min : 1;
            break;
        case Scaler::Robust: {
            out.center = out.median;
            const double iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
            out.divide = iqr > 0 ? iqr : 1;
            break;
        }
        case Scaler::None: break;
    }
    out.features = 1 + out.indicator;
}

void learn_boolean(Fit&, const FeatureStatsColumn& c, FeatureColumn& out, std::uint64_t rows) {
    const ColumnSettings& set = c.settings;
    const double share = c.present ? static_cast<double>(c.trues) / static_cast<double>(c.present) : 0;
    out.mean = share;
    out.impute = set.impute_given ? set.impute : Imputer::Mode;
    switch (out.impute) {
        case Imputer::Mean: out.fill = share; break;
        case Imputer::Mode:
        case Imputer::Median: out.fill = share >= 0.5 ? 1 : 0; break;
        case Imputer::Constant:
            if (set.has_fill && set.fill_type == Type::Text)
                fail(ErrorKind::InvalidParameter,
                     "featurizer_fit column \"" + c.name + "\" is boolean: its fill_value must be a boolean or a number");
            out.fill = set.fill_type == Type::Boolean ? set.fill_boolean : set.fill_number;
            break;
        default: unsuited(c.name, c.kind, std::string("impute ") + imputer_name(out.impute) + " needs a numeric column");
    }
    out.indicator = wants_indicator(set.indicator, rows - c.present);
    out.features = 1 + out.indicator;
}

// A level's tally with its per-fold tallies.
struct LevelView {
    const LevelTally* tally;
    const std::uint64_t* fold_count;
    const double* fold_sum;
};

void learn_categorical(Fit& f, const FeatureStatsColumn& c, FeatureColumn& out) {
    const ColumnSettings& set = c.settings;
    const CategoryTally& t = c.categories;
    const FeatureStats::Impl& s = f.s;
    const std::size_t folds = s.has_target ? static_cast<std::size_t>(s.settings.folds) : 0;
    out.number_levels = c.json_type == Type::Number;
    // The kept levels: most frequent first, up to max_levels, seen min_frequency times.
    std::vector<std::uint32_t> order(t.levels.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (t.levels[a].count != t.levels[b].count) return t.levels[a].count > t.levels[b].count;
        return t.keys.at(a) < t.keys.at(b);
    });
    std::size_t kept = 0;
    while (kept < order.size() && kept < static_cast<std::size_t>(set.max_levels) &&
           t.levels[order[kept]].count >= static_cast<std::uint64_t>(set.min_frequency))
        ++kept;
    // "other": the dropped levels and the ones pruned while counting.
    LevelTally other = t.other;
    std::vector<std::uint64_t> other_fold_count(folds, 0);
    std::vector<double> other_fold_sum(folds, 0);
    for (std::size_t k = 0; k < folds && !t.other_fold_count.empty(); ++k)
        other_fold_count[k] = t.other_fold_count[k], other_fold_sum[k] = t.other_fold_sum[k];
    for (std::size_t r = kept; r < order.size(); ++r) {
        const std::uint32_t i = order[r];
        add_level(other, other_fold_count.data(), other_fold_sum.data(), t.levels[i], t.fold_count.data() + i * folds,
                  t.fold_sum.data() + i * folds, folds);
    }
    // The missing level: every row less the ones with a value.
    LevelTally missing;
    missing.count = s.rows - c.present;
    missing.target_count = s.target.count - c.target_present.count;
    missing.target_sum = s.target.sum - c.target_present.sum;
    std::vector<std::uint64_t> missing_fold_count(folds);
    std::vector<double> missing_fold_sum(folds);
    for (std::size_t k = 0; k < folds; ++k) {
        missing_fold_count[k] = s.target.fold_count[k] - c.target_present.fold_count[k];
        missing_fold_sum[k] = s.target.fold_sum[k] - c.target_present.fold_sum[k];
    }
    // Imputation of a category: mode or constant (a hole is then that level).
    out.impute = set.impute_given ? set.impute : Imputer::None;
    if (out.impute == Imputer::Mode) {
        if (kept == 0) fail(ErrorKind::InvalidParameter, "featurizer_fit column \"" + c.name + "\" has no level to impute");
        out.fill_level = std::string(t.keys.at(order[0]));
    } else if (out.impute == Imputer::Constant) {
        if (!set.has_fill)
            fail(ErrorKind::InvalidParameter, "featurizer_fit column \"" + c.name + "\": impute constant needs a fill_value");
        out.fill_level = set.fill_type == Type::Text ? set.fill_text
                         : set.fill_type == Type::Number ? number_level(set.fill_number)
                                                          : (set.fill_boolean ? "true" : "false");
    } else if (out.impute != Imputer::None) {
        unsuited(c.name, c.kind, std::string("impute ") + imputer_name(out.impute) + " needs a numeric column");
    }
    if (out.number_levels && !out.fill_level.empty()) out.fill = std::strtod(out.fill_level.c_str(), nullptr);
    // Output order: by value (numbers numerically).
    std::vector<std::uint32_t> levels(order.begin(), order.begin() + kept);
    std::sort(levels.begin(), levels.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (out.number_levels)
            return std::strtod(std::string(t.keys.at(a)).c_str(), nullptr) <
                   std::strtod(std::string(t.keys.at(b)).c_str(), nullptr);
        return t.keys.at(a) < t.keys.at(b);
    });
    for (std::uint32_t i : levels) out.levels.add(t.keys.at(i));
    out.has_other = other.count > 0;
    out.has_missing = missing.count > 0 && out.impute == Imputer::None;
    // The encoder.
    out.encode = set.encode;
    // A key (a value of its own in every row) tells nothing of a row to come.
    const bool key = c.present > 1 && other.count == 0 && kept == c.present;
    if (out.encode == Encoder::Auto)
        out.encode = key ? Encoder::None
                     : kept <= static_cast<std::size_t>(s.settings.onehot_max_levels) ? Encoder::Onehot
                     : s.has_target                                                   ? Encoder::Target
                                                                                      : Encoder::Frequency;
    if (out.encode == Encoder::Target && !s.has_target)
        fail(ErrorKind::InvalidParameter,
             "featurizer_fit column \"" + c.name + "\": encode target needs the target argument",
             "use recsys.featurizer_fit(row, target, options)");
    // Per level, then other, then missing.
    std::vector<LevelView> views;
    for (std::uint32_t i : levels)
        views.push_back({&t.levels[i], folds ? &t.fold_count[i * folds] : nullptr, folds ? &t.fold_sum[i * folds] : nullptr});
    views.push_back({&other, other_fold_count.data(), other_fold_sum.data()});
    views.push_back({&missing, missing_fold_count.data(), missing_fold_sum.data()});
    const double rows = static_cast<double>(std::max<std::uint64_t>(s.rows, 1));
    const double L = static_cast<double>(kept);
    switch (out.encode) {
        case Encoder::Ordinal:
            for (std::size_t i = 0; i < kept; ++i) out.value.push_back(static_cast<double>(i));
            out.value.push_back(L), out.value.push_back(-1);
            out.unseen = L;
            out.features = 1;
            break;
        case Encoder::Frequency:
            for (const LevelView& v : views) out.value.push_back(static_cast<double>(v.tally->count) / rows);
            out.unseen = 0;
            out.features = 1;
            break;
        case Encoder::Target: {
            const double m = set.smoothing;
            for (const LevelView& v : views)
                out.value.push_back(smoothed(v.tally->target_sum, static_cast<double>(v.tally->target_count), f.m.prior, m));
            out.unseen = f.m.prior;
            for (const LevelView& v : views)
                for (std::size_t k = 0; k < folds; ++k) {
                    const double n_out = static_cast<double>(s.target.count - s.target.fold_count[k]);
                    const double prior = n_out > 0 ? (s.target.sum - s.target.fold_sum[k]) / n_out : f.m.prior;
                    out.fold_value.push_back(smoothed(v.tally->target_sum - v.fold_sum[k],
                                                      static_cast<double>(v.tally->target_count - v.fold_count[k]),
                                                      prior, m));
                }
            out.features = 1;
            break;
        }
        case Encoder::Hash:
            out.buckets = set.buckets;
            out.features = static_cast<std::uint32_t>(set.buckets);
            break;
        case Encoder::None: out.features = 0; break;
        default:
            out.features = static_cast<std::uint32_t>(kept + out.has_other + out.has_missing);
            break;
    }
}

// Heap bytes of a std::string of `length` characters (none within the
// short-string buffer; else the characters and the allocator's header).
std::size_t string_bytes(std::size_t length) { return sizeof(std::string) + (length < 16 ? 0 : length + 1 + 16); }

// What a column of the model may take at most: its entry, every level the
// summary has (as kept levels), their outputs and their out-of-fold outputs.
std::size_t model_column_bytes(const FeatureStatsColumn& c, std::size_t folds) {
    const CategoryTally& t = c.categories;
    std::size_t bytes = sizeof(FeatureColumn) + 2 * c.name.size() + (t.levels.size() + 2) * (folds + 1) * sizeof(double) +
                        t.levels.size() * sizeof(std::uint32_t) * 2;
    for (std::uint32_t i = 0; i < t.levels.size(); ++i) bytes += t.keys.at(i).size() + 64;
    return bytes;
}

// The names of a column's features (as the layout below makes them).
std::size_t feature_name_bytes(const FeatureColumn& c) {
    if (c.features == 0) return 0;
    if (c.kind != ColumnKind::Categorical) return string_bytes(c.name.size()) + string_bytes(c.name.size() + 10);
    if (c.encode == Encoder::Hash) return c.features * string_bytes(c.name.size() + 8);  // "name#1048575"
    if (c.encode != Encoder::Onehot) return string_bytes(c.name.size());
    std::size_t bytes = 2 * string_bytes(c.name.size() + 10);  // other, missing
    for (std::uint32_t i = 0; i < c.levels.size(); ++i) bytes += string_bytes(c.name.size() + 1 + c.levels.at(i).size());
    return bytes;
}

// The sampled values of each summary column, sorted.
std::vector<std::vector<double>> sampled_values(const FeatureStats::Impl& s) {
    std::vector<std::vector<double>> values(s.columns.size());
    for (const SampleRow& row : s.sample)
        for (const SampleValue& v : row.values) values[v.column].push_back(v.value);
    for (auto& v : values) std::sort(v.begin(), v.end());
    return values;
}

// The numeric predictors of the knn and regression imputers, and the donors.
void learn_predictors(Fit& f, const std::vector<std::uint32_t>& summary_of, TrainContext& ctx) {
    FeaturizerModel::Impl& m = f.m;
    std::vector<std::int32_t> slot_of_summary(f.s.columns.size(), -1);
    for (std::uint32_t i = 0; i < m.columns.size(); ++i) {
        FeatureColumn& c = m.columns[i];
        if (c.kind != ColumnKind::Numeric) continue;
        c.numeric_slot = static_cast<std::int32_t>(m.numeric_columns.size());
        slot_of_summary[summary_of[i]] = c.numeric_slot;
        m.numeric_columns.push_back(i);
    }
    const auto P = static_cast<Eigen::Index>(m.numeric_columns.size());
    m.numeric_mean.resize(P), m.numeric_std.resize(P);
    for (Eigen::Index j = 0; j < P; ++j) {
        const FeatureColumn& c = m.columns[m.numeric_columns[j]];
        m.numeric_mean[j] = c.mean;
        m.numeric_std[j] = c.std > 0 ? c.std : 1;
    }
    bool knn = false, regression = false;
    for (const FeatureColumn& c : m.columns) knn |= c.impute == Imputer::Knn, regression |= c.impute == Imputer::Regression;
    if (!knn && !regression) return;
    // The sample as a matrix: rows x numeric predictors, standardized, NaN where missing.
    const auto n = static_cast<Eigen::Index>(f.s.sample.size());
    ContextResources resources(ctx);
    resources.budget.reserve(static_cast<std::size_t>(n * P) * sizeof(double) * 2, "featurizer_fit donors");
    // A regression imputer's rows, targets and Gram matrix, one column at a time.
    if (regression)
        resources.budget.reserve(static_cast<std::size_t>((n + 1) * (P + 2) + P * P) * sizeof(double) * 2,
                                 "featurizer_fit regression imputers");
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> z(n, P);
    z.setConstant(NAN);
    // Sample rows in hash order, so the donors do not depend on the heap's layout.
    std::vector<const SampleRow*> rows;
    for (const SampleRow& row : f.s.sample) rows.push_back(&row);
    std::sort(rows.begin(), rows.end(), [](const SampleRow* a, const SampleRow* b) { return a->hash < b->hash; });
    for (Eigen::Index r = 0; r < n; ++r)
        for (const SampleValue& v : rows[r]->values) {
            const std::int32_t j = slot_of_summary[v.column];
            if (j >= 0) z(r, j) = (v.value - m.numeric_mean[j]) / m.numeric_std[j];
        }
    for (FeatureColumn& c : m.columns) {
        if (c.impute != Imputer::Regression) continue;
        if (ctx.stop) ctx.stop->check();
        // Ridge of the column on the others (missing predictors at their mean, 0),
        // over the sampled rows that have the column.
        const Eigen::Index own = c.numeric_slot;
        std::vector<Eigen::Index> train;
        for (Eigen::Index r = 0; r < n; ++r)
            if (!std::isnan(z(r, own))) train.push_back(r);
        c.ridge = Eigen::VectorXd::Zero(P);
        if (train.empty()) continue;
        const auto N = static_cast<Eigen::Index>(train.size());
        Eigen::MatrixXd X(N, P);
        Eigen::VectorXd y(N);
        for (Eigen::Index i = 0; i < N; ++i) {
            for (Eigen::Index j = 0; j < P; ++j) {
                const double v = z(train[i], j);
                X(i, j) = (j == own || std::isnan(v)) ? 0 : v;
            }
            y[i] = z(train[i], own);
        }
        const Eigen::RowVectorXd x_mean = X.colwise().mean();
        const double y_mean = y.mean();
        X.rowwise() -= x_mean;
        y.array() -= y_mean;
        Eigen::MatrixXd gram = X.transpose() * X;
        gram.diagonal().array() += c.l2;
        gram(own, own) = 1;  // its own slot stays 0
        const Eigen::VectorXd b = gram.ldlt().solve(X.transpose() * y);
        c.ridge = b;
        c.ridge[own] = 0;
        c.ridge_intercept = y_mean - x_mean.dot(c.ridge);
    }
    if (knn) m.donors = std::move(z);
}

}  // namespace

std::unique_ptr<FeaturizerModel> fit_featurizer(const FeatureStats& stats, TrainContext& ctx) {
    const auto start = std::chrono::steady_clock::now();
    const FeatureStats::Impl& s = stats.impl();
    auto model = std::make_unique<FeaturizerModel>();
    FeaturizerModel::Impl& m = *model->impl_;
    m.options = s.options;
    m.has_target = s.has_target;
    m.folds = s.settings.folds;
    m.prior = s.target.count ? s.target.sum / static_cast<double>(s.target.count) : 0;
    m.sample_rows = s.sample.size();
    // The model is claimed before it is built: the sorted sample, then each
    // column, then the feature names (hashed columns: one per bucket).
    ContextResources resources(ctx);
    MemoryBudget& budget = resources.budget;
    budget.reserve(s.sample_values * sizeof(double) + s.columns.size() * sizeof(std::vector<double>),
                   "featurizer_fit sorted sample");
    const std::size_t folds = s.has_target ? static_cast<std::size_t>(s.settings.folds) : 0;
    for (const FeatureStatsColumn& c : s.columns) budget.reserve(model_column_bytes(c, folds), "featurizer_fit columns");
    Fit f{s, m, sampled_values(s)};
    // Columns sorted by name.
    std::vector<std::uint32_t> summary_of(s.columns.size());
    for (std::uint32_t i = 0; i < summary_of.size(); ++i) summary_of[i] = i;
    std::sort(summary_of.begin(), summary_of.end(),
              [&](std::uint32_t a, std::uint32_t b) { return s.columns[a].name < s.columns[b].name; });
    for (std::uint32_t index : summary_of) {
        const FeatureStatsColumn& c = s.columns[index];
        FeatureColumn out;
        out.name = c.name;
        out.name_hash = c.name_hash;
        out.kind = c.present == 0 && c.kind != ColumnKind::Ignored ? ColumnKind::Empty : c.kind;
        out.value_type = c.json_type;
        out.present = c.present;
        out.missing_rate = s.rows ? static_cast<double>(s.rows - c.present) / static_cast<double>(s.rows) : 0;
        switch (out.kind) {
            case ColumnKind::Numeric: learn_numeric(f, c, out); break;
            case ColumnKind::Boolean: learn_boolean(f, c, out, s.rows); break;
            case ColumnKind::Categorical: learn_categorical(f, c, out); break;
            default: break;
        }
        m.columns.push_back(std::move(out));
    }
    learn_predictors(f, summary_of, ctx);
    // The output layout, then its names.
    std::uint64_t next = 0;
    std::size_t name_bytes = 0;
    for (FeatureColumn& c : m.columns) {
        c.first_feature = static_cast<std::uint32_t>(next);
        next += c.features;
        name_bytes += feature_name_bytes(c);
        if (next > std::numeric_limits<std::uint32_t>::max())
            fail(ErrorKind::InvalidParameter, "featurizer_fit makes more than 2^32 features",
                 "lower \"buckets\" or onehot_max_levels");
    }
    budget.reserve(name_bytes + next * sizeof(std::string), "featurizer_fit feature names");
    m.feature_names.reserve(next);
    for (FeatureColumn& c : m.columns) {
        if (c.features == 0) continue;
        switch (c.kind) {
            case ColumnKind::Numeric:
            case ColumnKind::Boolean:
                m.feature_names.push_back(c.name);
                if (c.indicator) m.feature_names.push_back(c.name + "=<missing>");
                break;
            case ColumnKind::Categorical:
                if (c.encode == Encoder::Onehot) {
                    for (std::uint32_t i = 0; i < c.levels.size(); ++i)
                        m.feature_names.push_back(c.name + "=" + std::string(c.levels.at(i)));
                    if (c.has_other) m.feature_names.push_back(c.name + "=<other>");
                    if (c.has_missing) m.feature_names.push_back(c.name + "=<missing>");
                } else if (c.encode == Encoder::Hash) {
                    for (int b = 0; b < c.buckets; ++b) m.feature_names.push_back(c.name + "#" + std::to_string(b));
                } else {
                    m.feature_names.push_back(c.name);
                }
                break;
            default: break;
        }
    }
    if (next == 0 && !m.columns.empty() && std::all_of(m.columns.begin(), m.columns.end(), [](const FeatureColumn& c) {
            return c.kind == ColumnKind::Categorical && c.encode == Encoder::None;
        }))
        fail(ErrorKind::InvalidParameter, "featurizer_fit found only keys (a value of its own in every row)",
             "a key tells nothing of another row; set \"encode\" for the column to make features of it anyway");
    if (next == 0)
        fail(ErrorKind::InvalidParameter, "featurizer_fit found no column to make features of",
             "the rows must be JSON objects with number, string or boolean values");
    m.summary.rows = s.rows;
    m.summary.threads = 1;
    m.summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return model;
}

}  // namespace recsys
