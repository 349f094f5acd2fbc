/*
 * Handles and the lock behind them. Every object (event, ICMP handle) is reference counted
 * and reached from a HANDLE through a table, so that a stale or made-up handle is refused
 * without being dereferenced. One process-wide lock and condition variable guard the table,
 * every event state and every APC queue; waiters sleep on the condition and recheck.
 */
#ifndef WPING_ICMPAPI_OBJECT_H
#define WPING_ICMPAPI_OBJECT_H

#include <stdbool.h>
#include <time.h>

#include "api.h"

enum object_kind { OBJECT_ANY = 0, OBJECT_EVENT, OBJECT_ICMP };

struct object {
    enum object_kind kind;
    unsigned refs;                          /* guarded by the lock */
    void (*destroy)(struct object *object); /* called without the lock when refs reaches 0 */
};

/* Sets kind, destroy and one reference (the caller's). */
void object_init(struct object *object, enum object_kind kind,
                 void (*destroy)(struct object *object));

/* Enters the object into the table, which takes over the caller's reference. Returns NULL
 * when the table cannot grow (the object is then left to the caller). */
HANDLE object_insert(struct object *object);

/* The object behind handle, with a new reference, when it is open and of `kind` (OBJECT_ANY:
 * any kind); NULL otherwise. */
struct object *object_get(HANDLE handle, enum object_kind kind);

/* Takes the object out of the table and drops the table's reference. False when handle is
 * not an open object of `kind`. */
bool object_close(HANDLE handle, enum object_kind kind);

void object_ref(struct object *object);
void object_release(struct object *object);

/* The lock, and the variants of the above for callers holding it. */
void object_lock(void);
void object_unlock(void);
void object_ref_locked(struct object *object);
/* Returns true when that was the last reference: the caller then calls destroy after
 * unlocking. */
bool object_unref_locked(struct object *object);

/* Wakes every waiter; call with the lock held after changing anything waited for. */
void object_broadcast(void);

/* Sleeps on the condition with the lock held, until woken or until `deadline`
 * (CLOCK_MONOTONIC; NULL: no limit). Returns false once the deadline has passed. */
bool object_wait(const struct timespec *deadline);

/* CLOCK_MONOTONIC now + ms. */
struct timespec object_deadline(DWORD ms);

/*
 * The last error where .NET and Mono read it (docs/design.md, Porting from .NET): on Unix,
 * Marshal.GetLastWin32Error() after a SetLastError=true call is errno as the native function left
 * it. Every exported function takes a mark on entry and leaves through last_error_leave (but
 * GetLastError, and those that only forward to another): errno then holds the last error when the
 * call set one (even to the value it had), and otherwise the errno the caller had on entry, since
 * Windows leaves GetLastError alone there.
 */
struct last_error_mark {
    int entry_errno;
    unsigned sets; /* SetLastError calls of this thread so far */
};

struct last_error_mark last_error_enter(void);
void last_error_leave(const struct last_error_mark *mark);

#endif /* WPING_ICMPAPI_OBJECT_H */
