/*
 * The ICMP API over the echo engine. Every request opens its own engine handle, bound to
 * the request's source, as Wine does: a handle serves one thread at a time, so a request
 * owns its handle from validation to completion and needs nothing from the ICMP handle
 * after validation (closing that handle never stops a request). Synchronous requests run
 * in the calling thread; asynchronous ones are started in the calling thread, so that every
 * refusal is synchronous, and then waited for by a worker thread of their own, which writes
 * the reply buffer and then signals the event or queues the APC.
 */
#include "api.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "wait.h"
#include "wping/echo.h"

/* Asynchronous requests outstanding in the process, each with a thread and a socket. Wine
 * stops at 256 too; beyond it calls fail with ERROR_NOT_ENOUGH_MEMORY. */
#define MAX_OUTSTANDING 256

#define WORKER_STACK (512 * 1024)

/* The TTL / hop limit Windows sends without options or with Ttl 0. */
#define ICMPAPI_DEFAULT_TTL 128

/* Windows' AF_INET6, which ported code may have hard-coded. */
#define WINDOWS_AF_INET6 23

struct icmp_file {
    struct object base;
    int family;
};

struct request {
    int family;
    echo_handle *engine;
    unsigned char *reply;
    DWORD reply_size;
    struct object *event;       /* async with an event: signalled at completion */
    struct wait_thread *thread; /* async with an APC only: where the APC goes */
    struct wait_apc *apc;
    NTSTATUS io_status;
    bool done;
    struct echo_outcome outcome;
};

/* A request as the public functions hand it over, addresses in Linux form. */
struct send_args {
    int family;
    bool bad_family;
    HANDLE icmp;
    HANDLE event;
    PIO_APC_ROUTINE apc;
    PVOID apc_context;
    struct sockaddr_storage source; /* ss_family 0: chosen by route */
    struct sockaddr_storage destination;
    const void *data;
    WORD size;
    const IP_OPTION_INFORMATION *options;
    void *reply;
    DWORD reply_size;
    DWORD timeout;
};

static atomic_uint S_outstanding;

static DWORD S_fail(DWORD error)
{
    SetLastError(error);
    return 0;
}

static size_t S_align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

static DWORD S_open_error(int error, int saved_errno)
{
    switch (error) {
    case ECHO_ERR_SOURCE:
        return ERROR_INVALID_NETNAME;
    case ECHO_ERR_PERMISSION:
        return ERROR_ACCESS_DENIED;
    case ECHO_ERR_NOMEM:
        return ERROR_NOT_ENOUGH_MEMORY;
    case ECHO_ERR_INVALID:
        return ERROR_INVALID_PARAMETER;
    default:
        if (saved_errno == EAFNOSUPPORT)
            return ERROR_NOT_SUPPORTED;
        if (saved_errno == EMFILE || saved_errno == ENFILE || saved_errno == ENOBUFS ||
            saved_errno == ENOMEM)
            return ERROR_NOT_ENOUGH_MEMORY;
        return ERROR_GEN_FAILURE;
    }
}

static void S_file_destroy(struct object *object)
{
    free(object);
}

static HANDLE S_create(int family)
{
    /* Windows never fails here, but on Linux the socket may be refused: say so now, where
     * ported code already checks for INVALID_HANDLE_VALUE, rather than on every send. */
    struct echo_config config;
    echo_config_init(&config, family);
    echo_handle *probe;
    int result = echo_open(&config, &probe);
    if (result != ECHO_OK) {
        SetLastError(S_open_error(result, errno));
        return INVALID_HANDLE_VALUE;
    }
    echo_close(probe);
    struct icmp_file *file = calloc(1, sizeof(*file));
    if (file == NULL) {
        SetLastError(IP_NO_RESOURCES);
        return INVALID_HANDLE_VALUE;
    }
    object_init(&file->base, OBJECT_ICMP, S_file_destroy);
    file->family = family;
    HANDLE handle = object_insert(&file->base);
    if (handle == NULL) {
        free(file);
        SetLastError(IP_NO_RESOURCES);
        return INVALID_HANDLE_VALUE;
    }
    return handle;
}

