/*
 * echo-probe: drives the echo engine from the command line for lab tests. One line per
 * outcome and per notice, in key=value form, so tests can assert every field. Literal
 * addresses only: it never resolves names. Each outcome also says when it was printed
 * (at_us, since the handle was opened, before any request was sent): no round trip can be
 * longer, so tests bound times by it instead of by a wall clock that load can stretch.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wping/echo.h"

struct probe {
    int family;
    enum echo_socket_kind kind;
    const char *source;
    const char *device;
    int ttl, tos;
    bool dont_fragment;
    size_t size;
    uint32_t timeout_ms;
    unsigned count, interval_ms, in_flight, linger_ms;
    enum echo_ipopt_kind option;
    unsigned slots;
    const char *route;
    bool async;
    uint8_t *payload;
    uint8_t options[ECHO_MAX_IP_OPTIONS];
    size_t options_len;
    unsigned completed;
    uint64_t opened_us;
};

static uint64_t monotonic_us(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
}

static void usage(void)
{
    fputs("usage: echo-probe [-4|-6] [-k auto|dgram|raw] [-S addr] [-I dev] [-t ttl] [-Q tos]\n"
          "       [-M do|dont] [-s size] [-W ms] [-c count] [-i ms] [-R n | -T n | -L a,b | -G "
          "a,b]\n"
          "       [-a] [-p n] [-x ms] destination\n",
          stderr);
}

static bool parse_address(int family, const char *text, struct sockaddr_storage *out)
{
    memset(out, 0, sizeof(*out));
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)out;
        a->sin6_family = AF_INET6;
        return inet_pton(AF_INET6, text, &a->sin6_addr) == 1;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)out;
    a->sin_family = AF_INET;
    return inet_pton(AF_INET, text, &a->sin_addr) == 1;
}

static const char *address_text(const struct sockaddr_storage *a, char *buffer, size_t size)
{
    if (a->ss_family == AF_INET6)
        return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)a)->sin6_addr, buffer,
                         (socklen_t)size);
    if (a->ss_family == AF_INET)
        return inet_ntop(AF_INET, &((const struct sockaddr_in *)a)->sin_addr, buffer,
                         (socklen_t)size);
    return "-";
}

static void print_outcome(void *context, const struct echo_outcome *o)
{
    struct probe *p = context;
    char from[INET6_ADDRSTRLEN];
    printf("seq=%u status=%u name=%s from=%s rtt_us=%llu at_us=%llu kts=%d clock=%s ttl=%d "
           "tos=%d flags=%d len=%zu match=%d trunc=%d errno=%d opts=",
           o->sequence, o->status, echo_status_name(o->status, p->family),
           address_text(&o->responder, from, sizeof(from)), (unsigned long long)(o->rtt_ns / 1000),
           (unsigned long long)(monotonic_us() - p->opened_us), o->kernel_timestamp,
           o->clock ? echo_clock_name(o->clock) : "-", o->ttl, o->tos, o->ip_flags, o->data_len,
           o->data_match, o->data_truncated, o->send_errno);
    if (o->ip_options_len == 0)
        fputs("-", stdout);
    for (size_t i = 0; i < o->ip_options_len; i++)
        printf("%02x", o->ip_options[i]);
    putchar('\n');
    fflush(stdout);
    p->completed++;
}

static void print_notice(void *context, const struct echo_notice *n)
{
    (void)context;
    static const char *const kinds[] = {"duplicate", "late", "malformed", "after_error"};
    char from[INET6_ADDRSTRLEN];
    printf("notice=%s seq=%u from=%s len=%zu match=%d\n", kinds[n->kind], n->sequence,
           address_text(&n->responder, from, sizeof(from)), n->data_len, n->data_match);
    fflush(stdout);
}

static int fail(const char *what, int error)
{
    fprintf(stderr, "echo-probe: %s: %s\n", what, strerror(error));
    return 2;
}

static bool build_options(struct probe *p)
{
    if (p->option == ECHO_IPOPT_NONE)
        return true;
    uint32_t hops[9];
    unsigned count = 0;
    if (p->route != NULL) {
        char *copy = strdup(p->route);
        for (char *t = strtok(copy, ","); t != NULL && count < 9; t = strtok(NULL, ","))
            if (inet_pton(AF_INET, t, &hops[count++]) != 1)
                count = 99;
        free(copy);
        if (count > 9)
            return false;
    }
    p->options_len = echo_ipopt_build(p->option, p->slots, hops, count, p->options);
    return p->options_len > 0;
}

static void sleep_ms(unsigned ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000};
    while (nanosleep(&t, &t) != 0 && errno == EINTR)
        ;
}

static int run(struct probe *p, echo_handle *h, const struct sockaddr_storage *destination)
{
    struct echo_request request;
    memset(&request, 0, sizeof(request));
    request.destination = (const struct sockaddr *)destination;
    request.destination_len = sizeof(*destination);
    request.data = p->payload;
    request.size = p->size;
    request.ttl = p->ttl;
    request.tos = p->tos;
    request.dont_fragment = p->dont_fragment;
    request.ip_options = p->options_len ? p->options : NULL;
    request.ip_options_len = p->options_len;
    request.timeout_ms = p->timeout_ms;
    uint8_t *reply = malloc(ECHO_MAX_DATA);
    request.reply_buffer = reply;
    request.reply_capacity = ECHO_MAX_DATA;

    unsigned started = 0;
    int result = ECHO_OK;
    while (p->completed < p->count && result >= 0) {
        if (p->async) {
            while (started < p->count && started - p->completed < p->in_flight) {
                result = echo_start(h, &request, print_outcome, p);
                if (result < 0)
                    break;
                started++;
                if (p->interval_ms)
                    sleep_ms(p->interval_ms);
            }
            if (result >= 0)
                result = echo_wait(h, NULL, NULL);
        } else {
            struct echo_outcome outcome;
            result = echo_send(h, &request, &outcome);
            if (result == ECHO_OK) {
                print_outcome(p, &outcome);
                if (p->interval_ms && p->completed < p->count)
                    sleep_ms(p->interval_ms);
            }
        }
    }
    if (result >= 0 && p->linger_ms) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += p->linger_ms / 1000;
        until.tv_nsec += (long)(p->linger_ms % 1000) * 1000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        for (;;) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (now.tv_sec > until.tv_sec ||
                (now.tv_sec == until.tv_sec && now.tv_nsec >= until.tv_nsec))
                break;
            if (echo_wait(h, &until, NULL) < 0)
                break;
        }
    }
    free(reply);
    if (result < 0)
        return fail(echo_strerror(result), errno);
    return 0;
}

int main(int argc, char **argv)
{
    struct probe p = {
        .family = AF_UNSPEC, .size = 32, .timeout_ms = 1000, .count = 1, .in_flight = 1};
    int c;
    while ((c = getopt(argc, argv, "46k:S:I:t:Q:M:s:W:c:i:R:T:L:G:ap:x:")) != -1) {
        switch (c) {
        case '4':
            p.family = AF_INET;
            break;
        case '6':
            p.family = AF_INET6;
            break;
        case 'k':
            p.kind = strcmp(optarg, "dgram") == 0 ? ECHO_SOCKET_DGRAM
                     : strcmp(optarg, "raw") == 0 ? ECHO_SOCKET_RAW
                                                  : ECHO_SOCKET_AUTO;
            break;
        case 'S':
            p.source = optarg;
            break;
        case 'I':
            p.device = optarg;
            break;
        case 't':
            p.ttl = atoi(optarg);
            break;
        case 'Q':
            p.tos = atoi(optarg);
            break;
        case 'M':
            p.dont_fragment = strcmp(optarg, "do") == 0;
            break;
        case 's':
            p.size = strtoul(optarg, NULL, 10);
            break;
        case 'W':
            p.timeout_ms = (uint32_t)strtoul(optarg, NULL, 10);
            break;
        case 'c':
            p.count = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'i':
            p.interval_ms = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'R':
        case 'T':
            p.option = c == 'R' ? ECHO_IPOPT_RECORD_ROUTE : ECHO_IPOPT_TIMESTAMP;
            p.slots = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'L':
        case 'G':
            p.option = c == 'L' ? ECHO_IPOPT_LOOSE_ROUTE : ECHO_IPOPT_STRICT_ROUTE;
            p.route = optarg;
            break;
        case 'a':
            p.async = true;
            break;
        case 'p':
            p.in_flight = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'x':
            p.linger_ms = (unsigned)strtoul(optarg, NULL, 10);
            break;
        default:
            usage();
            return 2;
        }
    }
    if (optind != argc - 1 || p.in_flight == 0 || p.size > ECHO_MAX_DATA) {
        usage();
        return 2;
    }
    const char *target = argv[optind];
    if (p.family == AF_UNSPEC)
        p.family = strchr(target, ':') ? AF_INET6 : AF_INET;
    struct sockaddr_storage destination, source;
    if (!parse_address(p.family, target, &destination) ||
        (p.source && !parse_address(p.family, p.source, &source))) {
        usage();
        return 2;
    }
    if (!build_options(&p)) {
        fputs("echo-probe: bad IP options\n", stderr);
        return 2;
    }
    p.payload = malloc(p.size ? p.size : 1);
    for (size_t i = 0; i < p.size; i++)
        p.payload[i] = (uint8_t)('a' + i % 23);

    struct echo_config config;
    echo_config_init(&config, p.family);
    config.kind = p.kind;
    config.device = p.device;
    if (p.source) {
        config.source = (const struct sockaddr *)&source;
        config.source_len = sizeof(source);
    }
    echo_handle *h;
    int result = echo_open(&config, &h);
    if (result != ECHO_OK) {
        free(p.payload);
        return fail(echo_strerror(result), errno);
    }
    p.opened_us = monotonic_us();
    printf("kind=%s\n", echo_socket_kind(h) == ECHO_SOCKET_DGRAM ? "dgram" : "raw");
    fflush(stdout);
    echo_set_notice_callback(h, print_notice, &p);
    int status = run(&p, h, &destination);
    echo_close(h);
    free(p.payload);
    return status;
}
