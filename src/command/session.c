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
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <wping/echo.h>

#include "exit_status.h"
#include "format.h"
#include "privilege.h"

/* Why the run stopped early. */
enum session_stop {
    SESSION_RUNNING = 0,
    SESSION_STOP_INT,    /* SIGINT */
    SESSION_STOP_TERM,   /* SIGTERM */
    SESSION_STOP_OUTPUT, /* stdout could not be written */
    SESSION_STOP_ERROR,  /* the engine failed; a message was printed */
};

struct session {
    const struct wping_options *options;
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

    echo_handle *handle; /* NULL: the -S address is not local, every send fails */
    struct format *format;
    struct format_stats stats;
    sigset_t wait_mask; /* the signal mask while waiting: ours unblocked */
    enum session_stop stop;

    bool done; /* the request in flight has its outcome */
    struct echo_outcome outcome;
};

/* Set by the handler, which runs only while a wait has the signals unblocked. */
static volatile sig_atomic_t session_got_int;
static volatile sig_atomic_t session_got_quit;
static volatile sig_atomic_t session_got_term;

static void session_on_signal(int signo)
{
    if (signo == SIGINT)
        session_got_int = 1;
    else if (signo == SIGQUIT)
        session_got_quit = 1;
    else
        session_got_term = 1;
}

static void session_not_found(const char *name)
{
    fprintf(stderr, "Ping request could not find host %s. Please check the name and try again.\n",
            name);
}

static void session_numeric(const struct sockaddr_storage *address, socklen_t length, char *out,
                            size_t size)
{
    if (getnameinfo((const struct sockaddr *)address, length, out, (socklen_t)size, NULL, 0,
                    NI_NUMERICHOST) != 0)
        snprintf(out, size, "?");
}

/* The first address of `host` in `family` (AF_UNSPEC: any); numeric_only refuses names.
 * Fills `canonical` with the resolver's canonical name when asked. Returns 0 or -1. */
static int session_lookup(const char *host, int family, bool numeric_only,
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

/* The family the command line fixes (DESIGN C10, worked out by the parser); AF_UNSPEC
 * leaves it to the resolver's first answer. */
static int session_family(const struct wping_options *options)
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

/* Resolves -S and the target and fills the header name. Prints the message and returns -1
 * when a name cannot be found. */
static int session_resolve(struct session *s)
{
    const struct wping_options *options = s->options;
    int family = session_family(options);
    char canonical[NI_MAXHOST];

    if (options->source != NULL) {
        /* The parser made sure it is a numeric address; its family is the session's. */
        if (session_lookup(options->source, family, true, &s->source, &s->source_len, NULL, 0) !=
            0) {
            session_not_found(options->source);
            return -1;
        }
        session_numeric(&s->source, s->source_len, s->source_text, sizeof(s->source_text));
        family = s->source.ss_family;
    }

    if (session_lookup(options->target, family, true, &s->target, &s->target_len, NULL, 0) == 0) {
        /* A literal: the header shows the address, or with -a the name it reverses to. */
        if (options->resolve_names &&
            getnameinfo((const struct sockaddr *)&s->target, s->target_len, s->name,
                        sizeof(s->name), NULL, 0, NI_NAMEREQD) != 0)
            s->name[0] = '\0';
    } else if (session_lookup(options->target, family, false, &s->target, &s->target_len, canonical,
                              sizeof(canonical)) == 0) {
        snprintf(s->name, sizeof(s->name), "%s", canonical);
    } else {
        session_not_found(options->target);
        return -1;
    }
    s->family = s->target.ss_family;
    session_numeric(&s->target, s->target_len, s->target_text, sizeof(s->target_text));
    return 0;
}

/* Builds the IPv4 options of -r, -s, -j and -k. Returns -1 after printing why. */
static int session_ip_options(struct session *s)
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

            if (session_lookup(options->route[i], AF_INET, false, &hop, &hop_len, NULL, 0) != 0) {
                session_not_found(options->route[i]);
                return -1;
            }
            hops[count++] = ((struct sockaddr_in *)&hop)->sin_addr.s_addr;
        }
        hops[count++] = ((struct sockaddr_in *)&s->target)->sin_addr.s_addr;
        length =
            echo_ipopt_build(options->route_kind == WPING_ROUTE_LOOSE ? ECHO_IPOPT_LOOSE_ROUTE
                                                                      : ECHO_IPOPT_STRICT_ROUTE,
                             0, hops, count, block);
        if (length == 0 || s->ip_options_len + length > sizeof(s->ip_options))
            goto too_big;
        memcpy(s->ip_options + s->ip_options_len, block, length);
        s->ip_options_len += length;
    }
    if (options->record_route > 0) {
        length = echo_ipopt_build(ECHO_IPOPT_RECORD_ROUTE, options->record_route, NULL, 0, block);
        if (length == 0 || s->ip_options_len + length > sizeof(s->ip_options))
            goto too_big;
        memcpy(s->ip_options + s->ip_options_len, block, length);
        s->ip_options_len += length;
    }
    if (options->timestamp > 0) {
        length = echo_ipopt_build(ECHO_IPOPT_TIMESTAMP, options->timestamp, NULL, 0, block);
        if (length == 0 || s->ip_options_len + length > sizeof(s->ip_options))
            goto too_big;
        memcpy(s->ip_options + s->ip_options_len, block, length);
        s->ip_options_len += length;
    }
    return 0;

