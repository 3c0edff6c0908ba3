#include "bridge.h"

#include <cstring>
#include <stdexcept>

namespace recsys::pg {

namespace {

int sqlstate_of(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::InvalidParameter: return ERRCODE_INVALID_PARAMETER_VALUE;
        case ErrorKind::InvalidInput: return ERRCODE_INVALID_TEXT_REPRESENTATION;
        case ErrorKind::NullValue: return ERRCODE_NULL_VALUE_NOT_ALLOWED;
        case ErrorKind::DataException: return ERRCODE_DATA_EXCEPTION;
        case ErrorKind::OutOfMemory: return ERRCODE_OUT_OF_MEMORY;
        case ErrorKind::LimitExceeded: return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
        case ErrorKind::Corrupted: return ERRCODE_DATA_CORRUPTED;
        case ErrorKind::Internal: return ERRCODE_INTERNAL_ERROR;
    }
    return ERRCODE_INTERNAL_ERROR;
}

void set(PendingError& p, ErrorKind kind, const char* message, const char* hint) {
    p.what = PendingError::What::Error;
    p.kind = kind;
    strlcpy(p.message, message, sizeof p.message);
    strlcpy(p.hint, hint ? hint : "", sizeof p.hint);
}

}  // namespace

void capture_current_exception(PendingError& p) noexcept {
    try {
        throw;
    } catch (const Error& e) {
        set(p, e.kind(), e.what(), e.hint().c_str());
    } catch (const Cancelled&) {
        p.what = PendingError::What::Cancelled;
    } catch (const PostgresError& e) {
        p.what = PendingError::What::Postgres;
        p.postgres = e.data;
    } catch (const std::bad_alloc&) {
        set(p, ErrorKind::OutOfMemory, "out of memory in recsys",
            "lower the model or data size, or raise the memory available to the server");
    } catch (const std::length_error& e) {
        set(p, ErrorKind::OutOfMemory, e.what(), "the data is too large for one call");
    } catch (const std::exception& e) {
        set(p, ErrorKind::Internal, e.what(), nullptr);
    } catch (...) {
        set(p, ErrorKind::Internal, "unknown C++ exception in recsys", nullptr);
    }
}

void raise_pending(const PendingError& p) {
    if (p.what == PendingError::What::Postgres) ReThrowError(p.postgres);
    if (p.what == PendingError::What::Cancelled) {
        CHECK_FOR_INTERRUPTS();
        // The flags were cleared meanwhile (e.g. a cancel racing the end of
        // the statement): still stop, as the work was abandoned.
        ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED), errmsg("canceling statement due to user request")));
    }
    if (p.what == PendingError::What::Error && p.hint[0])
        ereport(ERROR, (errcode(sqlstate_of(p.kind)), errmsg("%s", p.message), errhint("%s", p.hint)));
    if (p.what == PendingError::What::Error) ereport(ERROR, (errcode(sqlstate_of(p.kind)), errmsg("%s", p.message)));
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("recsys: error raised without a cause")));
    pg_unreachable();
}

bool interrupt_pending() {
    return InterruptPending && (QueryCancelPending || ProcDiePending || ClientConnectionLost);
}

}  // namespace recsys::pg
