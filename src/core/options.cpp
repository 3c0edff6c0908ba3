#include "options.h"

#include <cmath>

#include "error.h"
#include "json.h"

namespace recsys {

namespace {

std::string valid_keys(const std::vector<OptionSpec>& specs) {
    std::string keys;
    for (const auto& s : specs) {
        if (!keys.empty()) keys += ", ";
        keys += s.name;
    }
    return keys;
}

const char* type_name(OptionType t) {
    switch (t) {
        case OptionType::Integer: return "an integer";
        case OptionType::Number: return "a number";
        case OptionType::Boolean: return "a boolean";
    }
    return "?";
}

const char* kind_name(RawOption::Kind k) {
    switch (k) {
        case RawOption::Kind::Number: return "a number";
        case RawOption::Kind::Boolean: return "a boolean";
        case RawOption::Kind::String: return "a string";
        case RawOption::Kind::Null: return "null";
        case RawOption::Kind::Other: return "an array or object";
    }
    return "?";
}

// The hint of a bad value: what the option means, and every valid key.
std::string value_hint(const OptionSpec& s, const std::vector<OptionSpec>& specs) {
    return std::string("\"") + s.name + "\": " + s.help + "; valid options are: " + valid_keys(specs);
}

double checked_value(const RawOption& r, const OptionSpec& s, const std::vector<OptionSpec>& specs,
                     const char* function) {
    bool type_ok = s.type == OptionType::Boolean ? r.kind == RawOption::Kind::Boolean
                                                 : r.kind == RawOption::Kind::Number;
    if (s.type == OptionType::Integer && type_ok && r.number != std::floor(r.number)) type_ok = false;
    if (!type_ok)
        fail(ErrorKind::InvalidParameter,
             std::string(function) + " option \"" + s.name + "\" must be " + type_name(s.type) +
                 ", got " + (r.kind == RawOption::Kind::Number ? json_number(r.number) : kind_name(r.kind)),
             value_hint(s, specs));
    if (s.type == OptionType::Boolean) return r.boolean ? 1 : 0;
    if (!(r.number >= s.min && r.number <= s.max))
        fail(ErrorKind::InvalidParameter,
             std::string(function) + " option \"" + s.name + "\" must be between " + json_number(s.min) +
                 " and " + json_number(s.max) + ", got " + json_number(r.number),
             value_hint(s, specs));
    return r.number;
}

}  // namespace

bool option_value_valid(const OptionSpec& s, double v) {
    if (s.type == OptionType::Boolean) return v == 0 || v == 1;
    if (!(v >= s.min && v <= s.max)) return false;  // also rejects NaN
    return s.type != OptionType::Integer || v == std::floor(v);
}

double Options::number(const std::string& name) const {
    for (const auto& e : entries)
        if (name == e.spec->name) return e.value;
    fail(ErrorKind::Internal, "option \"" + name + "\" is not defined");
}

std::string Options::to_json() const {
    JsonWriter w;
    w.begin_object();
    for (const auto& e : entries) {
        w.key(e.spec->name);
        if (e.spec->type == OptionType::Boolean)
            w.boolean(e.value != 0);
        else
            w.number(e.value);
    }
    w.end_object();
    return w.str();
}

Options parse_options(const std::vector<RawOption>& raw, const std::vector<OptionSpec>& specs,
                      const char* function) {
    Options out;
    for (const auto& s : specs) out.entries.push_back({&s, s.default_value});
    for (const auto& r : raw) {
        Options::Entry* found = nullptr;
        for (auto& e : out.entries)
            if (r.key == e.spec->name) found = &e;
        if (!found)
            fail(ErrorKind::InvalidParameter,
                 std::string("unknown ") + function + " option \"" + r.key + "\"",
                 "valid options are: " + valid_keys(specs));
        found->value = checked_value(r, *found->spec, specs, function);
    }
    return out;
}

}  // namespace recsys
