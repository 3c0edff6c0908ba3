// k-nearest neighbours (src/core/neighbours): against scikit-learn's
// KNeighbors* (tests/fixtures/knn_reference.json, made by
// make_classics_fixtures.py), against a brute-force oracle written here, and
// its canonical order, errors, memory claim and round trip.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>

#include "expect_failure.h"
#include "neighbours/knn.h"
#include "neighbours/knn_kernel.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;
using nlohmann::json;

// Rows to fit on: targets, row-major features, optional ids.
struct KnnRows {
    std::vector<double> y, x;
    std::vector<std::int64_t> ids;
    std::size_t p = 0;

    TrainingRows view() const {
        TrainingRows rows;
        rows.count = y.size();
        rows.columns.push_back({"target", ColumnType::Float64, y.data(), 1});
        rows.columns.push_back({"features", ColumnType::Float64Array, x.data(), p});
        if (!ids.empty()) rows.columns.push_back({"id", ColumnType::Int64, ids.data(), 1});
        return rows;
    }
};

std::unique_ptr<KnnModel> fit_knn(const KnnRows& rows, const std::string& options, MemoryBudget* budget = nullptr) {
    static StopToken never;
    TrainContext ctx{1, budget, &never, nullptr};
    std::unique_ptr<Model> m = knn_kind().fit(rows.view(), parse_options(options, knn_option_schema()), ctx);
    return std::unique_ptr<KnnModel>(static_cast<KnnModel*>(m.release()));
}

json load_reference() {
    std::ifstream in(std::string(RECSYS_FIXTURES) + "/knn_reference.json");
    EXPECT_TRUE(in.good()) << "tests/fixtures/knn_reference.json is missing";
    return json::parse(in);
}

KnnRows rows_of(const json& c) {
    KnnRows r;
    r.p = c["x"][0].size();
    for (std::size_t i = 0; i < c["x"].size(); ++i) {
        for (const json& v : c["x"][i]) r.x.push_back(v.get<double>());
        r.y.push_back(c["y"][i].get<double>());
        r.ids.push_back(static_cast<std::int64_t>(i));
    }
    return r;
}

void expect_near(double ours, double theirs, const std::string& what) {
    EXPECT_LE(std::fabs(ours - theirs), 1e-12 * std::max(1.0, std::fabs(theirs)))
        << what << ": ours " << ours << ", scikit-learn " << theirs;
}

