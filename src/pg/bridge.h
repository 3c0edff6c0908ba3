// The one bridge between C++ and PostgreSQL error handling.
//
// PostgreSQL raises errors by longjmp, which would skip C++ destructors; a
// C++ exception escaping into PostgreSQL would kill the backend. So:
//   * guarded(f) runs C++ code, catches everything, and only after the C++
//     scope has ended raises the matching ereport(ERROR);
//   * call_postgres(f) runs a PostgreSQL call from inside guarded code and
//     turns its error into a C++ exception, re-raised by guarded();
//   * interrupt_pending() is the poll a StopToken uses on the backend thread.
#pragma once

#include <exception>
#include <new>

#include "../core/base/error.h"
#include "pg_headers.h"

namespace recsys::pg {

// What guarded() needs to raise the error once the C++ scope is gone. Plain
// data only, so nothing needs destroying when ereport longjmps.
struct PendingError {
    enum class What { None, Error, Cancelled, Postgres } what = What::None;
    ErrorKind kind = ErrorKind::Internal;
    char message[1024];
    char hint[1024];
    ErrorData* postgres = nullptr;
};

// Thrown by call_postgres with the copied PostgreSQL error.
struct PostgresError {
    ErrorData* data;
};

void capture_current_exception(PendingError& pending) noexcept;
[[noreturn]] void raise_pending(const PendingError& pending);

template <typename F>
auto guarded(F&& f) -> decltype(f()) {
    PendingError pending;
    try {
        return f();
    } catch (...) {
        capture_current_exception(pending);
    }
    raise_pending(pending);
}

// Runs f (which may ereport) from C++ code; a PostgreSQL error becomes a
// PostgresError exception. f must not own C++ objects with destructors.
template <typename F>
void call_postgres(F&& f) {
    MemoryContext context = CurrentMemoryContext;
    ErrorData* volatile error = nullptr;
    PG_TRY();
    {
        f();
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(context);
        error = CopyErrorData();
        FlushErrorState();
    }
    PG_END_TRY();
    if (error) throw PostgresError{error};
}

// True when PostgreSQL wants this statement to stop (cancel, timeout,
// termination). Reads flags only: safe from the backend thread at any time.
bool interrupt_pending();

}  // namespace recsys::pg

// Defines the C entry point SYMBOL (inside an extern "C" block) whose body,
// written after the macro, runs whole inside the error bridge: a C++
// exception thrown anywhere in it (a bad_alloc in a std::string, an Error
// from the core) becomes an ERROR, never a dead backend. The body may still
// ereport directly, as long as it holds no C++ object with a destructor at
// that point (the rule of call_postgres).
//
//   RECSYS_FUNCTION(recsys_serving_version) { PG_RETURN_INT64(...); }
#define RECSYS_FUNCTION(SYMBOL)                                                  \
    PG_FUNCTION_INFO_V1(SYMBOL);                                                 \
    static Datum SYMBOL##_body(FunctionCallInfo fcinfo);                         \
    Datum SYMBOL(PG_FUNCTION_ARGS) {                                             \
        return recsys::pg::guarded([fcinfo] { return SYMBOL##_body(fcinfo); });  \
    }                                                                            \
    static Datum SYMBOL##_body(FunctionCallInfo fcinfo)
