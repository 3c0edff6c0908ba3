#include "options.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "error.h"
#include "json.h"

namespace recsys {

namespace {

using nlohmann::json;

std::string valid_keys(const OptionSchema& schema) {
    std::string keys;
    for (const auto& s : schema.options) keys += (keys.empty() ? "" : ", ") + s.name;
    return keys;
}

// The hint of a bad value: what the option means, and every valid key.
std::string value_hint(const OptionSpec& s, const OptionSchema& schema) {
    return "\"" + s.name + "\": " + s.help + "; valid options are: " + valid_keys(schema);
}

std::string range(const OptionSpec& s) { return "between " + json_number(s.min) + " and " + json_number(s.max); }

std::string quoted_choices(const OptionSpec& s) {
    std::string out;
    for (const auto& c : s.choices) out += (out.empty() ? "\"" : ", \"") + c + "\"";
    return out;
}

// Each type's name in the option table, and in messages, in OptionType's order.
struct TypeWords {
    const char* name;
    const char* expected;
};
constexpr TypeWords kTypeWords[] = {
    {"integer", "an integer"},       {"number", "a number"},          {"boolean", "a boolean"},
    {"string", "a string"},          {"integer[]", "an array of integers"},
    {"string[]", "an array of strings"}, {"object", "a JSON object"},
};
static_assert(sizeof(kTypeWords) / sizeof(kTypeWords[0]) == static_cast<std::size_t>(OptionType::Object) + 1,
              "a word for every OptionType");
const TypeWords& words(OptionType type) { return kTypeWords[static_cast<int>(type)]; }

std::string expected(const OptionSpec& s) {
    if (s.type == OptionType::String && !s.choices.empty()) return "one of " + quoted_choices(s);
    if (s.type == OptionType::IntegerList) return words(s.type).expected + (" " + range(s));
    return words(s.type).expected;
}

// What the user passed, for messages: numbers and short strings as they
// are, longer values by their JSON type.
std::string shown(const json& v) {
    if (v.is_number()) return json_number(v.get<double>());
    if (v.is_string() && v.get<std::string>().size() <= 40) return v.dump();
    if (v.is_string()) return "a string";
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "a boolean";
    if (v.is_array()) return v.dump().size() <= 40 ? v.dump() : "an array";
    return "an object";
}

bool whole(double v) { return std::isfinite(v) && v == std::floor(v); }
bool in_range(const OptionSpec& s, double v) { return v >= s.min && v <= s.max; }  // false for NaN

// Checks v against s and stores it; throws naming the option otherwise.
OptionValue checked(const json& v, const OptionSpec& s, const OptionSchema& schema) {
    auto bad = [&](const std::string& problem) {
        fail(ErrorKind::InvalidParameter, schema.function + " option \"" + s.name + "\" " + problem,
             value_hint(s, schema));
    };
    auto wrong_type = [&] { bad("must be " + expected(s) + ", got " + shown(v)); };
    OptionValue out;
    out.spec = &s;
    if (v.is_null() && (s.nullable || s.default_json == "null")) {
        out.null = true;
        out.json = "null";
        return out;
    }
    switch (s.type) {
        case OptionType::Integer:
        case OptionType::Number: {
            if (!v.is_number()) wrong_type();
            double x = v.get<double>();
            if (s.type == OptionType::Integer && !whole(x)) wrong_type();
            if (!in_range(s, x)) bad("must be " + range(s) + ", got " + json_number(x));
            out.number = x;
            out.json = json_number(x);
            break;
        }
        case OptionType::Boolean:
            if (!v.is_boolean()) wrong_type();
            out.boolean = v.get<bool>();
            out.json = out.boolean ? "true" : "false";
            break;
        case OptionType::String: {
            if (!v.is_string()) wrong_type();
            out.text = v.get<std::string>();
            bool allowed = s.choices.empty();
            for (const auto& c : s.choices) allowed = allowed || c == out.text;
            if (!allowed) wrong_type();
            out.json = v.dump();
            break;
        }
        case OptionType::IntegerList:
            if (!v.is_array()) wrong_type();
            for (const auto& e : v) {
                if (!e.is_number() || !whole(e.get<double>()) || !in_range(s, e.get<double>())) wrong_type();
                out.integers.push_back(static_cast<std::int64_t>(e.get<double>()));
            }
            out.json = v.dump();
            break;
        case OptionType::StringList:
            if (!v.is_array()) wrong_type();
            for (const auto& e : v) {
                if (!e.is_string()) wrong_type();
                out.strings.push_back(e.get<std::string>());
            }
            out.json = v.dump();
            break;
        case OptionType::Object:
            if (!v.is_object() && !(s.array_too && v.is_array())) wrong_type();
            out.json = v.dump();
            break;
    }
    return out;
}

json parse_json(const std::string& text, const OptionSchema& schema) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        fail(ErrorKind::InvalidParameter, schema.function + " options are not valid JSON (" + e.what() + ")");
    }
}

