#include "option_table.h"

#include "../base/error.h"
#include "training_rows.h"

namespace recsys {

std::vector<OptionTableRow> option_table(const std::optional<std::string>& kind) {
    std::vector<OptionTableRow> rows;
    bool known = !kind;
    std::string with_options;
    for (const AggregateKind* aggregate : aggregate_kinds()) {
        known = known || aggregate->name == *kind;
        if (!aggregate->options) continue;
        with_options += (with_options.empty() ? "" : ", ") + aggregate->name;
        if (kind && aggregate->name != *kind) continue;
        for (const OptionSpec& spec : aggregate->options->options) rows.push_back({aggregate->name, &spec});
    }
    if (!known)
        fail(ErrorKind::InvalidParameter, "unknown kind \"" + *kind + "\"", "kinds with options are: " + with_options);
    return rows;
}

}  // namespace recsys