HANDLE WINAPI IcmpCreateFile(VOID)
{
    struct last_error_mark mark = last_error_enter();
    HANDLE handle = S_create(AF_INET);
    last_error_leave(&mark);
    return handle;
}

HANDLE WINAPI Icmp6CreateFile(VOID)
{
    struct last_error_mark mark = last_error_enter();
    HANDLE handle = S_create(AF_INET6);
    last_error_leave(&mark);
    return handle;
}

BOOL WINAPI IcmpCloseHandle(HANDLE IcmpHandle)
{
    struct last_error_mark mark = last_error_enter();
    BOOL closed = object_close(IcmpHandle, OBJECT_ICMP);
    if (!closed)
        SetLastError(ERROR_INVALID_HANDLE);
    last_error_leave(&mark);
    return closed ? TRUE : FALSE;
}

static void S_engine_done(void *context, const struct echo_outcome *outcome)
{
    struct request *request = context;
    request->outcome = *outcome;
    request->done = true;
}

/* Ends a request without the engine: the outcome is this status and nothing else. */
static void S_local_outcome(struct request *request, uint32_t status)
{
    memset(&request->outcome, 0, sizeof(request->outcome));
    request->outcome.status = status;
    request->done = true;
}

static bool S_engine_finished(void *context)
{
    return ((const struct request *)context)->done;
}

/* Waits in this thread for the request's outcome; an engine failure ends it locally. */
static void S_drive(struct request *request)
{
    int result;
    do
        result = echo_wait_for(request->engine, S_engine_finished, request, NULL, NULL);
    while (result == ECHO_ERR_INTERRUPTED);
    if (!request->done)
        S_local_outcome(request, IP_GENERAL_FAILURE);
}

/*
 * Writes the reply structure (and moves the data the engine left right after it past the
 * reply's IP options). A reply counts only when a host or router answered and everything
 * fits; otherwise the structure is zero but for Status, as Windows leaves it. Returns the
 * bytes written, IoStatusBlock.Information.
 */
static ULONG_PTR S_write_reply4(struct request *request)
{
    const struct echo_outcome *o = &request->outcome;
    unsigned char *buffer = request->reply;
    ICMP_ECHO_REPLY reply;
    memset(&reply, 0, sizeof(reply));
    reply.Status = o->status;
    bool answered = o->responder.ss_family == AF_INET;
    size_t options = answered ? o->ip_options_len : 0;
    size_t data = answered && o->status == IP_SUCCESS ? o->data_len : 0;
    size_t used = sizeof(reply) + S_align4(options) + data;
    if (answered && (o->data_truncated || used > request->reply_size)) {
        reply.Status = IP_GENERAL_FAILURE;
        answered = false;
    }
    if (!answered) {
        memcpy(buffer, &reply, sizeof(reply));
        return sizeof(reply);
    }
    unsigned char *options_at = buffer + sizeof(reply);
    unsigned char *data_at = options_at + S_align4(options);
    if (data != 0 && data_at != options_at)
        memmove(data_at, options_at, data);
    if (options != 0) {
        memcpy(options_at, o->ip_options, options);
        memset(options_at + options, 0, S_align4(options) - options);
    }
    reply.Address = ((const struct sockaddr_in *)&o->responder)->sin_addr.s_addr;
    reply.RoundTripTime = (ULONG)(o->rtt_ns / 1000000);
    reply.DataSize = (USHORT)data;
    reply.Reserved = 1; /* the reply count, until IcmpParseReplies */
    reply.Data = data_at;
    reply.Options.Ttl = o->ttl > 0 ? (UCHAR)o->ttl : 0;
    reply.Options.Tos = o->tos > 0 ? (UCHAR)o->tos : 0;
    reply.Options.Flags = o->ip_flags > 0 ? (UCHAR)o->ip_flags : 0;
    reply.Options.OptionsSize = (UCHAR)options;
    reply.Options.OptionsData = options_at;
    memcpy(buffer, &reply, sizeof(reply));
    return used;
}

