/*
 * Events, waits and APCs: what asynchronous ICMP requests complete through. An APC is
 * queued to the thread that issued the request and runs only in that thread, inside an
 * alertable wait (SleepEx, WaitForSingleObjectEx with bAlertable).
 */
#ifndef WPING_ICMPAPI_WAIT_H
#define WPING_ICMPAPI_WAIT_H

#include "object.h"

/* A thread's APC queue; it outlives the thread while references remain, and APCs queued
 * after the thread has exited are dropped (they could never run). */
struct wait_thread;

/* One APC to deliver: routine(context, &io_status, 0). */
struct wait_apc {
    struct wait_apc *next;
    PIO_APC_ROUTINE routine;
    PVOID context;
    IO_STATUS_BLOCK io_status;
};

/* The calling thread's queue, with a new reference; NULL when out of memory. */
struct wait_thread *wait_thread_self(void);
void wait_thread_release(struct wait_thread *thread);

/* Hands `apc` (from malloc) to `thread`'s queue, which frees it after running it. */
void wait_apc_queue(struct wait_thread *thread, struct wait_apc *apc);

/* Signals an event object (SetEvent for holders of a reference instead of a handle). */
void wait_event_signal(struct object *event);

#endif /* WPING_ICMPAPI_WAIT_H */
