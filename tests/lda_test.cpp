// Linear discriminant analysis (src/core/discriminant): against
// scikit-learn's LinearDiscriminantAnalysis (tests/fixtures/lda_reference.json,
// made by make_classics_fixtures.py), the closed form on two Gaussians, the
// summary's exact merge (parallel workers), errors and the round trip.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <Eigen/LU>
#include <cmath>
#include <fstream>
#include <random>

#include "discriminant/lda.h"
#include "expect_failure.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;
using nlohmann::json;

struct LdaRows {
    std::vector<std::string> names;
    std::vector<double> x;
    std::size_t p = 0;
};

// The rows [begin, end) as the aggregate hands them to the summary.
TrainingRows view(const LdaRows& r, std::vector<std::string_view>& names, std::size_t begin, std::size_t end) {
    names.assign(r.names.begin() + static_cast<std::ptrdiff_t>(begin), r.names.begin() + static_cast<std::ptrdiff_t>(end));
    TrainingRows rows;
    rows.count = end - begin;
    rows.columns.push_back({"class", ColumnType::Text, names.data(), 1});
    rows.columns.push_back({"features", ColumnType::Float64Array, r.x.data() + begin * r.p, r.p});
    return rows;
}

std::unique_ptr<RowSummary> summarize(const LdaRows& r, const Options& o, std::size_t begin, std::size_t end) {
    MemoryBudget unlimited;
    std::vector<std::string_view> names;
    TrainingRows shape = view(r, names, begin, begin);
    auto s = lda_summary().create(shape, o, unlimited);
    TrainingRows rows = view(r, names, begin, end);
    s->add(rows, unlimited);
    return s;
}

// Fits on the rows, in `parts` parallel summaries merged (through bytes, as between processes).
LdaModel fit(const LdaRows& r, const std::string& options, std::size_t parts = 1) {
    const Options o = parse_options(options, lda_option_schema());
    const std::size_t n = r.names.size();
    std::unique_ptr<RowSummary> total = summarize(r, o, 0, n / parts);
    MemoryBudget unlimited;
    std::vector<std::string_view> names;
    const TrainingRows shape = view(r, names, 0, 0);
    for (std::size_t k = 1; k < parts; ++k) {
        auto part = summarize(r, o, k * n / parts, (k + 1) * n / parts);
        ByteWriter counter;
        part->write(counter);
        std::vector<unsigned char> bytes(counter.size());
        ByteWriter w(bytes.data(), bytes.size());
        part->write(w);
        ByteReader reader(bytes.data(), bytes.size());
        auto back = lda_summary().read(reader, shape, o, unlimited);
        total->merge(*back, unlimited);
    }
    TrainingRows rows = shape;
    rows.summary = total.get();
    rows.summarized = n;
    static StopToken never;
    TrainContext ctx{1, nullptr, &never, nullptr};
    std::unique_ptr<Model> m = lda_kind().fit(rows, o, ctx);
    return static_cast<LdaModel&>(*m);
}

json load_reference() {
    std::ifstream in(std::string(RECSYS_FIXTURES) + "/lda_reference.json");
    EXPECT_TRUE(in.good()) << "tests/fixtures/lda_reference.json is missing";
    return json::parse(in);
}

LdaRows rows_of(const json& c) {
    LdaRows r;
    r.p = c["x"][0].size();
    for (std::size_t i = 0; i < c["x"].size(); ++i) {
        for (const json& v : c["x"][i]) r.x.push_back(v.get<double>());
        r.names.push_back(c["y"][i].get<std::string>());
    }
    return r;
}

void expect_near(double ours, double theirs, double tolerance, const std::string& what) {
    EXPECT_LE(std::fabs(ours - theirs), tolerance * std::max(1.0, std::fabs(theirs)))
        << what << ": ours " << ours << ", scikit-learn " << theirs;
}

TEST(Lda, EqualsScikitLearn) {
    const json doc = load_reference();
    ASSERT_GE(doc["cases"].size(), 6u);
    for (const json& c : doc["cases"]) {
        for (std::size_t parts : {1, 3}) {
            SCOPED_TRACE(c["name"].get<std::string>() + " in " + std::to_string(parts) + " parts");
            const LdaModel m = fit(rows_of(c), c["options"].dump(), parts);
            ASSERT_EQ(m.class_names().size(), c["classes"].size());
            for (std::size_t k = 0; k < m.class_names().size(); ++k) EXPECT_EQ(m.class_names()[k], c["classes"][k]);
            ASSERT_EQ(m.components(), c["transform"][0].size());
            auto query = [&](std::size_t q) {
                std::vector<double> x;
                for (const json& v : c["queries"][q]) x.push_back(v.get<double>());
                return x;
            };
            // A direction's sign is the SVD's or eigensolver's choice: fixed, for each, by the
            // query farthest along it.
            std::vector<double> sign(m.components(), 1);
            for (std::size_t d = 0; d < sign.size(); ++d) {
                std::size_t far = 0;
                for (std::size_t q = 0; q < c["queries"].size(); ++q)
                    if (std::fabs(c["transform"][q][d].get<double>()) > std::fabs(c["transform"][far][d].get<double>()))
                        far = q;
                std::vector<double> t(m.components());
                m.transform(query(far).data(), t.data());
                sign[d] = (t[d] > 0) == (c["transform"][far][d].get<double>() > 0) ? 1 : -1;
            }
            for (std::size_t q = 0; q < c["queries"].size(); ++q) {
                const std::vector<double> x = query(q);
                std::vector<double> p(m.class_names().size()), t(m.components());
                m.class_probabilities(x.data(), p.data());
                const std::size_t best = static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
                EXPECT_EQ(m.class_names()[best], c["predict"][q].get<std::string>()) << "query " << q;
                for (std::size_t k = 0; k < p.size(); ++k)
                    expect_near(p[k], c["proba"][q][k].get<double>(), 1e-8, "probability");
                m.transform(x.data(), t.data());
                for (std::size_t d = 0; d < t.size(); ++d)
                    expect_near(sign[d] * t[d], c["transform"][q][d].get<double>(), 1e-7, "transform");
            }
        }
    }
}

