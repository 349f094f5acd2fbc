/* The many-target session: resolution, one engine handle per family, the paced schedule. */
#include "targets.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <wping/echo.h>
#include <wping/timespec.h>

#include "diag.h"
#include "exit_policy.h"
#include "exit_status.h"
#include "format.h"
#include "privilege.h"
#include "run_signals.h"
#include "target_list.h"

/* Sends in a row before the sockets are read again: at --pace=0 a burst of thousands of
 * sends would otherwise let the replies overflow the socket's receive buffer; more than a
 * few dozen, so that the targets due at one instant leave together, not between replies. */
#define TARGETS_SEND_BURST 256
/* The receive buffer asked for, in bytes; the kernel grants at most twice net.core.rmem_max. */
#define TARGETS_RECEIVE_BUFFER (16 * 1024 * 1024)

enum targets_stop {
    TARGETS_RUNNING = 0,
    TARGETS_STOP_INT,
    TARGETS_STOP_TERM,
    TARGETS_STOP_DEADLINE,
    TARGETS_STOP_OUTPUT,
    TARGETS_STOP_ERROR,
};

/* One target of the list. */
struct target {
    struct format_member member; /* typed, index, family, address (into `text`) */
    union {
        struct sockaddr_in v4;
        struct sockaddr_in6 v6;
    } to;
    char text[INET6_ADDRSTRLEN];
    struct format_stats stats;
    uint64_t requests;    /* started so far; the one in flight is the last */
    int64_t scheduled;    /* CLOCK_MONOTONIC ns of its last scheduled send */
    int64_t due;          /* when it may send next (while in the heap) */
    uint32_t outstanding; /* requests sent whose outcome has not come */
    bool all_sent;        /* the last request of its count has gone out */
    struct run *run;
};

/* The engine handle of one family. */
struct family_handle {
    int family;
    bool wanted; /* some target is of this family */
    bool open;   /* the engine handle exists (false with wanted: -S not local) */
    echo_handle *handle;
    struct run *run;
};

struct run {
    const struct wping_options *options;
    bool json;
    FILE *out;                          /* stdout's stream (output.h), flushed before each wait */
    FILE *err;                          /* stderr's, for the diagnostics once signals are caught */
    bool output_failed;                 /* stdout could not be written, for this reason: */
    int output_errno;                   /* EAGAIN: its reader stopped reading */
    struct format_output_limit give_up; /* how long output waits for a reader */
    struct format *format;
    struct target *targets;
    size_t count;
    size_t resolved;
    size_t unfinished; /* resolved targets with requests still to send or in flight */
    struct family_handle families[2];
    unsigned char *payload;
    struct sockaddr_storage source;
    socklen_t source_len;
    char source_text[INET6_ADDRSTRLEN];

    uint32_t *heap; /* target indices that wait to send, earliest due first */
    size_t heap_size;

    int64_t pace_ns, interval_ns;
    int64_t next_send; /* no send before this (the pace) */
    bool slots_full;   /* the engine took no more requests: no send until an outcome */
    bool has_deadline;
    int64_t deadline;
    sigset_t wait_mask;
    int64_t signals_checked;
    enum targets_stop stop;
};

/* When output should stop waiting for its reader (format_output_wait.give_up_at), by the
 * rule the one-target session follows too. */
static const struct timespec *S_give_up_at(void *context)
{
    struct run *r = context;
    struct timespec deadline = {(time_t)(r->deadline / 1000000000),
                                (long)(r->deadline % 1000000000)};

    return format_output_give_up(&r->give_up,
                                 r->stop != TARGETS_RUNNING || run_signals_stop_asked(),
                                 r->has_deadline ? &deadline : NULL);
}

/* Notes that stdout could not be written (errno says why) and stops the run. */
static void S_output_failed(struct run *r)
{
    if (!r->output_failed) {
        r->output_failed = true;
        r->output_errno = errno;
    }
    if (r->stop == TARGETS_RUNNING)
        r->stop = TARGETS_STOP_OUTPUT;
}

/* Writes what the formatters buffered (before each wait: a burst goes out in one write). */
static void S_flush(struct run *r)
{
    if (!r->output_failed && fflush(r->out) != 0)
        S_output_failed(r);
}

