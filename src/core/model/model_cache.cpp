#include "model_cache.h"

namespace recsys {

std::shared_ptr<const Model> ModelCache::find(const Key& key) {
    auto it = index_.find(key);
    if (it == index_.end()) {
        ++counters_.misses;
        return nullptr;
    }
    ++counters_.hits;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->model;
}

bool ModelCache::insert(const Key& key, const std::string& name, std::shared_ptr<const Model> model,
                        std::size_t capacity_bytes) {
    // The versions this one supersedes: the same key, another row version of
    // the same id, or another id of the same name.
    for (auto it = lru_.begin(); it != lru_.end();) {
        auto next = std::next(it);
        if (it->key.first == key.first || it->name == name) erase(it);
        it = next;
    }
    std::size_t size = model->memory_bytes();
    if (size > capacity_bytes) {
        evict_to(capacity_bytes);
        return false;
    }
    lru_.push_front({key, name, std::move(model), size});
    index_[key] = lru_.begin();
    bytes_ += size;
    evict_to(capacity_bytes);
    return true;
}

void ModelCache::erase(Position it) {
    bytes_ -= it->bytes;
    index_.erase(it->key);
    lru_.erase(it);
}

void ModelCache::evict_to(std::size_t capacity_bytes) {
    while (bytes_ > capacity_bytes && !lru_.empty()) {
        erase(std::prev(lru_.end()));
        ++counters_.evictions;
    }
}

std::vector<ModelCache::EntryInfo> ModelCache::entries() const {
    std::vector<EntryInfo> out;
    for (const Entry& e : lru_) out.push_back({e.key, e.name, e.bytes});
    return out;
}

void ModelCache::clear() {
    lru_.clear();
    index_.clear();
    bytes_ = 0;
}

}  // namespace recsys
