// Parts of a training summary that more than one kind keeps, beyond the
// common TrainingSummary: each part's model_info JSON fields and payload bytes
// are written and read here, once, so every kind that has a part writes,
// reads and shows it alike. A kind's summary derives from TrainingSummary and
// the parts it has (its fields keep their names: summary.used_rows), and its
// file calls each part's functions in the order its payload layout lists them.
#pragma once

#include <cstdint>
#include <string>

#include "../base/bytes.h"
#include "../base/json.h"

namespace recsys {

// The rows a classifier trained on (logreg, mlp).
struct SampledRows {
    std::uint64_t used_rows = 0;  // after down-sampling negatives
    std::uint64_t positives = 0;  // among the used rows

    // The fields with their JSON keys, in payload order: the one list the
    // JSON, the payload writer and the reader below follow.
    template <class Self, class Visit>  // Self: SampledRows, const or not
    static void fields(Self& self, Visit&& visit) {
        visit("used_rows", self.used_rows);
        visit("positives", self.positives);
    }
};
// Payload: u64 used rows, u64 positives.
void sampled_rows_json(JsonWriter& w, const SampledRows& rows);
void write_sampled_rows(ByteWriter& w, const SampledRows& rows);
SampledRows read_sampled_rows(ByteReader& r);

// The solver that ran and how it ended (logreg, linreg).
struct SolverRun {
    std::string solver;  // the one that ran
    int iterations = 0;
    bool converged = false;

    template <class Self, class Visit>  // as SampledRows::fields
    static void fields(Self& self, Visit&& visit) {
        visit("solver", self.solver);
        visit("iterations", self.iterations);
        visit("converged", self.converged);
    }
};
// Payload: string solver, i32 iterations, u8 converged.
void solver_run_json(JsonWriter& w, const SolverRun& run);
void write_solver_run(ByteWriter& w, const SolverRun& run);
SolverRun read_solver_run(ByteReader& r);

}  // namespace recsys