TEST(Knn, EqualsScikitLearn) {
    const json doc = load_reference();
    ASSERT_GE(doc["cases"].size(), 12u);
    for (const json& c : doc["cases"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        const auto model = fit_knn(rows_of(c), c["options"].dump());
        const std::size_t k = c["options"]["neighbors"].get<std::size_t>();
        for (std::size_t q = 0; q < c["queries"].size(); ++q) {
            std::vector<double> x;
            for (const json& v : c["queries"][q]) x.push_back(v.get<double>());
            const std::string at = "query " + std::to_string(q);
            // The same rows (as sets: scikit-learn lists tied rows in any order) at the same distances.
            const std::vector<Neighbour> found = model->nearest(x.data(), k);
            ASSERT_EQ(found.size(), k);
            std::vector<std::int64_t> ours, theirs;
            for (std::size_t i = 0; i < k; ++i) {
                ours.push_back(model->ids[found[i].position]);
                theirs.push_back(c["neighbors"][q][i].get<std::int64_t>());
                expect_near(found[i].distance, c["distances"][q][i].get<double>(), at + " distance");
            }
            std::sort(ours.begin(), ours.end());
            std::sort(theirs.begin(), theirs.end());
            EXPECT_EQ(ours, theirs) << at;
            expect_near(model->predict(x.data()), c["predict"][q].get<double>(), at + " prediction");
            if (c.contains("proba")) {
                ASSERT_EQ(model->class_names().size(), c["classes"].size());
                std::vector<double> p(model->class_names().size());
                model->class_probabilities(x.data(), p.data());
                for (std::size_t j = 0; j < p.size(); ++j) {
                    EXPECT_DOUBLE_EQ(model->class_values[j], c["classes"][j].get<double>());
                    expect_near(p[j], c["proba"][q][j].get<double>(), at + " probability");
                }
            }
        }
    }
}

// Random rows against an oracle that sorts every (distance, position) pair.
TEST(Knn, EqualsSortingOracle) {
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> small(-2, 2);
    KnnRows r;
    r.p = 3;
    for (int i = 0; i < 9000; ++i) {  // more rows than a block
        for (int j = 0; j < 3; ++j) r.x.push_back(small(rng));
        r.y.push_back(i % 3);
    }
    const auto model = fit_knn(r, R"({"neighbors": 40, "task": "regression"})");
    const double q[3] = {1, 0, -1};
    std::vector<Neighbour> all;
    for (std::size_t i = 0; i < model->row_count(); ++i) {
        double d = 0;
        for (int j = 0; j < 3; ++j) d += (model->rows(static_cast<Eigen::Index>(i), j) - q[j]) *
                                         (model->rows(static_cast<Eigen::Index>(i), j) - q[j]);
        all.push_back({i, std::sqrt(d)});
    }
    std::sort(all.begin(), all.end(), [](const Neighbour& a, const Neighbour& b) {
        return a.distance < b.distance || (a.distance == b.distance && a.position < b.position);
    });
    const std::vector<Neighbour> found = model->nearest(q, 40);
    ASSERT_EQ(found.size(), 40u);
    for (std::size_t i = 0; i < 40; ++i) {
        EXPECT_EQ(found[i].position, all[i].position) << i;
        EXPECT_DOUBLE_EQ(found[i].distance, all[i].distance) << i;
    }
    double mean = 0;
    for (std::size_t i = 0; i < 40; ++i) mean += model->targets[all[i].position];
    EXPECT_NEAR(model->predict(q), mean / 40, 1e-12);
    EXPECT_EQ(model->nearest(q, 100000).size(), model->row_count());  // k past the rows: all of them
}

// Without an id the rows are sorted by features, then target: the model
// does not depend on the order rows came in.
TEST(Knn, CanonicalOrderWithoutIds) {
    KnnRows a;
    a.p = 2;
    a.x = {3, 1, 0, 5, 3, 0, 0, 5};
    a.y = {1, 2, 3, 0};
    KnnRows b = a;
    b.x = {0, 5, 3, 1, 0, 5, 3, 0};
    b.y = {2, 1, 0, 3};
    const auto ma = fit_knn(a, R"({"neighbors": 2})"), mb = fit_knn(b, R"({"neighbors": 2})");
    ma->summary.seconds = mb->summary.seconds = 0;
    EXPECT_EQ(to_bytes(*ma), to_bytes(*mb));
    EXPECT_EQ(ma->ids, (std::vector<std::int64_t>{1, 2, 3, 4}));
    EXPECT_EQ(ma->targets, (std::vector<double>{0, 2, 3, 1}));
    const double q[2] = {0, 5};
    const auto found = ma->nearest(q, 2);
    EXPECT_EQ(found[0].position, 0u);  // (0, 5) with target 0 sorts before (0, 5) with target 2
    EXPECT_EQ(found[1].position, 1u);
}

TEST(Knn, VoteTieGoesToTheSmallerClass) {
    KnnRows r;
    r.p = 1;
    r.x = {-1, 1, -2, 2};
    r.y = {7, 3, 7, 3};
    const auto m = fit_knn(r, R"({"neighbors": 2})");
    const double q[1] = {0};
    EXPECT_EQ(m->predict(q), 3);
    EXPECT_EQ(m->class_names(), (std::vector<std::string>{"3", "7"}));
}

TEST(Knn, DistanceWeightsAtZeroDistance) {
    KnnRows r;
    r.p = 1;
    r.x = {0, 0, 1, 2};
    r.y = {1, 3, 100, 100};
    const auto m = fit_knn(r, R"({"neighbors": 4, "task": "regression", "weights": "distance"})");
    const double q[1] = {0};
    EXPECT_EQ(m->predict(q), 2);  // only the rows at distance 0 count
}

TEST(Knn, Errors) {
    KnnRows r;
    r.p = 2;
    r.x = {0, 1, 2, 3, 4, 5};
    r.y = {0, 1, 0};
    r.ids = {7, 8, 7};
    expect_failure(ErrorKind::InvalidParameter, "knn_fit id 7 appears in more than one row",
                   [&] { fit_knn(r, R"({"neighbors": 1})"); });
    r.ids.clear();
    expect_failure(ErrorKind::InvalidParameter, "neighbors", [&] { fit_knn(r, R"({"neighbors": 4})"); });
    expect_failure(ErrorKind::InvalidParameter, "task", [&] { fit_knn(r, R"({"task": "ranking"})"); });
    const auto regression = fit_knn(r, R"({"neighbors": 1, "task": "regression"})");
    expect_failure(ErrorKind::InvalidParameter, "regression", [&] { regression->class_names(); });
    KnnRows huge = r;
    huge.x[0] = 1e300;
    expect_failure(ErrorKind::DataException, "too large", [&] { fit_knn(huge, R"({"neighbors": 1})"); });
    KnnRows many;
    many.p = 1;
    for (std::size_t i = 0; i <= kKnnMaxClasses; ++i) {
        many.x.push_back(static_cast<double>(i));
        many.y.push_back(static_cast<double>(i) / 7);
    }
    expect_failure(ErrorKind::InvalidParameter, "distinct values", [&] { fit_knn(many, "{}"); });
    const auto m = fit_knn(r, R"({"neighbors": 1})");
    const double far[2] = {1e200, -1e200};
    expect_failure(ErrorKind::DataException, "overflows", [&] { m->predict(far); });
}

TEST(Knn, ClaimsItsRowsBeforeCopying) {
    KnnRows r;
    r.p = 100;
    r.x.assign(100 * 1000, 0.5);
    r.y.assign(1000, 1);
    MemoryBudget small(512 * 1024);
    expect_failure(ErrorKind::OutOfMemory, "knn_fit model", [&] { fit_knn(r, "{}", &small); });
}

TEST(Knn, RoundTrip) {
    const json doc = load_reference();
    const json& c = doc["cases"][1];
    const auto m = fit_knn(rows_of(c), c["options"].dump());
    const auto bytes = to_bytes(*m);
    const auto again = load_model(bytes.data(), bytes.size());
    const auto& back = model_as<KnnModel>(*again);
    EXPECT_EQ(to_bytes(back), bytes);
    EXPECT_EQ(back.class_names(), m->class_names());
    std::vector<double> x;
    for (const json& v : c["queries"][3]) x.push_back(v.get<double>());
    EXPECT_EQ(back.predict(x.data()), m->predict(x.data()));
    EXPECT_TRUE(contains(model_info_json(bytes.data(), bytes.size()), "\"row_ids\":\"id\""));
}

// ---------------------------------------------------------------- batches

// predict_many of the queries (row-major) on `threads` workers.
std::vector<double> batch(const KnnModel& m, const std::vector<double>& queries, int threads = 2) {
    MemoryBudget unlimited;
    StopToken never;
    std::vector<double> out(queries.size() / m.feature_count());
    m.predict_many(queries.data(), out.size(), out.data(), threads, unlimited, never);
    return out;
}

// Every query's batch answer is predict's, to the bit, with either kernel.
void expect_batch_equals_single(const KnnModel& m, const std::vector<double>& queries, const std::string& what) {
    for (bool baseline : {false, true}) {
        knn_kernel::use_baseline(baseline);
        const std::vector<double> many = batch(m, queries);
        std::size_t differ = 0;
        for (std::size_t q = 0; q < many.size(); ++q) {
            const double one = m.predict(queries.data() + q * m.feature_count());
            if (std::memcmp(&one, &many[q], sizeof one) != 0) ++differ;
        }
        EXPECT_EQ(differ, 0u) << what << (baseline ? " (baseline kernel)" : " (best kernel)") << ": of "
                              << many.size();
    }
    knn_kernel::use_baseline(false);
}

TEST(KnnBatch, EqualsSingleOnTheScikitLearnFixtures) {
    const json doc = load_reference();
    for (const json& c : doc["cases"]) {
        const auto model = fit_knn(rows_of(c), c["options"].dump());
        std::vector<double> queries;
        for (const json& q : c["queries"])
            for (const json& v : q) queries.push_back(v.get<double>());
        expect_batch_equals_single(*model, queries, c["name"].get<std::string>());
        // and scikit-learn's predictions still, now from the batch
        const std::vector<double> many = batch(*model, queries);
        for (std::size_t q = 0; q < many.size(); ++q)
            expect_near(many[q], c["predict"][q].get<double>(), c["name"].get<std::string>() + " batch");
    }
}

// Random rows and queries whose counts are no multiple of a block or a
// kernel tile; small integers (ties at the k-th distance everywhere) and
// real numbers; every metric, task and weighting.
TEST(KnnBatch, EqualsSingleOnRandomRows) {
    std::mt19937 rng(18);
    std::normal_distribution<double> normal;
    std::uniform_int_distribution<int> small(-2, 2);
    for (bool integers : {true, false}) {
        KnnRows r;
        r.p = 13;
        for (int i = 0; i < 1531; ++i) {
            for (std::size_t j = 0; j < r.p; ++j) r.x.push_back(integers ? small(rng) : normal(rng));
            r.y.push_back(i % 4);
        }
        std::vector<double> queries;
        for (int i = 0; i < 203 * 13; ++i) queries.push_back(integers ? small(rng) : normal(rng));
        queries.insert(queries.end(), r.x.begin(), r.x.begin() + 13 * 5);  // training rows: distance 0
        for (const char* options :
             {R"({"neighbors": 7})", R"({"neighbors": 7, "weights": "distance"})",
              R"({"neighbors": 4, "task": "regression", "weights": "distance"})",
              R"({"neighbors": 9, "metric": "cosine"})", R"({"neighbors": 1, "task": "regression", "metric": "cosine"})",
              R"({"neighbors": 1531, "task": "regression"})"}) {
            const auto m = fit_knn(r, options);
            expect_batch_equals_single(*m, queries, std::string(integers ? "integers " : "reals ") + options);
        }
    }
}

TEST(KnnBatch, ReservesItsBuffersAndStops) {
    KnnRows r;
    r.p = 4;
    for (int i = 0; i < 5000; ++i) {
        for (int j = 0; j < 4; ++j) r.x.push_back((i * 7 + j) % 11);
        r.y.push_back(i % 2);
    }
    const auto m = fit_knn(r, R"({"neighbors": 3000})");
    const std::vector<double> queries(4 * 100, 0.5);
    std::vector<double> out(100);
    StopToken never;
    MemoryBudget small(64 * 1024);  // a block's heaps alone: 48 x 3000 x 16 bytes
    expect_failure(ErrorKind::OutOfMemory, "k-NN's buffers",
                   [&] { m->predict_many(queries.data(), 100, out.data(), 2, small, never); });
    MemoryBudget unlimited;
    StopToken stopped([] { return true; });
    EXPECT_THROW(m->predict_many(queries.data(), 100, out.data(), 2, unlimited, stopped), Cancelled);
}

// The kernel's promise: each product is the chain acc = acc + x[k] q[k]
// over k in order (fused where it fuses), whatever the query count.
TEST(KnnKernel, OneRoundingOrderPerPair) {
    std::mt19937 rng(3);
    std::normal_distribution<double> normal;
    const std::size_t p = 37, rows = 301;
    std::vector<double> x(rows * p);
    for (double& v : x) v = normal(rng);
    for (bool baseline : {false, true}) {
        knn_kernel::use_baseline(baseline);
        for (std::size_t count : {1, 2, 3, 5, 12, 13, 48}) {
            std::vector<double> q(count * p);
            for (double& v : q) v = normal(rng);
            std::vector<double> packed(knn_kernel::packed_size(count, p));
            knn_kernel::pack_queries(q.data(), count, p, packed.data());
            const std::size_t lanes = knn_kernel::lanes(), groups = (count + lanes - 1) / lanes;
            std::vector<double> dots(groups * lanes * rows);
            knn_kernel::dot_products(packed.data(), groups, x.data(), rows, p, dots.data());
            const bool fused = lanes == 4;  // the AVX2 + FMA kernel
            std::size_t differ = 0;
            for (std::size_t i = 0; i < count; ++i)
                for (std::size_t r = 0; r < rows; ++r) {
                    volatile double acc = 0;  // one rounding per step, as the baseline kernel
                    for (std::size_t k = 0; k < p; ++k) {
                        if (fused) acc = std::fma(x[r * p + k], q[i * p + k], acc);
                        else {
                            volatile double product = x[r * p + k] * q[i * p + k];
                            acc = acc + product;
                        }
                    }
                    if (acc != dots[i * rows + r]) ++differ;
                }
            EXPECT_EQ(differ, 0u) << count << " queries, " << lanes << " lanes";
        }
    }
    knn_kernel::use_baseline(false);
}

}  // namespace
}  // namespace recsys