// Two Gaussians with one covariance: the closed form w = S^-1 (m1 - m0),
// b = -w.(m0 + m1)/2 + log(n1 / n0), on the sample's own means and scatter.
TEST(Lda, ClosedFormOnTwoGaussians) {
    std::mt19937 rng(3);
    std::normal_distribution<double> normal(0, 1);
    LdaRows r;
    r.p = 2;
    for (int i = 0; i < 3000; ++i) {
        const bool one = i % 3 == 0;
        const double a = normal(rng), b = normal(rng);
        r.x.push_back((one ? 2 : 0) + a);
        r.x.push_back((one ? -1 : 0) + 0.5 * a + b);
        r.names.push_back(one ? "one" : "zero");
    }
    Eigen::Vector2d m0 = Eigen::Vector2d::Zero(), m1 = Eigen::Vector2d::Zero();
    double n0 = 0, n1 = 0;
    for (std::size_t i = 0; i < r.names.size(); ++i) {
        const Eigen::Vector2d x(r.x[2 * i], r.x[2 * i + 1]);
        if (r.names[i] == "one") m1 += x, n1 += 1;
        else m0 += x, n0 += 1;
    }
    m0 /= n0;
    m1 /= n1;
    Eigen::Matrix2d s = Eigen::Matrix2d::Zero();
    for (std::size_t i = 0; i < r.names.size(); ++i) {
        const Eigen::Vector2d x(r.x[2 * i], r.x[2 * i + 1]);
        const Eigen::Vector2d e = x - (r.names[i] == "one" ? m1 : m0);
        s += e * e.transpose();
    }
    for (const char* solver : {"svd", "eigen"}) {
        SCOPED_TRACE(solver);
        // The covariance: the eigen solver's prior-weighted biased ones, the
        // svd solver's pooled unbiased one (scikit-learn's, each).
        const double dof = std::string(solver) == "eigen" ? n0 + n1 : n0 + n1 - 2;
        const Eigen::Vector2d w = (s / dof).inverse() * (m1 - m0);
        const double b = -0.5 * w.dot(m0 + m1) + std::log(n1 / n0);
        const LdaModel m = fit(r, std::string(R"({"solver": ")") + solver + "\"}");
        // classes sorted: "one", "zero"; the log-odds of "one" is w.x + b
        for (const Eigen::Vector2d& x : {Eigen::Vector2d(0, 0), Eigen::Vector2d(1.5, -2), Eigen::Vector2d(-3, 1)}) {
            double p[2];
            m.class_probabilities(x.data(), p);
            EXPECT_NEAR(std::log(p[0] / p[1]), w.dot(x) + b, 1e-9);
        }
    }
}

TEST(Lda, Errors) {
    LdaRows r;
    r.p = 2;
    r.x = {0, 1, 2, 3, 4, 5};
    r.names = {"a", "a", "a"};
    expect_failure(ErrorKind::InvalidParameter, "at least two classes", [&] { fit(r, "{}"); });
    r.names = {"a", "b", "b"};
    expect_failure(ErrorKind::InvalidParameter, "shrinkage", [&] {
        parse_options(R"({"shrinkage": 0.5})", lda_option_schema());
    });
    expect_failure(ErrorKind::InvalidParameter, "shrinkage", [&] {
        parse_options(R"({"solver": "eigen", "shrinkage": 1.5})", lda_option_schema());
    });
    expect_failure(ErrorKind::InvalidParameter, "shrinkage", [&] {
        parse_options(R"({"solver": "eigen", "shrinkage": "lots"})", lda_option_schema());
    });
    EXPECT_EQ(parse_options(R"({"solver": "eigen", "shrinkage": 0.25})", lda_option_schema()).string("shrinkage"),
              "0.25");
    LdaRows flat;
    flat.p = 2;
    flat.x = {1, 1, 1, 1, 2, 2, 2, 2};
    flat.names = {"a", "a", "b", "b"};
    expect_failure(ErrorKind::DataException, "do not vary", [&] { fit(flat, "{}"); });
    LdaRows collinear;
    collinear.p = 2;
    for (int i = 0; i < 10; ++i) {
        collinear.x.push_back(i);
        collinear.x.push_back(2 * i);
        collinear.names.push_back(i % 2 ? "a" : "b");
    }
    expect_failure(ErrorKind::DataException, "singular", [&] { fit(collinear, R"({"solver": "eigen"})"); });
    const LdaModel m = fit(collinear, R"({"solver": "eigen", "shrinkage": "auto"})");  // shrinkage makes it regular
    EXPECT_EQ(m.class_names().size(), 2u);
    expect_failure(ErrorKind::InvalidParameter, "predicts a class", [&] { m.predict(r.x.data()); });
}

TEST(Lda, RoundTrip) {
    const json doc = load_reference();
    const LdaModel m = fit(rows_of(doc["cases"][3]), doc["cases"][3]["options"].dump());
    const auto bytes = to_bytes(m);
    const auto again = load_model(bytes.data(), bytes.size());
    EXPECT_EQ(to_bytes(*again), bytes);
    const std::string info = model_info_json(bytes.data(), bytes.size());
    EXPECT_TRUE(contains(info, "\"classes\":[\"alpha\",\"beta\",\"gamma\"]")) << info;
    EXPECT_TRUE(contains(info, "\"shrinkage\":\"auto\"")) << info;
}

}  // namespace
}  // namespace recsys
