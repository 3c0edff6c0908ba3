// Checksum-valid mutations of a saved model of every kind (the golden
// fixtures) through everything that takes model bytes: model_info, load,
// and the kind's scoring (predict, transform and impute, recommend and
// similar_items, explore, a pipeline's predict on a raw row). Each call must
// answer, or throw a recsys::Error; what it answers must be valid (finite
// predictions, indices in range), and nothing may crash (CI runs this under
// ASan and UBSan). A model that loads must also write itself and load again.
//
// The seed is fixed: the same mutations on every run. Mutations per kind:
// every one-byte field set to each of 18 values, then kMutations random
// edits (the sanitizer build runs the whole test in about 30 s).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>

#include "golden_models.h"
#include "model_mutator.h"

namespace recsys {
namespace {

using namespace recsys::test;

constexpr int kMutations = 3000;
constexpr std::uint64_t kSeed = 16;

// ---------------------------------------------------------------- scoring

// Feature vectors to score: ordinary, large and small values.
std::vector<std::vector<double>> feature_inputs(std::size_t p) {
    std::vector<std::vector<double>> rows(4, std::vector<double>(p));
    for (std::size_t j = 0; j < p; ++j) {
        rows[1][j] = j % 2 ? -1.5 : 2.0;
        rows[2][j] = j % 2 ? -1e300 : 1e300;
        rows[3][j] = 1e-300;
    }
    return rows;
}

void score_feature_model(const FeatureModel& m, bool probability) {
    if (m.feature_count() > 100000) return;  // a forged count may be large and valid; scoring it is slow only
    for (const auto& x : feature_inputs(m.feature_count())) {
        double y;
        try {
            y = m.predict(x.data());
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::DataException) << e.what();
            continue;
        }
        EXPECT_TRUE(std::isfinite(y)) << m.kind() << " predicted " << y;
        if (probability) {
            EXPECT_TRUE(y >= 0 && y <= 1) << m.kind() << " predicted " << y;
        }
    }
    if (const auto* linear = dynamic_cast<const LinearModel*>(&m)) linear->coefficient_table();
}

// Trees: feature vectors with missing values too, and the class probabilities.
void score_trees(const TreeModel& m) {
    if (m.feature_count() > 100000) return;
    auto rows = feature_inputs(m.feature_count());
    rows.emplace_back(m.feature_count(), std::nan(""));
    const bool probability = m.trees.objective == TreeObjective::Logistic;
    for (const auto& x : rows) {
        try {
            const double y = m.predict(x.data());
            EXPECT_TRUE(std::isfinite(y)) << m.kind() << " predicted " << y;
            if (probability) {
                EXPECT_TRUE(y >= 0 && y <= 1) << m.kind() << " predicted " << y;
            }
            if (m.trees.objective == TreeObjective::Logistic || m.is_multiclass()) {
                std::vector<double> p(m.class_names().size());
                m.class_probabilities(x.data(), p.data());
                for (double v : p) EXPECT_TRUE(v >= 0 && v <= 1) << v;
            }
            for (const Contribution& c : model_contributions(m, x.data(), "model"))
                EXPECT_TRUE(std::isfinite(c.value)) << c.value;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::DataException) << e.what();  // forged leaves whose sum overflows
        }
    }
    model_importance(m, "model");
}

// Raw rows for a featurizer: the golden queries, a row of wrong types and
// one of extreme numbers.
std::vector<std::vector<RawValue>> raw_inputs(const FeaturizerModel& f) {
    std::vector<std::vector<RawValue>> rows;
    for (const auto& row : golden_queries()) rows.push_back(values_in_order(f, row));
    rows.emplace_back(f.column_count(), RawValue::of_text("x"));
    rows.emplace_back(f.column_count(), RawValue::of(-1e300));
    rows.emplace_back(f.column_count(), RawValue::of_bool(true));
    return rows;
}

