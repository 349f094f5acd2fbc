/* The session loop: resolution, engine, schedule, signals, reporting. */
#include "session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <wping/address.h>
#include <wping/echo.h>
#include <wping/timespec.h>

#include "diag.h"
#include "exit_policy.h"
#include "exit_status.h"
#include "format.h"
#include "path.h"
#include "privilege.h"
#include "run_signals.h"

/* Why the run stopped early. */
enum session_stop {
    SESSION_RUNNING = 0,
    SESSION_STOP_INT,      /* SIGINT */
    SESSION_STOP_TERM,     /* SIGTERM, or SIGHUP (the terminal closed) */
    SESSION_STOP_DEADLINE, /* --deadline passed */
    SESSION_STOP_OUTPUT,   /* stdout could not be written */
    SESSION_STOP_ERROR,    /* the engine failed; a message was printed */
};

struct session {
    const struct wping_options *options;
    bool json; /* --format=json: diagnostics are JSON objects too */
    int family;
    struct sockaddr_storage target;
    socklen_t target_len;
    struct sockaddr_storage source;
    socklen_t source_len; /* 0: no -S */
    char target_text[NI_MAXHOST];
    char source_text[NI_MAXHOST];
    char name[NI_MAXHOST]; /* name for the header; empty: show the address alone */
    uint8_t ip_options[ECHO_MAX_IP_OPTIONS];
    size_t ip_options_len;
    unsigned char *payload;

    /* -S names no address of this host: ping.exe goes on and fails every request ("PING:
     * transmit failed."), so the run has no engine handle and sends nothing. */
    bool source_not_local;
    echo_handle *handle; /* open unless source_not_local */
    FILE *out;           /* stdout's stream (output.h): the formatters' lines */
    FILE *err;           /* stderr's stream, for the diagnostics once signals are caught */
    bool output_failed;  /* stdout could not be written, ... */
    int output_errno;    /* ... for this reason (EAGAIN: its reader stopped reading) */
    struct format_output_limit give_up; /* how long output waits for a reader */
    struct format *format;
    struct format_stats stats;
    sigset_t caught;                 /* the signals we catch: SIGINT, SIGQUIT, SIGTERM, SIGHUP */
    sigset_t wait_mask;              /* the signal mask while waiting: ours unblocked */
    struct timespec signals_checked; /* when S_poll_signals last asked the kernel */
    enum session_stop stop;

    bool done;     /* the request in flight has its outcome */
    bool reported; /* and it has been written */
    struct echo_outcome outcome;

    bool has_deadline;
    struct timespec deadline; /* CLOCK_MONOTONIC */
    uint64_t requests;        /* requests started so far; the one in flight is the last */
};

static void S_not_found(const struct session *s, const char *name)
{
    diag_error(s->json, DIAG_RESOLUTION,
               "Ping request could not find host %s. Please check the name and try again.", name);
}

/* The first address of `host` in `family` (AF_UNSPEC: any); numeric_only refuses names.
 * Fills `canonical` with the resolver's canonical name when asked. Returns 0 or -1. */
static int S_lookup(const char *host, int family, bool numeric_only,
                    struct sockaddr_storage *address, socklen_t *length, char *canonical,
                    size_t canonical_size)
{
    struct addrinfo hints, *result = NULL;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_DGRAM; /* one answer per address, not one per socket type */
    hints.ai_flags = numeric_only ? AI_NUMERICHOST : AI_CANONNAME;
    if (getaddrinfo(host, NULL, &hints, &result) != 0 || result == NULL)
        return -1;
    if (result->ai_addrlen > sizeof(*address) ||
        (result->ai_family != AF_INET && result->ai_family != AF_INET6)) {
        freeaddrinfo(result);
        return -1;
    }
    memset(address, 0, sizeof(*address));
    memcpy(address, result->ai_addr, result->ai_addrlen);
    *length = result->ai_addrlen;
    if (canonical != NULL)
        snprintf(canonical, canonical_size, "%s",
                 result->ai_canonname != NULL ? result->ai_canonname : host);
    freeaddrinfo(result);
    return 0;
}