static ULONG_PTR S_write_reply6(struct request *request)
{
    const struct echo_outcome *o = &request->outcome;
    ICMPV6_ECHO_REPLY reply;
    memset(&reply, 0, sizeof(reply));
    reply.Status = o->status;
    bool answered = o->responder.ss_family == AF_INET6;
    size_t data = answered && o->status == IP_SUCCESS ? o->data_len : 0;
    size_t used = sizeof(reply) + data;
    if (answered && (o->data_truncated || used > request->reply_size)) {
        reply.Status = IP_GENERAL_FAILURE;
        answered = false;
    }
    if (answered) {
        const struct sockaddr_in6 *from = (const struct sockaddr_in6 *)&o->responder;
        /* ICMP has no ports: 0 whatever the socket reported (Windows gives 0 for ::1). */
        reply.Address.sin6_port = 0;
        reply.Address.sin6_flowinfo = from->sin6_flowinfo;
        memcpy(reply.Address.sin6_addr, &from->sin6_addr, sizeof(reply.Address.sin6_addr));
        reply.Address.sin6_scope_id = from->sin6_scope_id;
        reply.RoundTripTime = (unsigned int)(o->rtt_ns / 1000000);
    } else {
        used = sizeof(reply);
    }
    memcpy(request->reply, &reply, sizeof(reply));
    return used;
}

static ULONG_PTR S_write_reply(struct request *request)
{
    return request->family == AF_INET ? S_write_reply4(request) : S_write_reply6(request);
}

/* Asynchronous completion: the buffer first, then one signal. */
static void S_complete(struct request *request)
{
    ULONG_PTR written = S_write_reply(request);
    echo_close(request->engine);
    /* Counted out before the signal, so that the woken caller may start a new one at once. */
    atomic_fetch_sub(&S_outstanding, 1);
    if (request->event != NULL) {
        wait_event_signal(request->event);
        object_release(request->event);
    } else {
        request->apc->io_status.Status = request->io_status;
        request->apc->io_status.Information = written;
        wait_apc_queue(request->thread, request->apc);
        wait_thread_release(request->thread);
    }
    free(request);
}

static void *S_worker(void *pointer)
{
    struct request *request = pointer;
    S_drive(request);
    S_complete(request);
    return NULL;
}

/* Workers block every signal, so that signals reach the application's own threads. */
static bool S_spawn(struct request *request)
{
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0)
        return false;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* A worker only polls and copies: a small stack keeps 256 of them cheap. */
    pthread_attr_setstacksize(&attr, WORKER_STACK);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t thread;
    int result = pthread_create(&thread, &attr, S_worker, request);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return result == 0;
}

static bool S_unspecified(const struct sockaddr_storage *address)
{
    if (address->ss_family == AF_INET6)
        return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)address)->sin6_addr);
    return ((const struct sockaddr_in *)address)->sin_addr.s_addr == htonl(INADDR_ANY);
}

static void S_release_async(struct object *event, struct wait_thread *thread, struct wait_apc *apc)
{
    object_release(event);
    wait_thread_release(thread);
    free(apc);
}

/* Returns the status that ends the request before anything is sent, or IP_SUCCESS. */
static uint32_t S_local_status(const struct send_args *a, NTSTATUS *io_status)
{
    const IP_OPTION_INFORMATION *options = a->options;
    if (a->family == AF_INET6 && options != NULL && options->Ttl == 0) {
        /* Linux would send with hop limit 0; Windows refuses, with this IO status. */
        *io_status = STATUS_INVALID_PARAMETER;
        return IP_GENERAL_FAILURE;
    }
    if (a->family == AF_INET && options != NULL && options->OptionsSize > MAX_OPT_SIZE)
        return IP_OPTION_TOO_BIG;
    if (a->size > ECHO_MAX_DATA)
        return IP_GENERAL_FAILURE; /* no IP datagram can carry it: Wine's EMSGSIZE */
    return IP_SUCCESS;
}