too_big:
    fprintf(stderr,
            "The IPv4 options of -r, -s, -j and -k together do not fit in the %d bytes "
            "an IPv4 header has for them.\n",
            ECHO_MAX_IP_OPTIONS);
    return -1;
}

/* Says what would let wping open an ICMP socket. */
static void session_permission_help(int error)
{
    char path[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", path, sizeof(path) - 1);

    if (length <= 0)
        snprintf(path, sizeof(path), "wping");
    else
        path[length] = '\0';
    fprintf(stderr,
            "wping: no permission to open an ICMP socket (%s).\n"
            "Allow unprivileged ICMP sockets for your group, for example with\n"
            "    sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"\n"
            "or let wping open raw sockets with\n"
            "    setcap cap_net_raw+p %s\n",
            strerror(error), path);
}

/* Opens the engine with CAP_NET_RAW effective for just that call, then drops every
 * privilege. Returns 0 (s->handle may stay NULL: the -S address is not local) or -1 after
 * printing why. */
static int session_open(struct session *s)
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

    if (privilege_raise() != 0) {
        fprintf(stderr, "wping: cannot raise CAP_NET_RAW: %s\n", strerror(errno));
        return -1;
    }
    result = echo_open(&config, &s->handle);
    error = errno;
    if (privilege_drop() != 0) {
        fprintf(stderr, "wping: cannot drop privileges: %s\n", strerror(errno));
        return -1;
    }

    switch (result) {
    case ECHO_OK:
        return 0;
    case ECHO_ERR_SOURCE:
        /* ping.exe goes on and fails every request: "PING: transmit failed." */
        s->handle = NULL;
        return 0;
    case ECHO_ERR_PERMISSION:
        session_permission_help(error);
        return -1;
    case ECHO_ERR_DEVICE:
        fprintf(stderr, "wping: there is no interface or VRF named %s (-c): %s\n",
                s->options->compartment, strerror(error));
        return -1;
    default:
        fprintf(stderr, "wping: cannot open an ICMP socket: %s (%s)\n", echo_strerror(result),
                strerror(error));
        return -1;
    }
}

static void session_on_outcome(void *context, const struct echo_outcome *outcome)
{
    struct session *s = context;

    s->outcome = *outcome;
    s->done = true;
}

static void session_on_notice(void *context, const struct echo_notice *notice)
{
    struct session *s = context;

    format_stats_notice(&s->stats, notice);
    if (s->stop == SESSION_RUNNING && format_notice(s->format, notice) != 0)
        s->stop = SESSION_STOP_OUTPUT;
}

/* Acts on the signals that arrived during a wait. */
static void session_signals(struct session *s)
{
    if (session_got_quit) {
        session_got_quit = 0;
        if (s->stop == SESSION_RUNNING && (format_statistics(s->format, &s->stats, false) != 0 ||
                                           format_interrupt(s->format, FORMAT_CONTROL_BREAK) != 0))
            s->stop = SESSION_STOP_OUTPUT;
    }
    if (s->stop != SESSION_RUNNING)
        return;
    if (session_got_int)
        s->stop = SESSION_STOP_INT;
    else if (session_got_term)
        s->stop = SESSION_STOP_TERM;
}

