#include "binary_labels.h"

#include <cstring>

#include "../base/random.h"

namespace recsys {

std::vector<ColumnSpec> labeled_columns() {
    ColumnSpec label{"label", ColumnType::Bool};
    label.on_null = NullRule::SkipRow;
    return {label, features_column()};
}

std::vector<OptionSpec> with_sampling_options(std::vector<OptionSpec> own, std::string seed_help) {
    own.push_back(choice_option("class_weight", "none", {"none", "balanced"},
                                "balanced: weigh each class by n / (2 n_class), as scikit-learn"));
    own.push_back(number_option("negative_sample_rate", 1, 1e-9, 1,
                                "keep each negative row with this probability; predictions are corrected back"));
    own.push_back(integer_option("seed", 0, 0, 9007199254740991.0, std::move(seed_help)));
    return own;
}

LabeledRows labeled_rows(const TrainingRows& rows) {
    const ColumnView& features = rows.column("features");
    return {rows.column("label").bools(), features.arrays(), rows.count, features.width};
}

std::uint64_t row_hash(const double* x, std::size_t p, std::uint64_t seed) {
    std::uint64_t h = splitmix64(seed);
    for (std::size_t j = 0; j < p; ++j) {
        std::uint64_t bits;
        std::memcpy(&bits, x + j, sizeof bits);
        h = splitmix64(h ^ bits);
    }
    return h;
}

bool keep_negative(const double* x, std::size_t p, std::uint64_t seed, double rate) {
    return static_cast<double>(row_hash(x, p, seed) >> 11) * 0x1.0p-53 < rate;
}

std::vector<std::size_t> kept_rows(const bool* y, const double* x, std::size_t n, std::size_t p, std::uint64_t seed,
                                   double rate) {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < n; ++i)
        if (y[i] || keep_negative(x + i * p, p, seed, rate)) rows.push_back(i);
    return rows;
}

ClassWeights class_weights(const std::string& mode, std::size_t n, std::size_t positives) {
    ClassWeights w;
    if (mode != "balanced") return w;
    const double pos = static_cast<double>(positives), neg = static_cast<double>(n) - pos;
    w.positive = pos > 0 ? n / (2 * pos) : 0;
    w.negative = neg > 0 ? n / (2 * neg) : 0;
    return w;
}

}  // namespace recsys
