// An error check by message fragment, for tests whose messages carry numbers
// (test_support.h's expect_error matches a whole message and hint).
#pragma once

#include <string>

#include "test_support.h"

namespace recsys {
namespace test {

// f throws a recsys::Error of `kind` whose message contains `fragment`.
template <class F>
void expect_failure(ErrorKind kind, const std::string& fragment, F&& f) {
    const Error e = error_from(f, "expected an error containing: " + fragment);
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_TRUE(contains(e.what(), fragment)) << e.what();
}

}  // namespace test
}  // namespace recsys