static void session_engine_failed(struct session *s, int result)
{
    fprintf(stderr, "wping: %s (%s)\n", echo_strerror(result), strerror(errno));
    s->stop = SESSION_STOP_ERROR;
}

static int session_compare(const struct timespec *a, const struct timespec *b)
{
    if (a->tv_sec != b->tv_sec)
        return a->tv_sec < b->tv_sec ? -1 : 1;
    if (a->tv_nsec != b->tv_nsec)
        return a->tv_nsec < b->tv_nsec ? -1 : 1;
    return 0;
}

/* Waits until `until` (CLOCK_MONOTONIC), handling stray packets and signals meanwhile. */
static void session_sleep_until(struct session *s, const struct timespec *until)
{
    struct timespec now;

    while (s->stop == SESSION_RUNNING) {
        int result;

        clock_gettime(CLOCK_MONOTONIC, &now);
        if (session_compare(&now, until) >= 0)
            return;
        if (s->handle != NULL) {
            result = echo_wait(s->handle, until, &s->wait_mask);
            if (result == ECHO_ERR_INTERRUPTED)
                session_signals(s);
            else if (result < 0)
                session_engine_failed(s, result);
        } else {
            struct timespec left = {until->tv_sec - now.tv_sec, until->tv_nsec - now.tv_nsec};

            if (left.tv_nsec < 0) {
                left.tv_sec--;
                left.tv_nsec += 1000000000L;
            }
            if (ppoll(NULL, 0, &left, &s->wait_mask) < 0 && errno == EINTR)
                session_signals(s);
        }
    }
}

/* An outcome for a request that could not leave this host. */
static void session_local_failure(struct session *s, int error)
{
    memset(&s->outcome, 0, sizeof(s->outcome));
    s->outcome.status = ECHO_GENERAL_FAILURE;
    s->outcome.send_errno = error;
    s->outcome.ttl = s->outcome.tos = s->outcome.ip_flags = -1;
    clock_gettime(CLOCK_REALTIME, &s->outcome.sent_at);
    s->done = true;
}

/* Sends one request and waits for its outcome. On return either s->done is set or s->stop
 * says why not. */
static void session_send(struct session *s, const struct echo_request *request)
{
    int result;

    s->done = false;
    if (s->handle == NULL) {
        session_local_failure(s, EADDRNOTAVAIL);
        return;
    }
    result = echo_start(s->handle, request, session_on_outcome, s);
    if (result == ECHO_ERR_DESTINATION) {
        session_local_failure(s, EINVAL); /* the unspecified address: ping.exe's transmit failure */
        return;
    }
    if (result == ECHO_ERR_SYSTEM && errno == EPERM && s->options->route_kind != WPING_ROUTE_NONE) {
        /* Linux lets a socket carry a source route only with CAP_NET_RAW at that moment. */
        fprintf(stderr,
                "wping: the kernel refused the source route of -j/-k: %s (it needs "
                "CAP_NET_RAW, which wping has dropped before sending)\n",
                strerror(errno));
        s->stop = SESSION_STOP_ERROR;
        return;
    }
    if (result < 0) {
        session_engine_failed(s, result);
        return;
    }
    while (!s->done && s->stop == SESSION_RUNNING) {
        result = echo_wait(s->handle, NULL, &s->wait_mask);
        if (result == ECHO_ERR_INTERRUPTED)
            session_signals(s);
        else if (result < 0)
            session_engine_failed(s, result);
    }
}

static void session_report(struct session *s, size_t size)
{
    struct echo_ipopt_route route, timestamp;
    struct format_reply reply = {&s->outcome, size, NULL, NULL};

    if (s->options->record_route > 0 &&
        echo_ipopt_find(s->outcome.ip_options, s->outcome.ip_options_len, ECHO_IPOPT_RECORD_ROUTE,
                        &route))
        reply.route = &route;
    if (s->options->timestamp > 0 &&
        echo_ipopt_find(s->outcome.ip_options, s->outcome.ip_options_len, ECHO_IPOPT_TIMESTAMP,
                        &timestamp))
        reply.timestamp = &timestamp;
    format_stats_add(&s->stats, &s->outcome, size);
    if (format_outcome(s->format, &reply) != 0)
        s->stop = SESSION_STOP_OUTPUT;
}

