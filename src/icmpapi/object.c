/* The handle table, the one lock and condition variable of the library, and the last
 * error of each thread (GetLastError). */
#include "object.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "wping/timespec.h"

/* A handle is ((generation << 24) | (index + 1)) << 2: never NULL, never
 * INVALID_HANDLE_VALUE, and a closed handle stays invalid until its slot has been reused 63
 * more times. */
#define INDEX_BITS 24
#define GENERATION_MASK 0x3Fu
#define MAX_SLOTS ((1u << INDEX_BITS) - 1)

struct slot {
    struct object *object;
    unsigned generation;
};

static pthread_mutex_t S_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t S_changed;
static pthread_once_t S_once = PTHREAD_ONCE_INIT;
static struct slot *S_slots;
static size_t S_slot_count;

static _Thread_local DWORD S_last_error;
static _Thread_local unsigned S_last_error_sets;

DWORD WINAPI GetLastError(VOID)
{
    return S_last_error;
}

VOID WINAPI SetLastError(DWORD dwErrCode)
{
    S_last_error = dwErrCode;
    S_last_error_sets++;
    errno = (int)dwErrCode; /* SetLastError is exported too: a P/Invoke of it reads this */
}

struct last_error_mark last_error_enter(void)
{
    return (struct last_error_mark){errno, S_last_error_sets};
}

/* errno is set last, after every clean-up that may have changed it (close, free, ...). */
void last_error_leave(const struct last_error_mark *mark)
{
    errno = S_last_error_sets != mark->sets ? (int)S_last_error : mark->entry_errno;
}

/* Waits measure time on CLOCK_MONOTONIC, which needs a condition variable set up at run
 * time: PTHREAD_COND_INITIALIZER would use CLOCK_REALTIME and jump with the wall clock. */
static void S_init(void)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&S_changed, &attr);
    pthread_condattr_destroy(&attr);
}

void object_lock(void)
{
    pthread_once(&S_once, S_init);
    pthread_mutex_lock(&S_lock);
}

void object_unlock(void)
{
    pthread_mutex_unlock(&S_lock);
}

void object_broadcast(void)
{
    pthread_cond_broadcast(&S_changed);
}

bool object_wait(const struct timespec *deadline)
{
    if (deadline == NULL) {
        pthread_cond_wait(&S_changed, &S_lock);
        return true;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!timespec_before(&now, deadline))
        return false;
    pthread_cond_timedwait(&S_changed, &S_lock, deadline);
    return true;
}

struct timespec object_deadline(DWORD ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return timespec_add_ms(t, ms);
}

void object_init(struct object *object, enum object_kind kind,
                 void (*destroy)(struct object *object))
{
    object->kind = kind;
    object->refs = 1;
    object->destroy = destroy;
}

void object_ref_locked(struct object *object)
{
    object->refs++;
}

bool object_unref_locked(struct object *object)
{
    return --object->refs == 0;
}

void object_ref(struct object *object)
{
    object_lock();
    object_ref_locked(object);
    object_unlock();
}

void object_release(struct object *object)
{
    if (object == NULL)
        return;
    object_lock();
    bool last = object_unref_locked(object);
    object_unlock();
    if (last)
        object->destroy(object);
}

static HANDLE S_encode(size_t index, unsigned generation)
{
    uintptr_t value = ((uintptr_t)(generation & GENERATION_MASK) << INDEX_BITS) | (index + 1);
    return (HANDLE)(value << 2);
}

/* The slot of an open handle, or NULL. Called with the lock held. */
static struct slot *S_lookup(HANDLE handle, enum object_kind kind)
{
    uintptr_t value = (uintptr_t)handle;
    if (handle == NULL || handle == INVALID_HANDLE_VALUE || (value & 3) != 0)
        return NULL;
    value >>= 2;
    size_t index = (size_t)(value & MAX_SLOTS);
    unsigned generation = (unsigned)(value >> INDEX_BITS);
    if (index == 0 || index > S_slot_count || generation > GENERATION_MASK)
        return NULL;
    struct slot *slot = &S_slots[index - 1];
    if (slot->object == NULL || slot->generation != generation)
        return NULL;
    if (kind != OBJECT_ANY && slot->object->kind != kind)
        return NULL;
    return slot;
}

HANDLE object_insert(struct object *object)
{
    object_lock();
    size_t index = 0;
    while (index < S_slot_count && S_slots[index].object != NULL)
        index++;
    if (index == S_slot_count) {
        size_t count = S_slot_count ? S_slot_count * 2 : 16;
        struct slot *slots = count <= MAX_SLOTS ? realloc(S_slots, count * sizeof(*slots)) : NULL;
        if (slots == NULL) {
            object_unlock();
            return NULL;
        }
        for (size_t i = S_slot_count; i < count; i++) {
            slots[i].object = NULL;
            slots[i].generation = 0;
        }
        S_slots = slots;
        S_slot_count = count;
    }
    struct slot *slot = &S_slots[index];
    slot->generation = (slot->generation % GENERATION_MASK) + 1; /* 1..63 */
    slot->object = object;
    HANDLE handle = S_encode(index, slot->generation);
    object_unlock();
    return handle;
}

struct object *object_get(HANDLE handle, enum object_kind kind)
{
    object_lock();
    struct slot *slot = S_lookup(handle, kind);
    struct object *object = NULL;
    if (slot != NULL) {
        object = slot->object;
        object_ref_locked(object);
    }
    object_unlock();
    return object;
}

bool object_close(HANDLE handle, enum object_kind kind)
{
    object_lock();
    struct slot *slot = S_lookup(handle, kind);
    if (slot == NULL) {
        object_unlock();
        return false;
    }
    struct object *object = slot->object;
    slot->object = NULL;
    bool last = object_unref_locked(object);
    object_unlock();
    if (last)
        object->destroy(object);
    return true;
}

BOOL WINAPI CloseHandle(HANDLE hObject)
{
    struct last_error_mark mark = last_error_enter();
    BOOL closed = object_close(hObject, OBJECT_ANY);
    if (!closed)
        SetLastError(ERROR_INVALID_HANDLE);
    last_error_leave(&mark);
    return closed ? TRUE : FALSE;
}
