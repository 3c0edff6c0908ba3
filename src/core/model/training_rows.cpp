// The column contract between a kind and its fit (training_rows.h): columns
// are found by name and read as the type the kind declared, or the fit stops
// with an Internal error that names the column, before reading anything.
#include "training_rows.h"

#include "../base/error.h"

namespace recsys {

const char* column_type_name(ColumnType type) {
    switch (type) {
        case ColumnType::Int64: return "bigint";
        case ColumnType::Float32: return "float8 (kept as real)";
        case ColumnType::Float64: return "float8";
        case ColumnType::Bool: return "boolean";
        case ColumnType::Float64Array: return "float8[]";
        case ColumnType::JsonObject: return "jsonb";
        case ColumnType::Text: return "text";
    }
    return "?";
}

std::size_t column_bytes_per_row(ColumnType type, std::size_t width) {
    switch (type) {
        case ColumnType::Int64: return 8;
        case ColumnType::Float32: return 4;
        case ColumnType::Float64: return 8;
        case ColumnType::Bool: return 1;
        case ColumnType::Float64Array: return 8 * width;
        case ColumnType::JsonObject: return sizeof(FieldsView);
        case ColumnType::Text: return sizeof(std::string_view);
    }
    return 0;
}

void ColumnView::wrong_type(ColumnType wanted) const {
    fail(ErrorKind::Internal, std::string("column \"") + name + "\" is " + column_type_name(type) + ", read as " +
                                  column_type_name(wanted));
}

const ColumnView* TrainingRows::find(std::string_view name) const {
    for (const ColumnView& c : columns)
        if (name == c.name) return &c;
    return nullptr;
}

const ColumnView& TrainingRows::column(std::string_view name) const {
    if (const ColumnView* c = find(name)) return *c;
    fail(ErrorKind::Internal, "no column \"" + std::string(name) + "\" among the collected columns");
}

void TrainingRows::missing_summary() {
    fail(ErrorKind::Internal, "the rows carry no summary of the kind's own class");
}

}  // namespace recsys