void score_featurizer(const FeaturizerModel& f) {
    std::vector<double> out(f.feature_count());
    for (const auto& values : raw_inputs(f))
        for (bool training : {false, true}) {
            try {
                f.transform(values.data(), out.data(), training);
            } catch (const Error& e) {
                EXPECT_EQ(e.kind(), ErrorKind::DataException) << e.what();
                continue;
            }
            for (double x : out) EXPECT_TRUE(std::isfinite(x)) << "transform gave " << x;
            f.imputed_json(values.data());
        }
}

void score_pipeline(const PipelineModel& p) {
    std::vector<double> scratch(p.featurizer().feature_count());
    for (const auto& values : raw_inputs(p.featurizer())) {
        try {
            const double y = p.predict(values.data(), scratch.data());
            EXPECT_TRUE(std::isfinite(y)) << "pipeline predicted " << y;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::DataException) << e.what();
        }
    }
    try {
        p.coefficient_table();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter) << e.what();  // an estimator without coefficients
    }
}

void expect_valid(const CandidateModel& m, const std::vector<Scored>& list) {
    for (const Scored& s : list) {
        EXPECT_TRUE(s.index >= 0 && static_cast<std::size_t>(s.index) < m.items()) << s.index;
        EXPECT_FALSE(std::isnan(s.score));
    }
}

// Any candidate generator (ALS, BPR, item neighbours): its serving, and an explanation where
// its kind has one (parts of training items, the rest last).
void score_candidates(const CandidateModel& m) {
    const CandidateQuery q = query(3);
    for (std::int64_t user : {std::int64_t(10), std::int64_t(40), std::int64_t(-1)}) expect_valid(m, m.recommend(user, q));
    if (m.users() > 0) {
        expect_valid(m, m.recommend(m.user_ids.front(), q));
        expect_valid(m, m.recommend(m.user_ids.back(), q));
    }
    if (m.items() > 0) {
        expect_valid(m, m.similar_items(m.item_ids[0], 3));
        try {
            expect_valid(m, m.recommend_for_items({m.item_ids[0], 12345}, {2.0, 1.0}, q));
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::DataException) << e.what();  // a fold-in that overflows
        }
    }
    std::vector<Scored> out;
    std::vector<std::size_t> counts;
    StopToken stop;
    m.recommend_users(0, m.users(), 2, true, 1, stop, out, counts);
    expect_valid(m, out);
    if (m.users() > 0 && m.items() > 0) {
        try {
            for (const Scored& s : m.explain(0, m.items() - 1)) {
                EXPECT_TRUE(s.index >= -1 && s.index < static_cast<std::int64_t>(m.items())) << s.index;
                EXPECT_FALSE(std::isnan(s.score));
            }
        } catch (const Error& e) {
            // a kind, or an old model, that cannot explain; a solve that overflows
            EXPECT_TRUE(e.kind() == ErrorKind::InvalidParameter || e.kind() == ErrorKind::DataException) << e.what();
        }
    }
}

// Co-occurrence embeddings: neighbours of the first and last items (valid
// indices, cosines in [-1, 1]) and finite vectors.
void score_cooccurrence(const CooccurrenceModel& m) {
    for (std::int64_t id : {m.item_ids.front(), m.item_ids.back(), std::int64_t(-7)})
        for (const Scored& s : m.similar_items(id, 3)) {
            EXPECT_TRUE(s.index >= 0 && static_cast<std::size_t>(s.index) < m.items()) << s.index;
            EXPECT_TRUE(s.score >= -1.0001f && s.score <= 1.0001f) << s.score;
        }
    for (std::size_t d = 0; d < m.dimensions(); ++d) EXPECT_TRUE(std::isfinite(m.item_vector(m.items() - 1)[d]));
}

