#include "json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace recsys {

std::string json_number(double v) {
    if (!std::isfinite(v)) return "null";
    if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    char buf[32];
    for (int precision = 6; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    return buf;
}

std::string message_number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", v);
    return text;
}

void JsonWriter::separate() {
    if (need_comma_) out_ += ',';
}

void JsonWriter::open(char c) {
    separate();
    out_ += c;
    need_comma_ = false;
}

void JsonWriter::close(char c) {
    out_ += c;
    need_comma_ = true;
}

void JsonWriter::key(const std::string& k) {
    string(k);
    out_ += ':';
    need_comma_ = false;
}

void JsonWriter::value(const std::string& text) {
    separate();
    out_ += text;
    need_comma_ = true;
}

void JsonWriter::string(const std::string& s) {
    std::string q = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': q += "\\\""; break;
            case '\\': q += "\\\\"; break;
            case '\n': q += "\\n"; break;
            case '\t': q += "\\t"; break;
            case '\r': q += "\\r"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    q += buf;
                } else {
                    q += static_cast<char>(c);
                }
        }
    }
    q += '"';
    value(q);
}

}  // namespace recsys