/* The requests, on ping.exe's schedule (DESIGN C5): the first at once, then one a second
 * from the previous scheduled send; when an outcome comes later than that, the next request
 * goes right after it. No wait after the last. */
static void session_loop(struct session *s)
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
    for (uint64_t i = 0; options->forever || i < options->count; i++) {
        if (i > 0) {
            next.tv_sec += 1;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (session_compare(&next, &now) < 0)
                next = now;
            session_sleep_until(s, &next);
        }
        if (s->stop != SESSION_RUNNING)
            break;
        session_send(s, &request);
        if (!s->done)
            break;
        session_report(s, options->size);
        if (s->stop != SESSION_RUNNING)
            break;
    }
}

/* Blocks SIGINT, SIGQUIT and SIGTERM and catches them; the engine's waits unblock them. */
static int session_catch_signals(struct session *s)
{
    struct sigaction action;
    sigset_t ours;

    memset(&action, 0, sizeof(action));
    action.sa_handler = session_on_signal;
    sigemptyset(&action.sa_mask);
    sigemptyset(&ours);
    sigaddset(&ours, SIGINT);
    sigaddset(&ours, SIGQUIT);
    sigaddset(&ours, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &ours, &s->wait_mask) != 0)
        return -1;
    sigdelset(&s->wait_mask, SIGINT);
    sigdelset(&s->wait_mask, SIGQUIT);
    sigdelset(&s->wait_mask, SIGTERM);
    if (sigaction(SIGINT, &action, NULL) != 0 || sigaction(SIGQUIT, &action, NULL) != 0 ||
        sigaction(SIGTERM, &action, NULL) != 0)
        return -1;
    return 0;
}

/* The end of the run: statistics, the interruption, the exit status. */
static int session_finish(struct session *s)
{
    int failed = 0;

    if (s->stop == SESSION_STOP_ERROR)
        return EXIT_STATUS_ERROR;
    if (s->stop != SESSION_STOP_OUTPUT) {
        failed = format_statistics(s->format, &s->stats, true);
        if (failed == 0 && s->stop == SESSION_STOP_INT)
            failed = format_interrupt(s->format, FORMAT_CONTROL_C);
        else if (failed == 0 && s->stop == SESSION_STOP_TERM)
            failed = format_interrupt(s->format, FORMAT_TERMINATED);
    }
    if (s->stop == SESSION_STOP_OUTPUT || failed != 0) {
        fprintf(stderr, "wping: cannot write to standard output: %s\n", strerror(errno));
        return EXIT_STATUS_ERROR;
    }
    return s->stats.succeeded > 0 ? EXIT_STATUS_REPLY : EXIT_STATUS_NO_REPLY;
}

int session_run(const struct wping_options *options)
{
    struct session s;
    struct format_target target;
    int status = EXIT_STATUS_ERROR;

    memset(&s, 0, sizeof(s));
    s.options = options;
    if (session_resolve(&s) != 0)
        return EXIT_STATUS_ERROR;
    if (s.family == AF_INET && session_ip_options(&s) != 0)
        return EXIT_STATUS_ERROR;
    s.payload = malloc(options->size > 0 ? options->size : 1);
    s.format = format_text_new(stdout);
    if (s.payload == NULL || s.format == NULL) {
        fprintf(stderr, "wping: out of memory\n");
        goto out;
    }
    /* ping.exe's payload: the letters a to w, over and over (DESIGN C7). */
    for (uint32_t i = 0; i < options->size; i++)
        s.payload[i] = (unsigned char)('a' + i % 23);

    if (session_open(&s) != 0)
        goto out;
    if (s.handle != NULL)
        echo_set_notice_callback(s.handle, session_on_notice, &s);
    if (session_catch_signals(&s) != 0) {
        fprintf(stderr, "wping: cannot catch signals: %s\n", strerror(errno));
        goto out;
    }

    target.family = s.family;
    target.typed = options->target;
    target.name = s.name[0] != '\0' ? s.name : NULL;
    target.address = s.target_text;
    target.source = s.source_len > 0 ? s.source_text : NULL;
    target.size = options->size;
    if (format_begin(s.format, &target) != 0)
        s.stop = SESSION_STOP_OUTPUT;
    else
        session_loop(&s);
    status = session_finish(&s);

out:
    echo_close(s.handle);
    format_free(s.format);
    free(s.payload);
    return status;
}
