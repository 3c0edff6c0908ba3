// Validated training options, shared by every algorithm.
//
// The host parses its own option syntax (jsonb in PostgreSQL) into RawOption
// values; parse_options checks them against an algorithm's OptionSpec table:
// unknown keys, wrong types and out-of-range values are errors that name the
// option, and the result holds every option (defaults filled in) so that it
// can be written into the model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recsys {

enum class OptionType { Integer, Number, Boolean };

struct RawOption {
    enum class Kind { Number, Boolean, String, Null, Other };
    std::string key;
    Kind kind = Kind::Null;
    double number = 0;
    bool boolean = false;
};

struct OptionSpec {
    const char* name;
    OptionType type;
    double default_value;  // booleans: 0 or 1
    double min, max;       // inclusive range for numbers
    const char* help;
};

class Options {
public:
    double number(const std::string& name) const;
    std::int64_t integer(const std::string& name) const { return static_cast<std::int64_t>(number(name)); }
    bool boolean(const std::string& name) const { return number(name) != 0; }
    // Every option as a JSON object, in spec order (for the model header).
    std::string to_json() const;

    struct Entry {
        const OptionSpec* spec;
        double value;
    };
    std::vector<Entry> entries;
};

// Whether `value` is one an option may hold (type and range): used to check
// options read back from a stored model.
bool option_value_valid(const OptionSpec& spec, double value);

// `function` names the caller in messages, e.g. "als_fit".
Options parse_options(const std::vector<RawOption>& raw, const std::vector<OptionSpec>& specs,
                      const char* function);

}  // namespace recsys