/* The family the command line fixes (docs/design.md, Address family; worked out by the parser);
 * AF_UNSPEC leaves it to the resolver's first answer. */
static int S_family(const struct wping_options *options)
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

/* True for an IPv6 target that means nothing without an interface (link-local, or
 * interface- or link-local multicast) when neither its %scope nor -c names one: Linux
 * would refuse every send with EINVAL, or route it nowhere on raw sockets. */
static bool S_needs_scope(const struct session *s)
{
    const struct sockaddr_in6 *target = (const struct sockaddr_in6 *)&s->target;

    if (s->target.ss_family != AF_INET6 || target->sin6_scope_id != 0 ||
        s->options->compartment != NULL)
        return false;
    return IN6_IS_ADDR_LINKLOCAL(&target->sin6_addr) ||
           IN6_IS_ADDR_MC_LINKLOCAL(&target->sin6_addr) ||
           IN6_IS_ADDR_MC_NODELOCAL(&target->sin6_addr);
}

/* Resolves -S and the target and fills the header name. Prints the message and returns -1
 * when a name cannot be found. */
static int S_resolve(struct session *s)
{
    const struct wping_options *options = s->options;
    int family = S_family(options);
    char canonical[NI_MAXHOST];

    if (options->source != NULL) {
        /* The parser made sure it is a numeric address; its family is the session's. */
        if (S_lookup(options->source, family, true, &s->source, &s->source_len, NULL, 0) != 0) {
            S_not_found(s, options->source);
            return -1;
        }
        echo_address_text(&s->source, s->source_text, sizeof(s->source_text));
        family = s->source.ss_family;
    }

    if (S_lookup(options->target, family, true, &s->target, &s->target_len, NULL, 0) == 0) {
        /* A literal: the header shows the address, or with -a the name it reverses to. */
        if (options->resolve_names &&
            getnameinfo((const struct sockaddr *)&s->target, s->target_len, s->name,
                        sizeof(s->name), NULL, 0, NI_NAMEREQD) != 0)
            s->name[0] = '\0';
    } else if (S_lookup(options->target, family, false, &s->target, &s->target_len, canonical,
                        sizeof(canonical)) == 0) {
        snprintf(s->name, sizeof(s->name), "%s", canonical);
    } else {
        S_not_found(s, options->target);
        return -1;
    }
    s->family = s->target.ss_family;
    echo_address_text(&s->target, s->target_text, sizeof(s->target_text));
    if (S_needs_scope(s)) {
        diag_error(s->json, DIAG_RESOLUTION,
                   "wping: the link-local address %s needs its interface, for example "
                   "%s%%eth0 (or -c eth0).",
                   s->target_text, s->target_text);
        return -1;
    }
    return 0;
}

/* Appends one built option (0 bytes: it did not build) to the request's options block;
 * false when it is empty or does not fit. Only the option's own bytes are taken: the
 * builder pads each block with end-of-list bytes, and an end-of-list between two options
 * would hide the second one (-r with -s once lost the timestamp that way). */
static bool S_append_option(struct session *s, const uint8_t *block, size_t length)
{
    size_t own = length >= 2 ? block[1] : 0;

    if (own == 0 || own > length || s->ip_options_len + own > sizeof(s->ip_options))
        return false;
    memcpy(s->ip_options + s->ip_options_len, block, own);
    s->ip_options_len += own;
    return true;
}

