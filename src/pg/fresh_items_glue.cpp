// recsys.add_items(model, item_factors_model, item_id bigint, features float8[]):
// an aggregate over new items returning the ALS model with them added
// (src/core/candidates/fresh_items.h), both models given as bytes or as
// registry names (the version each name serves).
//
// The models come with every row but are one value for the whole aggregate:
// they are decoded with the first row, and each later row's are compared to
// it (by their sampled key, sampled_key.h, as the serving functions' call
// site does: a pass over a large model per row would cost more than the
// work), a different one being an error. The rows (ids and features) are
// kept in C++ vectors owned by the aggregate's memory context; they and the
// decoded models are claimed against recsys.max_memory before they are
// allocated, and the new model is claimed by the final call.
#include <cmath>
#include <memory>
#include <vector>

#include "../core/candidates/fresh_items.h"
#include "../core/base/checked.h"
#include "../core/model/sampled_key.h"
#include "arguments.h"
#include "bridge.h"
#include "memory_claim.h"
#include "model_source.h"
#include "owned.h"
#include "pg_headers.h"
#include "trained_model.h"

extern "C" {
#include "access/detoast.h"  // toast_raw_datum_size
}

namespace {

using namespace recsys;
using namespace recsys::pg;

constexpr const char* kFunction = "add_items";
constexpr int kModelArg = 1, kMapperArg = 2, kIdArg = 3, kFeaturesArg = 4;  // after the state

struct Rows {
    std::vector<std::int64_t> ids;
    std::vector<double> features;  // ids.size() x width
};

// A model argument as the first row gave it: the key its later rows must match.
struct ArgumentKey {
    unsigned char* key;
    std::size_t size;
};

struct FreshState {
    ArgumentKey keys[2];  // the ALS model's, the item_factors model's
    ModelHandle* models[2];
    std::size_t model_bytes;  // the claim of the decoded models
    Owned<Rows>* rows;
    std::size_t capacity;  // rows the vectors have room for
    std::uint32_t width;   // features per row (0 until the first row)
    MemoryClaim* claim;
};

const char* const kArgumentNames[2] = {"model", "item_factors_model"};

// The argument as it came: a value stored out of line stays its TOAST
// pointer (one value for the whole query); one in memory is detoasted.
struct varlena* as_given(FunctionCallInfo fcinfo, int argno) {
    auto* raw = reinterpret_cast<struct varlena*>(DatumGetPointer(PG_GETARG_DATUM(argno)));
    return VARATT_IS_EXTERNAL(raw) && !VARATT_IS_EXTERNAL_ONDISK(raw) ? pg_detoast_datum_packed(raw) : raw;
}

std::size_t claimed(const FreshState* s, std::size_t capacity) {
    return s->model_bytes + capacity * (sizeof(std::int64_t) + sizeof(double) * s->width);
}

// Decodes the model of argument `which` (0: the ALS model, 1: the item_factors
// model) and keeps the key of its argument; the bytes are claimed first.
void load_argument(FunctionCallInfo fcinfo, FreshState* s, int which, ModelArgument form, MemoryContext context) {
    const int argno = which == 0 ? kModelArg : kMapperArg;
    struct varlena* arg = as_given(fcinfo, argno);
    const std::size_t size = VARSIZE_ANY(arg);
    // A decoded model takes about its serialized size (factors, ids); the
    // claim is made before it is read.
    s->model_bytes += toast_raw_datum_size(PG_GETARG_DATUM(argno));
    set_claim(s->claim, claimed(s, s->capacity), "add_items models");
    MemoryContext old = MemoryContextSwitchTo(context);
    struct varlena* value = pg_detoast_datum_packed(arg);
    if (form == ModelArgument::Name) {
        char* name = text_to_cstring(reinterpret_cast<text*>(value));
        registered_model(name, s->models[which]);
    } else {
        const auto* data = reinterpret_cast<const unsigned char*>(VARDATA_ANY(value));
        const std::size_t data_size = VARSIZE_ANY_EXHDR(value);
        ModelHandle* handle = s->models[which];
        guarded([&] { handle->reset(new std::shared_ptr<const Model>(load_model(data, data_size))); });
    }
    s->keys[which].key = static_cast<unsigned char*>(palloc(sampled_key_size(size)));
    write_sampled_key(reinterpret_cast<const unsigned char*>(arg), size, s->keys[which].key);
    s->keys[which].size = size;
    MemoryContextSwitchTo(old);
    const Model& model = ***s->models[which];
    const char* expected = which == 0 ? AlsModel::kKind : ItemFactorsModel::kKind;
    if ((which == 0 && !dynamic_cast<const AlsModel*>(&model)) ||
        (which == 1 && !dynamic_cast<const ItemFactorsModel*>(&model)))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("add_items: %s is of kind \"%s\", expected \"%s\"", kArgumentNames[which], model.kind(),
                               expected)));
}

