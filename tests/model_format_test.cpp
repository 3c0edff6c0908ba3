// The model envelope and the ALS payload: round trips, every way bytes can
// be wrong, a fuzz test, and a model saved by version 1 that must stay readable.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "als/als.h"
#include "base/error.h"
#include "model/model_format.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;

using Bytes = std::vector<unsigned char>;

Bytes envelope(const std::string& kind, const std::string& metadata, const Bytes& payload) {
    Bytes out(envelope_size(kind, metadata, payload.size()));
    write_envelope(out.data(), out.size(), kind, metadata, payload.size(), [&](unsigned char* p) {
        if (!payload.empty()) std::memcpy(p, payload.data(), payload.size());
    });
    return out;
}

// Rewrites the trailing CRC-32 so that a deliberate edit is not caught as a checksum error.
void fix_checksum(Bytes& b) {
    std::uint32_t crc = static_cast<std::uint32_t>(crc32(0L, b.data(), static_cast<uInt>(b.size() - 4)));
    std::memcpy(b.data() + b.size() - 4, &crc, 4);
}

Error envelope_error(const Bytes& b, const std::string& expected_kind = {}) {
    return error_from([&] { read_envelope(b.data(), b.size(), expected_kind); }, "read_envelope accepted bad bytes");
}

Bytes demo_payload() {
    Bytes p(300);
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<unsigned char>(i * 7);
    return p;
}

TEST(Envelope, RoundTrip) {
    Bytes payload = demo_payload();
    Bytes b = envelope("demo", R"({"a":1})", payload);
    Envelope e = read_envelope(b.data(), b.size(), "demo");
    EXPECT_EQ(e.format_version, kModelFormatVersion);
    EXPECT_EQ(e.kind, "demo");
    EXPECT_EQ(e.metadata_json, R"({"a":1})");
    ASSERT_EQ(e.payload_size, payload.size());
    EXPECT_GE(e.payload, b.data());
    EXPECT_LE(e.payload + e.payload_size, b.data() + b.size());
    EXPECT_EQ(Bytes(e.payload, e.payload + e.payload_size), payload);
}

TEST(Envelope, EmptyPayloadAndMetadata) {
    Bytes b = envelope("x", "", {});
    Envelope e = read_envelope(b.data(), b.size());
    EXPECT_EQ(e.kind, "x");
    EXPECT_EQ(e.metadata_json, "");
    EXPECT_EQ(e.payload_size, 0u);
}

TEST(Envelope, LayoutIsTheDocumentedOne) {
    Bytes payload = {1, 2, 3};
    Bytes b = envelope("als", "{}", payload);
    ASSERT_EQ(b.size(), 8 + 4 + (8 + 3) + (8 + 2) + (8 + 3) + 4u);
    EXPECT_EQ(std::memcmp(b.data(), "RECSYSMD", 8), 0);
    std::uint32_t version;
    std::memcpy(&version, b.data() + 8, 4);
    EXPECT_EQ(version, 1u);
    std::uint64_t kind_len;
    std::memcpy(&kind_len, b.data() + 12, 8);
    EXPECT_EQ(kind_len, 3u);
    EXPECT_EQ(std::string(b.begin() + 20, b.begin() + 23), "als");
    std::uint64_t meta_len;
    std::memcpy(&meta_len, b.data() + 23, 8);
    EXPECT_EQ(meta_len, 2u);
    EXPECT_EQ(std::string(b.begin() + 31, b.begin() + 33), "{}");
    std::uint64_t payload_len;
    std::memcpy(&payload_len, b.data() + 33, 8);
    EXPECT_EQ(payload_len, 3u);
    EXPECT_EQ(Bytes(b.begin() + 41, b.begin() + 44), payload);
    std::uint32_t stored;
    std::memcpy(&stored, b.data() + 44, 4);
    EXPECT_EQ(stored, static_cast<std::uint32_t>(crc32(0L, b.data(), 44)));
}

