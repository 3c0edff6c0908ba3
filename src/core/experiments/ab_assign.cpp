// Assigning users to the variants of an experiment (ab_test.h).
#include <cmath>

#include "ab_test.h"
#include "../base/error.h"
#include "../base/json.h"
#include "../base/random.h"

namespace recsys {

namespace {

std::uint64_t fnv1a64(const char* bytes, std::size_t length) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (std::size_t i = 0; i < length; ++i) {
        h ^= static_cast<unsigned char>(bytes[i]);
        h *= 0x100000001b3ULL;
    }
    return h;
}

}  // namespace

double ab_point(std::int64_t user_id, const char* experiment, std::size_t length) {
    const std::uint64_t e = splitmix64(fnv1a64(experiment, length));
    const std::uint64_t h = splitmix64(e ^ splitmix64(static_cast<std::uint64_t>(user_id)));
    return static_cast<double>(h >> 11) * 0x1.0p-53;
}

void check_ab_weights(const double* weights, std::size_t n) {
    if (n == 0)
        fail(ErrorKind::InvalidParameter, "weights must not be empty",
             "give one weight per variant, e.g. ARRAY[0.5, 0.5]");
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!(std::isfinite(weights[i]) && weights[i] >= 0))
            fail(ErrorKind::InvalidParameter,
                 "weights[" + std::to_string(i + 1) + "] is " + message_number(weights[i]) +
                     ", not a finite number >= 0");
        total += weights[i];
    }
    if (!std::isfinite(total))
        fail(ErrorKind::InvalidParameter, "weights must sum to a finite number, got " + message_number(total),
             "a variant's share of the users is its weight over the sum of the weights: scale them down");
    if (!(total > 0))
        fail(ErrorKind::InvalidParameter, "weights must not all be 0",
             "a variant's share of the users is its weight over the sum of the weights");
}

int ab_variant(double point, const double* weights, std::size_t n) {
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) total += weights[i];
    const double target = point * total;
    double cumulative = 0;
    int last = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (weights[i] == 0) continue;
        cumulative += weights[i];
        last = static_cast<int>(i);
        if (target < cumulative) return last;
    }
    return last;  // (rounding at the very top of [0, 1))
}

}  // namespace recsys
