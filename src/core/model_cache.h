// A least-recently-used cache of deserialized models, bounded in bytes.
// Keys identify one stored version (registry row id and row version), so a
// new version is simply a miss; stale entries age out.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <utility>

#include "model.h"

namespace recsys {

class ModelCache {
public:
    using Key = std::pair<std::int64_t, std::int64_t>;

    std::shared_ptr<const Model> find(const Key& key);
    // Inserts and evicts least recently used entries until the total fits in
    // `capacity_bytes`. A model larger than the capacity is not kept: returns
    // whether it was.
    bool insert(const Key& key, std::shared_ptr<const Model> model, std::size_t capacity_bytes);
    void clear();
    std::size_t bytes() const { return bytes_; }
    std::size_t size() const { return index_.size(); }

private:
    struct Entry {
        Key key;
        std::shared_ptr<const Model> model;
        std::size_t bytes;
    };
    void evict_to(std::size_t capacity_bytes);
    std::list<Entry> lru_;  // most recent first
    std::map<Key, std::list<Entry>::iterator> index_;
    std::size_t bytes_ = 0;
};

}  // namespace recsys
