// The NOTICE of the candidate functions for an id the model does not know
// (candidate_functions.cpp says why a NOTICE, and why once per call site):
// shared by recommend and friends and by explain (candidate_explain.cpp).
#pragma once

#include "pg_headers.h"

namespace recsys::pg {

// True the first time at this call site in the statement.
bool first_unknown(FunctionCallInfo fcinfo);
// The NOTICE, with its detail and hint.
void notice_unknown(const char* message);

}  // namespace recsys::pg