/* Builds the IPv4 options of -r, -s, -j and -k. Returns -1 after printing why. */
static int S_ip_options(struct session *s)
{
    const struct wping_options *options = s->options;
    uint8_t block[ECHO_MAX_IP_OPTIONS];
    size_t length;

    if (options->route_kind != WPING_ROUTE_NONE) {
        uint32_t hops[WPING_MAX_ROUTE_HOPS + 1];
        unsigned count = 0;

        for (unsigned i = 0; i < options->route_count; i++) {
            struct sockaddr_storage hop;
            socklen_t hop_len;

            if (S_lookup(options->route[i], AF_INET, false, &hop, &hop_len, NULL, 0) != 0) {
                S_not_found(s, options->route[i]);
                return -1;
            }
            hops[count++] = ((struct sockaddr_in *)&hop)->sin_addr.s_addr;
        }
        hops[count++] = ((struct sockaddr_in *)&s->target)->sin_addr.s_addr;
        length =
            echo_ipopt_build(options->route_kind == WPING_ROUTE_LOOSE ? ECHO_IPOPT_LOOSE_ROUTE
                                                                      : ECHO_IPOPT_STRICT_ROUTE,
                             0, hops, count, block);
        if (!S_append_option(s, block, length))
            goto too_big;
    }
    if (options->record_route > 0) {
        length = echo_ipopt_build(ECHO_IPOPT_RECORD_ROUTE, options->record_route, NULL, 0, block);
        if (!S_append_option(s, block, length))
            goto too_big;
    }
    if (options->timestamp > 0) {
        length = echo_ipopt_build(ECHO_IPOPT_TIMESTAMP, options->timestamp, NULL, 0, block);
        if (!S_append_option(s, block, length))
            goto too_big;
    }
    /* The block ends on a 32-bit boundary, padded with end-of-list (the array is zeroed). */
    s->ip_options_len = (s->ip_options_len + 3) & ~(size_t)3;
    if (s->ip_options_len > sizeof(s->ip_options))
        goto too_big;
    return 0;

too_big:
    diag_error(s->json, DIAG_USAGE,
               "The IPv4 options of -r, -s, -j and -k together do not fit in the %d bytes "
               "an IPv4 header has for them.",
               ECHO_MAX_IP_OPTIONS);
    return -1;
}

/* The path of this program, for a setcap command line; "wping" when unknown. */
static void S_self_path(char *path, size_t size)
{
    ssize_t length = readlink("/proc/self/exe", path, size - 1);

    if (length <= 0)
        snprintf(path, size, "wping");
    else
        path[length] = '\0';
}

/* Whether an ICMP socket without IPv4 options opens: then the options alone were refused
 * (a datagram socket is allowed, but a source route needs CAP_NET_RAW). Needs no privilege:
 * they are gone by now, and whatever opens without them opens for anyone. */
static bool S_may_open_plain(const struct session *s)
{
    struct echo_config config;
    echo_handle *handle = NULL;

    echo_config_init(&config, s->family);
    if (echo_open(&config, &handle) != ECHO_OK)
        return false;
    echo_close(handle);
    return true;
}

/* Says what would let wping open an ICMP socket, or (`route`) send the source route of -j
 * or -k on the socket it could open. */
static void S_permission_help(const struct session *s, int error, bool route)
{
    char path[PATH_MAX];

    S_self_path(path, sizeof(path));
    if (route)
        diag_error(s->json, DIAG_PERMISSION,
                   "wping: the kernel refused the source route of -j/-k (%s): Linux lets only a\n"
                   "process with CAP_NET_RAW send one, even on the unprivileged ICMP socket.\n"
                   "Run wping as root, or let it hold the capability with\n"
                   "    setcap cap_net_raw+p %s",
                   strerror(error), path);
    else
        diag_error(s->json, DIAG_PERMISSION,
                   "wping: no permission to open an ICMP socket (%s).\n"
                   "Allow unprivileged ICMP sockets for your group, for example with\n"
                   "    sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"\n"
                   "or let wping open raw sockets with\n"
                   "    setcap cap_net_raw+p %s",
                   strerror(error), path);
}

/* Opens the engine with CAP_NET_RAW effective for just that call, then drops every
 * privilege. Returns 0 (with s->source_not_local set when the -S address is not local) or -1
 * after printing why. */
