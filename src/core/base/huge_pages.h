// Large buffers backed by transparent huge pages where the kernel allows it
// (Linux, THP in "madvise" mode): fewer page faults when they are first
// written, and far fewer TLB misses when ALS reads scattered rows of them.
#pragma once

#include <cstddef>
#include <vector>

namespace recsys {

// Advises the kernel to use huge pages for [data, data + bytes). Call it
// before the memory is first written. Small buffers and systems without
// madvise are left alone.
void advise_huge_pages(void* data, std::size_t bytes);

// A vector of n value-initialized elements whose storage was advised first.
template <typename T>
std::vector<T> huge_vector(std::size_t n, const T& value = T()) {
    std::vector<T> v;
    v.reserve(n);
    advise_huge_pages(v.data(), n * sizeof(T));
    v.assign(n, value);
    return v;
}

}  // namespace recsys
