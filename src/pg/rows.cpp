#include "rows.h"

namespace recsys::pg {

RowWriter::RowWriter(FunctionCallInfo fcinfo) {
    InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    store_ = rsinfo->setResult;
    desc_ = rsinfo->setDesc;
}

void RowWriter::put(Datum* values, bool* nulls) { tuplestore_putvalues(store_, desc_, values, nulls); }

CompositeArray::CompositeArray(FunctionCallInfo fcinfo, int columns, std::size_t rows) {
    const Oid function = fcinfo->flinfo->fn_oid;
    type_ = get_element_type(get_func_rettype(function));
    if (!OidIsValid(type_) || !type_is_rowtype(type_))
        elog(ERROR, "recsys: %s must return an array of a composite type", get_func_name(function));
    desc_ = lookup_rowtype_tupdesc_copy(type_, -1);
    if (desc_->natts != columns)
        elog(ERROR, "recsys: %s must have %d columns, as %s makes them", format_type_be(type_), columns,
             get_func_name(function));
    if (rows > static_cast<std::size_t>(MaxArraySize))
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("%s would return %zu rows, more than an array holds", get_func_name(function), rows)));
    capacity_ = static_cast<int>(rows);
    count_ = 0;
    elements_ = static_cast<Datum*>(palloc(sizeof(Datum) * (rows > 0 ? rows : 1)));
}

void CompositeArray::put(const Datum* values, const bool* nulls) {
    if (count_ == capacity_) elog(ERROR, "recsys: more rows put in an array than it was made for");
    elements_[count_++] = HeapTupleGetDatum(heap_form_tuple(desc_, const_cast<Datum*>(values), const_cast<bool*>(nulls)));
}

Datum CompositeArray::array() {
    if (count_ == 0) return PointerGetDatum(construct_empty_array(type_));
    int16 length;
    bool by_value;
    char align;
    get_typlenbyvalalign(type_, &length, &by_value, &align);
    return PointerGetDatum(construct_array(elements_, count_, type_, length, by_value, align));
}

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