OptionSpec spec(std::string name, OptionType type, std::string fallback, double min, double max,
                std::string help) {
    OptionSpec s;
    s.name = std::move(name);
    s.type = type;
    s.default_json = std::move(fallback);
    s.min = min;
    s.max = max;
    s.help = std::move(help);
    return s;
}

}  // namespace

OptionSpec integer_option(std::string name, std::int64_t fallback, double min, double max, std::string help) {
    return spec(std::move(name), OptionType::Integer, std::to_string(fallback), min, max, std::move(help));
}
OptionSpec number_option(std::string name, double fallback, double min, double max, std::string help) {
    return spec(std::move(name), OptionType::Number, json_number(fallback), min, max, std::move(help));
}
OptionSpec boolean_option(std::string name, bool fallback, std::string help) {
    return spec(std::move(name), OptionType::Boolean, fallback ? "true" : "false", 0, 0, std::move(help));
}
OptionSpec choice_option(std::string name, std::string fallback, std::vector<std::string> choices,
                         std::string help) {
    OptionSpec s = spec(std::move(name), OptionType::String, json(fallback).dump(), 0, 0, std::move(help));
    s.choices = std::move(choices);
    return s;
}
OptionSpec integer_list_option(std::string name, std::vector<std::int64_t> fallback, double min, double max,
                               std::string help) {
    return spec(std::move(name), OptionType::IntegerList, json(fallback).dump(), min, max, std::move(help));
}
OptionSpec object_option(std::string name, std::string help) {
    return spec(std::move(name), OptionType::Object, "{}", 0, 0, std::move(help));
}
OptionSpec string_list_option(std::string name, std::string help) {
    return spec(std::move(name), OptionType::StringList, "[]", 0, 0, std::move(help));
}
OptionSpec optional_string_option(std::string name, std::string help) {
    OptionSpec s = spec(std::move(name), OptionType::String, "null", 0, 0, std::move(help));
    s.nullable = true;
    return s;
}

OptionSpec renamed_from(std::string former_name, OptionSpec spec) {
    spec.former_names.push_back(std::move(former_name));
    return spec;
}

std::string option_type_name(const OptionSpec& s) {
    return s.array_too ? "object or array" : words(s.type).name;
}

std::string option_default_text(const OptionSpec& s) {
    if (s.default_json == "null") return "";
    if (s.type == OptionType::String) return json::parse(s.default_json).get<std::string>();
    return s.default_json;
}

bool option_has_range(const OptionSpec& s) {
    return s.type == OptionType::Integer || s.type == OptionType::Number || s.type == OptionType::IntegerList;
}

void check_options_size(const std::string& json_object, const OptionSchema& schema) {
    if (json_object.size() > kMaxOptionsBytes)
        fail(ErrorKind::InvalidParameter,
             schema.function + " options are " + std::to_string(json_object.size() >> 10) + " kB of JSON: at most " +
                 std::to_string(kMaxOptionsBytes >> 10) + " kB",
             "options say how to fit; pass the data as rows");
}