TEST(Envelope, WrongMagicIsInvalidInput) {
    Bytes b = envelope("demo", "{}", demo_payload());
    b[0] = 'X';
    fix_checksum(b);
    Error e = envelope_error(b);
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << e.what();
    EXPECT_FALSE(e.hint().empty());
}

TEST(Envelope, ArbitraryBytesAreInvalidInput) {
    // The last one is the text form of a bytea ('\x5245...') passed instead of its bytes.
    for (std::string text : {"", "R", "RECSYS", "hello world, not a model at all", "\\x5245435359534d44"}) {
        Bytes b(text.begin(), text.end());
        Error e = envelope_error(b);
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << "input \"" << text << "\": " << e.what();
    }
}

TEST(Envelope, NewerFormatVersionIsUnsupported) {
    Bytes b = envelope("demo", "{}", demo_payload());
    std::uint32_t newer = kModelFormatVersion + 1;
    std::memcpy(b.data() + 8, &newer, 4);
    fix_checksum(b);
    Error e = envelope_error(b);
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << e.what();
    EXPECT_TRUE(contains(e.what(), "version")) << e.what();
    EXPECT_TRUE(contains(e.what(), std::to_string(newer))) << e.what();
    EXPECT_FALSE(e.hint().empty());
}

TEST(Envelope, VersionZeroIsUnsupported) {
    Bytes b = envelope("demo", "{}", demo_payload());
    std::memset(b.data() + 8, 0, 4);
    fix_checksum(b);
    Error e = envelope_error(b);
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << e.what();
    EXPECT_TRUE(contains(e.what(), "version")) << e.what();
}

TEST(Envelope, WrongKindIsInvalidParameterNamingBothKinds) {
    Bytes b = envelope("linear", "{}", demo_payload());
    Error e = envelope_error(b, "als");
    EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter) << e.what();
    EXPECT_TRUE(contains(e.what(), "linear")) << e.what();
    EXPECT_TRUE(contains(e.what(), "als")) << e.what();
}

TEST(Envelope, FlippedByteIsCorrupted) {
    Bytes good = envelope("demo", R"({"k":2})", demo_payload());
    for (std::size_t pos = 12; pos < good.size(); ++pos) {
        Bytes b = good;
        b[pos] ^= 0x10;
        Error e = envelope_error(b);
        EXPECT_EQ(e.kind(), ErrorKind::Corrupted) << "byte " << pos << ": " << e.what();
    }
}

TEST(Envelope, EveryTruncationIsAnError) {
    Bytes good = envelope("demo", R"({"k":2})", demo_payload());
    for (std::size_t len = 0; len < good.size(); ++len) {
        Bytes b(good.begin(), good.begin() + len);
        Error e = envelope_error(b);
        if (len >= 12) {
            EXPECT_EQ(e.kind(), ErrorKind::Corrupted) << "length " << len << ": " << e.what();
        }
    }
}

TEST(Envelope, TrailingBytesAreAnError) {
    Bytes b = envelope("demo", "{}", demo_payload());
    b.push_back(0);
    envelope_error(b);
    fix_checksum(b);  // even with a checksum that matches the longer input
    envelope_error(b);
}

TEST(Envelope, LengthsThatOverrunAreCorrupted) {
    Bytes good = envelope("demo", "{}", demo_payload());
    // kind length at 12, metadata length at 12 + 8 + 4 = 24
    for (std::size_t at : {std::size_t(12), std::size_t(24)}) {
        for (std::uint64_t len : {std::uint64_t(1) << 40, ~std::uint64_t(0), std::uint64_t(good.size())}) {
            Bytes b = good;
            std::memcpy(b.data() + at, &len, 8);
            fix_checksum(b);
            Error e = envelope_error(b);
            EXPECT_EQ(e.kind(), ErrorKind::Corrupted) << "length field at " << at << " = " << len << ": " << e.what();
        }
    }
}

