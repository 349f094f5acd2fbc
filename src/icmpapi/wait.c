/* Events (CreateEvent, SetEvent, ...), waits on them, and the per-thread APC queues that
 * alertable waits run. */
#include "wait.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct event {
    struct object base;
    bool manual;
    bool signaled; /* guarded by the object lock */
};

struct wait_thread {
    unsigned refs; /* guarded by the object lock, like everything below */
    bool alive;
    struct wait_apc *head, *tail;
};

static pthread_key_t S_key;
static pthread_once_t S_key_once = PTHREAD_ONCE_INIT;
static _Thread_local struct wait_thread *S_self;

static void S_free_apcs(struct wait_apc *apc)
{
    while (apc != NULL) {
        struct wait_apc *next = apc->next;
        free(apc);
        apc = next;
    }
}

/* Thread exit: NT drops the APCs of a thread that is gone, and so do we. */
static void S_thread_exit(void *pointer)
{
    struct wait_thread *thread = pointer;
    object_lock();
    thread->alive = false;
    struct wait_apc *pending = thread->head;
    thread->head = thread->tail = NULL;
    bool last = --thread->refs == 0;
    object_unlock();
    S_free_apcs(pending);
    if (last)
        free(thread);
}

static void S_key_init(void)
{
    pthread_key_create(&S_key, S_thread_exit);
}

struct wait_thread *wait_thread_self(void)
{
    if (S_self == NULL) {
        pthread_once(&S_key_once, S_key_init);
        struct wait_thread *thread = calloc(1, sizeof(*thread));
        if (thread == NULL)
            return NULL;
        thread->refs = 1; /* the thread's own, dropped at its exit */
        thread->alive = true;
        if (pthread_setspecific(S_key, thread) != 0) {
            free(thread);
            return NULL;
        }
        S_self = thread;
    }
    object_lock();
    S_self->refs++;
    object_unlock();
    return S_self;
}

void wait_thread_release(struct wait_thread *thread)
{
    if (thread == NULL)
        return;
    object_lock();
    bool last = --thread->refs == 0;
    object_unlock();
    if (last)
        free(thread);
}

void wait_apc_queue(struct wait_thread *thread, struct wait_apc *apc)
{
    apc->next = NULL;
    object_lock();
    if (!thread->alive) {
        object_unlock();
        free(apc);
        return;
    }
    if (thread->tail != NULL)
        thread->tail->next = apc;
    else
        thread->head = apc;
    thread->tail = apc;
    object_broadcast();
    object_unlock();
}

/* Runs the calling thread's APCs one at a time, without the lock, so that an APC may issue
 * new requests and wait; APCs queued meanwhile run too, as NT delivers them. */
static void S_run_apcs(struct wait_thread *thread)
{
    for (;;) {
        object_lock();
        struct wait_apc *apc = thread->head;
        if (apc != NULL) {
            thread->head = apc->next;
            if (thread->head == NULL)
                thread->tail = NULL;
        }
        object_unlock();
        if (apc == NULL)
            return;
        apc->routine(apc->context, &apc->io_status, 0);
        free(apc);
    }
}

static void S_event_destroy(struct object *object)
{
    free(object);
}

static HANDLE S_create_event(BOOL manual, BOOL initial, LPCSTR name)
{
    if (name != NULL) {
        SetLastError(ERROR_NOT_SUPPORTED);
        return NULL;
    }
    struct event *event = calloc(1, sizeof(*event));
    if (event == NULL) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    object_init(&event->base, OBJECT_EVENT, S_event_destroy);
    event->manual = manual != FALSE;
    event->signaled = initial != FALSE;
    HANDLE handle = object_insert(&event->base);
    if (handle == NULL) {
        free(event);
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    SetLastError(NO_ERROR); /* as Windows: ERROR_ALREADY_EXISTS or 0 for a new event */
    return handle;
}

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                           BOOL bInitialState, LPCSTR lpName)
{
    (void)lpEventAttributes;
    struct last_error_mark mark = last_error_enter();
    HANDLE handle = S_create_event(bManualReset, bInitialState, lpName);
    last_error_leave(&mark);
    return handle;
}

static BOOL S_set(HANDLE handle, bool signaled)
{
    struct object *object = object_get(handle, OBJECT_EVENT);
    if (object == NULL) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    object_lock();
    ((struct event *)object)->signaled = signaled;
    if (signaled)
        object_broadcast();
    object_unlock();
    object_release(object);
    return TRUE;
}

BOOL WINAPI SetEvent(HANDLE hEvent)
{
    struct last_error_mark mark = last_error_enter();
    BOOL result = S_set(hEvent, true);
    last_error_leave(&mark);
    return result;
}

BOOL WINAPI ResetEvent(HANDLE hEvent)
{
    struct last_error_mark mark = last_error_enter();
    BOOL result = S_set(hEvent, false);
    last_error_leave(&mark);
    return result;
}

void wait_event_signal(struct object *event)
{
    object_lock();
    ((struct event *)event)->signaled = true;
    object_broadcast();
    object_unlock();
}

static DWORD S_wait(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable)
{
    struct object *object = object_get(hHandle, OBJECT_EVENT);
    if (object == NULL) {
        SetLastError(ERROR_INVALID_HANDLE);
        return WAIT_FAILED;
    }
    struct event *event = (struct event *)object;
    /* A thread without a queue has never issued an APC request: none can arrive. */
    struct wait_thread *self = bAlertable ? S_self : NULL;
    struct timespec deadline = object_deadline(dwMilliseconds);
    const struct timespec *limit = dwMilliseconds == INFINITE ? NULL : &deadline;
    DWORD result;
    object_lock();
    for (;;) {
        /* NT looks at the object first: a signalled event wins over queued APCs. */
        if (event->signaled) {
            if (!event->manual)
                event->signaled = false;
            result = WAIT_OBJECT_0;
            break;
        }
        if (self != NULL && self->head != NULL) {
            result = WAIT_IO_COMPLETION;
            break;
        }
        if (!object_wait(limit)) {
            result = WAIT_TIMEOUT;
            break;
        }
    }
    object_unlock();
    if (result == WAIT_IO_COMPLETION)
        S_run_apcs(self);
    object_release(object);
    return result;
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable)
{
    struct last_error_mark mark = last_error_enter();
    DWORD result = S_wait(hHandle, dwMilliseconds, bAlertable);
    last_error_leave(&mark);
    return result;
}

DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
    return WaitForSingleObjectEx(hHandle, dwMilliseconds, FALSE);
}

static DWORD S_sleep(DWORD dwMilliseconds, BOOL bAlertable)
{
    struct timespec deadline = object_deadline(dwMilliseconds);
    struct wait_thread *self = bAlertable ? S_self : NULL;
    if (self == NULL) {
        if (dwMilliseconds == INFINITE) {
            for (;;)
                pause();
        }
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR)
            continue;
        return 0;
    }
    const struct timespec *limit = dwMilliseconds == INFINITE ? NULL : &deadline;
    DWORD result = 0;
    object_lock();
    for (;;) {
        if (self->head != NULL) {
            result = WAIT_IO_COMPLETION;
            break;
        }
        if (!object_wait(limit))
            break;
    }
    object_unlock();
    if (result == WAIT_IO_COMPLETION)
        S_run_apcs(self);
    return result;
}

DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable)
{
    struct last_error_mark mark = last_error_enter();
    DWORD result = S_sleep(dwMilliseconds, bAlertable);
    last_error_leave(&mark);
    return result;
}

VOID WINAPI Sleep(DWORD dwMilliseconds)
{
    SleepEx(dwMilliseconds, FALSE);
}
