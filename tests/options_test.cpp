// parse_options: the checks every algorithm's `options jsonb` goes through.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "error.h"
#include "options.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;

const std::vector<OptionSpec>& specs() {
    static const std::vector<OptionSpec> table = {
        {"factors", OptionType::Integer, 64, 1, 1024, "number of latent factors"},
        {"regularization", OptionType::Number, 0.01, 0, 1e6, "L2 penalty"},
        {"verbose", OptionType::Boolean, 0, 0, 1, "print progress"},
    };
    return table;
}

// Parses and returns the Error it must throw.
Error parse_error(const std::vector<RawOption>& raw) {
    return error_from([&] { parse_options(raw, specs(), "demo_fit"); }, "parse_options accepted invalid options");
}

TEST(Options, EmptyInputGivesEveryDefaultInSpecOrder) {
    Options o = parse_options({}, specs(), "demo_fit");
    ASSERT_EQ(o.entries.size(), 3u);
    EXPECT_STREQ(o.entries[0].spec->name, "factors");
    EXPECT_STREQ(o.entries[1].spec->name, "regularization");
    EXPECT_STREQ(o.entries[2].spec->name, "verbose");
    EXPECT_EQ(o.integer("factors"), 64);
    EXPECT_DOUBLE_EQ(o.number("regularization"), 0.01);
    EXPECT_FALSE(o.boolean("verbose"));
}

TEST(Options, GivenValuesOverrideDefaultsAndOthersKeepThem) {
    Options o = parse_options({num("factors", 8), flag("verbose", true)}, specs(), "demo_fit");
    EXPECT_EQ(o.integer("factors"), 8);
    EXPECT_DOUBLE_EQ(o.number("regularization"), 0.01);
    EXPECT_TRUE(o.boolean("verbose"));
}

TEST(Options, InputOrderDoesNotMatter) {
    Options a = parse_options({num("regularization", 2.5), num("factors", 3)}, specs(), "demo_fit");
    Options b = parse_options({num("factors", 3), num("regularization", 2.5)}, specs(), "demo_fit");
    EXPECT_EQ(a.to_json(), b.to_json());
}

TEST(Options, UnknownKeyIsNamedAndHintListsValidKeys) {
    Error e = parse_error({num("factros", 8)});
    EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
    EXPECT_TRUE(contains(e.what(), "factros")) << e.what();
    EXPECT_TRUE(contains(e.what(), "demo_fit")) << e.what();
    for (const char* valid : {"factors", "regularization", "verbose"})
        EXPECT_TRUE(contains(e.hint(), valid)) << "hint: " << e.hint();
}

TEST(Options, StringForNumberIsRejectedNamingTheOption) {
    Error e = parse_error({of_kind("regularization", RawOption::Kind::String)});
    EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
    EXPECT_TRUE(contains(e.what(), "regularization")) << e.what();
}

TEST(Options, NullAndObjectAreNotNumbers) {
    for (auto kind : {RawOption::Kind::Null, RawOption::Kind::Other}) {
        Error e = parse_error({of_kind("factors", kind)});
        EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
        EXPECT_TRUE(contains(e.what(), "factors")) << e.what();
    }
}

TEST(Options, FractionForIntegerIsRejected) {
    Error e = parse_error({num("factors", 1.5)});
    EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
    EXPECT_TRUE(contains(e.what(), "factors")) << e.what();
}

TEST(Options, WholeNumberWrittenAsDoubleIsAnInteger) {
    // jsonb {"factors": 16.0} is a whole number: accepted.
    Options o = parse_options({num("factors", 16.0)}, specs(), "demo_fit");
    EXPECT_EQ(o.integer("factors"), 16);
}

TEST(Options, NumberForBooleanIsRejected) {
    Error e = parse_error({num("verbose", 1)});
    EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
    EXPECT_TRUE(contains(e.what(), "verbose")) << e.what();
}

TEST(Options, BooleanForNumberIsRejected) {
    Error e = parse_error({flag("factors", true)});
    EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
    EXPECT_TRUE(contains(e.what(), "factors")) << e.what();
}

TEST(Options, OutOfRangeIsRejectedNamingTheOption) {
    for (double bad : {0.0, -3.0, 1025.0}) {
        Error e = parse_error({num("factors", bad)});
        EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter) << bad;
        EXPECT_TRUE(contains(e.what(), "factors")) << e.what();
    }
    Error e = parse_error({num("regularization", -0.5)});
    EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
    EXPECT_TRUE(contains(e.what(), "regularization")) << e.what();
}

TEST(Options, RangeIsInclusive) {
    EXPECT_EQ(parse_options({num("factors", 1)}, specs(), "demo_fit").integer("factors"), 1);
    EXPECT_EQ(parse_options({num("factors", 1024)}, specs(), "demo_fit").integer("factors"), 1024);
    EXPECT_DOUBLE_EQ(parse_options({num("regularization", 0)}, specs(), "demo_fit").number("regularization"), 0);
}

TEST(Options, NonFiniteNumbersAreRejected) {
    for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
        Error e = parse_error({num("regularization", bad)});
        EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
        EXPECT_TRUE(contains(e.what(), "regularization")) << e.what();
    }
}

TEST(Options, ToJsonListsEveryOptionInSpecOrder) {
    Options defaults = parse_options({}, specs(), "demo_fit");
    EXPECT_EQ(defaults.to_json(), R"({"factors":64,"regularization":0.01,"verbose":false})");

    Options given = parse_options({flag("verbose", true), num("regularization", 0.5), num("factors", 7)},
                                  specs(), "demo_fit");
    EXPECT_EQ(given.to_json(), R"({"factors":7,"regularization":0.5,"verbose":true})");
}

}  // namespace
}  // namespace recsys
