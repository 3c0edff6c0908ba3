// The option table: every option of every aggregate that takes options, read
// from the kinds' own schemas (recsys.options lists it; the README's table
// "Options of every kind" is checked against it), so that a renamed option
// cannot be documented under its old name.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "../base/options.h"

namespace recsys {

struct OptionTableRow {
    std::string kind;  // the model kind ("als"), or the statistic's aggregate ("ab_compare")
    const OptionSpec* spec;
};

// The options of `kind`, or of every kind without one, in kind order
// (aggregate_kinds()) then schema order. A kind without options has no rows;
// a name that is no kind is an InvalidParameter error listing the kinds.
std::vector<OptionTableRow> option_table(const std::optional<std::string>& kind);

}  // namespace recsys
