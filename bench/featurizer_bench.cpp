// The featurizer's own cost, without PostgreSQL: rows per second of the
// one-pass summary (FeatureStats::add), of fitting, and of transform, on
// generated rows of 20 columns (12 numeric with 10% holes, categories of 10,
// 100, 1,000 and 100,000 levels, 2 booleans, an id and a text column), the
// shape of bench/featurize_speed.sql. What the SQL functions add on top is
// reading jsonb.
//
//   build-bench/featurizer_bench [--rows N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "features/featurizer.h"

using namespace recsys;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

struct Rows {
    std::vector<std::string> names;
    std::vector<std::string> levels;  // the category texts the rows point into
    std::vector<std::vector<RawField>> rows;
};

Rows generate(std::size_t n) {
    Rows r;
    for (int j = 0; j < 12; ++j) r.names.push_back("x" + std::to_string(j));
    for (const char* name : {"c10", "c100", "c1000", "c100000", "flag_a", "flag_b", "user_id", "note"}) r.names.push_back(name);
    // Level texts made once, shared by the rows that use them.
    std::vector<std::string>& levels = r.levels;
    for (int i = 0; i < 100000; ++i) levels.push_back("level-" + std::to_string(i));
    std::mt19937_64 rng(1);
    std::normal_distribution<double> normal;
    r.rows.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        auto& row = r.rows[i];
        for (int j = 0; j < 12; ++j)
            if (rng() % 10 != 0) row.push_back({r.names[j], RawValue::of(std::round(normal(rng) * 1000) / 100)});
        const std::size_t cardinality[] = {10, 100, 1000, 100000};
        for (int k = 0; k < 4; ++k) row.push_back({r.names[12 + k], RawValue::of_text(levels[rng() % cardinality[k]])});
        row.push_back({r.names[16], RawValue::of_bool(rng() % 2)});
        row.push_back({r.names[17], RawValue::of_bool(rng() % 3 == 0)});
        row.push_back({r.names[18], RawValue::of(static_cast<double>(rng() % 5000))});
        row.push_back({r.names[19], RawValue::of_text(levels[rng() % 50])});
    }
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t n = 1000000;
    for (int i = 1; i + 1 < argc; ++i)
        if (!std::strcmp(argv[i], "--rows")) n = std::strtoull(argv[i + 1], nullptr, 10);
    const Rows data = generate(n);
    std::vector<double> targets(n);
    for (std::size_t i = 0; i < n; ++i) targets[i] = static_cast<double>(i % 50 == 0);

    const Options options = parse_options("{}", featurizer_option_schema());
    auto t0 = std::chrono::steady_clock::now();
    FeatureStats stats(options, true);
    for (std::size_t i = 0; i < n; ++i) stats.add(data.rows[i].data(), data.rows[i].size(), targets[i]);
    const double summarize = seconds_since(t0);

    t0 = std::chrono::steady_clock::now();
    TrainContext ctx;
    auto model = fit_featurizer(stats, ctx);
    const double fit = seconds_since(t0);

    // transform takes one value per model column, as the glue reads them.
    // (The glue looks each column up in the jsonb; here a field's name is one of data.names.)
    std::unordered_map<const char*, std::size_t> column_of;
    for (const std::string& name : data.names)
        for (std::size_t c = 0; c < model->column_count(); ++c)
            if (model->column_name(c) == name) column_of[name.data()] = c;
    std::vector<RawValue> values(model->column_count());
    std::vector<double> out(model->feature_count());
    double checksum = 0;
    t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < n; ++i) {
        std::fill(values.begin(), values.end(), RawValue::missing());
        const auto& row = data.rows[i];
        for (const RawField& f : row) values[column_of.at(f.name.data())] = f.value;
        model->transform(values.data(), out.data(), false);
        checksum += out[0];
    }
    const double transform = seconds_since(t0);

    std::printf("featurizer core, %zu rows x 20 columns -> %zu features (summary %.1f MB)\n", n,
                model->feature_count(), static_cast<double>(stats.memory_bytes()) / 1e6);
    std::printf("  summarize (FeatureStats::add) %8.0f rows/s  (%.2f s)\n", n / summarize, summarize);
    std::printf("  fit                           %8.3f s\n", fit);
    std::printf("  transform                     %8.0f rows/s  (%.2f s)  [checksum %.3g]\n", n / transform, transform,
                checksum);
    return 0;
}
