// Helpers shared by the test files: option builders, interaction rows, labeled rows,
// a one-call ALS training and a catcher for the recsys::Error a call must throw.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "als/als.h"
#include "linear/binary_labels.h"
#include "base/json.h"
#include "base/error.h"

namespace recsys {
namespace test {

// ---------------------------------------------------------------- options

// One member of an options object: (key, the value as JSON text).
using OptionArg = std::pair<std::string, std::string>;

inline OptionArg num(const std::string& key, double v) { return {key, json_number(v)}; }
inline OptionArg flag(const std::string& key, bool v) { return {key, v ? "true" : "false"}; }

// The JSON object text of the members.
inline std::string options_json(const std::vector<OptionArg>& members) {
    std::string out = "{";
    for (const auto& m : members) out += (out.size() > 1 ? ", \"" : "\"") + m.first + "\": " + m.second;
    return out + "}";
}

inline Options als_options(const std::vector<OptionArg>& members) {
    return parse_options(options_json(members), als_option_schema());
}

// The serialized bytes of a model.
inline std::vector<unsigned char> to_bytes(const Model& m) {
    SerializedSize size = measure_model(m);
    std::vector<unsigned char> bytes(size.total);
    serialize_model(m, size, bytes.data());
    return bytes;
}

// ---------------------------------------------------------------- rows

// (user, item, weight) rows, as the training functions take them.
struct Rows {
    std::vector<std::int64_t> users, items;
    std::vector<float> weights;

    void add(std::int64_t u, std::int64_t i, float w) {
        users.push_back(u);
        items.push_back(i);
        weights.push_back(w);
    }
    std::size_t size() const { return users.size(); }

    // The rows in the order perm gives: row k of the result is row perm[k].
    Rows permuted(const std::vector<std::size_t>& perm) const {
        Rows out;
        for (std::size_t p : perm) out.add(users[p], items[p], weights[p]);
        return out;
    }
    Rows shuffled(std::uint32_t seed) const {
        std::vector<std::size_t> perm(size());
        std::iota(perm.begin(), perm.end(), 0);
        std::mt19937 rng(seed);
        std::shuffle(perm.begin(), perm.end(), rng);
        return permuted(perm);
    }
};

// (label, features) rows of the binary classifiers, held as the training reads them.
struct LabeledData {
    std::vector<char> y;  // bool storage the training reads as bool
    std::vector<double> x;
    std::size_t n, p;
    LabeledRows view() const { return {reinterpret_cast<const bool*>(y.data()), x.data(), n, p}; }
    const double* row(std::size_t i) const { return &x[i * p]; }
};

// n rows of p standard normal features; the label is drawn with probability
// sigmoid(intercept + 1.5 x0 - x1 + 1.5 x2 - ...) over the first `informative`.
inline LabeledData logistic_rows(std::size_t n, std::size_t p, std::size_t informative, double intercept, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0, 1);
    std::uniform_real_distribution<double> uniform(0, 1);
    LabeledData d{{}, {}, n, p};
    for (std::size_t i = 0; i < n; ++i) {
        double z = intercept;
        for (std::size_t j = 0; j < p; ++j) {
            double v = normal(rng);
            d.x.push_back(v);
            if (j < informative) z += (j % 2 ? -1.0 : 1.5) * v;
        }
        d.y.push_back(uniform(rng) < 1 / (1 + std::exp(-z)));
    }
    return d;
}

// ---------------------------------------------------------------- training

// train_als on rows; without a budget or stop token, an unlimited budget and
// one that never stops.
inline AlsModel train(const Rows& r, const Options& o, int threads = 1, MemoryBudget* budget = nullptr,
                      StopToken* stop = nullptr, ProgressFn progress = nullptr) {
    MemoryBudget unlimited;
    StopToken never;
    TrainContext ctx{threads, budget ? budget : &unlimited, stop ? stop : &never, std::move(progress)};
    TrainingSummary summary;
    summary.rows = r.size();
    return train_als(r.users.data(), r.items.data(), r.weights.data(), r.size(), o, summary, ctx);
}

// A query for the top k.
inline AlsModel::Query query(std::size_t k, bool exclude_seen = true) {
    AlsModel::Query q;
    q.k = k;
    q.exclude_seen = exclude_seen;
    return q;
}

// The two summaries are the same; with_timing: their seconds and threads too
// (the only fields that may differ between runs of the same training).
inline void expect_same_summary(const AlsTrainingSummary& a, const AlsTrainingSummary& b, bool with_timing = true) {
    EXPECT_EQ(a.rows, b.rows);
    EXPECT_EQ(a.skipped_rows, b.skipped_rows);
    EXPECT_EQ(a.loss, b.loss);
    EXPECT_EQ(a.user_chunks, b.user_chunks);
    EXPECT_EQ(a.item_chunks, b.item_chunks);
    EXPECT_EQ(a.user_gram_blocks, b.user_gram_blocks);
    EXPECT_EQ(a.item_gram_blocks, b.item_gram_blocks);
    EXPECT_EQ(a.eigensolver_fallbacks, b.eigensolver_fallbacks);
    if (!with_timing) return;
    EXPECT_EQ(a.seconds, b.seconds);
    EXPECT_EQ(a.threads, b.threads);
}

// Everything a saved model keeps is the same in both.
inline void expect_same_model(const AlsModel& a, const AlsModel& b) {
    EXPECT_EQ(a.options.to_json(), b.options.to_json());
    EXPECT_EQ(a.user_ids, b.user_ids);
    EXPECT_EQ(a.item_ids, b.item_ids);
    EXPECT_EQ(a.user_factors, b.user_factors);
    EXPECT_EQ(a.item_factors, b.item_factors);
    EXPECT_EQ(a.seen_offsets, b.seen_offsets);
    EXPECT_EQ(a.seen_items, b.seen_items);
    EXPECT_EQ(a.item_popularity, b.item_popularity);
    expect_same_summary(a.summary, b.summary);
}

// ---------------------------------------------------------------- errors

// Runs f and returns the recsys::Error it throws; a failure (`failure`) if it
// throws none.
template <class F>
Error error_from(F&& f, const std::string& failure) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << failure;
    return Error(ErrorKind::Internal, "no error");
}

// e is an error of `kind` with exactly this message and hint.
inline void expect_error(const Error& e, ErrorKind kind, const std::string& message, const std::string& hint = {}) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_EQ(std::string(e.what()), message);
    EXPECT_EQ(e.hint(), hint);
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace test
}  // namespace recsys