// ---------------------------------------------------------------- ALS payload

Bytes serialize(const AlsModel& m) { return to_bytes(m); }

// A small model with a bit of everything: 12 users, 9 items, 3 factors.
AlsModel small_model() {
    Rows r;
    std::mt19937 rng(11);
    for (std::int64_t u = 0; u < 12; ++u)
        for (std::int64_t i = 0; i < 9; ++i)
            if ((u + i) % 3 == 0 || rng() % 5 == 0) r.add(1000 + u * 10, -4 + i, 1.0f + static_cast<float>(rng() % 3));
    AlsModel m = train(r, als_options({num("factors", 3), num("iterations", 3), num("seed", 5)}));
    m.summary.seconds = 0.25;
    return m;
}

Error deserialize_error(const Bytes& b, const std::string& failure) {
    return error_from([&] { AlsModel::deserialize(b.data(), b.size()); }, failure);
}

TEST(AlsPayload, RoundTrip) {
    AlsModel m = small_model();
    Bytes b = serialize(m);
    AlsModel back = AlsModel::deserialize(b.data(), b.size());
    expect_same_model(m, back);
    EXPECT_EQ(back.params.factors, 3);
    EXPECT_EQ(back.params.iterations, 3);
    EXPECT_EQ(back.params.seed, 5u);
    EXPECT_EQ(serialize(back), b);
}

// The names model_info shows for the counts of how the training split its work.
const char* const kWorkSplitKeys[] = {"user_chunks", "item_chunks", "user_gram_blocks", "item_gram_blocks",
                                      "eigensolver_fallbacks"};

TEST(AlsPayload, RoundTripKeepsHowTheTrainingSplitItsWork) {
    AlsModel m = small_model();
    // Distinct values, so that fields written or read in the wrong order show.
    m.summary.user_chunks = 11;
    m.summary.item_chunks = 12;
    m.summary.user_gram_blocks = 13;
    m.summary.item_gram_blocks = 14;
    m.summary.eigensolver_fallbacks = 15;
    Bytes b = serialize(m);
    AlsModel back = AlsModel::deserialize(b.data(), b.size());
    expect_same_model(m, back);
    const std::string training = back.metadata_json().substr(back.metadata_json().find("\"training\""));
    std::uint64_t value = 11;
    for (const char* key : kWorkSplitKeys) {
        const std::string entry = "\"" + std::string(key) + "\":" + std::to_string(value++);
        EXPECT_TRUE(contains(training, entry)) << entry << " not in " << training;
    }
}

TEST(AlsPayload, MetadataIsInTheEnvelope) {
    AlsModel m = small_model();
    Bytes b = serialize(m);
    Envelope e = read_envelope(b.data(), b.size(), "als");
    EXPECT_EQ(e.metadata_json, m.metadata_json());
    EXPECT_TRUE(contains(e.metadata_json, m.options.to_json())) << e.metadata_json;
}

TEST(AlsPayload, OtherKindIsRejected) {
    Bytes b = envelope("linear", "{}", demo_payload());
    Error e = deserialize_error(b, "a linear model was read as ALS");
    EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter) << e.what();
}

TEST(AlsPayload, NewerPayloadVersionIsUnsupported) {
    Bytes b = serialize(small_model());
    Envelope e = read_envelope(b.data(), b.size(), "als");
    std::size_t at = static_cast<std::size_t>(e.payload - b.data());  // payload starts with its u32 version
    std::uint32_t newer;  // the version this build writes, plus one
    std::memcpy(&newer, b.data() + at, 4);
    ++newer;
    std::memcpy(b.data() + at, &newer, 4);
    fix_checksum(b);
    Error err = deserialize_error(b, "a newer payload version was accepted");
    EXPECT_EQ(err.kind(), ErrorKind::InvalidInput) << err.what();
    EXPECT_TRUE(contains(err.what(), "version")) << err.what();
}

