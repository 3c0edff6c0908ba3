// Small deterministic randomness for training: a 64-bit mixing hash and a
// generator built on it. Written out here rather than taken from <random>,
// whose distributions and std::shuffle are implementation-defined: a model
// trained with a seed must be the same whatever standard library built it.
#pragma once

#include <cstdint>
#include <utility>

namespace recsys {

// SplitMix64's finalizer: a bijective mix of the 64 bits.
inline std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// The SplitMix64 generator. `stream` separates the uses of one seed (weights,
// shuffles, the validation split), so that changing one leaves the others.
class SplitMix {
public:
    explicit SplitMix(std::uint64_t seed, std::uint64_t stream = 0) : state_(splitmix64(seed) ^ splitmix64(~stream)) {}
    std::uint64_t next() { return splitmix64(state_ += 0x9e3779b97f4a7c15ULL); }
    // Uniform in [0, 1), 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // Uniform in [0, n), n >= 1, without modulo bias (rejection of the short tail).
    std::uint64_t below(std::uint64_t n) {
        const std::uint64_t limit = ~std::uint64_t(0) - (~std::uint64_t(0) % n);
        std::uint64_t r;
        do r = next();
        while (r >= limit);
        return r % n;
    }

private:
    std::uint64_t state_;
};

// Fisher-Yates over [first, first + n).
template <class T>
void shuffle(T* first, std::uint64_t n, SplitMix& rng) {
    for (std::uint64_t i = n; i > 1; --i) std::swap(first[i - 1], first[rng.below(i)]);
}

}  // namespace recsys
