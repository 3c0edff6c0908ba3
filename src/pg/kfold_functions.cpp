// Folds for cross-validation (src/core/statistics/folds.h): recsys.kfold, a
// key's fold from its type's seeded extended hash, and the window function
// recsys.stratified_kfold, which deals a partition's (a class's) rows out to
// the folds in the order of the same hashes.
#include "../core/base/checked.h"
#include "../core/statistics/folds.h"
#include "arguments.h"
#include "bridge.h"
#include "memory_claim.h"
#include "pg_headers.h"

extern "C" {
#include "windowapi.h"
}

using namespace recsys;
using namespace recsys::pg;

namespace {

// The extended hash function of the key's type, looked up once per call site.
FmgrInfo* key_hash(FunctionCallInfo fcinfo) {
    if (fcinfo->flinfo->fn_extra) return static_cast<FmgrInfo*>(fcinfo->flinfo->fn_extra);
    const Oid type = get_fn_expr_argtype(fcinfo->flinfo, 0);
    if (!OidIsValid(type))
        ereport(ERROR, (errcode(ERRCODE_INDETERMINATE_DATATYPE), errmsg("could not determine the type of the key")));
    TypeCacheEntry* entry = lookup_type_cache(type, TYPECACHE_HASH_EXTENDED_PROC_FINFO);
    if (!OidIsValid(entry->hash_extended_proc))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FUNCTION),
                        errmsg("the key's type %s has no extended hash function", format_type_be(type)),
                        errhint("use a key of a hashable type: an integer, text, uuid, date, ...")));
    auto* hash = static_cast<FmgrInfo*>(MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(FmgrInfo)));
    fmgr_info_copy(hash, &entry->hash_extended_proc_finfo, fcinfo->flinfo->fn_mcxt);
    fcinfo->flinfo->fn_extra = hash;
    return hash;
}

std::uint64_t seeded_hash(FunctionCallInfo fcinfo, Datum key, std::int32_t seed) {
    return DatumGetUInt64(FunctionCall2Coll(key_hash(fcinfo), PG_GET_COLLATION(), key, Int64GetDatum(seed)));
}

std::int32_t checked_folds(Datum value) {
    const std::int32_t folds = DatumGetInt32(value);
    guarded([&] { check_folds(folds); });
    return folds;
}

// A partition's folds, dealt at its first row (in its local memory).
struct Dealt {
    bool ready;
    std::int32_t* folds;  // per row of the partition; -1: a NULL key
};

}  // namespace

extern "C" {

// kfold(key, folds, seed): NULL for a NULL key.
RECSYS_FUNCTION(recsys_kfold) {
    require_not_null(fcinfo, 1, "folds");
    require_not_null(fcinfo, 2, "seed");
    const std::int32_t folds = checked_folds(PG_GETARG_DATUM(1));
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    PG_RETURN_INT32(fold_of_hash(seeded_hash(fcinfo, PG_GETARG_DATUM(0), PG_GETARG_INT32(2)), folds));
}

// stratified_kfold(key, folds, seed) OVER (PARTITION BY class): at the
// partition's first row, hashes every row's key and deals the rows out; each
// row then reads its fold. Claimed under recsys.max_memory: 28 bytes a row
// while dealing, then 8 until the partition ends.
RECSYS_FUNCTION(recsys_stratified_kfold) {
    WindowObject window = PG_WINDOW_OBJECT();
    auto* dealt = static_cast<Dealt*>(WinGetPartitionLocalMemory(window, sizeof(Dealt)));
    if (!dealt->ready) {
        bool null = false;
        for (int argno : {1, 2}) {
            WinGetFuncArgCurrent(window, argno, &null);
            if (null)
                ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                                errmsg("%s must not be NULL", argno == 1 ? "folds" : "seed")));
        }
        const std::int32_t folds = checked_folds(WinGetFuncArgCurrent(window, 1, &null));
        const std::int32_t seed = DatumGetInt32(WinGetFuncArgCurrent(window, 2, &null));
        const auto rows = static_cast<std::size_t>(WinGetPartitionRowCount(window));
        MemoryContext partition = GetMemoryChunkContext(dealt);
        MemoryClaim* claim = new_memory_claim(partition);
        // hashes (their buffer then keeps the folds), row numbers and folds of
        // the keyed rows, and deal_folds' order
        const std::size_t keep = guarded([&] { return checked_mul(rows, sizeof(std::uint64_t), "rows of a class"); });
        set_claim(claim, guarded([&] { return checked_add(checked_mul(rows, 20, "rows of a class"), deal_memory(rows),
                                                          "rows of a class"); }),
                  "stratified_kfold's rows");
        auto* hashes = static_cast<std::uint64_t*>(
            MemoryContextAllocHuge(partition, std::max<std::size_t>(rows, 1) * sizeof(std::uint64_t)));
        auto* row_of = static_cast<std::int64_t*>(
            MemoryContextAllocHuge(partition, std::max<std::size_t>(rows, 1) * sizeof(std::int64_t)));
        std::size_t keyed = 0;  // the rows with a key
        for (std::size_t row = 0; row < rows; ++row) {
            if ((row & 1023) == 0) CHECK_FOR_INTERRUPTS();
            bool out = false;
            const Datum key = WinGetFuncArgInPartition(window, 0, static_cast<int>(row), WINDOW_SEEK_HEAD, false,
                                                       &null, &out);
            if (null) continue;
            hashes[keyed] = seeded_hash(fcinfo, key, seed);
            row_of[keyed++] = static_cast<std::int64_t>(row);
        }
        auto* keyed_folds = static_cast<std::int32_t*>(
            MemoryContextAllocHuge(partition, std::max<std::size_t>(keyed, 1) * sizeof(std::int32_t)));
        guarded([&] { deal_folds(hashes, keyed, folds, keyed_folds); });
        // By row of the partition, in the memory of the hashes (no longer needed).
        auto* by_row = reinterpret_cast<std::int32_t*>(hashes);
        for (std::size_t row = 0; row < rows; ++row) by_row[row] = -1;
        for (std::size_t i = 0; i < keyed; ++i) by_row[row_of[i]] = keyed_folds[i];
        pfree(row_of);
        pfree(keyed_folds);
        set_claim(claim, keep, "stratified_kfold's rows");
        dealt->folds = by_row;
        dealt->ready = true;
    }
    const std::int32_t fold = dealt->folds[WinGetCurrentPosition(window)];
    if (fold < 0) PG_RETURN_NULL();
    PG_RETURN_INT32(fold);
}

}  // extern "C"