// Every mutation must either load or raise recsys::Error: never another
// exception, never a crash (the sanitizer build checks memory). A model that
// loads must be usable.
void exercise(const Bytes& b, int& loaded) {
    AlsModel m;
    try {
        m = AlsModel::deserialize(b.data(), b.size());
    } catch (const Error&) {
        return;
    }
    ++loaded;
    AlsModel::Query q = query(5);
    if (m.users() > 0) m.recommend(m.user_ids[0], q);
    m.recommend(-1, q);
    if (m.items() > 0) {
        m.similar_items(m.item_ids[0], 3);
        // A flipped exponent can leave finite factors so large that folding
        // a user in overflows: that must be an Error, never NaN scores.
        try {
            m.recommend_for_items({m.item_ids[0]}, {}, q);
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::DataException) << e.what();
        }
    }
    std::vector<Scored> out;
    std::vector<std::size_t> counts;
    StopToken stop;
    m.recommend_users(0, m.users(), 3, true, 2, stop, out, counts);
    m.metadata_json();
    EXPECT_EQ(serialize(m).size(), measure_model(m).total);
}

TEST(AlsPayloadFuzz, TruncationsAndFlipsLoadOrRaiseError) {
    const Bytes good = serialize(small_model());
    std::mt19937 rng(20241125);
    std::uniform_int_distribution<std::size_t> position(0, good.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255);
    int loaded = 0, cases = 0;

    // 1. Every truncation.
    for (std::size_t len = 0; len < good.size(); ++len, ++cases) {
        Bytes b(good.begin(), good.begin() + len);
        EXPECT_NO_FATAL_FAILURE(exercise(b, loaded));
    }
    // 2. Random flips, checksum left as is (the checksum should catch them all).
    for (int i = 0; i < 2000; ++i, ++cases) {
        Bytes b = good;
        int flips = 1 + static_cast<int>(rng() % 4);
        for (int f = 0; f < flips; ++f) b[position(rng)] ^= static_cast<unsigned char>(1 + byte(rng) % 255);
        int before = loaded;
        exercise(b, loaded);
        EXPECT_EQ(loaded, before) << "a corrupted model passed its checksum (case " << i << ")";
    }
    // 3. Random flips and truncations with a checksum that matches: the
    //    structure checks of the payload must catch what the CRC would have.
    for (int i = 0; i < 4000; ++i, ++cases) {
        Bytes b = good;
        if (rng() % 4 == 0) b.resize(12 + rng() % (good.size() - 12));
        int flips = 1 + static_cast<int>(rng() % 3);
        for (int f = 0; f < flips && b.size() > 4; ++f) {
            std::size_t at = rng() % (b.size() - 4);
            if (rng() % 2)
                b[at] = static_cast<unsigned char>(byte(rng));
            else
                b[at] ^= static_cast<unsigned char>(1u << (rng() % 8));
        }
        if (b.size() > 4) fix_checksum(b);
        exercise(b, loaded);
    }
    std::printf("%d cases, %d loaded\n", cases, loaded);
    EXPECT_GE(cases, 5000);
    // Flips inside factor values load fine: the fuzzing did reach the end.
    EXPECT_GT(loaded, 0);
}

