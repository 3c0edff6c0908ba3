#include "rows.h"

namespace recsys::pg {

RowWriter::RowWriter(FunctionCallInfo fcinfo) {
    InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    store_ = rsinfo->setResult;
    desc_ = rsinfo->setDesc;
}

void RowWriter::put(Datum* values, bool* nulls) { tuplestore_putvalues(store_, desc_, values, nulls); }

Datum float4_array(const float* values, int n) {
    Datum* elems = static_cast<Datum*>(palloc(sizeof(Datum) * (n > 0 ? n : 1)));
    for (int i = 0; i < n; ++i) elems[i] = Float4GetDatum(values[i]);
    ArrayType* a = construct_array(elems, n, FLOAT4OID, sizeof(float4), true, TYPALIGN_INT);
    pfree(elems);
    return PointerGetDatum(a);
}

ArrayType* new_float8_array(int n) {
    if (n == 0) return construct_empty_array(FLOAT8OID);
    const Size bytes = ARR_OVERHEAD_NONULLS(1) + sizeof(float8) * static_cast<Size>(n);
    auto* a = static_cast<ArrayType*>(palloc(bytes));
    memset(a, 0, ARR_OVERHEAD_NONULLS(1));
    SET_VARSIZE(a, bytes);
    a->ndim = 1;
    a->dataoffset = 0;  // no NULL bitmap
    a->elemtype = FLOAT8OID;
    ARR_DIMS(a)[0] = n;
    ARR_LBOUND(a)[0] = 1;
    return a;
}

}  // namespace recsys::pg