static int S_open(struct session *s)
{
    struct echo_config config;
    int result, error;

    echo_config_init(&config, s->family);
    config.kind = ECHO_SOCKET_AUTO;
    if (s->source_len > 0) {
        config.source = (const struct sockaddr *)&s->source;
        config.source_len = s->source_len;
    }
    config.device = s->options->compartment;
    /* Set here, while CAP_NET_RAW may still be held: Linux wants it for source routes. */
    config.ip_options = s->ip_options_len ? s->ip_options : NULL;
    config.ip_options_len = s->ip_options_len;
    /* A flood (--interval=0) keeps the kernel's speed rather than the transmit stamps'
     * precision: they would cost a third more time per echo (bench/RESULTS.md). */
    config.no_transmit_stamps = s->options->interval_ms == 0;

    if (privilege_raise() != 0) {
        diag_error(s->json, DIAG_SYSTEM, "wping: cannot raise CAP_NET_RAW: %s", strerror(errno));
        return -1;
    }
    result = echo_open(&config, &s->handle);
    error = errno;
    if (privilege_drop() != 0) {
        diag_error(s->json, DIAG_SYSTEM, "wping: cannot drop privileges: %s", strerror(errno));
        return -1;
    }

    switch (result) {
    case ECHO_OK:
        return 0;
    case ECHO_ERR_SOURCE:
        s->source_not_local = true;
        return 0;
    case ECHO_ERR_PERMISSION:
        S_permission_help(s, error,
                          s->options->route_kind != WPING_ROUTE_NONE && S_may_open_plain(s));
        return -1;
    case ECHO_ERR_DEVICE:
        diag_error(s->json, DIAG_SYSTEM, "wping: there is no interface or VRF named %s (-c): %s",
                   s->options->compartment, strerror(error));
        return -1;
    default:
        diag_error(s->json, DIAG_SYSTEM, "wping: cannot open an ICMP socket: %s (%s)",
                   echo_strerror(result), strerror(error));
        return -1;
    }
}

/* When output should stop waiting for its reader (format_output_wait.give_up_at): the run is
 * to end once a stop is asked for, even before the loop has seen the signal's flag. */
static const struct timespec *S_give_up_at(void *context)
{
    struct session *s = context;

    return format_output_give_up(&s->give_up,
                                 s->stop != SESSION_RUNNING || run_signals_stop_asked(),
                                 s->has_deadline ? &s->deadline : NULL);
}

/* Notes that stdout could not be written (errno says why) and stops the run. */
static void S_output_failed(struct session *s)
{
    if (!s->output_failed) {
        s->output_failed = true;
        s->output_errno = errno;
    }
    if (s->stop == SESSION_RUNNING)
        s->stop = SESSION_STOP_OUTPUT;
}

/* Writes the lines the formatters buffered: before every wait, so that a reader sees each
 * line as soon as the run has nothing else to do. */
static void S_flush(struct session *s)
{
    if (!s->output_failed && fflush(s->out) != 0)
        S_output_failed(s);
}

static void S_on_outcome(void *context, const struct echo_outcome *outcome)
{
    struct session *s = context;

    s->outcome = *outcome;
    s->done = true;
}

static void S_report(struct session *s);

/* Every request is tagged with its number. A notice names the request it answers once an
 * outcome has been reported: before that, the JSON stream has always left it unnamed. */
static void S_on_notice(void *context, const struct echo_notice *notice)
{
    struct session *s = context;
    /* An outcome and a notice read in one wait (an ICMP error, then the reply) are written
     * in the order they came. */
    if (s->done && !s->reported)
        S_report(s);
    uint64_t request = notice->has_request && s->stats.sent > 0 ? notice->tag : 0;
    struct format_notice event = {notice, request, {0, 0}, NULL};

    clock_gettime(CLOCK_REALTIME, &event.received_at);
    format_stats_notice(&s->stats, notice);
    if (s->stop == SESSION_RUNNING && !s->options->quiet && format_notice(s->format, &event) != 0)
        S_output_failed(s);
}

/* The exit status of the run if it ended now. */
static int S_status(const struct session *s)
{
    return exit_policy_status(&s->options->policy, s->stats.sent, s->stats.succeeded);
}

/* Acts on the signals that arrived during a wait. */
static void S_signals(struct session *s)
{
    if (run_signal_quit) {
        struct format_end end = {false, FORMAT_REASON_SIGQUIT, S_status(s), NULL};

        run_signal_quit = 0;
        if (s->stop == SESSION_RUNNING && (format_statistics(s->format, &s->stats, &end) != 0 ||
                                           format_interrupt(s->format, FORMAT_CONTROL_BREAK) != 0))
            S_output_failed(s);
    }
    if (s->stop != SESSION_RUNNING)
        return;
    if (run_signal_int)
        s->stop = SESSION_STOP_INT;
    else if (run_signal_term)
        s->stop = SESSION_STOP_TERM;
}