/* Validation in the order of Windows (docs/design.md, Win32 validation order); then open, start,
 * and wait or hand over. */
static DWORD S_send(const struct send_args *a)
{
    size_t header = a->family == AF_INET ? sizeof(ICMP_ECHO_REPLY) : sizeof(ICMPV6_ECHO_REPLY);
    if (a->icmp == INVALID_HANDLE_VALUE)
        return S_fail(ERROR_INVALID_PARAMETER);
    struct object *file = object_get(a->icmp, OBJECT_ICMP);
    if (file == NULL)
        return S_fail(ERROR_INVALID_HANDLE);
    object_release(file);
    if (a->reply == NULL || a->reply_size < header || a->bad_family)
        return S_fail(ERROR_INVALID_PARAMETER);
    if ((a->size != 0 && a->data == NULL) ||
        (a->family == AF_INET && a->options != NULL && a->options->OptionsSize != 0 &&
         a->options->OptionsData == NULL))
        return S_fail(ERROR_INVALID_PARAMETER);

    /* From here on, every refusal goes through `fail`, which gives back what was taken. */
    bool async = a->event != NULL || a->apc != NULL;
    struct object *event = NULL;
    struct wait_thread *thread = NULL;
    struct wait_apc *apc = NULL;
    bool counted = false; /* in S_outstanding */
    struct request stack_request, *request = NULL;
    DWORD error = ERROR_NOT_ENOUGH_MEMORY; /* what `fail` reports unless set otherwise */
    int result;
    if (a->event != NULL) {
        event = object_get(a->event, OBJECT_EVENT);
        if (event == NULL) {
            error = ERROR_INVALID_HANDLE;
            goto fail;
        }
    } else if (a->apc != NULL) {
        /* With an event the APC is ignored, as on Windows. */
        thread = wait_thread_self();
        apc = calloc(1, sizeof(*apc));
        if (thread == NULL || apc == NULL)
            goto fail;
        apc->routine = a->apc;
        apc->context = a->apc_context;
    }
    if (S_unspecified(&a->destination)) {
        error = ERROR_INVALID_NETNAME;
        goto fail;
    }
    if (async) {
        counted = true;
        if (atomic_fetch_add(&S_outstanding, 1) >= MAX_OUTSTANDING)
            goto fail;
        if ((request = malloc(sizeof(*request))) == NULL)
            goto fail;
    } else {
        request = &stack_request;
    }
    memset(request, 0, sizeof(*request));
    request->family = a->family;
    request->reply = a->reply;
    request->reply_size = a->reply_size;
    request->event = event;
    request->thread = thread;
    request->apc = apc;
    request->io_status = STATUS_SUCCESS;

    struct echo_config config;
    echo_config_init(&config, a->family);
    if (a->source.ss_family != 0) {
        config.source = (const struct sockaddr *)&a->source;
        config.source_len =
            a->family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
    }
    result = echo_open(&config, &request->engine);
    if (result != ECHO_OK) {
        error = S_open_error(result, errno);
        goto fail;
    }

    uint32_t local = S_local_status(a, &request->io_status);
    if (local == IP_SUCCESS) {
        struct echo_request echo;
        memset(&echo, 0, sizeof(echo));
        echo.destination = (const struct sockaddr *)&a->destination;
        echo.destination_len =
            a->family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
        echo.data = a->data;
        echo.size = a->size;
        /* Windows sends TTL 128 when the caller gives no options or Ttl 0 (IPv4; IPv6 with
         * Ttl 0 was refused above), not Linux's 64. */
        echo.ttl = ICMPAPI_DEFAULT_TTL;
        if (a->options != NULL) {
            if (a->options->Ttl != 0)
                echo.ttl = a->options->Ttl;
            echo.dont_fragment = (a->options->Flags & IP_FLAG_DF) != 0;
            if (a->family == AF_INET && a->options->OptionsSize != 0) {
                echo.ip_options = a->options->OptionsData;
                echo.ip_options_len = a->options->OptionsSize;
            }
        }
        echo.timeout_ms = a->timeout;
        echo.reply_buffer = request->reply + header;
        echo.reply_capacity = request->reply_size - header;
        result = echo_start(request->engine, &echo, S_engine_done, request);
        if (result == ECHO_ERR_NOMEM)
            goto fail;
        if (result != ECHO_OK)
            local = result == ECHO_ERR_INVALID && echo.ip_options_len != 0 ? IP_BAD_OPTION
                                                                           : IP_GENERAL_FAILURE;
    }
    if (local != IP_SUCCESS)
        S_local_outcome(request, local);

    if (async) {
        if (request->done)
            S_complete(request);
        else if (!S_spawn(request))
            goto fail;
        return S_fail(ERROR_IO_PENDING);
    }

    S_drive(request);
    S_write_reply(request);
    echo_close(request->engine);
    DWORD count = a->family == AF_INET6 ? Icmp6ParseReplies(a->reply, a->reply_size)
                                        : IcmpParseReplies(a->reply, a->reply_size);
    if (count != 0)
        SetLastError(NO_ERROR); /* the parse functions leave it; a successful send clears it */
    return count;

fail:
    if (request != NULL)
        echo_close(request->engine);
    if (request != &stack_request)
        free(request);
    if (counted)
        atomic_fetch_sub(&S_outstanding, 1);
    S_release_async(event, thread, apc);
    return S_fail(error);
}

