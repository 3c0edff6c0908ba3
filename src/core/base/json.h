// A minimal JSON writer: enough for model metadata and model_info.
#pragma once

#include <string>

namespace recsys {

// Shortest text that reads back to the same double ("1", "0.01", "1e+30").
// Non-finite values are written as null (JSON has no NaN).
std::string json_number(double v);

// A number for an error message, to three significant digits ("6.8e+38",
// "0.25"): enough to see its magnitude where json_number's exact digits
// would only hide it. (Defined in json.cpp, not inline: the glue includes
// the core's headers after PostgreSQL's, which redefine snprintf.)
std::string message_number(double v);

class JsonWriter {
public:
    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    void key(const std::string& k);
    void number(double v) { value(json_number(v)); }
    void integer(long long v) { value(std::to_string(v)); }
    void boolean(bool v) { value(v ? "true" : "false"); }
    void string(const std::string& s);
    // An array of numbers (a loss history).
    template <class Numbers>
    void numbers(const Numbers& values) {
        begin_array();
        for (double v : values) number(v);
        end_array();
    }
    // Inserts already-valid JSON text as a value.
    void raw(const std::string& json) { value(json); }
    const std::string& str() const { return out_; }

private:
    void open(char c);
    void close(char c);
    void value(const std::string& text);
    void separate();
    std::string out_;
    bool need_comma_ = false;
};

}  // namespace recsys