// Corrupted option values whose checksum matches must not give a model whose
// options break their own ranges (what serving and model_info rely on).
TEST(AlsPayloadFuzz, OptionValuesAreCheckedOnLoad) {
    const Bytes good = serialize(small_model());
    Envelope env = read_envelope(good.data(), good.size(), "als");
    const std::size_t payload_at = static_cast<std::size_t>(env.payload - good.data());
    std::mt19937 rng(3);
    const double weird[] = {NAN, INFINITY, -INFINITY, -1.0, 1e300, 0.5, -1e300, 1e19};
    // Option values follow "u32 version, u32 factors, u64 count" and each name.
    std::size_t at = payload_at + 4 + 4 + 8;
    for (const OptionSpec& spec : als_option_schema().options) {
        if (spec.type == OptionType::String) continue;  // stored after the (name, f64) pairs
        std::size_t value_at = at + 8 + spec.name.size();
        at = value_at + 8;
        if (spec.name == "factors") continue;  // cross-checked against the header field
        std::string accepted;
        for (double v : weird) {
            Bytes b = good;
            std::memcpy(b.data() + value_at, &v, 8);
            fix_checksum(b);
            try {
                AlsModel m = AlsModel::deserialize(b.data(), b.size());
                if (spec.type == OptionType::Boolean) {  // any value but 0 and 1 is corrupted
                    accepted += " " + std::to_string(v);
                    continue;
                }
                double loaded = m.options.number(spec.name);
                bool valid = loaded >= spec.min && loaded <= spec.max &&
                             (spec.type == OptionType::Number || loaded == std::floor(loaded));
                if (!valid) {
                    char text[32];
                    std::snprintf(text, sizeof text, " %g", loaded);
                    accepted += text;
                }
            } catch (const Error& e) {
                EXPECT_TRUE(e.kind() == ErrorKind::Corrupted || e.kind() == ErrorKind::InvalidInput) << e.what();
            }
        }
        EXPECT_TRUE(accepted.empty()) << "option \"" << spec.name << "\" loaded with invalid values:" << accepted;
    }
}

// ---------------------------------------------------------------- version 1 fixture
//
// tests/fixtures/als_v1.model was written by DISABLED_WriteAlsV1Fixture below
// with the format of recsys 0.1.0. Models saved today must stay readable, so
// never regenerate it to make this test pass: a later format must read it.
// (The writer now writes the current payload version, 2: running it would
// replace the version 1 fixture by a version 2 model.)

const Rows kFixtureRows = {
    {10, 10, 20, 20, 30, 30, 30, 10},         // users
    {100, 101, 101, 102, 102, 103, 100, 100},  // items
    {1, 2, 1, 3, 1, 1, 2, 1},                  // weights
};

Bytes read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(AlsFixture, DISABLED_WriteAlsV1Fixture) {
    // Run once: recsys_tests --gtest_also_run_disabled_tests --gtest_filter=AlsFixture.DISABLED_*
    AlsModel m = train(kFixtureRows,
                       als_options({num("factors", 2), num("iterations", 4), num("l2", 0.1),
                                    num("alpha", 2), num("seed", 7)}));
    m.summary.seconds = 0;  // so that regenerating gives the same bytes
    Bytes b = serialize(m);
    std::ofstream(RECSYS_FIXTURES "/als_v1.model", std::ios::binary)
        .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    std::ofstream hex(RECSYS_FIXTURES "/als_v1.hex");
    for (unsigned char c : b) {
        char two[3];
        std::snprintf(two, sizeof two, "%02x", c);
        hex << two;
    }  // one line without a newline, as `xxd -p | tr -d '\n'` writes it
    // What the reading test records:
    for (std::int64_t user : {10, 20, 30}) {
        AlsModel::Query q = query(10, false);
        std::printf("user %lld:", static_cast<long long>(user));
        for (const Scored& s : m.recommend(user, q))
            std::printf(" %lld (%.9g)", static_cast<long long>(m.item_ids[s.index]), s.score);
        std::printf("\n");
    }
    std::printf("loss:");
    for (double l : m.summary.loss) std::printf(" %.17g", l);
    std::printf("\nuser 10 factors: %.9g %.9g\n", m.user_factors(0, 0), m.user_factors(0, 1));
}

