// json_number and JsonWriter: model metadata and model_info output.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>

#include "base/json.h"

namespace recsys {
namespace {

double read_back(const std::string& text) {
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    EXPECT_EQ(*end, '\0') << "trailing characters in " << text;
    return v;
}

TEST(JsonNumber, RoundTripsExactly) {
    for (double v : {0.01, 1e-300, 1.0 / 3.0, -2.0 / 3.0, 0.1, 123456.789, 1e30, -1e-5, DBL_MAX, DBL_MIN,
                     std::numeric_limits<double>::denorm_min(), 1e15 + 0.5, 9007199254740993.0})
        EXPECT_EQ(read_back(json_number(v)), v) << json_number(v);
}

TEST(JsonNumber, RandomDoublesRoundTrip) {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
    std::uniform_int_distribution<int> exponent(-300, 300);
    for (int i = 0; i < 2000; ++i) {
        double v = std::ldexp(mantissa(rng), exponent(rng));
        ASSERT_EQ(read_back(json_number(v)), v) << json_number(v);
    }
}

TEST(JsonNumber, IsShortest) {
    EXPECT_EQ(json_number(0.01), "0.01");
    EXPECT_EQ(json_number(0.1), "0.1");
    EXPECT_EQ(json_number(2.5), "2.5");
    EXPECT_EQ(json_number(1e30), "1e+30");
}

TEST(JsonNumber, IntegersHaveNoDecimals) {
    EXPECT_EQ(json_number(0), "0");
    EXPECT_EQ(json_number(1), "1");
    EXPECT_EQ(json_number(-42), "-42");
    EXPECT_EQ(json_number(64), "64");
    EXPECT_EQ(json_number(1000000), "1000000");
    EXPECT_EQ(json_number(4294967296.0), "4294967296");
}

TEST(JsonNumber, NonFiniteIsNull) {
    EXPECT_EQ(json_number(std::numeric_limits<double>::quiet_NaN()), "null");
    EXPECT_EQ(json_number(std::numeric_limits<double>::infinity()), "null");
    EXPECT_EQ(json_number(-std::numeric_limits<double>::infinity()), "null");
}

TEST(JsonWriter, EscapesStrings) {
    JsonWriter w;
    w.string("a\"b\\c\nd\te\rf");
    EXPECT_EQ(w.str(), R"("a\"b\\c\nd\te\rf")");
}

TEST(JsonWriter, EscapesControlCharactersAsUnicode) {
    JsonWriter w;
    w.string(std::string("x\x01y\x1fz", 5));
    EXPECT_EQ(w.str(), R"("x\u0001y\u001fz")");
}

TEST(JsonWriter, KeepsEmbeddedNulAsEscape) {
    JsonWriter w;
    w.string(std::string("a\0b", 3));
    EXPECT_EQ(w.str(), R"("a\u0000b")");
}

TEST(JsonWriter, PassesUtf8Through) {
    JsonWriter w;
    w.string("caf\xc3\xa9 \xe2\x82\xac");
    EXPECT_EQ(w.str(), "\"caf\xc3\xa9 \xe2\x82\xac\"");
}

TEST(JsonWriter, EscapesKeys) {
    JsonWriter w;
    w.begin_object();
    w.key("we\"ird");
    w.integer(1);
    w.end_object();
    EXPECT_EQ(w.str(), R"({"we\"ird":1})");
}

TEST(JsonWriter, SeparatesValuesInNestedContainers) {
    JsonWriter w;
    w.begin_object();
    w.key("kind");
    w.string("als");
    w.key("loss");
    w.begin_array();
    w.number(0.5);
    w.number(std::numeric_limits<double>::quiet_NaN());
    w.integer(-3);
    w.end_array();
    w.key("empty");
    w.begin_object();
    w.end_object();
    w.key("ok");
    w.boolean(true);
    w.key("options");
    w.raw(R"({"a":1})");
    w.end_object();
    EXPECT_EQ(w.str(), R"({"kind":"als","loss":[0.5,null,-3],"empty":{},"ok":true,"options":{"a":1}})");
}

TEST(JsonWriter, ArrayOfArrays) {
    JsonWriter w;
    w.begin_array();
    w.begin_array();
    w.integer(1);
    w.end_array();
    w.begin_array();
    w.end_array();
    w.boolean(false);
    w.end_array();
    EXPECT_EQ(w.str(), "[[1],[],false]");
}

}  // namespace
}  // namespace recsys