void score_bandit(const BanditModel& m) {
    std::vector<std::int64_t> candidates = kBanditCandidates;
    for (std::size_t i = 0; i < m.counts.items.size() && i < 8; ++i)
        if (m.find(m.counts.items[i]) >= 0 &&
            std::find(candidates.begin(), candidates.end(), m.counts.items[i]) == candidates.end())
            candidates.push_back(m.counts.items[i]);
    ExploreRequest request;
    request.items = candidates.data();
    request.n = candidates.size();
    request.k = 5;
    request.epsilon = 0.5;
    for (std::uint64_t seed : {1, 2}) {
        request.seed = seed;
        for (const ExploreSlot& s : explore(m, request)) {
            EXPECT_TRUE(s.sample >= 0 && s.sample <= 1) << "a Thompson draw of " << s.sample;
            EXPECT_NE(std::find(candidates.begin(), candidates.end(), s.item), candidates.end());
        }
    }
}

// A k-NN model: its prediction (a class's value or a mean: any finite
// number), its class probabilities (summing to 1) and its neighbours.
void score_knn(const KnnModel& m) {
    score_feature_model(m, false);
    if (m.feature_count() > 100000) return;
    for (const auto& x : feature_inputs(m.feature_count())) {
        try {
            for (const Neighbour& n : m.nearest(x.data(), 3)) {
                EXPECT_LT(n.position, m.row_count());
                EXPECT_TRUE(n.distance >= 0) << n.distance;
            }
            if (!m.classifies()) continue;
            std::vector<double> p(m.class_names().size());
            m.class_probabilities(x.data(), p.data());
            double total = 0;
            for (double v : p) total += v;
            EXPECT_NEAR(total, 1, 1e-9);
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::DataException) << e.what();
        }
    }
}

// An LDA: its class probabilities (summing to 1) and its transform (finite);
// predict is refused (a class is text).
void score_lda(const LdaModel& m) {
    for (const auto& x : feature_inputs(m.feature_count())) {
        try {
            std::vector<double> p(m.class_names().size()), t(m.components());
            m.class_probabilities(x.data(), p.data());
            double total = 0;
            for (double v : p) total += v;
            EXPECT_NEAR(total, 1, 1e-9);
            m.transform(x.data(), t.data());
            for (double v : t) EXPECT_TRUE(std::isfinite(v)) << v;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::DataException) << e.what();
        }
    }
}

// Factors predicted from features: finite, or a DataException.
void score_item_factors(const ItemFactorsModel& m) {
    std::vector<float> out(m.outputs());
    for (const auto& x : feature_inputs(m.feature_count())) {
        try {
            m.predict(x.data(), out.data());
            for (float v : out) EXPECT_TRUE(std::isfinite(v)) << v;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::DataException) << e.what();
        }
    }
}

void score(const Model& m) {
    if (const auto* p = dynamic_cast<const PipelineModel*>(&m)) score_pipeline(*p);
    else if (const auto* f = dynamic_cast<const FeaturizerModel*>(&m)) score_featurizer(*f);
    else if (const auto* a = dynamic_cast<const CandidateModel*>(&m)) score_candidates(*a);
    else if (const auto* b = dynamic_cast<const BanditModel*>(&m)) score_bandit(*b);
    else if (const auto* c = dynamic_cast<const CooccurrenceModel*>(&m)) score_cooccurrence(*c);
    else if (const auto* k = dynamic_cast<const KnnModel*>(&m)) score_knn(*k);
    else if (const auto* l = dynamic_cast<const LdaModel*>(&m)) score_lda(*l);
    else if (const auto* t = dynamic_cast<const TreeModel*>(&m)) score_trees(*t);
    else if (const auto* i = dynamic_cast<const ItemFactorsModel*>(&m)) score_item_factors(*i);
    else if (const auto* e = dynamic_cast<const FeatureModel*>(&m))
        // (a probability but for a regression, a relative hazard and an SVM's decision value)
        score_feature_model(*e, !dynamic_cast<const LinregModel*>(e) && !dynamic_cast<const CoxModel*>(e) &&
                                    !dynamic_cast<const SvmModel*>(e));
    else ADD_FAILURE() << "no scoring for kind " << m.kind();
}

// ---------------------------------------------------------------- one mutation

struct Tally {
    int cases = 0, loaded = 0;
};

