// C++ objects owned by a PostgreSQL memory context: the object is deleted
// when the context is reset or deleted (including on error), or earlier by
// release(). Glue code keeps large C++ results here instead of in local
// variables, which an ereport longjmp would never destroy.
#pragma once

#include "pg_headers.h"

namespace recsys::pg {

template <typename T>
struct Owned {
    MemoryContextCallback callback;
    T* value;

    T* operator->() const { return value; }
    T& operator*() const { return *value; }
    void reset(T* v) {
        delete value;
        value = v;
    }
    void release() { reset(nullptr); }
};

// Allocates the holder first (that may ereport), so the object that goes in
// later is never without an owner.
template <typename T>
Owned<T>* new_owned(MemoryContext context = CurrentMemoryContext) {
    auto* o = static_cast<Owned<T>*>(MemoryContextAllocZero(context, sizeof(Owned<T>)));
    o->callback.func = [](void* arg) { static_cast<Owned<T>*>(arg)->release(); };
    o->callback.arg = o;
    MemoryContextRegisterResetCallback(context, &o->callback);
    return o;
}

}  // namespace recsys::pg
