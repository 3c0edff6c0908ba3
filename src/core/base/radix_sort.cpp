#include "radix_sort.h"

#include <array>

#include "huge_pages.h"

namespace recsys {

constexpr std::size_t kCheckEvery = (1 << 18) - 1;  // about a millisecond of work

void radix_sort(std::vector<KeyRow>& items, const StopToken& stop) {
    const std::size_t n = items.size();
    if (n < 2) return;
    // One histogram per byte, from a single read of the keys.
    std::vector<std::array<std::size_t, 256>> counts(8);
    for (auto& c : counts) c.fill(0);
    for (const auto& it : items)
        for (int b = 0; b < 8; ++b) ++counts[b][(it.key >> (8 * b)) & 0xff];
    std::vector<KeyRow> buffer = huge_vector<KeyRow>(n);
    std::vector<KeyRow>* from = &items;
    std::vector<KeyRow>* to = &buffer;
    for (int b = 0; b < 8; ++b) {
        auto& count = counts[b];
        if (count[(items[0].key >> (8 * b)) & 0xff] == n) continue;  // this byte never varies
        std::size_t offset = 0;
        for (auto& c : count) {
            std::size_t here = c;
            c = offset;
            offset += here;
        }
        for (std::size_t i = 0; i < n; ++i) {
            if ((i & kCheckEvery) == 0) stop.check_stopped();
            const KeyRow& it = (*from)[i];
            (*to)[count[(it.key >> (8 * b)) & 0xff]++] = it;
        }
        std::swap(from, to);
    }
    if (from != &items) items.swap(*from);
}

}  // namespace recsys
