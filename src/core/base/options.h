// Validated training options, shared by every model kind.
//
// A kind declares an OptionSchema: its options (name, JSON type, default,
// range, allowed strings, meaning) and an optional check across options. The
// host hands over the user's options as JSON text (jsonb in PostgreSQL);
// parse_options checks them against the schema: a value that is not an
// object, an unknown key, a wrong type, an out-of-range number, a string
// that is not one of the choices, and a failed check across options are
// errors (ErrorKind::InvalidParameter) that name the option, with a hint that
// says what it means and lists the valid keys. The result holds every option,
// defaults filled in, and writes itself back as JSON, so that a model keeps
// the options it was trained with and reads them back through the same checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace recsys {

enum class OptionType {  // (options.cpp names them, in this order)
    Integer,      // a whole number in [min, max]
    Number,       // a finite number in [min, max]
    Boolean,
    String,       // one of `choices` (any string when there are none)
    IntegerList,  // an array of whole numbers, each in [min, max] (e.g. hidden layer sizes)
    StringList,   // an array of strings (e.g. feature names)
    Object,       // a JSON object, checked by the kind (e.g. per-column settings)
};

struct OptionSpec {
    std::string name;
    OptionType type;
    std::string default_json;  // the default as JSON text; "null": absent unless given
    double min = 0, max = 0;
    std::vector<std::string> choices;
    std::string help;
    bool nullable = false;  // null is a value the user may pass (e.g. "no warm start")
    bool array_too = false;  // an Object option that also takes an array (the kind reads either)
    // Names the option had in models written by earlier versions: a model's
    // stored options are read under them too (parse_stored_options), a
    // user's never (one name per idea; see renamed_from).
    std::vector<std::string> former_names;
};

// Builders that read like the table they make.
OptionSpec integer_option(std::string name, std::int64_t fallback, double min, double max, std::string help);
OptionSpec number_option(std::string name, double fallback, double min, double max, std::string help);
OptionSpec boolean_option(std::string name, bool fallback, std::string help);
OptionSpec choice_option(std::string name, std::string fallback, std::vector<std::string> choices, std::string help);
OptionSpec integer_list_option(std::string name, std::vector<std::int64_t> fallback, double min, double max,
                               std::string help);
OptionSpec object_option(std::string name, std::string help);
// An array of strings, empty by default.
OptionSpec string_list_option(std::string name, std::string help);
// An option with no default: null unless given (a string, or null).
OptionSpec optional_string_option(std::string name, std::string help);
// `spec`, which models written by earlier versions stored as `former_name`.
OptionSpec renamed_from(std::string former_name, OptionSpec spec);

// How the option table (recsys.options) shows a spec: its type's name
// ("integer", "number", "boolean", "string", "integer[]", "string[]",
// "object", "object or array"), its default as text (a string's without
// quotes; empty when it has none: null), and whether min and max bound it.
std::string option_type_name(const OptionSpec& s);
std::string option_default_text(const OptionSpec& s);
bool option_has_range(const OptionSpec& s);

class Options;

// One option's value: its JSON text, and the typed value its type reads.
struct OptionValue {
    const OptionSpec* spec = nullptr;
    std::string json;  // normalized JSON text
    bool null = false;
    double number = 0;
    bool boolean = false;
    std::string text;
    std::vector<std::int64_t> integers;
    std::vector<std::string> strings;
};

struct OptionSchema {
    std::string function;  // the SQL function the options belong to ("als_fit"): names errors
    std::vector<OptionSpec> options;
    // Checks across options, after each value passed its own checks; throws
    // an Error (use fail_option) when a combination is invalid.
    std::function<void(const Options&)> check;
    // Rewrites the user's JSON text into the forms the options above take
    // before anything is checked (ab_compare's weights may be an array by
    // variant number, or an object by name); none: the text as it is.
    std::function<std::string(const std::string&)> normalize = nullptr;
    // Rewrites the options a model of an earlier version stored into today's
    // names where former_names cannot (the featurizer's per-column
    // settings); applied by parse_stored_options only, never to a user's.
    std::function<std::string(const std::string&)> upgrade_stored = nullptr;
};

class Options {
public:
    double number(const std::string& name) const;
    std::int64_t integer(const std::string& name) const;
    bool boolean(const std::string& name) const;
    const std::string& string(const std::string& name) const;
    const std::vector<std::int64_t>& integers(const std::string& name) const;
    const std::vector<std::string>& strings(const std::string& name) const;
    // Any value as JSON text (how objects are read).
    const std::string& json(const std::string& name) const;
    bool is_null(const std::string& name) const;
    // Every option as a JSON object, in schema order (for the model).
    std::string to_json() const;
    const OptionSchema* schema() const { return schema_; }

private:
    friend Options parse_options(const std::string&, const OptionSchema&);
    const OptionValue& value(const std::string& name, OptionType expected) const;
    const OptionValue& any(const std::string& name) const;
    const OptionSchema* schema_ = nullptr;
    std::vector<OptionValue> values_;
};

// `json_object` is the user's options as JSON text ("{}" for the defaults).
// The schema must outlive the result.
Options parse_options(const std::string& json_object, const OptionSchema& schema);

// The options a model stored (JSON text), read under today's names: a key
// that is an option's former name takes its name, schema.upgrade_stored
// rewrites the rest, and parse_options checks the result as it checks a
// user's. Old model bytes keep loading after an option is renamed.
Options parse_stored_options(const std::string& json_object, const OptionSchema& schema);
// The option a model stored under `name`, today's name or a former one; null for none.
const OptionSpec* stored_option(const OptionSchema& schema, const std::string& name);

// Options take at most this much JSON text (a parsed JSON object takes tens
// of times its text): 4 MB holds 100,000 feature names or per-column settings
// of thousands of columns. parse_options checks it first; a kind that reads
// the text itself before parse_options checks it with check_options_size.
constexpr std::size_t kMaxOptionsBytes = std::size_t(4) << 20;
void check_options_size(const std::string& json_object, const OptionSchema& schema);

// The error of an invalid option (for a schema's check across options).
[[noreturn]] void fail_option(const OptionSchema& schema, const std::string& name, const std::string& problem);

}  // namespace recsys
