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

}  // namespace recsys::pg