/* Runs the handlers of signals that arrived while no wait had them unblocked: a run that
 * never waits (--interval=0 over loopback, where every answer is already queued, or
 * failures that need no wait) must still see Ctrl-C. Asked at most every millisecond, so
 * that a flood does not pay a system call per echo for it. */
static void S_poll_signals(struct session *s)
{
    static const struct timespec zero = {0, 0};
    struct timespec now;
    sigset_t pending;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec == s->signals_checked.tv_sec &&
        now.tv_nsec - s->signals_checked.tv_nsec < 1000000L)
        return;
    s->signals_checked = now;
    if (sigpending(&pending) != 0)
        return;
    sigandset(&pending, &pending, &s->caught);
    if (sigisemptyset(&pending))
        return;
    if (ppoll(NULL, 0, &zero, &s->wait_mask) < 0 && errno == EINTR)
        S_signals(s);
}

static void S_engine_failed(struct session *s, int result)
{
    diag_error(s->json, DIAG_SYSTEM, "wping: %s (%s)", echo_strerror(result), strerror(errno));
    s->stop = SESSION_STOP_ERROR;
}

/* True, and the run stopped, once --deadline has passed. */
static bool S_deadline_passed(struct session *s)
{
    struct timespec now;

    if (!s->has_deadline || s->stop != SESSION_RUNNING)
        return false;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (timespec_before(&now, &s->deadline))
        return false;
    s->stop = SESSION_STOP_DEADLINE;
    return true;
}

static bool S_stopped(void *context)
{
    struct session *s = context;

    /* Asked before every wait: what the callbacks wrote goes out first. */
    if (s->stop == SESSION_RUNNING)
        S_flush(s);
    return s->stop != SESSION_RUNNING;
}

static bool S_outcome_or_stop(void *context)
{
    struct session *s = context;

    if (!s->done && s->stop == SESSION_RUNNING)
        S_flush(s); /* asked before every wait: what the callbacks wrote goes out first */
    return s->done || s->stop != SESSION_RUNNING;
}

/* Sleeps until `until` without an engine (the -S address is not local): only signals come. */
static void S_sleep_without_engine(struct session *s, const struct timespec *until)
{
    struct timespec now;

    while (s->stop == SESSION_RUNNING && !S_deadline_passed(s)) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (!timespec_before(&now, until))
            return;
        S_flush(s);
        if (s->stop != SESSION_RUNNING)
            return;
        struct timespec left = timespec_left(until, &now);

        if (ppoll(NULL, 0, &left, &s->wait_mask) < 0 && errno == EINTR)
            S_signals(s);
    }
}

/* Waits until `until` (CLOCK_MONOTONIC) or the deadline, whichever is first, handling stray
 * packets and signals meanwhile. */
static void S_sleep_until(struct session *s, const struct timespec *wanted)
{
    const struct timespec *until = wanted;
    struct timespec now;

    if (s->has_deadline && timespec_before(&s->deadline, wanted))
        until = &s->deadline;
    /* No wait at all (an --interval=0 flood): the lines stay for the next burst. */
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!timespec_before(&now, until))
        return;
    if (s->source_not_local) {
        S_sleep_without_engine(s, until);
        return;
    }
    while (s->stop == SESSION_RUNNING && !S_deadline_passed(s)) {
        int result = echo_wait_for(s->handle, S_stopped, s, until, &s->wait_mask);

        if (result == ECHO_ERR_INTERRUPTED)
            S_signals(s);
        else if (result < 0)
            S_engine_failed(s, result);
        else
            return; /* `until` passed, or the run stopped */
    }
}

