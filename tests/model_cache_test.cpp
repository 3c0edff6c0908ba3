// The per-backend model cache: hits and misses, eviction by size in LRU
// order, and superseded versions leaving the cache.
#include <gtest/gtest.h>

#include <memory>

#include "model/model_cache.h"

namespace recsys {
namespace {

class FakeModel : public Model {
public:
    explicit FakeModel(std::size_t bytes) : bytes_(bytes) {}
    const char* kind() const override { return "fake"; }
    std::size_t memory_bytes() const override { return bytes_; }
    std::string metadata_json() const override { return "{}"; }
    void write_payload(ByteWriter&) const override {}

private:
    std::size_t bytes_;
};

std::shared_ptr<const Model> model(std::size_t bytes) { return std::make_shared<FakeModel>(bytes); }

TEST(ModelCache, SecondFindIsAHit) {
    ModelCache cache;
    EXPECT_EQ(cache.find({1, 100}), nullptr);
    auto m = model(10);
    EXPECT_TRUE(cache.insert({1, 100}, "a", m, 1000));
    EXPECT_EQ(cache.find({1, 100}), m);
    EXPECT_EQ(cache.counters().hits, 1u);
    EXPECT_EQ(cache.counters().misses, 1u);
    EXPECT_EQ(cache.bytes(), 10u);
}

TEST(ModelCache, EvictsTheLeastRecentlyUsedToFit) {
    ModelCache cache;
    cache.insert({1, 1}, "a", model(40), 100);
    cache.insert({2, 1}, "b", model(40), 100);
    ASSERT_NE(cache.find({1, 1}), nullptr);  // a is now the most recent
    cache.insert({3, 1}, "c", model(40), 100);
    EXPECT_NE(cache.find({1, 1}), nullptr);
    EXPECT_EQ(cache.find({2, 1}), nullptr) << "b was the least recently used";
    EXPECT_NE(cache.find({3, 1}), nullptr);
    EXPECT_EQ(cache.counters().evictions, 1u);
    EXPECT_EQ(cache.bytes(), 80u);
    EXPECT_EQ(cache.entries().front().key, (ModelCache::Key{3, 1}));
}

TEST(ModelCache, AModelLargerThanTheCapacityIsNotKept) {
    ModelCache cache;
    EXPECT_FALSE(cache.insert({1, 1}, "a", model(200), 100));
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_FALSE(cache.insert({2, 1}, "b", model(1), 0)) << "capacity 0 keeps nothing";
    EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ModelCache, ANewVersionOfANameReplacesTheOldOne) {
    ModelCache cache;
    cache.insert({1, 1}, "cands", model(10), 1000);
    cache.insert({2, 1}, "other", model(10), 1000);
    cache.insert({3, 1}, "cands", model(10), 1000);
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_EQ(cache.find({1, 1}), nullptr);
    EXPECT_NE(cache.find({2, 1}), nullptr);
    EXPECT_EQ(cache.counters().evictions, 0u) << "superseded, not evicted for space";
}

TEST(ModelCache, AnUpdatedRowReplacesItsOldRowVersion) {
    ModelCache cache;
    cache.insert({1, 100}, "cands", model(10), 1000);
    cache.insert({1, 101}, "renamed", model(10), 1000);
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache.find({1, 100}), nullptr);
    EXPECT_EQ(cache.bytes(), 10u);
}

}  // namespace
}  // namespace recsys
