#include "topk.h"

#include <algorithm>
#include <cmath>

namespace recsys {

namespace {

// True when a ranks before b.
inline bool better(const Scored& a, const Scored& b) {
    return a.score > b.score || (a.score == b.score && a.index < b.index);
}

// A bounded min-heap (the worst kept entry on top): each score costs one
// comparison unless it beats the current k-th best.
class Selector {
public:
    explicit Selector(std::size_t k) : k_(k) { heap_.reserve(k); }
    void offer(std::int32_t index, float score) {
        if (!(score > -INFINITY)) return;  // -inf and NaN are excluded
        Scored s{index, score};
        if (heap_.size() < k_) {
            heap_.push_back(s);
            std::push_heap(heap_.begin(), heap_.end(), better);
        } else if (k_ > 0 && better(s, heap_.front())) {
            std::pop_heap(heap_.begin(), heap_.end(), better);
            heap_.back() = s;
            std::push_heap(heap_.begin(), heap_.end(), better);
        }
    }
    std::vector<Scored> take() {
        std::sort_heap(heap_.begin(), heap_.end(), better);
        return std::move(heap_);
    }

private:
    std::size_t k_;
    std::vector<Scored> heap_;
};

}  // namespace

std::vector<Scored> top_k(const float* scores, std::size_t n, std::size_t k) {
    Selector s(std::min(k, n));
    for (std::size_t i = 0; i < n; ++i) s.offer(static_cast<std::int32_t>(i), scores[i]);
    return s.take();
}

std::vector<Scored> top_k_of(const float* scores, const std::int32_t* indices, std::size_t n_indices, std::size_t k) {
    Selector s(std::min(k, n_indices));
    for (std::size_t i = 0; i < n_indices; ++i) s.offer(indices[i], scores[indices[i]]);
    return s.take();
}

}  // namespace recsys