Options parse_options(const std::string& json_object, const OptionSchema& schema) {
    check_options_size(json_object, schema);
    json given = parse_json(schema.normalize ? schema.normalize(json_object) : json_object, schema);
    if (!given.is_object()) {
        std::string example = schema.options.empty()
                                  ? "'{}'"
                                  : "'{\"" + schema.options.front().name + "\": " +
                                        schema.options.front().default_json + "}'";
        fail(ErrorKind::InvalidParameter, schema.function + " options must be a JSON object",
             "for example " + example + ", or '{}' for the defaults");
    }
    for (const auto& item : given.items()) {
        bool known = false;
        for (const auto& s : schema.options) known = known || s.name == item.key();
        if (!known)
            fail(ErrorKind::InvalidParameter, "unknown " + schema.function + " option \"" + item.key() + "\"",
                 "valid options are: " + valid_keys(schema));
    }
    Options out;
    out.schema_ = &schema;
    for (const auto& s : schema.options) {
        auto it = given.find(s.name);
        out.values_.push_back(checked(it != given.end() ? *it : parse_json(s.default_json, schema), s, schema));
    }
    if (schema.check) schema.check(out);
    return out;
}

const OptionSpec* stored_option(const OptionSchema& schema, const std::string& name) {
    for (const auto& s : schema.options)
        if (s.name == name) return &s;
    for (const auto& s : schema.options)
        for (const auto& former : s.former_names)
            if (former == name) return &s;
    return nullptr;
}

Options parse_stored_options(const std::string& json_object, const OptionSchema& schema) {
    check_options_size(json_object, schema);
    json stored = json::parse(json_object, nullptr, false);
    if (!stored.is_object()) return parse_options(json_object, schema);  // its error
    json renamed = json::object();
    for (const auto& [key, value] : stored.items()) {
        const OptionSpec* s = stored_option(schema, key);
        // A former name never hides today's name stored beside it.
        const bool former = s && s->name != key && !stored.contains(s->name);
        renamed[former ? s->name : key] = value;
    }
    const std::string text = renamed.dump();
    return parse_options(schema.upgrade_stored ? schema.upgrade_stored(text) : text, schema);
}

void fail_option(const OptionSchema& schema, const std::string& name, const std::string& problem) {
    for (const auto& s : schema.options)
        if (s.name == name)
            fail(ErrorKind::InvalidParameter, schema.function + " option \"" + name + "\" " + problem,
                 value_hint(s, schema));
    fail(ErrorKind::Internal, "option \"" + name + "\" is not defined");
}

const OptionValue& Options::any(const std::string& name) const {
    for (const auto& v : values_)
        if (v.spec->name == name) return v;
    fail(ErrorKind::Internal, "option \"" + name + "\" is not defined");
}

const OptionValue& Options::value(const std::string& name, OptionType expected_type) const {
    const OptionValue& v = any(name);
    if (v.spec->type != expected_type)
        fail(ErrorKind::Internal, "option \"" + name + "\" is read as another type than it has");
    return v;
}

double Options::number(const std::string& name) const {
    const OptionValue& v = any(name);
    return v.spec->type == OptionType::Integer ? v.number : value(name, OptionType::Number).number;
}
std::int64_t Options::integer(const std::string& name) const {
    return static_cast<std::int64_t>(value(name, OptionType::Integer).number);
}
bool Options::boolean(const std::string& name) const { return value(name, OptionType::Boolean).boolean; }
const std::string& Options::string(const std::string& name) const { return value(name, OptionType::String).text; }
const std::vector<std::int64_t>& Options::integers(const std::string& name) const {
    return value(name, OptionType::IntegerList).integers;
}

const std::vector<std::string>& Options::strings(const std::string& name) const {
    return value(name, OptionType::StringList).strings;
}

const std::string& Options::json(const std::string& name) const { return any(name).json; }
bool Options::is_null(const std::string& name) const { return any(name).null; }

std::string Options::to_json() const {
    JsonWriter w;
    w.begin_object();
    for (const auto& v : values_) {
        w.key(v.spec->name);
        w.raw(v.json);
    }
    w.end_object();
    return w.str();
}

}  // namespace recsys