TEST(AlsFixture, Version1ModelIsStillReadable) {
    Bytes b = read_file(RECSYS_FIXTURES "/als_v1.model");
    ASSERT_FALSE(b.empty()) << "missing " RECSYS_FIXTURES "/als_v1.model";
    AlsModel m = AlsModel::deserialize(b.data(), b.size());

    EXPECT_EQ(m.user_ids, (std::vector<std::int64_t>{10, 20, 30}));
    EXPECT_EQ(m.item_ids, (std::vector<std::int64_t>{100, 101, 102, 103}));
    EXPECT_EQ(m.users(), 3u);
    EXPECT_EQ(m.items(), 4u);
    EXPECT_EQ(m.factors(), 2);
    EXPECT_EQ(m.user_factors.rows(), 3);
    EXPECT_EQ(m.item_factors.rows(), 4);

    EXPECT_EQ(m.params.factors, 2);
    EXPECT_EQ(m.params.iterations, 4);
    EXPECT_DOUBLE_EQ(m.params.l2, 0.1);
    EXPECT_DOUBLE_EQ(m.params.alpha, 2);
    EXPECT_EQ(m.params.cg_steps, 3);
    EXPECT_EQ(m.params.seed, 7u);
    EXPECT_FALSE(m.params.explicit_feedback);
    EXPECT_EQ(m.options.integer("seed"), 7);

    EXPECT_EQ(m.summary.rows, 8u);
    ASSERT_EQ(m.summary.loss.size(), 4u);
    EXPECT_DOUBLE_EQ(m.summary.loss[0], 0.12615367737081315);
    EXPECT_DOUBLE_EQ(m.summary.loss[3], 0.082462984323501576);
    EXPECT_EQ(m.summary.seconds, 0);
    // Version 1 did not record how the training split its work.
    EXPECT_EQ(m.summary.user_chunks, 0u);
    EXPECT_EQ(m.summary.item_chunks, 0u);
    EXPECT_EQ(m.summary.user_gram_blocks, 0u);
    EXPECT_EQ(m.summary.item_gram_blocks, 0u);
    EXPECT_EQ(m.summary.eigensolver_fallbacks, 0u);
    for (const char* key : kWorkSplitKeys)
        EXPECT_TRUE(contains(m.metadata_json(), "\"" + std::string(key) + "\":0")) << key << ": " << m.metadata_json();
    // user 10 saw 100 (twice, summed) and 101
    EXPECT_EQ(m.seen_offsets, (std::vector<std::uint64_t>{0, 2, 4, 7}));
    EXPECT_EQ(m.seen_items, (std::vector<std::int32_t>{0, 1, 1, 2, 0, 2, 3}));
    EXPECT_EQ(m.item_popularity, (std::vector<float>{2, 2, 2, 1}));

    // Recorded when the fixture was written (see DISABLED_WriteAlsV1Fixture).
    AlsModel::Query all = query(10, false);
    std::vector<std::int64_t> got;
    for (const Scored& s : m.recommend(10, all)) got.push_back(m.item_ids[s.index]);
    EXPECT_EQ(got, (std::vector<std::int64_t>{100, 102, 101, 103}));

    AlsModel::Query unseen = query(10);
    got.clear();
    for (const Scored& s : m.recommend(10, unseen)) got.push_back(m.item_ids[s.index]);
    EXPECT_EQ(got, (std::vector<std::int64_t>{102, 103}));

    EXPECT_FLOAT_EQ(m.user_factors(0, 0), 0.619751692f);
    EXPECT_FLOAT_EQ(m.user_factors(0, 1), 0.475620866f);
}

TEST(AlsFixture, HexFileMatchesTheModel) {
    Bytes b = read_file(RECSYS_FIXTURES "/als_v1.model");
    Bytes hex = read_file(RECSYS_FIXTURES "/als_v1.hex");
    std::string text(hex.begin(), hex.end());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    ASSERT_EQ(text.size(), 2 * b.size());
    for (std::size_t i = 0; i < b.size(); ++i) {
        char two[3];
        std::snprintf(two, sizeof two, "%02x", b[i]);
        ASSERT_EQ(text.substr(2 * i, 2), two) << "byte " << i;
    }
}

}  // namespace
}  // namespace recsys