static int64_t S_now(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static struct timespec S_timespec(int64_t ns)
{
    struct timespec t = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
    return t;
}

/* ---- the heap of targets waiting to send, ordered by (due, index) ---- */

static bool S_earlier(const struct run *r, uint32_t a, uint32_t b)
{
    const struct target *x = &r->targets[a], *y = &r->targets[b];
    return x->due != y->due ? x->due < y->due : a < b;
}

static void S_heap_push(struct run *r, uint32_t index)
{
    size_t at = r->heap_size++;

    while (at > 0) {
        size_t parent = (at - 1) / 2;
        if (!S_earlier(r, index, r->heap[parent]))
            break;
        r->heap[at] = r->heap[parent];
        at = parent;
    }
    r->heap[at] = index;
}

static uint32_t S_heap_pop(struct run *r)
{
    uint32_t top = r->heap[0];
    uint32_t last = r->heap[--r->heap_size];
    size_t at = 0;

    for (;;) {
        size_t child = 2 * at + 1;
        if (child >= r->heap_size)
            break;
        if (child + 1 < r->heap_size && S_earlier(r, r->heap[child + 1], r->heap[child]))
            child++;
        if (!S_earlier(r, r->heap[child], last))
            break;
        r->heap[at] = r->heap[child];
        at = child;
    }
    if (r->heap_size > 0)
        r->heap[at] = last;
    return top;
}

/* ---- resolution ---- */

static int S_family_hint(const struct wping_options *options)
{
    switch (options->implied_family) {
    case WPING_FAMILY_4:
        return AF_INET;
    case WPING_FAMILY_6:
        return AF_INET6;
    default:
        return AF_UNSPEC;
    }
}

/* The first address of `host` (a literal, else a name) in `family`; false when none. */
static bool S_lookup(const char *host, int family, struct sockaddr_storage *address,
                     socklen_t *length)
{
    struct addrinfo hints, *result = NULL;

    for (int pass = 0; pass < 2; pass++) {
        memset(&hints, 0, sizeof(hints));
        hints.ai_family = family;
        hints.ai_socktype = SOCK_DGRAM;
        hints.ai_flags = pass == 0 ? AI_NUMERICHOST : 0;
        if (getaddrinfo(host, NULL, &hints, &result) != 0 || result == NULL)
            continue;
        bool ok = (result->ai_family == AF_INET || result->ai_family == AF_INET6) &&
                  result->ai_addrlen <= sizeof(*address);
        if (ok) {
            memset(address, 0, sizeof(*address));
            memcpy(address, result->ai_addr, result->ai_addrlen);
            *length = result->ai_addrlen;
        }
        freeaddrinfo(result);
        return ok;
    }
    return false;
}

static struct family_handle *S_handle_of(struct run *r, int family)
{
    return &r->families[family == AF_INET6 ? 1 : 0];
}

/* Resolves -S and every target, before anything is sent. Returns -1 after a message when
 * the source cannot be used; unresolved targets are not an error here. */
static int S_resolve(struct run *r, const struct target_list *list)
{
    int family = S_family_hint(r->options);
    struct sockaddr_storage address;
    socklen_t length;

    if (r->options->source != NULL) {
        if (!S_lookup(r->options->source, family, &r->source, &r->source_len)) {
            diag_error(r->json, DIAG_RESOLUTION,
                       "Ping request could not find host %s. Please check the name and try "
                       "again.",
                       r->options->source);
            return -1;
        }
        family = r->source.ss_family;
        getnameinfo((struct sockaddr *)&r->source, r->source_len, r->source_text,
                    sizeof(r->source_text), NULL, 0, NI_NUMERICHOST);
    }
    for (size_t i = 0; i < r->count; i++) {
        struct target *t = &r->targets[i];

        t->run = r;
        t->member.typed = target_list_name(list, i);
        t->member.index = i;
        t->member.family = AF_UNSPEC;
        if (!S_lookup(t->member.typed, family, &address, &length))
            continue;
        memcpy(&t->to, &address,
               address.ss_family == AF_INET6 ? sizeof(t->to.v6) : sizeof(t->to.v4));
        t->member.family = address.ss_family;
        getnameinfo((struct sockaddr *)&address, length, t->text, sizeof(t->text), NULL, 0,
                    NI_NUMERICHOST);
        t->member.address = t->text;
        S_handle_of(r, address.ss_family)->wanted = true;
        r->resolved++;
    }
    return 0;
}

/* ---- the engine ---- */

static void S_permission_help(const struct run *r, int error)
{
    diag_error(r->json, DIAG_PERMISSION,
               "wping: no permission to open an ICMP socket (%s).\n"
               "Allow unprivileged ICMP sockets for your group, for example with\n"
               "    sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"\n"
               "or let wping open raw sockets with\n"
               "    setcap cap_net_raw+p wping",
               strerror(error));
}

static void S_on_notice(void *context, const struct echo_notice *notice);

/* Replies to thousands of targets can arrive faster than one wake-up reads them: ask for
 * the largest receive buffer the system allows (net.core.rmem_max; the kernel clamps it),
 * so that a burst waits in the socket instead of being dropped. */
static void S_receive_buffer(echo_handle *handle)
{
    int size = TARGETS_RECEIVE_BUFFER;

    (void)setsockopt(echo_fd(handle), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/* Opens a handle for each family some target needs, with CAP_NET_RAW effective for just
 * that, then drops every privilege. Returns 0 or -1 after printing why. */
static int S_open(struct run *r)
{
    int result = ECHO_OK, error = 0;
    struct family_handle *failed = NULL;

    if (privilege_raise() != 0) {
        diag_error(r->json, DIAG_SYSTEM, "wping: cannot raise CAP_NET_RAW: %s", strerror(errno));
        return -1;
    }
    for (int i = 0; i < 2 && failed == NULL; i++) {
        struct family_handle *f = &r->families[i];
        struct echo_config config;

        if (!f->wanted)
            continue;
        echo_config_init(&config, f->family);
        if (r->source_len > 0) {
            config.source = (const struct sockaddr *)&r->source;
            config.source_len = r->source_len;
        }
        config.device = r->options->compartment;
        result = echo_open(&config, &f->handle);
        error = errno;
        if (result == ECHO_OK) {
            f->open = true;
            S_receive_buffer(f->handle);
        } else if (result != ECHO_ERR_SOURCE) /* not local: every send fails, as ping.exe's */
            failed = f;
    }
    if (privilege_drop() != 0) {
        diag_error(r->json, DIAG_SYSTEM, "wping: cannot drop privileges: %s", strerror(errno));
        return -1;
    }
    if (failed != NULL) {
        if (result == ECHO_ERR_PERMISSION)
            S_permission_help(r, error);
        else if (result == ECHO_ERR_DEVICE)
            diag_error(r->json, DIAG_SYSTEM,
                       "wping: there is no interface or VRF named %s (-c): %s",
                       r->options->compartment, strerror(error));
        else
            diag_error(r->json, DIAG_SYSTEM, "wping: cannot open an ICMP socket: %s (%s)",
                       echo_strerror(result), strerror(error));
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        struct family_handle *f = &r->families[i];
        if (f->open)
            echo_set_notice_callback(f->handle, S_on_notice, f);
    }
    return 0;
}

/* ---- events ---- */

static int S_policy_status(const struct run *r, const struct target *t)
{
    return exit_policy_status(&r->options->policy, t->stats.sent, t->stats.succeeded);
}

static bool S_unbounded(const struct wping_options *options)
{
    return options->forever || (options->deadline_ms > 0 && !options->count_given);
}

/* The outcome of a target's request (its number is in the tag): count it and show it; the
 * target is done once its last request has gone out and every outcome has come. */
static void S_report(struct target *t, const struct echo_outcome *outcome)
{
    struct run *r = t->run;
    const struct wping_options *options = r->options;
    struct format_reply reply = {outcome, NULL,      NULL, outcome->tag & UINT32_MAX,
                                 {0, 0},  &t->member};

    t->outstanding--;
    r->slots_full = false;
    format_stats_add(&t->stats, outcome);
    if (r->stop == TARGETS_RUNNING && !options->quiet) {
        clock_gettime(CLOCK_REALTIME, &reply.known_at);
        if (format_outcome(r->format, &reply) != 0)
            S_output_failed(r);
    }
    if (t->all_sent && t->outstanding == 0)
        r->unfinished--;
}

static void S_on_outcome(void *context, const struct echo_outcome *outcome)
{
    S_report(context, outcome);
}

/* A request's tag: its target's index and its number for that target. */
static uint64_t S_tag(const struct target *t)
{
    return (uint64_t)t->member.index << 32 | (t->requests & UINT32_MAX);
}

static void S_on_notice(void *context, const struct echo_notice *notice)
{
    struct family_handle *f = context;
    struct run *r = f->run;
    struct target *t;
    struct format_notice event = {notice, 0, {0, 0}, NULL};

    if (!notice->has_request || (notice->tag >> 32) >= r->count)
        return; /* too old for the engine to say whose it is: counted nowhere, as for one */
    t = &r->targets[notice->tag >> 32];
    event.request = notice->tag & UINT32_MAX;
    event.member = &t->member;
    format_stats_notice(&t->stats, notice);
    clock_gettime(CLOCK_REALTIME, &event.received_at);
    if (r->stop == TARGETS_RUNNING && !r->options->quiet && format_notice(r->format, &event) != 0)
        S_output_failed(r);
}

/* A request that could not leave this host. */
static void S_local_failure(struct target *t, int error)
{
    struct echo_outcome outcome;

    memset(&outcome, 0, sizeof(outcome));
    outcome.status = ECHO_GENERAL_FAILURE;
    outcome.send_errno = error;
    outcome.ttl = outcome.tos = outcome.ip_flags = -1;
    outcome.tag = S_tag(t);
    outcome.sent_size = t->run->options->size;
    clock_gettime(CLOCK_REALTIME, &outcome.sent_at);
    S_report(t, &outcome);
}

static void S_engine_failed(struct run *r, int result)
{
    diag_error(r->json, DIAG_SYSTEM, "wping: %s (%s)", echo_strerror(result), strerror(errno));
    r->stop = TARGETS_STOP_ERROR;
}

/* Starts the next request of a target, and puts the target back in the heap for the one
 * after: on its own absolute schedule, every --interval from its first send, whether or not
 * the earlier requests have their outcomes (as fping keeps it), so that a slow answer never
 * shifts it; --pace may hold a send back, never the ones after it. Returns false when the
 * engine holds as many requests as it can: the target waits in the heap, as it was, for an
 * outcome to free a place. */
static bool S_send(struct run *r, struct target *t, int64_t now)
{
    const struct wping_options *options = r->options;
    struct family_handle *f = S_handle_of(r, t->member.family);
    struct echo_request request;
    int64_t scheduled = t->scheduled;
    int result = ECHO_OK;

    t->scheduled = t->requests == 0 ? now : t->due;
    t->requests++;
    t->outstanding++;
    t->all_sent = !S_unbounded(options) && t->requests >= options->count;
    if (!f->open) {
        S_local_failure(t, EADDRNOTAVAIL);
    } else {
        memset(&request, 0, sizeof(request));
        request.destination = (const struct sockaddr *)&t->to;
        request.destination_len =
            t->member.family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
        request.data = r->payload;
        request.size = options->size;
        request.ttl = options->ttl;
        request.tos = options->tos >= 0 ? options->tos : 0;
        request.dont_fragment = options->dont_fragment;
        request.timeout_ms = options->timeout_ms;
        request.tag = S_tag(t);
        result = echo_start(f->handle, &request, S_on_outcome, t);
    }
    if (result == ECHO_ERR_NOMEM && echo_pending(f->handle) > 0) {
        t->requests--;
        t->outstanding--;
        t->all_sent = false;
        t->scheduled = scheduled;
        S_heap_push(r, (uint32_t)t->member.index);
        r->slots_full = true;
        return false;
    }
    if (result == ECHO_ERR_DESTINATION) {
        S_local_failure(t, EINVAL);
    } else if (result < 0) {
        S_engine_failed(r, result);
        return false;
    }
    if (!t->all_sent) {
        t->due = t->scheduled + r->interval_ns;
        S_heap_push(r, (uint32_t)t->member.index);
    }
    return true;
}

/* ---- signals and the end ---- */

/* Every target's statistics in list order, then the count of those that passed. */
static int S_statistics(struct run *r, bool final, enum format_reason reason)
{
    struct format_run run = {final, reason, r->count, 0, r->count - r->resolved, 0, 0, 0};
    int failed = 0;

    for (size_t i = 0; i < r->count; i++) {
        struct target *t = &r->targets[i];
        struct format_end end = {final, reason, 0, &t->member};

        if (t->member.address == NULL)
            continue;
        end.exit_status = S_policy_status(r, t);
        if (end.exit_status == EXIT_STATUS_REPLY)
            run.passed++;
        run.sent += t->stats.sent;
        run.replies += t->stats.succeeded;
        if (failed == 0)
            failed = format_statistics(r->format, &t->stats, &end);
    }
    run.exit_status =
        exit_policy_targets(r->count, r->resolved, run.passed, r->options->has_targets_required,
                            r->options->targets_required);
    if (failed == 0)
        failed = format_run_end(r->format, &run);
    return failed != 0 ? -1 : run.exit_status;
}

static void S_signals(struct run *r)
{
    if (run_signal_quit) {
        run_signal_quit = 0;
        if (r->stop == TARGETS_RUNNING && (S_statistics(r, false, FORMAT_REASON_SIGQUIT) < 0 ||
                                           format_interrupt(r->format, FORMAT_CONTROL_BREAK) != 0))
            S_output_failed(r);
    }
    if (r->stop != TARGETS_RUNNING)
        return;
    if (run_signal_int)
        r->stop = TARGETS_STOP_INT;
    else if (run_signal_term)
        r->stop = TARGETS_STOP_TERM;
}

/* Signals that arrived while none was unblocked (a run that never has to wait), asked for
 * at most once a millisecond. */
static void S_poll_signals(struct run *r, int64_t now)
{
    static const struct timespec zero = {0, 0};
    sigset_t pending;

    if (now - r->signals_checked < 1000000)
        return;
    r->signals_checked = now;
    if (sigpending(&pending) != 0 ||
        (!sigismember(&pending, SIGINT) && !sigismember(&pending, SIGQUIT) &&
         !sigismember(&pending, SIGTERM) && !sigismember(&pending, SIGHUP)))
        return;
    if (ppoll(NULL, 0, &zero, &r->wait_mask) < 0 && errno == EINTR)
        S_signals(r);
}

/* Reads what the sockets hold and expires what is due, without blocking. */
static void S_process(struct run *r)
{
    for (int i = 0; i < 2 && r->stop == TARGETS_RUNNING; i++) {
        struct family_handle *f = &r->families[i];
        if (f->open && echo_pending(f->handle) > 0) {
            int result = echo_process(f->handle);
            if (result < 0)
                S_engine_failed(r, result);
        }
    }
}

/* Blocks until a socket has input, a request or send is due, the deadline, or a signal. */
static void S_wait(struct run *r, int64_t now)
{
    struct pollfd fds[2];
    nfds_t nfds = 0;
    int64_t until = INT64_MAX;
    struct timespec deadline, timeout;

    if (r->heap_size > 0 && !r->slots_full)
        until =
            r->targets[r->heap[0]].due > r->next_send ? r->targets[r->heap[0]].due : r->next_send;
    if (r->has_deadline && r->deadline < until)
        until = r->deadline;
    for (int i = 0; i < 2; i++) {
        struct family_handle *f = &r->families[i];
        if (!f->open || echo_pending(f->handle) == 0)
            continue;
        if (echo_next_deadline(f->handle, &deadline)) {
            int64_t ns = (int64_t)deadline.tv_sec * 1000000000 + deadline.tv_nsec;
            if (ns < until)
                until = ns;
        }
        fds[nfds].fd = echo_fd(f->handle);
        fds[nfds].events = POLLIN;
        nfds++;
    }
    if (until > now) {
        S_flush(r); /* about to block: what is written goes out first, */
        if (r->stop != TARGETS_RUNNING)
            return;
        now = S_now(); /* and the time it took does not lengthen the wait */
    }
    if (until != INT64_MAX)
        timeout = S_timespec(until > now ? until - now : 0);
    int ready = ppoll(fds, nfds, until != INT64_MAX ? &timeout : NULL, &r->wait_mask);
    if (ready < 0 && errno == EINTR)
        S_signals(r);
    else if (ready < 0)
        S_engine_failed(r, ECHO_ERR_SYSTEM);
}

/* A send is due now: the earliest target's time has come, the pace allows, and the engine
 * has room. */
static bool S_may_send(const struct run *r, int64_t now)
{
    return r->stop == TARGETS_RUNNING && !r->slots_full && r->heap_size > 0 &&
           r->targets[r->heap[0]].due <= now && r->next_send <= now;
}

/* Sends and waits until every target is done or the run is stopped. */
static void S_loop(struct run *r)
{
    int64_t now = S_now();

    r->next_send = now;
    if (r->options->deadline_ms > 0) {
        r->has_deadline = true;
        r->deadline = now + (int64_t)r->options->deadline_ms * 1000000;
    }
    for (size_t i = 0; i < r->count; i++) {
        if (r->targets[i].member.address == NULL)
            continue;
        r->targets[i].due = now;
        S_heap_push(r, (uint32_t)i);
        r->unfinished++;
    }
    while (r->stop == TARGETS_RUNNING && r->unfinished > 0) {
        unsigned burst = 0;

        now = S_now();
        S_poll_signals(r, now);
        if (r->has_deadline && now >= r->deadline && r->stop == TARGETS_RUNNING)
            r->stop = TARGETS_STOP_DEADLINE;
        while (S_may_send(r, now) && burst < TARGETS_SEND_BURST) {
            if (!S_send(r, &r->targets[S_heap_pop(r)], now))
                break;
            burst++;
            /* The pace counts from after the send returned, so that a send slowed down (say,
             * preempted) can never bring the next one closer than the pace. */
            if (r->pace_ns > 0)
                now = S_now();
            r->next_send = now + r->pace_ns;
        }
        S_process(r);
        if (r->stop != TARGETS_RUNNING || r->unfinished == 0)
            break;
        now = S_now();
        if (S_may_send(r, now))
            continue; /* more to send right away */
        S_wait(r, now);
        S_process(r);
    }
}

static int S_finish(struct run *r)
{
    enum format_reason reason = FORMAT_REASON_COMPLETED;
    int status;

    if (r->stop == TARGETS_STOP_ERROR)
        return EXIT_STATUS_ERROR;
    if (r->stop == TARGETS_STOP_INT)
        reason = FORMAT_REASON_SIGINT;
    else if (r->stop == TARGETS_STOP_TERM)
        reason = FORMAT_REASON_SIGTERM;
    else if (r->stop == TARGETS_STOP_DEADLINE)
        reason = FORMAT_REASON_DEADLINE;
    status = r->output_failed ? -1 : S_statistics(r, true, reason);
    if (status >= 0 && r->stop == TARGETS_STOP_INT &&
        format_interrupt(r->format, FORMAT_CONTROL_C) != 0)
        status = -1;
    else if (status >= 0 && r->stop == TARGETS_STOP_TERM &&
             format_interrupt(r->format, FORMAT_TERMINATED) != 0)
        status = -1;
    if (status < 0 && !r->output_failed)
        S_output_failed(r);
    S_flush(r);
    if (r->output_failed) {
        if (r->output_errno == EAGAIN)
            diag_error(r->json, DIAG_OUTPUT,
                       "wping: cannot write to standard output: its reader stopped reading "
                       "(given up %d ms after the run was to end)",
                       FORMAT_OUTPUT_GIVE_UP_MS);
        else
            diag_error(r->json, DIAG_OUTPUT, "wping: cannot write to standard output: %s",
                       strerror(r->output_errno));
        return EXIT_STATUS_ERROR;
    }
    return status;
}

/* Announces every target in list order: its header line, or that its name did not resolve. */
static int S_begin(struct run *r)
{
    const struct wping_options *options = r->options;
    struct format_target header;

    memset(&header, 0, sizeof(header));
    header.source = r->source_len > 0 ? r->source_text : NULL;
    header.size = options->size;
    header.ttl = options->ttl;
    header.tos = options->tos;
    header.timeout_ms = options->timeout_ms;
    header.interval_ms = options->interval_ms;
    header.count = S_unbounded(options) ? 0 : options->count;
    header.deadline_ms = options->deadline_ms;
    clock_gettime(CLOCK_REALTIME, &header.started);
    for (size_t i = 0; i < r->count; i++) {
        struct target *t = &r->targets[i];
        struct family_handle *f = S_handle_of(r, t->member.family);

        header.family = t->member.family;
        header.typed = t->member.typed;
        header.address = t->member.address;
        header.has_socket = t->member.address != NULL && f->open;
        header.socket = header.has_socket ? echo_socket_kind(f->handle) : ECHO_SOCKET_AUTO;
        header.member = &t->member;
        if (format_begin(r->format, &header) != 0)
            return -1;
    }
    return 0;
}

/* The list: the positional target first, then what --targets names. */
static int S_list(const struct run *r, struct target_list *list)
{
    char error[320];

    if (r->options->target != NULL && target_list_add_name(list, r->options->target) != 0) {
        diag_error(r->json, DIAG_SYSTEM, "wping: out of memory");
        return -1;
    }
    if (target_list_load(list, r->options->targets, stdin, error, sizeof(error)) != 0) {
        diag_error(r->json, DIAG_USAGE, "%s", error);
        return -1;
    }
    if (list->count == 0) {
        diag_error(r->json, DIAG_USAGE, "The list of --targets %s names no host.",
                   r->options->targets);
        return -1;
    }
    if (list->count > UINT32_MAX - 1) {
        diag_error(r->json, DIAG_USAGE, "The list of --targets names too many hosts.");
        return -1;
    }
    return 0;
}

static bool S_privileged_enough(const struct run *r)
{
    const struct wping_options *options = r->options;

    if (options->interval_ms < WPING_MIN_USER_INTERVAL_MS && !privilege_may_raw()) {
        diag_error(r->json, DIAG_PERMISSION,
                   "wping: an --interval below %d ms needs CAP_NET_RAW (root, set-user-ID root "
                   "or setcap cap_net_raw+p); other users may send every %d ms at most.",
                   WPING_MIN_USER_INTERVAL_MS, WPING_MIN_USER_INTERVAL_MS);
        return false;
    }
    if (options->pace_us < WPING_MIN_USER_PACE_US && !privilege_may_raw()) {
        diag_error(r->json, DIAG_PERMISSION,
                   "wping: a --pace below %d ms needs CAP_NET_RAW (root, set-user-ID root or "
                   "setcap cap_net_raw+p).",
                   WPING_MIN_USER_PACE_US / 1000);
        return false;
    }
    return true;
}

int targets_run(const struct wping_options *options)
{
    struct run r;
    struct target_list list = {0};
    struct format_output_wait wait = {0};
    int status = EXIT_STATUS_ERROR;

    memset(&r, 0, sizeof(r));
    r.options = options;
    r.json = options->output == WPING_OUTPUT_JSON;
    r.families[0].family = AF_INET;
    r.families[1].family = AF_INET6;
    r.families[0].run = r.families[1].run = &r;
    r.pace_ns = (int64_t)options->pace_us * 1000;
    r.interval_ns = (int64_t)options->interval_ms * 1000000;
    (void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    if (!S_privileged_enough(&r) || S_list(&r, &list) != 0)
        goto out;
    r.count = list.count;
    r.targets = calloc(r.count, sizeof(*r.targets));
    r.heap = calloc(r.count, sizeof(*r.heap));
    r.payload = malloc(options->size > 0 ? options->size : 1);
    wait.mask = &r.wait_mask; /* filled in by run_signals_catch, before anything is written */
    wait.give_up_at = S_give_up_at;
    wait.context = &r;
    r.out = format_output_open(STDOUT_FILENO, &wait);
    r.err = format_output_open(STDERR_FILENO, &wait);
    if (r.out != NULL)
        r.format = r.json
                       ? format_json_new(r.out)
                       : format_text_new(r.out, options->stamp_lines ? FORMAT_TEXT_TIMESTAMP : 0);
    if (r.targets == NULL || r.heap == NULL || r.payload == NULL || r.format == NULL ||
        r.err == NULL) {
        diag_error(r.json, DIAG_SYSTEM, "wping: out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < options->size; i++)
        r.payload[i] = (unsigned char)('a' + i % 23);
    if (S_resolve(&r, &list) != 0 || S_open(&r) != 0)
        goto out;
    if (run_signals_catch(NULL, &r.wait_mask) != 0) {
        diag_error(r.json, DIAG_SYSTEM, "wping: cannot catch signals: %s", strerror(errno));
        goto out;
    }
    diag_set_stream(r.err);
    if (S_begin(&r) != 0)
        S_output_failed(&r);
    S_flush(&r); /* the headers go out before anything is sent */
    if (r.stop == TARGETS_RUNNING)
        S_loop(&r);
    status = S_finish(&r);

out:
    diag_set_stream(NULL);
    for (int i = 0; i < 2; i++) {
        echo_close(r.families[i].handle);
    }
    format_free(r.format);
    /* Nothing is left in them but after a failure, and then they give up at once. */
    if (r.out != NULL)
        fclose(r.out);
    if (r.err != NULL)
        fclose(r.err);
    free(r.targets);
    free(r.heap);
    free(r.payload);
    target_list_free(&list);
    return status;
}
