// The key a call site keeps of a model argument (model/sampled_key.h): small
// values whole, large ones by their first and last 4 KB and 64 chunks of 256
// bytes spread evenly between; a model that differs anywhere under a valid
// CRC-32 differs in its key.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <random>
#include <vector>

#include "model/sampled_key.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;

using Bytes = std::vector<unsigned char>;

Bytes random_bytes(std::size_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    Bytes out(n);
    for (auto& b : out) b = static_cast<unsigned char>(rng());
    return out;
}

Bytes key_of(const Bytes& value) {
    Bytes key(sampled_key_size(value.size()));
    write_sampled_key(value.data(), value.size(), key.data());
    return key;
}

// Whether flipping byte `at` of `value` changes what its key matches (the
// byte is flipped in place and back: a copy per call made the byte-by-byte
// scans below copy gigabytes).
bool flip_detected(Bytes& value, const Bytes& key, std::size_t at) {
    value[at] ^= 0x5a;
    const bool detected = !matches_sampled_key(value.data(), value.size(), key.data());
    value[at] ^= 0x5a;
    return detected;
}

TEST(SampledKey, SmallValuesAreComparedWhole) {
    for (std::size_t n : {std::size_t(1), std::size_t(4096), kWholeKeyBytes}) {
        Bytes v = random_bytes(n, 1);
        Bytes key = key_of(v);
        ASSERT_EQ(key.size(), n);
        EXPECT_TRUE(matches_sampled_key(v.data(), n, key.data()));
        for (std::size_t at = 0; at < n; at += 1 + n / 997) EXPECT_TRUE(flip_detected(v, key, at)) << n << " " << at;
        EXPECT_TRUE(flip_detected(v, key, n - 1));
    }
}

TEST(SampledKey, ACopyElsewhereMatches) {
    Bytes v = random_bytes(kWholeKeyBytes + 1, 2);
    Bytes key = key_of(v);
    EXPECT_EQ(key.size(), 2 * kKeyEdgeBytes + kKeyChunks * kKeyChunkBytes);
    Bytes copy = v;
    EXPECT_TRUE(matches_sampled_key(copy.data(), copy.size(), key.data()));
}

// Every byte of the first and last 4 KB counts; in between exactly 64 runs of
// 256 bytes, evenly spaced (to a byte), the first right after the head and
// the last right before the tail.
TEST(SampledKey, HeadTailAndEvenlySpreadChunks) {
    for (std::size_t n : {kWholeKeyBytes + 1, std::size_t(80000), std::size_t(1) << 20}) {
        Bytes v = random_bytes(n, 3);
        Bytes key = key_of(v);
        for (std::size_t at = 0; at < kKeyEdgeBytes; ++at) {
            ASSERT_TRUE(flip_detected(v, key, at)) << n << " " << at;
            ASSERT_TRUE(flip_detected(v, key, n - 1 - at)) << n << " " << at;
        }
        if (n != 80000) continue;  // the byte-by-byte scan of the middle, on one size (it is slow)
        std::vector<std::size_t> run_starts;
        std::size_t covered = 0;
        bool in_run = false;
        for (std::size_t at = kKeyEdgeBytes; at < n - kKeyEdgeBytes; ++at) {
            bool hit = flip_detected(v, key, at);
            covered += hit;
            if (hit && !in_run) run_starts.push_back(at);
            in_run = hit;
        }
        ASSERT_EQ(run_starts.size(), kKeyChunks) << n;
        EXPECT_EQ(covered, kKeyChunks * kKeyChunkBytes);
        EXPECT_EQ(run_starts.front(), kKeyEdgeBytes);
        EXPECT_EQ(run_starts.back() + kKeyChunkBytes, n - kKeyEdgeBytes);
        const std::size_t step = (n - 2 * kKeyEdgeBytes - kKeyChunkBytes) / (kKeyChunks - 1);
        for (std::size_t i = 1; i < run_starts.size(); ++i) {
            EXPECT_GE(run_starts[i] - run_starts[i - 1], step);
            EXPECT_LE(run_starts[i] - run_starts[i - 1], step + 1);
        }
    }
}

// A real model: a factor changed where no chunk looks, under a recomputed
// CRC-32, is told apart by the checksum at its end. The same change without
// the new checksum (bytes the loader refuses) matches the key: the call site
// answers with the model it loaded and validated from the first value.
TEST(SampledKey, ARealModelChangedBetweenChunksDiffersInItsChecksum) {
    Rows r;
    std::mt19937 rng(4);
    for (int u = 0; u < 2000; ++u)
        for (int j = 0; j < 5; ++j) r.add(u, static_cast<std::int64_t>(rng() % 300), 1.0f);
    AlsModel model = train(r, als_options({num("factors", 16), num("iterations", 2)}));
    Bytes bytes = to_bytes(model);
    ASSERT_GT(bytes.size(), std::size_t(200000));
    Bytes key = key_of(bytes);
    ASSERT_TRUE(matches_sampled_key(bytes.data(), bytes.size(), key.data()));
    // a byte in the middle no chunk covers (the user factors take most of the value)
    std::size_t at = bytes.size() / 2;
    while (flip_detected(bytes, key, at)) ++at;
    Bytes forged = bytes;
    forged[at] ^= 0x5a;
    EXPECT_TRUE(matches_sampled_key(forged.data(), forged.size(), key.data()));
    const std::size_t body = forged.size() - 4;
    std::uint32_t crc = static_cast<std::uint32_t>(crc32(0, forged.data(), static_cast<uInt>(body)));
    for (int i = 0; i < 4; ++i) forged[body + i] = static_cast<unsigned char>(crc >> (8 * i));
    EXPECT_FALSE(matches_sampled_key(forged.data(), forged.size(), key.data()));
    EXPECT_NO_THROW(load_model(forged.data(), forged.size()));  // a valid model, another one
}

}  // namespace
}  // namespace recsys