// model_info, load, scoring, and a round trip through the writer.
void exercise(const Bytes& b, Tally& tally) {
    ++tally.cases;
    try {
        model_info_json(b.data(), b.size());
    } catch (const Error&) {
    }
    std::shared_ptr<const Model> m;
    try {
        m = load_model(b.data(), b.size());
    } catch (const Error& e) {
        // A model's bytes are corrupted, or of a newer payload version.
        EXPECT_TRUE(e.kind() == ErrorKind::Corrupted || e.kind() == ErrorKind::InvalidInput) << e.what();
        return;
    }
    ++tally.loaded;
    m->metadata_json();
    m->memory_bytes();
    score(*m);
    const Bytes again = to_bytes(*m);
    EXPECT_NO_THROW(load_model(again.data(), again.size())) << "a model that loaded does not load once written";
}

// Runs the mutations of one model, reporting (a failure) the first cases that fail.
void fuzz(const char* kind, const Bytes& model, int mutations, const std::function<Bytes(Mutator&)>& mutate) {
    ASSERT_FALSE(model.empty());
    const auto started = std::chrono::steady_clock::now();
    Mutator mutator(model, kSeed);
    Tally tally;
    const std::vector<Bytes> sweep = mutator.enum_sweep();
    for (std::size_t i = 0; i < sweep.size() && !::testing::Test::HasFailure(); ++i) {
        SCOPED_TRACE(std::string(kind) + " enum sweep " + std::to_string(i));
        exercise(sweep[i], tally);
    }
    for (int i = 0; i < mutations && !::testing::Test::HasFailure(); ++i) {
        const Bytes b = mutate(mutator);
        SCOPED_TRACE(std::string(kind) + " mutation " + std::to_string(i));
        exercise(b, tally);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("%s: %d mutations (%zu enum edits), %d loaded, %.1f s\n", kind, tally.cases, sweep.size(),
                tally.loaded, seconds);
    EXPECT_EQ(tally.cases, mutations + static_cast<int>(sweep.size()));
    EXPECT_GT(tally.loaded, 0) << "no mutation loaded: the fuzz did not reach the scoring";
    EXPECT_LT(tally.loaded, tally.cases) << "every mutation loaded: the fuzz did not reach the checks";
}

void fuzz_fixture(const char* kind, const std::string& fixture) {
    fuzz(kind, read_fixture(fixture), kMutations, [](Mutator& m) { return m.next(); });
}

TEST(ModelFuzz, Logreg) { fuzz_fixture("logreg", "logreg_v1.model"); }
TEST(ModelFuzz, Linreg) { fuzz_fixture("linreg", "linreg_v1.model"); }
TEST(ModelFuzz, Mlp) { fuzz_fixture("mlp", "mlp_v1.model"); }
TEST(ModelFuzz, Featurizer) { fuzz_fixture("featurizer", "featurizer_v1.model"); }
TEST(ModelFuzz, Bandit) { fuzz_fixture("bandit", "bandit_v1.model"); }
TEST(ModelFuzz, AlsVersion1) { fuzz_fixture("als v1", "als_v1.model"); }
TEST(ModelFuzz, Als) { fuzz_fixture("als", "als_v3.model"); }
TEST(ModelFuzz, AlsVersion4) { fuzz_fixture("als v4", "als_v4.model"); }
TEST(ModelFuzz, Bpr) { fuzz_fixture("bpr", "bpr_v1.model"); }
TEST(ModelFuzz, Coxph) { fuzz_fixture("coxph", "coxph_v1.model"); }
TEST(ModelFuzz, Knn) { fuzz_fixture("knn", "knn_v1.model"); }
TEST(ModelFuzz, Lda) { fuzz_fixture("lda", "lda_v1.model"); }
TEST(ModelFuzz, Svm) { fuzz_fixture("svm", "svm_v1.model"); }
TEST(ModelFuzz, ItemFactors) { fuzz_fixture("item_factors", "item_factors_v1.model"); }
TEST(ModelFuzz, Gbt) { fuzz_fixture("gbt", "gbt_v1.model"); }
TEST(ModelFuzz, Forest) { fuzz_fixture("forest", "forest_v1.model"); }
TEST(ModelFuzz, ItemKnn) { fuzz_fixture("itemknn", "itemknn_v1.model"); }
TEST(ModelFuzz, Cooccurrence) { fuzz_fixture("cooccurrence", "cooccurrence_v1.model"); }

// A pipeline nests two whole models, each with its own checksum: a third of
// the mutations edit the pipeline's own payload, the others one of its
// parts (a featurizer, a logreg estimator) with the part's checksum made
// valid too, so that they reach the parts' readers inside the pipeline's.
TEST(ModelFuzz, Pipeline) {
    const Bytes model = read_fixture("pipeline_v1.model");
    ASSERT_FALSE(model.empty());
    const ModelParts parts = split_model(model);
    // The parts as the fixture holds them (written again they would differ:
    // their options are written under today's names).
    std::vector<Bytes> stored;
    for (std::size_t at = 4; at + 8 <= parts.payload.size() && stored.size() < 2;) {
        std::uint64_t size = 0;
        std::memcpy(&size, parts.payload.data() + at, 8);
        ASSERT_LE(size, parts.payload.size() - at - 8);
        stored.emplace_back(parts.payload.begin() + static_cast<std::ptrdiff_t>(at + 8),
                            parts.payload.begin() + static_cast<std::ptrdiff_t>(at + 8 + size));
        at += 8 + size;
    }
    ASSERT_EQ(stored.size(), 2u);
    Mutator featurizer(stored[0], kSeed + 1), estimator(stored[1], kSeed + 2);
    auto with_parts = [&](const Bytes& f, const Bytes& e) {
        ModelParts p = parts;
        p.payload.assign(parts.payload.begin(), parts.payload.begin() + 4);  // the payload version
        for (const Bytes* part : {&f, &e}) {
            const std::uint64_t size = part->size();
            p.payload.insert(p.payload.end(), reinterpret_cast<const unsigned char*>(&size),
                             reinterpret_cast<const unsigned char*>(&size) + 8);
            p.payload.insert(p.payload.end(), part->begin(), part->end());
        }
        return wrap_model(p);
    };
    const Bytes& f = stored[0];
    const Bytes& e = stored[1];
    ASSERT_EQ(with_parts(f, e), model) << "the pipeline layout is not the one pipeline.h documents";
    EXPECT_EQ(load_model(f.data(), f.size())->kind(), std::string("featurizer"));
    EXPECT_EQ(load_model(e.data(), e.size())->kind(), std::string("logreg"));
    fuzz("pipeline", model, kMutations, [&](Mutator& outer) {
        switch (outer.below(3)) {
            case 0: return outer.next();
            case 1: return with_parts(featurizer.next(), e);
            default: return with_parts(f, estimator.next());
        }
    });
}

// A payload under another kind's name: each reader must refuse the others'.
TEST(ModelFuzz, PayloadsUnderAnotherKind) {
    const char* const fixtures[] = {"logreg_v1.model", "linreg_v1.model", "mlp_v1.model",  "featurizer_v1.model",
                                    "bandit_v1.model", "als_v3.model",    "pipeline_v1.model", "coxph_v1.model",
                                    "knn_v1.model",    "lda_v1.model",    "svm_v1.model",      "gbt_v1.model",
                                    "forest_v1.model", "itemknn_v1.model", "cooccurrence_v1.model",
                                    "als_v4.model",    "bpr_v1.model",     "item_factors_v1.model"};
    Tally tally;
    for (const char* from : fixtures)
        for (const ModelKind* kind : model_kinds()) {
            ModelParts parts = split_model(read_fixture(from));
            if (parts.kind == kind->aggregate.name) continue;
            parts.kind = kind->aggregate.name;
            exercise(wrap_model(parts), tally);
        }
    EXPECT_EQ(tally.loaded, 0);
}

}  // namespace
}  // namespace recsys
