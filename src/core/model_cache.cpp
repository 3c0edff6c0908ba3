#include "model_cache.h"

namespace recsys {

std::shared_ptr<const Model> ModelCache::find(const Key& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->model;
}

bool ModelCache::insert(const Key& key, std::shared_ptr<const Model> model, std::size_t capacity_bytes) {
    auto it = index_.find(key);
    if (it != index_.end()) {
        bytes_ -= it->second->bytes;
        lru_.erase(it->second);
        index_.erase(it);
    }
    std::size_t size = model->memory_bytes();
    if (size > capacity_bytes) {
        evict_to(capacity_bytes);
        return false;
    }
    lru_.push_front({key, std::move(model), size});
    index_[key] = lru_.begin();
    bytes_ += size;
    evict_to(capacity_bytes);
    return true;
}

void ModelCache::evict_to(std::size_t capacity_bytes) {
    while (bytes_ > capacity_bytes && !lru_.empty()) {
        bytes_ -= lru_.back().bytes;
        index_.erase(lru_.back().key);
        lru_.pop_back();
    }
}

void ModelCache::clear() {
    lru_.clear();
    index_.clear();
    bytes_ = 0;
}

}  // namespace recsys
