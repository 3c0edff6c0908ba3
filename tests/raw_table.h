// Rows of raw fields for featurizer tests, whose strings live as long as the
// table (a RawField holds views).
#pragma once

#include <cmath>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "features/featurizer.h"

namespace recsys {
namespace test {

struct RawTable {
    std::deque<std::string> strings;
    std::vector<std::vector<RawField>> rows;
    std::vector<double> targets;

    std::string_view keep(const std::string& s) {
        strings.push_back(s);
        return strings.back();
    }
    std::vector<RawField>& row(double target = NAN) {
        rows.emplace_back();
        targets.push_back(target);
        return rows.back();
    }
    void number(std::vector<RawField>& r, const std::string& name, double v) { r.push_back({keep(name), RawValue::of(v)}); }
    void text(std::vector<RawField>& r, const std::string& name, const std::string& v) {
        r.push_back({keep(name), RawValue::of_text(keep(v))});
    }
    void boolean(std::vector<RawField>& r, const std::string& name, bool v) {
        r.push_back({keep(name), RawValue::of_bool(v)});
    }
};

}  // namespace test
}  // namespace recsys