/* An outcome for a request that could not leave this host. */
static void S_local_failure(struct session *s, const struct echo_request *request, int error)
{
    memset(&s->outcome, 0, sizeof(s->outcome));
    s->outcome.tag = request->tag;
    s->outcome.sent_size = request->size;
    s->outcome.status = ECHO_GENERAL_FAILURE;
    s->outcome.send_errno = error;
    s->outcome.ttl = s->outcome.tos = s->outcome.ip_flags = -1;
    clock_gettime(CLOCK_REALTIME, &s->outcome.sent_at);
    s->done = true;
}

/* Sends one request and waits for its outcome. On return either s->done is set or s->stop
 * says why not. */
static void S_send(struct session *s, const struct echo_request *request)
{
    int result;

    s->done = s->reported = false;
    if (s->source_not_local) {
        S_local_failure(s, request, EADDRNOTAVAIL);
        return;
    }
    result = echo_start(s->handle, request, S_on_outcome, s);
    if (result == ECHO_ERR_DESTINATION) {
        /* The unspecified address: ping.exe's transmit failure. */
        S_local_failure(s, request, EINVAL);
        return;
    }
    if (result == ECHO_ERR_SYSTEM && errno == EPERM && s->options->route_kind != WPING_ROUTE_NONE) {
        /* Linux lets a socket carry a source route only with CAP_NET_RAW at that moment. */
        diag_error(s->json, DIAG_PERMISSION,
                   "wping: the kernel refused the source route of -j/-k: %s (it needs "
                   "CAP_NET_RAW, which wping has dropped before sending)",
                   strerror(errno));
        s->stop = SESSION_STOP_ERROR;
        return;
    }
    if (result < 0) {
        S_engine_failed(s, result);
        return;
    }
    while (!s->done && s->stop == SESSION_RUNNING && !S_deadline_passed(s)) {
        if (__fpending(s->out) > 0) {
            /* Over loopback the outcome is often queued already: then its line joins the
             * ones before it, and a burst goes out in one write. Else write, then wait. */
            result = echo_process(s->handle);
            if (result < 0) {
                S_engine_failed(s, result);
                break;
            }
            if (!s->done)
                S_flush(s);
            continue;
        }
        result = echo_wait_for(s->handle, S_outcome_or_stop, s,
                               s->has_deadline ? &s->deadline : NULL, &s->wait_mask);
        if (result == ECHO_ERR_INTERRUPTED)
            S_signals(s);
        else if (result < 0)
            S_engine_failed(s, result);
    }
}

static void S_report(struct session *s)
{
    struct echo_ipopt_route route, timestamp;
    struct format_reply reply = {&s->outcome, NULL, NULL, s->outcome.tag, {0, 0}, NULL};

    clock_gettime(CLOCK_REALTIME, &reply.known_at);
    s->reported = true;
    if (s->options->record_route > 0 &&
        echo_ipopt_find(s->outcome.ip_options, s->outcome.ip_options_len, ECHO_IPOPT_RECORD_ROUTE,
                        &route))
        reply.route = &route;
    if (s->options->timestamp > 0 &&
        echo_ipopt_find(s->outcome.ip_options, s->outcome.ip_options_len, ECHO_IPOPT_TIMESTAMP,
                        &timestamp))
        reply.timestamp = &timestamp;
    format_stats_add(&s->stats, &s->outcome);
    if (!s->options->quiet && format_outcome(s->format, &reply) != 0)
        S_output_failed(s);
}

/* Whether the run ends only by --deadline or a signal: -t, or --deadline without -n. */
static bool S_unbounded(const struct wping_options *options)
{
    return options->forever || (options->deadline_ms > 0 && !options->count_given);
}

/* The requests, on ping.exe's schedule (docs/design.md, Schedule): the first at once, then one
 * every --interval (a second by default) from the previous scheduled send; when an outcome comes
 * later than that, the next request goes right after it. No wait after the last. */
