#include "training_summary_parts.h"

namespace recsys {

namespace {

// A field's JSON value and payload encoding by its type: u64, i32, u8 (a
// bool), a length-prefixed string (a solver's name: at most 32 bytes).
void json_value(JsonWriter& w, std::uint64_t v) { w.integer(static_cast<long long>(v)); }
void json_value(JsonWriter& w, int v) { w.integer(v); }
void json_value(JsonWriter& w, bool v) { w.boolean(v); }
void json_value(JsonWriter& w, const std::string& v) { w.string(v); }

void write_value(ByteWriter& w, std::uint64_t v) { w.pod<std::uint64_t>(v); }
void write_value(ByteWriter& w, int v) { w.pod<std::int32_t>(v); }
void write_value(ByteWriter& w, bool v) { w.pod<std::uint8_t>(v ? 1 : 0); }
void write_value(ByteWriter& w, const std::string& v) { w.string(v); }

void read_value(ByteReader& r, std::uint64_t& v, const char* what) { v = r.pod<std::uint64_t>(what); }
void read_value(ByteReader& r, int& v, const char* what) { v = r.pod<std::int32_t>(what); }
void read_value(ByteReader& r, bool& v, const char* what) { v = r.pod<std::uint8_t>(what) != 0; }
void read_value(ByteReader& r, std::string& v, const char* what) { v = r.string(32, what); }

// The visitors over a part's fields. A read error names the field by its key
// with spaces ("model is truncated (reading used rows)").
auto json_fields(JsonWriter& w) {
    return [&w](const char* key, const auto& value) {
        w.key(key);
        json_value(w, value);
    };
}

auto write_fields(ByteWriter& w) {
    return [&w](const char*, const auto& value) { write_value(w, value); };
}

auto read_fields(ByteReader& r) {
    return [&r](const char* key, auto& value) {
        std::string what = key;
        for (char& c : what)
            if (c == '_') c = ' ';
        read_value(r, value, what.c_str());
    };
}

template <class Part>
Part read_part(ByteReader& r) {
    Part part;
    Part::fields(part, read_fields(r));
    return part;
}

}  // namespace

void sampled_rows_json(JsonWriter& w, const SampledRows& rows) { SampledRows::fields(rows, json_fields(w)); }
void write_sampled_rows(ByteWriter& w, const SampledRows& rows) { SampledRows::fields(rows, write_fields(w)); }
SampledRows read_sampled_rows(ByteReader& r) { return read_part<SampledRows>(r); }

void solver_run_json(JsonWriter& w, const SolverRun& run) { SolverRun::fields(run, json_fields(w)); }
void write_solver_run(ByteWriter& w, const SolverRun& run) { SolverRun::fields(run, write_fields(w)); }
SolverRun read_solver_run(ByteReader& r) { return read_part<SolverRun>(r); }

}  // namespace recsys
