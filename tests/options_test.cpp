// parse_options: the checks every kind's `options jsonb` goes through.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "base/options.h"
#include "test_support.h"

namespace recsys {
namespace {

using namespace recsys::test;

const OptionSchema& schema() {
    static const OptionSchema table = {
        "demo_fit",
        {
            integer_option("factors", 64, 1, 1024, "number of latent factors"),
            renamed_from("regularization", number_option("l2", 0.01, 0, 1e6, "L2 penalty")),
            boolean_option("verbose", false, "print progress"),
            choice_option("solver", "lbfgs", {"lbfgs", "newton", "cd"}, "the optimizer"),
            integer_list_option("hidden", {64, 32}, 1, 4096, "sizes of the hidden layers"),
            object_option("columns", "per-column settings"),
            optional_string_option("warm_start", "a model name to start from"),
        },
        [](const Options& o) {
            if (o.string("solver") == "newton" && o.integers("hidden").size() > 1)
                fail_option(*o.schema(), "solver", "\"newton\" needs at most one hidden layer");
        },
    };
    return table;
}

Options parse(const std::string& text) { return parse_options(text, schema()); }

// Parses and returns the Error it must throw.
Error parse_error(const std::string& text) {
    return error_from([&] { parse(text); }, "parse_options accepted invalid options: " + text);
}

TEST(Options, EmptyInputGivesEveryDefaultInSchemaOrder) {
    Options o = parse("{}");
    EXPECT_EQ(o.to_json(),
              R"({"factors":64,"l2":0.01,"verbose":false,"solver":"lbfgs","hidden":[64,32],)"
              R"("columns":{},"warm_start":null})");
    EXPECT_EQ(o.integer("factors"), 64);
    EXPECT_DOUBLE_EQ(o.number("l2"), 0.01);
    EXPECT_DOUBLE_EQ(o.number("factors"), 64) << "an integer reads as a number too";
    EXPECT_FALSE(o.boolean("verbose"));
    EXPECT_EQ(o.string("solver"), "lbfgs");
    EXPECT_EQ(o.integers("hidden"), (std::vector<std::int64_t>{64, 32}));
    EXPECT_EQ(o.json("columns"), "{}");
    EXPECT_TRUE(o.is_null("warm_start"));
}

TEST(Options, GivenValuesOverrideDefaultsAndOthersKeepThem) {
    Options o = parse(R"({"factors": 8, "verbose": true, "solver": "cd", "hidden": [16],
                          "columns": {"sqft": {"impute": "median"}}, "warm_start": "yesterday"})");
    EXPECT_EQ(o.integer("factors"), 8);
    EXPECT_DOUBLE_EQ(o.number("l2"), 0.01);
    EXPECT_TRUE(o.boolean("verbose"));
    EXPECT_EQ(o.string("solver"), "cd");
    EXPECT_EQ(o.integers("hidden"), (std::vector<std::int64_t>{16}));
    EXPECT_EQ(o.json("columns"), R"({"sqft":{"impute":"median"}})");
    EXPECT_EQ(o.string("warm_start"), "yesterday");
    EXPECT_FALSE(o.is_null("warm_start"));
}

TEST(Options, InputOrderDoesNotMatter) {
    EXPECT_EQ(parse(R"({"l2": 2.5, "factors": 3})").to_json(),
              parse(R"({"factors": 3, "l2": 2.5})").to_json());
}

TEST(Options, TheirJsonReadsBackToTheSameOptions) {
    Options o = parse(R"({"factors": 8, "solver": "cd", "hidden": [], "columns": {"a": [1, "x"]}})");
    EXPECT_EQ(parse(o.to_json()).to_json(), o.to_json());
}

TEST(Options, UnknownKeyIsNamedAndHintListsValidKeys) {
    Error e = parse_error(R"({"factros": 8})");
    EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
    EXPECT_EQ(std::string(e.what()), "unknown demo_fit option \"factros\"");
    for (const char* valid : {"factors", "l2", "verbose", "solver", "hidden", "columns", "warm_start"})
        EXPECT_TRUE(contains(e.hint(), valid)) << "hint: " << e.hint();
}

TEST(Options, NotAnObjectIsRejectedWithAnExample) {
    for (const char* text : {"[1, 2]", "3", "\"x\"", "null"}) {
        Error e = parse_error(text);
        EXPECT_EQ(std::string(e.what()), "demo_fit options must be a JSON object") << text;
        EXPECT_EQ(e.hint(), R"(for example '{"factors": 64}', or '{}' for the defaults)");
    }
    EXPECT_EQ(parse_error("{").kind(), ErrorKind::InvalidParameter) << "malformed JSON";
}

TEST(Options, WrongTypesNameTheOptionAndWhatWasGiven) {
    struct Case {
        const char* text;
        const char* message;
    };
    for (const Case& c : std::vector<Case>{
             {R"({"factors": "8"})", R"(demo_fit option "factors" must be an integer, got "8")"},
             {R"({"factors": 8.5})", R"(demo_fit option "factors" must be an integer, got 8.5)"},
             {R"({"factors": null})", R"(demo_fit option "factors" must be an integer, got null)"},
             {R"({"factors": true})", R"(demo_fit option "factors" must be an integer, got a boolean)"},
             {R"({"l2": [1]})", R"(demo_fit option "l2" must be a number, got [1])"},
             {R"({"l2": {"a": 1}})", R"(demo_fit option "l2" must be a number, got an object)"},
             {R"({"verbose": 1})", R"(demo_fit option "verbose" must be a boolean, got 1)"},
             {R"({"solver": "sgd"})",
              R"(demo_fit option "solver" must be one of "lbfgs", "newton", "cd", got "sgd")"},
             {R"({"solver": 3})", R"(demo_fit option "solver" must be one of "lbfgs", "newton", "cd", got 3)"},
             {R"({"hidden": [64, 0]})",
              R"(demo_fit option "hidden" must be an array of integers between 1 and 4096, got [64,0])"},
             {R"({"hidden": [1.5]})",
              R"(demo_fit option "hidden" must be an array of integers between 1 and 4096, got [1.5])"},
             {R"({"hidden": 64})", R"(demo_fit option "hidden" must be an array of integers between 1 and 4096, got 64)"},
             {R"({"columns": []})", R"(demo_fit option "columns" must be a JSON object, got [])"},
             {R"({"warm_start": 7})", R"(demo_fit option "warm_start" must be a string, got 7)"},
         }) {
        Error e = parse_error(c.text);
        EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter) << c.text;
        EXPECT_EQ(std::string(e.what()), c.message) << c.text;
        EXPECT_TRUE(contains(e.hint(), "valid options are:")) << e.hint();
    }
}