static struct sockaddr_storage S_ipv4(IPAddr address)
{
    struct sockaddr_storage storage;
    memset(&storage, 0, sizeof(storage));
    struct sockaddr_in *in = (struct sockaddr_in *)&storage;
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = address;
    return storage;
}

DWORD WINAPI IcmpSendEcho2Ex(HANDLE IcmpHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                             PVOID ApcContext, IPAddr SourceAddress, IPAddr DestinationAddress,
                             LPVOID RequestData, WORD RequestSize,
                             PIP_OPTION_INFORMATION RequestOptions, LPVOID ReplyBuffer,
                             DWORD ReplySize, DWORD Timeout)
{
    struct last_error_mark mark = last_error_enter();
    struct send_args a;
    memset(&a, 0, sizeof(a));
    a.family = AF_INET;
    a.icmp = IcmpHandle;
    a.event = Event;
    a.apc = ApcRoutine;
    a.apc_context = ApcContext;
    if (SourceAddress != htonl(INADDR_ANY))
        a.source = S_ipv4(SourceAddress);
    a.destination = S_ipv4(DestinationAddress);
    a.data = RequestData;
    a.size = RequestSize;
    a.options = RequestOptions;
    a.reply = ReplyBuffer;
    a.reply_size = ReplySize;
    a.timeout = Timeout;
    DWORD count = S_send(&a);
    last_error_leave(&mark);
    return count;
}

DWORD WINAPI IcmpSendEcho2(HANDLE IcmpHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                           PVOID ApcContext, IPAddr DestinationAddress, LPVOID RequestData,
                           WORD RequestSize, PIP_OPTION_INFORMATION RequestOptions,
                           LPVOID ReplyBuffer, DWORD ReplySize, DWORD Timeout)
{
    return IcmpSendEcho2Ex(IcmpHandle, Event, ApcRoutine, ApcContext, htonl(INADDR_ANY),
                           DestinationAddress, RequestData, RequestSize, RequestOptions,
                           ReplyBuffer, ReplySize, Timeout);
}