static void S_loop(struct session *s)
{
    const struct wping_options *options = s->options;
    struct echo_request request;
    struct timespec next, now;

    memset(&request, 0, sizeof(request));
    request.destination = (const struct sockaddr *)&s->target;
    request.destination_len = s->target_len;
    request.data = s->payload;
    request.size = options->size;
    request.ttl = options->ttl;
    request.tos = options->tos >= 0 ? options->tos : 0;
    request.dont_fragment = options->dont_fragment;
    request.ip_options = s->ip_options_len > 0 ? s->ip_options : NULL;
    request.ip_options_len = s->ip_options_len;
    request.timeout_ms = options->timeout_ms;

    clock_gettime(CLOCK_MONOTONIC, &next);
    if (options->deadline_ms > 0) {
        s->has_deadline = true;
        s->deadline = timespec_add_ms(next, options->deadline_ms);
    }
    for (uint64_t i = 0; S_unbounded(options) || i < options->count; i++) {
        if (i > 0) {
            next = timespec_add_ms(next, options->interval_ms);
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (timespec_before(&next, &now))
                next = now;
            S_sleep_until(s, &next);
        }
        S_poll_signals(s);
        if (s->stop != SESSION_RUNNING || S_deadline_passed(s))
            break;
        request.tag = ++s->requests;
        S_send(s, &request);
        if (!s->done)
            break;
        if (!s->reported)
            S_report(s);
        if (s->stop != SESSION_RUNNING)
            break;
    }
}

/* Says why stdout could not be written. */
static void S_output_message(const struct session *s)
{
    if (s->output_errno == EAGAIN)
        diag_error(s->json, DIAG_OUTPUT,
                   "wping: cannot write to standard output: its reader stopped reading "
                   "(given up %d ms after the run was to end)",
                   FORMAT_OUTPUT_GIVE_UP_MS);
    else
        diag_error(s->json, DIAG_OUTPUT, "wping: cannot write to standard output: %s",
                   strerror(s->output_errno));
}

/* The end of the run: statistics, the interruption, the exit status. */
static int S_finish(struct session *s)
{
    struct format_end end = {true, FORMAT_REASON_COMPLETED, S_status(s), NULL};

    if (s->stop == SESSION_STOP_ERROR)
        return EXIT_STATUS_ERROR;
    if (s->stop == SESSION_STOP_INT)
        end.reason = FORMAT_REASON_SIGINT;
    else if (s->stop == SESSION_STOP_TERM)
        end.reason = FORMAT_REASON_SIGTERM;
    else if (s->stop == SESSION_STOP_DEADLINE)
        end.reason = FORMAT_REASON_DEADLINE;
    if (!s->output_failed) {
        if (format_statistics(s->format, &s->stats, &end) != 0 ||
            (s->stop == SESSION_STOP_INT && format_interrupt(s->format, FORMAT_CONTROL_C) != 0) ||
            (s->stop == SESSION_STOP_TERM && format_interrupt(s->format, FORMAT_TERMINATED) != 0))
            S_output_failed(s);
        S_flush(s);
    }
    if (s->output_failed) {
        S_output_message(s);
        return EXIT_STATUS_ERROR;
    }
    return end.exit_status;
}

/* Whether a signal that ends the run came (path modes: one may arrive while output waits). */
static bool S_interrupted(void)
{
    return run_signals_stop_asked();
}

/* --mtu and --traceroute take over once the target is resolved and the engine open. */
static int S_path(struct session *s, const struct format_target *target)
{
    struct path_run run = {
        .options = s->options,
        .source_not_local = s->source_not_local,
        .handle = s->handle,
        .target = &s->target,
        .target_len = s->target_len,
        .source = s->source_len > 0 ? &s->source : NULL,
        .source_len = s->source_len,
        .header = target,
        .json = s->json,
        .wait_mask = &s->wait_mask,
        .out = s->out,
        .interrupted = S_interrupted,
    };
    int status = s->options->mode == WPING_MODE_MTU ? path_mtu(&run) : path_trace(&run);

    S_flush(s);
    if (s->output_failed && status != EXIT_STATUS_ERROR) {
        S_output_message(s);
        status = EXIT_STATUS_ERROR;
    }
    return status;
}