void check_same_argument(FunctionCallInfo fcinfo, const FreshState* s, int which) {
    struct varlena* arg = as_given(fcinfo, which == 0 ? kModelArg : kMapperArg);
    const std::size_t size = VARSIZE_ANY(arg);
    if (size != s->keys[which].size ||
        !matches_sampled_key(reinterpret_cast<const unsigned char*>(arg), size, s->keys[which].key))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("add_items: %s differs between rows", kArgumentNames[which]),
                        errhint("add items to one model at a time: GROUP BY the model, or run one add_items per "
                                "model")));
}

FreshState* new_state(FunctionCallInfo fcinfo, MemoryContext context, ModelArgument form) {
    auto* s = static_cast<FreshState*>(MemoryContextAllocZero(context, sizeof(FreshState)));
    s->claim = new_memory_claim(context);
    s->rows = new_owned<Rows>(context);
    guarded([&] { s->rows->reset(new Rows()); });
    for (int which = 0; which < 2; ++which) {
        s->models[which] = new_owned<std::shared_ptr<const Model>>(context);
        load_argument(fcinfo, s, which, form, context);
    }
    return s;
}

// Room for one more row: the vectors double, claimed first.
void reserve_row(FreshState* s) {
    if (s->rows->value->ids.size() < s->capacity) return;
    const std::size_t capacity = s->capacity < 64 ? 64 : s->capacity * 2;
    set_claim(s->claim, claimed(s, capacity), "add_items rows");
    Rows* rows = s->rows->value;
    const std::size_t width = s->width;
    guarded([&] {
        rows->ids.reserve(capacity);
        rows->features.reserve(checked_mul(capacity, width, "add_items rows", ErrorKind::OutOfMemory));
    });
    s->capacity = capacity;
}

Datum collect(FunctionCallInfo fcinfo, ModelArgument form) {
    MemoryContext context = aggregate_context(fcinfo, kFunction);
    for (int argno : {kModelArg, kMapperArg})
        require_not_null(fcinfo, argno, kArgumentNames[argno - kModelArg]);
    require_not_null(fcinfo, kIdArg, "item_id");
    require_not_null(fcinfo, kFeaturesArg, "features");
    FreshState* s = PG_ARGISNULL(0) ? new_state(fcinfo, context, form)
                                    : reinterpret_cast<FreshState*>(PG_GETARG_POINTER(0));
    if (!PG_ARGISNULL(0))
        for (int which = 0; which < 2; ++which) check_same_argument(fcinfo, s, which);

    const std::int64_t id = PG_GETARG_INT64(kIdArg);
    ArrayView<double> features = float8_array(fcinfo, kFeaturesArg, "features");
    const auto& mapper = static_cast<const ItemFactorsModel&>(***s->models[1]);
    if (static_cast<std::size_t>(features.size) != mapper.feature_count())
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("add_items: features of item_id %lld have %d elements, the item_factors model takes %zu",
                               static_cast<long long>(id), features.size, mapper.feature_count()),
                        errhint("transform the new items with the featurizer the item_factors model was trained on")));
    for (int i = 0; i < features.size; ++i)
        if (!std::isfinite(features.data[i]))
            ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
                            errmsg("add_items: features[%d] of item_id %lld is %g, not a finite number", i + 1,
                                   static_cast<long long>(id), features.data[i])));
    s->width = static_cast<std::uint32_t>(features.size);
    reserve_row(s);
    Rows* rows = s->rows->value;
    // Within the reserved capacity: no allocation, nothing to throw.
    rows->ids.push_back(id);
    rows->features.insert(rows->features.end(), features.data, features.data + features.size);
    PG_RETURN_POINTER(s);
}

}  // namespace

extern "C" {

RECSYS_FUNCTION(recsys_add_items_collect) { return collect(fcinfo, ModelArgument::Bytes); }
RECSYS_FUNCTION(recsys_add_items_collect_by_name) { return collect(fcinfo, ModelArgument::Name); }

// The ALS model with the collected items added, as bytes; NULL without rows.
RECSYS_FUNCTION(recsys_add_items_final) {
    aggregate_context(fcinfo, kFunction);
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* s = reinterpret_cast<const FreshState*>(PG_GETARG_POINTER(0));
    const auto& model = static_cast<const AlsModel&>(***s->models[0]);
    const auto& mapper = static_cast<const ItemFactorsModel&>(***s->models[1]);
    const Rows& rows = **s->rows;
    const NewItems items{rows.ids.data(), rows.features.data(), rows.ids.size(), s->width};
    bytea* out = train_model(train_settings(kFunction, s->claim), 0, [&](TrainContext& ctx) {
        return std::make_unique<AlsModel>(add_items(model, mapper, items, *ctx.budget, *ctx.stop));
    });
    PG_RETURN_BYTEA_P(out);
}

}  // extern "C"
