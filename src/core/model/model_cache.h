// A least-recently-used cache of deserialized models, bounded in bytes.
// Keys identify one stored version (registry row id and row version), so a
// new version or an UPDATE of the row is simply a miss. Entries carry the
// model's name: inserting a version drops the other versions cached under
// that name (and any older row version of the same id), so superseded models
// do not hold memory until they age out.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model.h"

namespace recsys {

class ModelCache {
public:
    using Key = std::pair<std::int64_t, std::int64_t>;  // (row id, row version)

    struct Counters {
        std::uint64_t hits = 0, misses = 0, evictions = 0;
    };
    struct EntryInfo {
        Key key;
        std::string name;
        std::size_t bytes;
    };

    // Counts a hit or a miss.
    std::shared_ptr<const Model> find(const Key& key);
    // Inserts and evicts least recently used entries until the total fits in
    // `capacity_bytes`. A model larger than the capacity is not kept: returns
    // whether it was.
    bool insert(const Key& key, const std::string& name, std::shared_ptr<const Model> model,
                std::size_t capacity_bytes);
    void clear();
    std::size_t bytes() const { return bytes_; }
    std::size_t size() const { return index_.size(); }
    const Counters& counters() const { return counters_; }
    // Most recently used first.
    std::vector<EntryInfo> entries() const;

private:
    struct Entry {
        Key key;
        std::string name;
        std::shared_ptr<const Model> model;
        std::size_t bytes;
    };
    using Position = std::list<Entry>::iterator;
    void erase(Position it);
    void evict_to(std::size_t capacity_bytes);
    std::list<Entry> lru_;  // most recent first
    std::map<Key, Position> index_;
    std::size_t bytes_ = 0;
    Counters counters_;
};

}  // namespace recsys
