// add_items (fresh_items.h): predict, merge by id, renumber.
#include "fresh_items.h"

#include <algorithm>
#include <numeric>

#include "../base/checked.h"

namespace recsys {

namespace {

constexpr std::size_t kCheckEvery = 4096;  // items between cancel checks

std::size_t bytes_of(std::size_t count, std::size_t each, const char* what) {
    return checked_mul(count, each, what, ErrorKind::OutOfMemory);
}

void check_shapes(const AlsModel& model, const ItemFactorsModel& mapper, const NewItems& items) {
    if (items.count > 0 && items.width != mapper.feature_count())
        fail(ErrorKind::InvalidParameter,
             "add_items: features have " + std::to_string(items.width) + " elements, the item_factors model takes " +
                 std::to_string(mapper.feature_count()),
             "transform the new items with the featurizer the item_factors model was trained on");
    if (mapper.outputs() != static_cast<std::size_t>(model.factors()))
        fail(ErrorKind::InvalidParameter,
             "add_items: the item_factors model predicts " + std::to_string(mapper.outputs()) +
                 " factors, the ALS model has " + std::to_string(model.factors()),
             "train item_factors_fit on this ALS model's recsys.item_factors");
}

// The new items' positions in ascending id order; an id given twice or
// already in the model is an error naming it.
std::vector<std::size_t> ascending_new(const AlsModel& model, const NewItems& items, StopToken& stop) {
    std::vector<std::size_t> order(items.count);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return items.ids[a] < items.ids[b]; });
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (i % kCheckEvery == 0) stop.check();
        const std::int64_t id = items.ids[order[i]];
        if (i > 0 && items.ids[order[i - 1]] == id)
            fail(ErrorKind::InvalidParameter, "add_items: item_id " + std::to_string(id) + " is given twice");
        if (std::binary_search(model.item_ids.begin(), model.item_ids.end(), id))
            fail(ErrorKind::InvalidParameter, "add_items: item_id " + std::to_string(id) + " is already in the model",
                 "a trained item keeps its factors: add only items the model does not know");
    }
    return order;
}

}  // namespace

AlsModel add_items(const AlsModel& model, const ItemFactorsModel& mapper, const NewItems& items,
                   MemoryBudget& budget, StopToken& stop) {
    check_shapes(model, mapper, items);
    const std::size_t old_items = model.items(), k = static_cast<std::size_t>(model.factors());
    const std::size_t total = checked_add(old_items, items.count, "add_items catalogue", ErrorKind::InvalidParameter);
    if (total >= INT32_MAX)
        fail(ErrorKind::LimitExceeded, "add_items: a model holds fewer than 2^31 - 1 items, this one would have " +
                                           std::to_string(total));

    // Working memory (the order of the new items, the renumbering of the
    // old ones), then the new model: everything of the old one, with the
    // catalogue grown.
    std::size_t bytes = bytes_of(items.count, sizeof(std::size_t), "add_items order");
    bytes = checked_add(bytes, bytes_of(old_items, sizeof(std::int32_t), "add_items renumbering"), "add_items");
    bytes = checked_add(bytes, bytes_of(total, 8 + 4 + 4 * k, "add_items catalogue"), "add_items");
    bytes = checked_add(bytes, bytes_of(model.users(), 8 + 8 + 4 * k, "add_items users"), "add_items");
    bytes = checked_add(bytes, bytes_of(model.seen_items.size() + 1, 4 + 4 + 8, "add_items seen items"), "add_items");
    budget.reserve(bytes, "add_items model");

    const std::vector<std::size_t> order = ascending_new(model, items, stop);

    AlsModel out;
    out.options = model.options;
    out.params = model.params;
    out.summary = model.summary;
    out.user_ids = model.user_ids;
    out.user_factors = model.user_factors;
    out.seen_offsets = model.seen_offsets;
    out.seen_weights = model.seen_weights;  // explain's confidences, parallel to seen_items
    out.item_ids.resize(total);
    out.item_factors.resize(static_cast<Eigen::Index>(total), static_cast<Eigen::Index>(k));
    out.item_popularity.resize(total);

    // Merge the two ascending lists: old items keep their factors and
    // popularity at their new index; new ones get predicted factors.
    std::vector<std::int32_t> renumbered(old_items);
    std::size_t o = 0, f = 0;
    for (std::size_t i = 0; i < total; ++i) {
        if (i % kCheckEvery == 0) stop.check();
        const bool take_old = f == order.size() || (o < old_items && model.item_ids[o] < items.ids[order[f]]);
        const auto row = static_cast<Eigen::Index>(i);
        if (take_old) {
            out.item_ids[i] = model.item_ids[o];
            out.item_factors.row(row) = model.item_factors.row(static_cast<Eigen::Index>(o));
            out.item_popularity[i] = model.item_popularity[o];
            renumbered[o++] = static_cast<std::int32_t>(i);
        } else {
            const std::size_t at = order[f++];
            out.item_ids[i] = items.ids[at];
            mapper.predict(items.features + at * items.width, out.item_factors.row(row).data());
            out.item_popularity[i] = 0;  // no one has interacted with it yet
        }
    }

    // Seen items are indices: the same items, at their new indices (the
    // renumbering is increasing, so each user's list stays ascending).
    out.seen_items.resize(model.seen_items.size());
    for (std::size_t i = 0; i < model.seen_items.size(); ++i) {
        if (i % (kCheckEvery * 64) == 0) stop.check();
        out.seen_items[i] = renumbered[static_cast<std::size_t>(model.seen_items[i])];
    }
    return out;
}

}  // namespace recsys