DWORD WINAPI IcmpSendEcho(HANDLE IcmpHandle, IPAddr DestinationAddress, LPVOID RequestData,
                          WORD RequestSize, PIP_OPTION_INFORMATION RequestOptions,
                          LPVOID ReplyBuffer, DWORD ReplySize, DWORD Timeout)
{
    return IcmpSendEcho2Ex(IcmpHandle, NULL, NULL, NULL, htonl(INADDR_ANY), DestinationAddress,
                           RequestData, RequestSize, RequestOptions, ReplyBuffer, ReplySize,
                           Timeout);
}

/* Windows code fills in sockaddr_in6 with its own AF_INET6 (23), or leaves the family 0. */
static bool S_ipv6(const struct sockaddr_in6 *in, struct sockaddr_storage *out)
{
    memset(out, 0, sizeof(*out));
    if (in == NULL)
        return false;
    if (in->sin6_family != 0 && in->sin6_family != AF_INET6 && in->sin6_family != WINDOWS_AF_INET6)
        return false;
    struct sockaddr_in6 *six = (struct sockaddr_in6 *)out;
    six->sin6_family = AF_INET6;
    six->sin6_addr = in->sin6_addr;
    six->sin6_scope_id = in->sin6_scope_id;
    return true;
}

DWORD WINAPI Icmp6SendEcho2(HANDLE IcmpHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                            PVOID ApcContext, struct sockaddr_in6 *SourceAddress,
                            struct sockaddr_in6 *DestinationAddress, LPVOID RequestData,
                            WORD RequestSize, PIP_OPTION_INFORMATION RequestOptions,
                            LPVOID ReplyBuffer, DWORD ReplySize, DWORD Timeout)
{
    struct last_error_mark mark = last_error_enter();
    struct send_args a;
    memset(&a, 0, sizeof(a));
    a.family = AF_INET6;
    a.icmp = IcmpHandle;
    a.event = Event;
    a.apc = ApcRoutine;
    a.apc_context = ApcContext;
    bool source_ok = S_ipv6(SourceAddress, &a.source);
    bool destination_ok = S_ipv6(DestinationAddress, &a.destination);
    a.bad_family = !source_ok || !destination_ok; /* ERROR_INVALID_PARAMETER in S_send */
    a.data = RequestData;
    a.size = RequestSize;
    a.options = RequestOptions;
    a.reply = ReplyBuffer;
    a.reply_size = ReplySize;
    a.timeout = Timeout;
    DWORD count = S_send(&a);
    last_error_leave(&mark);
    return count;
}

static DWORD S_parse4(LPVOID ReplyBuffer, DWORD ReplySize)
{
    if (ReplyBuffer == NULL || ReplySize < sizeof(ICMP_ECHO_REPLY))
        return S_fail(ERROR_INVALID_PARAMETER);
    ICMP_ECHO_REPLY reply;
    memcpy(&reply, ReplyBuffer, sizeof(reply));
    DWORD count = reply.Reserved;
    if (count == 0)
        return S_fail(reply.Status);
    reply.Reserved = 0;
    memcpy(ReplyBuffer, &reply, sizeof(reply));
    return count;
}

static DWORD S_parse6(LPVOID ReplyBuffer, DWORD ReplySize)
{
    if (ReplyBuffer == NULL || ReplySize < sizeof(ICMPV6_ECHO_REPLY))
        return S_fail(ERROR_GEN_FAILURE);
    ICMPV6_ECHO_REPLY reply;
    memcpy(&reply, ReplyBuffer, sizeof(reply));
    if (reply.Status != IP_SUCCESS)
        return S_fail(reply.Status);
    return 1;
}

DWORD WINAPI IcmpParseReplies(LPVOID ReplyBuffer, DWORD ReplySize)
{
    struct last_error_mark mark = last_error_enter();
    DWORD count = S_parse4(ReplyBuffer, ReplySize);
    last_error_leave(&mark);
    return count;
}

DWORD WINAPI Icmp6ParseReplies(LPVOID ReplyBuffer, DWORD ReplySize)
{
    struct last_error_mark mark = last_error_enter();
    DWORD count = S_parse6(ReplyBuffer, ReplySize);
    last_error_leave(&mark);
    return count;
}