int session_run(const struct wping_options *options)
{
    struct session s;
    struct format_target target;
    struct format_output_wait wait = {0};
    int status = EXIT_STATUS_ERROR;

    memset(&s, 0, sizeof(s));
    memset(&target, 0, sizeof(target));
    s.options = options;
    /* The schedule and -w are kept to the microsecond; Linux's default 50 us of timer slack
     * would let every wait end that much late. */
    (void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    s.json = options->output == WPING_OUTPUT_JSON;
    if (options->interval_ms < WPING_MIN_USER_INTERVAL_MS && !privilege_may_raw()) {
        diag_error(s.json, DIAG_PERMISSION,
                   "wping: an --interval below %d ms needs CAP_NET_RAW (root, set-user-ID root "
                   "or setcap cap_net_raw+p); other users may send every %d ms at most.",
                   WPING_MIN_USER_INTERVAL_MS, WPING_MIN_USER_INTERVAL_MS);
        return EXIT_STATUS_ERROR;
    }
    if (S_resolve(&s) != 0)
        return EXIT_STATUS_ERROR;
    if (s.family == AF_INET && S_ip_options(&s) != 0)
        return EXIT_STATUS_ERROR;
    s.payload = malloc(options->size > 0 ? options->size : 1);
    if (s.payload == NULL) {
        diag_error(s.json, DIAG_SYSTEM, "wping: out of memory");
        goto out;
    }
    /* Caught from here on; the streams wait for their readers with them unblocked. */
    if (run_signals_catch(&s.caught, &s.wait_mask) != 0) {
        diag_error(s.json, DIAG_SYSTEM, "wping: cannot catch signals: %s", strerror(errno));
        goto out;
    }
    wait.mask = &s.wait_mask;
    wait.give_up_at = S_give_up_at;
    wait.context = &s;
    s.out = format_output_open(STDOUT_FILENO, &wait);
    s.err = format_output_open(STDERR_FILENO, &wait);
    if (s.out != NULL && s.json) {
        s.format = format_json_new(s.out);
        s.stats.histogram = format_histogram_new(); /* percentiles for the summary */
    } else if (s.out != NULL) {
        s.format = format_text_new(s.out, options->stamp_lines ? FORMAT_TEXT_TIMESTAMP : 0);
    }
    if (s.err == NULL || s.format == NULL || (s.json && s.stats.histogram == NULL)) {
        diag_error(s.json, DIAG_SYSTEM, "wping: out of memory");
        goto out;
    }
    diag_set_stream(s.err);
    /* ping.exe's payload: the letters a to w, over and over (docs/design.md, Payload). */
    for (uint32_t i = 0; i < options->size; i++)
        s.payload[i] = (unsigned char)('a' + i % 23);

    if (S_open(&s) != 0)
        goto out;
    if (!s.source_not_local && options->mode == WPING_MODE_PING)
        echo_set_notice_callback(s.handle, S_on_notice, &s);

    target.family = s.family;
    target.typed = options->target;
    target.name = s.name[0] != '\0' ? s.name : NULL;
    target.address = s.target_text;
    target.source = s.source_len > 0 ? s.source_text : NULL;
    target.size = options->size;
    target.ttl = options->ttl;
    target.tos = options->tos;
    target.timeout_ms = options->timeout_ms;
    target.interval_ms = options->interval_ms;
    target.count = S_unbounded(options) ? 0 : options->count;
    target.deadline_ms = options->deadline_ms;
    target.has_socket = !s.source_not_local;
    target.socket = s.source_not_local ? ECHO_SOCKET_AUTO : echo_socket_kind(s.handle);
    clock_gettime(CLOCK_REALTIME, &target.started);
    if (options->mode != WPING_MODE_PING) {
        status = S_path(&s, &target);
        goto out;
    }
    /* The header goes out before anything is sent, as ping.exe's does. */
    if (format_begin(s.format, &target) != 0)
        S_output_failed(&s);
    S_flush(&s);
    if (s.stop == SESSION_RUNNING)
        S_loop(&s);
    status = S_finish(&s);

out:
    diag_set_stream(NULL);
    echo_close(s.handle);
    format_free(s.format);
    /* Nothing is left in them but after a failure, and then they give up at once. */
    if (s.out != NULL)
        fclose(s.out);
    if (s.err != NULL)
        fclose(s.err);
    format_histogram_free(s.stats.histogram);
    free(s.payload);
    return status;
}
