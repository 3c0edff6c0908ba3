// The golden saved model of every kind (tests/fixtures, made by golden_models.h):
// it still loads, model_info tells what it is, and it predicts what it did
// when it was saved. A change of a payload layout that old models no longer
// read, or read differently, fails here.
//
// To write a fixture (only for a new kind or a new payload version: an
// existing fixture is never rewritten), run with RECSYS_WRITE_GOLDEN=1: every
// test then writes its fixture and prints the values to record below instead
// of checking them.
#include <cstdio>
#include <cstdlib>

#include "golden_models.h"
#include "model_mutator.h"

namespace recsys {
namespace {

using namespace recsys::test;

bool writing() {
    const char* w = std::getenv("RECSYS_WRITE_GOLDEN");
    return w && std::string(w) == "1";
}

void write_file(const std::string& name, const std::string& text) {
    std::ofstream(fixture_path(name), std::ios::binary).write(text.data(), static_cast<std::streamsize>(text.size()));
}

// One line of hex digits without a newline, as `xxd -p | tr -d '\n'` writes
// it (what psql's \set of sql/errors.sql reads).
std::string hex_of(const Bytes& b) {
    std::string out;
    for (unsigned char c : b) {
        char two[3];
        std::snprintf(two, sizeof two, "%02x", c);
        out += two;
    }
    return out;
}

const Model& model_of(const Model& m) { return m; }
template <class M>
const Model& model_of(const std::shared_ptr<M>& m) {
    return *m;
}

// The fixture's bytes; when writing, made by `build` first.
template <class Build>
Bytes golden(const std::string& name, Build&& build) {
    if (writing()) {
        const auto built = build();
        const Bytes b = to_bytes(model_of(built));
        write_file(name, std::string(b.begin(), b.end()));
    }
    Bytes b = read_fixture(name);
    EXPECT_FALSE(b.empty()) << "missing fixture " << fixture_path(name);
    return b;
}

// Values equal what was recorded to `tolerance` (relative, absolute below 1);
// when writing, prints them as the C++ list to record.
void expect_recorded(const char* what, const std::vector<double>& got, const std::vector<double>& recorded,
                     double tolerance) {
    if (writing()) {
        std::printf("%s: {", what);
        for (std::size_t i = 0; i < got.size(); ++i) std::printf("%s%.17g", i ? ", " : "", got[i]);
        std::printf("}\n");
        return;
    }
    ASSERT_EQ(got.size(), recorded.size()) << what;
    for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_NEAR(got[i], recorded[i], tolerance * std::max(1.0, std::fabs(recorded[i]))) << what << "[" << i << "]";
}

std::vector<double> predictions(const FeatureModel& m) {
    std::vector<double> out;
    for (const auto& x : kFeatureRows) out.push_back(m.predict(x.data()));
    return out;
}

void expect_info(const Bytes& b, const std::string& kind, const std::string& dimensions) {
    const std::string info = model_info_json(b.data(), b.size());
    EXPECT_TRUE(contains(info, "\"kind\":\"" + kind + "\"")) << info;
    EXPECT_TRUE(contains(info, "\"dimensions\":" + dimensions)) << info;
}

TEST(GoldenModels, Logreg) {
    const Bytes b = golden("logreg_v1.model", golden_logreg);
    expect_info(b, "logreg", "{\"features\":3}");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = model_as<LogregModel>(*kept_m);
    expect_recorded("logreg predictions", predictions(m),
                    {0.37813900059969918, 0.99364561042963717, 0.00035500938253540232}, 1e-12);
    const auto terms = m.coefficient_table();
    ASSERT_EQ(terms.size(), 4u);
    EXPECT_EQ(terms[3].name, "minutes");
}

TEST(GoldenModels, Linreg) {
    const Bytes b = golden("linreg_v1.model", golden_linreg);
    expect_info(b, "linreg", "{\"features\":3}");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = model_as<LinregModel>(*kept_m);
    expect_recorded("linreg predictions", predictions(m), {2.9787994678959557, 10.207523783983904, -6.6935602100929064},
                    1e-12);
    std::vector<double> errors;
    for (const CoefficientRow& row : m.coefficient_table()) errors.push_back(row.std_error);
    expect_recorded("linreg standard errors", errors,
                    {0.038709503563042036, 0.037505564838533019, 0.021492194135332904, 0.013541198569364069}, 1e-9);
}

TEST(GoldenModels, Mlp) {
    const Bytes b = golden("mlp_v1.model", golden_mlp);
    expect_info(b, "mlp", "{\"features\":3,\"layers\":[3,5,3,1],\"parameters\":42}");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = model_as<MlpModel>(*kept_m);
    // The network computes in float: its last bits may follow the SIMD width.
    expect_recorded("mlp predictions", predictions(m), {0.56240033428147507, 0.80901168791903799, 0.28204376122747704},
                    1e-6);
}

// Every feature of every golden query, one after the other.
std::vector<double> transformed(const FeaturizerModel& f) {
    std::vector<double> out;
    for (const auto& row : golden_queries()) {
        std::vector<double> x(f.feature_count());
        f.transform(values_in_order(f, row).data(), x.data());
        out.insert(out.end(), x.begin(), x.end());
    }
    return out;
}

TEST(GoldenModels, Featurizer) {
    const Bytes b = golden("featurizer_v1.model", golden_featurizer);
    expect_info(b, "featurizer", "{\"columns\":9,\"features\":17}");
    const auto kept_f = load_model(b.data(), b.size());
    const auto& f = model_as<FeaturizerModel>(*kept_f);
    const std::vector<std::string> names = {
        "age",         "age=<missing>", "city=east",    "city=north",   "city=south",   "city=west",
        "income",      "income=<missing>", "member",    "member=<missing>", "rooms",    "rooms=<missing>",
        "tag#0",       "tag#1",         "tag#2",        "tag#3",        "zip_id"};
    if (!writing()) {
        EXPECT_EQ(f.feature_names(), names);
    }
    expect_recorded("featurizer transforms", transformed(f), {0.50991777745210987, 1, 0, 0, 0, 0, 0.055924081605369158, 1, 0, 1,
                     -0.60534391138974453, 1, 0, 0, 0, 1, 23.364423529675303, 0.42236940824180663, 0, 0, 0,
                     1, 0, -0.093578268262862238, 0, 1, 0, -0.60534391138974453, 0, 0, 1, 0, 0,
                     22.661639719670102, 0.89700954458505533, 0, 0, 0, 0, 0, 1.1537690285369662, 1, 0, 1,
                     3.1691534184521952, 0, 0, 0, 0, 1, 23.364423529675303}, 1e-12);
    const std::vector<RawValue> holes(f.column_count());
    const std::string imputed = f.imputed_json(holes.data());
    for (const char* column : {"\"age\":", "\"income\":", "\"rooms\":", "\"member\":", "\"tag\":\"none\""})
        EXPECT_TRUE(contains(imputed, column)) << imputed;
}

TEST(GoldenModels, Pipeline) {
    const Bytes b = golden("pipeline_v1.model", golden_pipeline);
    expect_info(b, "pipeline", "{\"columns\":9,\"features\":17}");
    const auto kept_p = load_model(b.data(), b.size());
    const auto& p = model_as<PipelineModel>(*kept_p);
    EXPECT_EQ(std::string(p.estimator().kind()), "logreg");
    std::vector<double> got, scratch(p.featurizer().feature_count());
    for (const auto& row : golden_queries())
        got.push_back(p.predict(values_in_order(p.featurizer(), row).data(), scratch.data()));
    expect_recorded("pipeline predictions", got, {0.44070822275122018, 0.20571681663084432, 0.82784517069076291}, 1e-12);
}

TEST(GoldenModels, Bandit) {
    const Bytes b = golden("bandit_v1.model", golden_bandit);
    expect_info(b, "bandit", "{\"items\":6}");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = model_as<BanditModel>(*kept_m);
    ExploreRequest request;
    request.items = kBanditCandidates.data();
    request.n = kBanditCandidates.size();
    request.k = 5;
    request.epsilon = 0.4;
    request.seed = 7;
    std::vector<double> page;  // item, explored, draw of each slot
    for (const ExploreSlot& s : explore(m, request)) {
        page.push_back(static_cast<double>(s.item));
        page.push_back(s.explored);
        page.push_back(s.sample);
    }
    expect_recorded("bandit page", page, {11, 1, 0.091367427498504836, 9, 1, 0.073757470191540969, 3, 0, 0.074242540569309443, 7,
                     0, 0.033390776593204975, 43, 0, 0.023033682818445575}, 1e-12);
    expect_recorded("bandit prior", {m.prior.a, m.prior.b}, {1.291606505702642, 38.947711623179671}, 1e-12);
}

TEST(GoldenModels, Als) {
    const Bytes b = golden("als_v3.model", golden_als);
    expect_info(b, "als", "{\"users\":4,\"items\":5,\"factors\":3}");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = model_as<AlsModel>(*kept_m);
    std::vector<double> got;  // item, score of each recommendation
    for (std::int64_t user : {10, 20, 30, 40, 99})
        for (const Scored& s : m.recommend(user, query(3, false)))
            got.push_back(static_cast<double>(m.item_ids[static_cast<std::size_t>(s.index)])), got.push_back(s.score);
    for (const Scored& s : m.similar_items(100, 2))
        got.push_back(static_cast<double>(m.item_ids[static_cast<std::size_t>(s.index)])), got.push_back(s.score);
    // Scores are float dot products: their last bits may follow the SIMD width.
    expect_recorded("als recommendations", got, {101, 0.91948920488357544, 100, 0.88361799716949463, 102, 0.59854239225387573, 101,
                     1.0251284837722778, 102, 0.92791241407394409, 100, 0.35639473795890808, 100,
                     1.0197829008102417, 103, 0.93893313407897949, 102, 0.90956670045852661, 104,
                     0.92946571111679077, 102, 0.47225067019462585, 103, 0.14768575131893158, 100, 2, 101,
                     2, 102, 2, 103, 0.57700330018997192, 101, 0.47273904085159302}, 1e-5);
}

// Version 4 keeps the training weights: explain decomposes its scores. A
// version 3 model reads as before and refuses to explain.
TEST(GoldenModels, AlsVersion4) {
    const Bytes b = golden("als_v4.model", golden_als);
    expect_info(b, "als", "{\"users\":4,\"items\":5,\"factors\":3}");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = model_as<AlsModel>(*kept_m);
    std::vector<double> got;  // recommendations of user 10, then (item, contribution) of item 102 for it
    for (const Scored& s : m.recommend(10, query(3, false)))
        got.push_back(static_cast<double>(m.item_ids[static_cast<std::size_t>(s.index)])), got.push_back(s.score);
    for (const Scored& s : m.explain(0, 2))
        got.push_back(s.index < 0 ? -1.0 : static_cast<double>(m.item_ids[static_cast<std::size_t>(s.index)])),
            got.push_back(s.score);
    expect_recorded("als v4 recommendations and explanation", got,
                    {101, 0.91948920488357544, 100, 0.88361799716949463, 102, 0.59854239225387573, 101,
                     0.32729452848434448, 100, 0.2410336434841156, -1, 0.030214214697480202},
                    1e-5);
    const Bytes v3 = read_fixture("als_v3.model");
    const auto old = load_model(v3.data(), v3.size());
    EXPECT_THROW(model_as<AlsModel>(*old).explain(0, 2), Error);
}

TEST(GoldenModels, Bpr) {
    const Bytes b = golden("bpr_v1.model", golden_bpr);
    expect_info(b, "bpr", "{\"users\":4,\"items\":5,\"factors\":3}");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = model_as<BprModel>(*kept_m);
    std::vector<double> got;  // item, score of each recommendation, similar items, a folded-in history
    for (std::int64_t user : {10, 20, 30, 40, 99})
        for (const Scored& s : m.recommend(user, query(3, false)))
            got.push_back(static_cast<double>(m.item_ids[static_cast<std::size_t>(s.index)])), got.push_back(s.score);
    for (const Scored& s : m.similar_items(100, 2))
        got.push_back(static_cast<double>(m.item_ids[static_cast<std::size_t>(s.index)])), got.push_back(s.score);
    for (const Scored& s : m.recommend_for_items({100, 104}, {}, query(3, false)))
        got.push_back(static_cast<double>(m.item_ids[static_cast<std::size_t>(s.index)])), got.push_back(s.score);
    expect_recorded("bpr recommendations", got,
                    {100, 0.24750787019729614, 101, -0.014645515941083431, 102, -0.078611411154270172, 100,
                     0.2422049343585968, 101, 0.025796996429562569, 102, -0.0094930976629257202, 100,
                     0.27146384119987488, 101, -0.071325019001960754, 102, -0.080255605280399323, 100,
                     0.26721340417861938, 101, -0.026539970189332962, 102, -0.11174526065587997, 100, 2, 101, 2,
                     102, 2, 104, -0.044345550239086151, 101, -0.27164477109909058, 100, 0.28924378752708435, 101,
                     -0.046877622604370117, 104, -0.097420580685138702},
                    1e-5);
}

TEST(GoldenModels, Knn) {
    const Bytes b = golden("knn_v1.model", golden_knn);
    expect_info(b, "knn", "{\"rows\":40,\"features\":3,\"classes\":3,\"row_ids\":\"id\"}");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = model_as<KnnModel>(*kept_m);
    expect_recorded("knn predictions", predictions(m), {1, 5, 1}, 1e-12);
    std::vector<double> got;  // each row's class probabilities, then its nearest ids and distances
    for (const auto& x : kFeatureRows) {
        std::vector<double> p(m.class_names().size());
        m.class_probabilities(x.data(), p.data());
        got.insert(got.end(), p.begin(), p.end());
        for (const Neighbour& n : m.nearest(x.data(), 3)) {
            got.push_back(static_cast<double>(m.ids[n.position]));
            got.push_back(n.distance);
        }
    }
    expect_recorded("knn probabilities and neighbours", got,
                    {0, 0.6208030289072215, 0.37919697109277845, 902, 1.132171711484103, 909, 1.306183716213305, 972,
                     1.4696398900813312, 0.28507054325561015, 0, 0.7149294567443899, 923, 0.79511636462666069, 734,
                     1.0759344949755465, 916, 1.1466787875879134, 0, 1, 0, 825, 1.6654091793229475, 741,
                     3.0492590293119211, 846, 3.1810811578805076},
                    1e-12);
    if (!writing()) {
        EXPECT_EQ(m.class_names(), (std::vector<std::string>{"0", "1", "5"}));
    }
}

TEST(GoldenModels, Cooccurrence) {
    const Bytes b = golden("cooccurrence_v1.model", golden_cooccurrence);
    expect_info(b, "cooccurrence", "{\"items\":8,\"factors\":4}");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = model_as<CooccurrenceModel>(*kept_m);
    std::vector<double> got;  // item 30's vector, then its 3 nearest ids and cosines
    for (std::size_t d = 0; d < m.dimensions(); ++d) got.push_back(m.item_vector(0)[d]);
    for (const Scored& s : m.similar_items(30, 3)) {
        got.push_back(static_cast<double>(m.item_ids[static_cast<std::size_t>(s.index)]));
        got.push_back(s.score);
    }
    expect_recorded("cooccurrence vector and neighbours", got,
                    {0.12242227047681808, -0.077823691070079803, 0.18069201707839966, 0.076643034815788269, 42,
                     0.32381954789161682, 39, 0.27030736207962036, 33, 0.17098501324653625},
                    1e-6);
}

TEST(GoldenModels, Lda) {
    const Bytes b = golden("lda_v1.model", golden_lda);
    expect_info(b, "lda", "{\"features\":3,\"classes\":3,\"components\":2}");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = model_as<LdaModel>(*kept_m);
    std::vector<double> got;  // each row's class probabilities, then its transform
    for (const auto& x : kFeatureRows) {
        std::vector<double> p(m.class_names().size()), t(m.components());
        m.class_probabilities(x.data(), p.data());
        m.transform(x.data(), t.data());
        got.insert(got.end(), p.begin(), p.end());
        got.insert(got.end(), t.begin(), t.end());
    }
    // (an eigen-decomposition's last bits may follow the SIMD width)
    expect_recorded("lda probabilities and transforms", got,
                    {0.40443587922133595, 0.22903014578753117, 0.36653397499113283, -0.38828909737814443,
                     0.14204543565667452, 0.78328475212707105, 0.18902844985214159, 0.027686798020787436,
                     -1.2098516040788212, -1.6050469880465208, 0.032683159329773469, 0.00031049961705722682,
                     0.96700634105316929, -0.89292913016911324, 5.0509040472395021},
                    1e-9);
    if (!writing()) {
        EXPECT_EQ(m.class_names(), (std::vector<std::string>{"east", "north", "south"}));
    }
}

TEST(GoldenModels, Svm) {
    const Bytes b = golden("svm_v1.model", golden_svm);
    expect_info(b, "svm", "{\"features\":3}");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = model_as<SvmModel>(*kept_m);
    expect_recorded("svm decision values", predictions(m), {-0.19508024760116241, 2.2010015108162584, -3.4018562388106721},
                    1e-12);
    const auto terms = m.coefficient_table();
    ASSERT_EQ(terms.size(), 4u);
    EXPECT_EQ(terms[3].name, "minutes");
}

TEST(GoldenModels, ItemFactors) {
    const Bytes b = golden("item_factors_v1.model", golden_item_factors);
    expect_info(b, "item_factors", "{\"features\":3,\"factors\":2}");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = model_as<ItemFactorsModel>(*kept_m);
    std::vector<double> got;
    for (const auto& x : kFeatureRows) {
        float out[2];
        m.predict(x.data(), out);
        got.insert(got.end(), {out[0], out[1]});
    }
    expect_recorded("item_factors predictions", got,
                    {-0.006133577786386013, 2.000417947769165, 0.94409662485122681, 2.4662785530090332,
                     -5.2191438674926758, 2.0572140216827393},
                    1e-6);
}

// Fixtures written before options were renamed (ALS's regularization,
// logreg's and linreg's max_iterations, the MLP's beta1 and beta2, the
// featurizer's alpha) read their stored values under today's names.
TEST(GoldenModels, Gbt) {
    const Bytes b = golden("gbt_v1.model", golden_gbt);
    expect_info(b, "gbt", "{\"features\":3,\"trees\":8,\"nodes\":");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = dynamic_cast<const TreeModel&>(*kept_m);
    std::vector<double> got = predictions(m);
    const double missing[] = {std::nan(""), 1, std::nan("")};
    got.push_back(m.predict(missing));
    expect_recorded("gbt predictions", got,
                    {0.82839888334274292, 0.90034908056259155, 0.63013821840286255, 0.94005107879638672}, 1e-6);
    EXPECT_EQ(m.class_names(), (std::vector<std::string>{"0", "1"}));
}

TEST(GoldenModels, Forest) {
    const Bytes b = golden("forest_v1.model", golden_forest);
    expect_info(b, "forest", "{\"features\":3,\"trees\":12,\"nodes\":");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = dynamic_cast<const TreeModel&>(*kept_m);
    std::vector<double> got = predictions(m);
    for (const auto& x : kFeatureRows) {
        double p[3];
        m.class_probabilities(x.data(), p);
        got.insert(got.end(), p, p + 3);
    }
    expect_recorded("forest predictions and probabilities", got,
                    {4, 8, 8, 0.20553824305534363, 0.47251409292221069, 0.3219476044178009, 0.086281768977642059,
                     0.14282327890396118, 0.77089494466781616, 0.21267898380756378, 0.17965134978294373,
                     0.6076696515083313},
                    1e-6);
    EXPECT_EQ(m.class_names(), (std::vector<std::string>{"2", "4", "8"}));
}

TEST(GoldenModels, StoredOptionsReadUnderTodaysNames) {
    if (writing()) return;
    struct Case {
        const char* fixture;
        std::vector<std::string> today, former;
    };
    for (const Case& c : std::vector<Case>{
             {"als_v3.model", {"\"l2\":0.1"}, {"regularization"}},
             {"logreg_v1.model", {"\"iterations\":1000"}, {"max_iterations"}},
             {"linreg_v1.model", {"\"iterations\":100000"}, {"max_iterations"}},
             {"mlp_v1.model", {"\"beta_1\":0.9", "\"beta_2\":0.999"}, {"beta1", "beta2"}},
             {"featurizer_v1.model", {"\"l2\":1"}, {"\"alpha\""}},
             {"pipeline_v1.model", {"\"l2\":1", "\"iterations\":1000"}, {"\"alpha\"", "max_iterations"}},
         }) {
        const Bytes b = read_fixture(c.fixture);
        const std::string options = load_model(b.data(), b.size())->metadata_json();
        for (const std::string& name : c.today) EXPECT_TRUE(contains(options, name)) << c.fixture << ": " << options;
        for (const std::string& name : c.former) EXPECT_FALSE(contains(options, name)) << c.fixture << ": " << options;
    }
}

// The forged featurizer of the security review: the golden featurizer's
// boolean column "member" edited to impute by regression, its CRC
// recomputed. transform on it crashed; now it is refused when read. (Also
// read by sql/errors.sql, from the .hex.)
TEST(GoldenModels, ForgedFeaturizerIsRefusedNamingTheColumn) {
    const std::string name = "featurizer_forged_regression.hex";
    if (writing()) {
        const Bytes good = read_fixture("featurizer_v1.model");
        const auto kept_f = load_model(good.data(), good.size());
    const auto& f = model_as<FeaturizerModel>(*kept_f);
        std::size_t column = 0;
        while (f.column_name(column) != "member") ++column;
        std::size_t seen = 0;
        for (const TracedField& field : trace_payload(good)) {
            if (field.what != "imputer" || seen++ != column) continue;
            ModelParts parts = split_model(good);
            parts.payload[field.offset] = 6;  // Imputer::Regression
            write_file(name, hex_of(wrap_model(parts)));
        }
    }
    const Bytes hex = read_fixture(name);
    ASSERT_FALSE(hex.empty()) << "missing fixture " << fixture_path(name);
    Bytes forged;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        forged.push_back(static_cast<unsigned char>(std::stoi(std::string(hex.begin() + i, hex.begin() + i + 2), nullptr, 16)));
    EXPECT_NO_THROW(model_info_json(forged.data(), forged.size()));  // the envelope and checksum are valid
    const Error e = error_from([&] { load_model(forged.data(), forged.size()); }, "the forged featurizer loaded");
    expect_error(e, ErrorKind::Corrupted,
                 "featurizer model has column \"member\" (boolean) imputed by regression, which needs a numeric column");
}

TEST(GoldenModels, Coxph) {
    const Bytes b = golden("coxph_v1.model", golden_coxph);
    expect_info(b, "coxph", "{\"features\":3,\"event_times\":42}");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = model_as<CoxModel>(*kept_m);
    expect_recorded("coxph predictions", predictions(m), {1, 0.41245890375428979, 3.963544164710174e-07}, 1e-12);
    std::vector<double> survival;
    for (const SurvivalPoint& p : m.survival_curve(kFeatureRows[1].data())) survival.push_back(p.survival);
    expect_recorded("coxph survival", {survival.front(), survival[survival.size() / 2], survival.back()},
                    {0.98458280549744737, 0.115574240650355, 9.9127156490105997e-31}, 1e-12);
    const auto terms = m.coefficient_table();
    ASSERT_EQ(terms.size(), 3u);
    EXPECT_EQ(terms[2].name, "night");
    EXPECT_FALSE(std::isnan(terms[2].std_error));
}

TEST(GoldenModels, ItemKnn) {
    const Bytes b = golden("itemknn_v1.model", golden_itemknn);
    expect_info(b, "itemknn", "{\"users\":30,\"items\":12,\"neighbour_pairs\":48}");
    const auto kept_m = load_model(b.data(), b.size());
    const auto& m = model_as<ItemKnnModel>(*kept_m);
    std::vector<double> got;
    CandidateQuery q;
    q.k = 3;
    for (std::int64_t user : {100, 117}) {
        for (const Scored& s : m.recommend(user, q)) got.insert(got.end(), {double(s.index), s.score});
        for (const Scored& s : m.explain(static_cast<std::size_t>(user - 100), 5)) got.insert(got.end(), {double(s.index), s.score});
    }
    for (const Scored& s : m.similar_items(30, 3)) got.insert(got.end(), {double(s.index), s.score});
    for (const Scored& s : m.recommend_for_items({0, 50, 50}, {}, q)) got.insert(got.end(), {double(s.index), s.score});
    expect_recorded("itemknn recommendations, explanations and neighbours", got,
                    {9, 12.18559455871582, 1, 7.2067193984985352, 2, 5.6443905830383301, 0, 4.0892963409423828, 5,
                     10.019392967224121, 10, 4.383756160736084, 11, 18.926942825317383, 4, 17.270462036132812, 0,
                     11.497101783752441, 1, 21.620159149169922, 5, 20.038785934448242, 9, 6.7506351470947266, 7,
                     6.6544013023376465, 11, 6.5581202507019043, 8, 5.3656916618347168, 1, 14.41343879699707, 9,
                     13.501270294189453, 10, 8.767512321472168},
                    1e-6);
}

}  // namespace
}  // namespace recsys