TEST(Options, WholeNumberWrittenWithADecimalPointIsAnInteger) {
    EXPECT_EQ(parse(R"({"factors": 16.0})").integer("factors"), 16);
}

TEST(Options, RangesAreInclusiveAndCheckedWithTheRangeInTheMessage) {
    EXPECT_EQ(parse(R"({"factors": 1})").integer("factors"), 1);
    EXPECT_EQ(parse(R"({"factors": 1024})").integer("factors"), 1024);
    EXPECT_DOUBLE_EQ(parse(R"({"l2": 0})").number("l2"), 0);
    for (const char* bad : {"0", "-3", "1025"}) {
        Error e = parse_error(std::string(R"({"factors": )") + bad + "}");
        EXPECT_EQ(std::string(e.what()), std::string(R"(demo_fit option "factors" must be between 1 and 1024, got )") + bad);
    }
    EXPECT_EQ(parse_error(R"({"l2": 1e300})").kind(), ErrorKind::InvalidParameter);
}

TEST(Options, NumbersBeyondADoubleAreRejected) {
    EXPECT_EQ(parse_error(R"({"l2": 1e400})").kind(), ErrorKind::InvalidParameter);
}

TEST(Options, NullIsAValueOnlyForOptionsThatAllowIt) {
    EXPECT_TRUE(parse(R"({"warm_start": null})").is_null("warm_start"));
    EXPECT_EQ(parse_error(R"({"solver": null})").kind(), ErrorKind::InvalidParameter);
}

TEST(Options, ChecksAcrossOptionsRunOnTheWholeSet) {
    EXPECT_EQ(parse(R"({"solver": "newton", "hidden": [8]})").string("solver"), "newton");
    Error e = parse_error(R"({"solver": "newton"})");  // the default has two hidden layers
    EXPECT_EQ(std::string(e.what()), R"(demo_fit option "solver" "newton" needs at most one hidden layer)");
    EXPECT_TRUE(contains(e.hint(), "the optimizer")) << e.hint();
}

TEST(Options, ReadingAnOptionAsAnotherTypeIsABug) {
    Options o = parse("{}");
    EXPECT_EQ(error_from([&] { o.boolean("factors"); }, "accepted").kind(), ErrorKind::Internal);
    EXPECT_EQ(error_from([&] { o.integer("nope"); }, "accepted").kind(), ErrorKind::Internal);
}

// A model written before an option was renamed stored it under its former
// name: the model still reads (under today's name), a user's options never do.
TEST(Options, AFormerNameIsReadFromStoredOptionsOnly) {
    Options stored = parse_stored_options(R"({"factors": 8, "regularization": 2.5})", schema());
    EXPECT_DOUBLE_EQ(stored.number("l2"), 2.5);
    EXPECT_EQ(stored.to_json(), parse(R"({"factors": 8, "l2": 2.5})").to_json());
    EXPECT_EQ(std::string(parse_error(R"({"regularization": 2.5})").what()),
              "unknown demo_fit option \"regularization\"");
    EXPECT_FALSE(contains(parse_error(R"({"regularization": 2.5})").hint(), "regularization"))
        << "the hint lists today's names only";
    EXPECT_EQ(stored_option(schema(), "regularization"), stored_option(schema(), "l2"));
    EXPECT_EQ(stored_option(schema(), "l2")->name, "l2");
    EXPECT_EQ(stored_option(schema(), "nope"), nullptr);
    // Both names stored: the former one is no option of today's.
    EXPECT_EQ(error_from([] { parse_stored_options(R"({"regularization": 1, "l2": 2})", schema()); }, "accepted")
                  .kind(),
              ErrorKind::InvalidParameter);
}

TEST(Options, TheTableShowsEachTypeItsDefaultAndItsRange) {
    std::vector<std::string> types, defaults;
    std::vector<bool> ranged;
    for (const OptionSpec& s : schema().options) {
        types.push_back(option_type_name(s));
        defaults.push_back(option_default_text(s));
        ranged.push_back(option_has_range(s));
    }
    EXPECT_EQ(types, (std::vector<std::string>{"integer", "number", "boolean", "string", "integer[]", "object",
                                               "string"}));
    EXPECT_EQ(defaults, (std::vector<std::string>{"64", "0.01", "false", "lbfgs", "[64,32]", "{}", ""}));
    EXPECT_EQ(ranged, (std::vector<bool>{true, true, false, false, true, false, false}));
}

}  // namespace
}  // namespace recsys
