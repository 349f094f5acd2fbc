/*
 * --mtu: the path MTU to the target (docs/design.md, Path MTU), with Don't Fragment probes one at a
 * time.
 *
 * The first probe has the size of the interface the route leaves by. A router that cannot
 * forward a probe answers fragmentation needed (IPv6: packet too big) with its next-hop MTU,
 * and the next probe has exactly that size: one probe per limiting hop, plus the one that
 * passes. A probe that gets no answer at all is taken as too big (a router that drops its
 * ICMP errors: an MTU black hole): then the search first checks that the smallest size
 * passes, then bisects between the largest size that passed and the smallest that failed.
 *
 * Probes leave with IP_PMTUDISC_PROBE, so a value in the kernel's path-MTU cache, however
 * stale, cannot refuse them before they reach the router that decides; a refusal by this host
 * (EMSGSIZE, a size above the interface's MTU) is information too and is used the same way.
 */
#include "path.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <wping/address.h>

#include "diag.h"
#include "exit_status.h"

/* The IP and ICMP headers of a probe: its payload is the size less these. */
#define MTU_HEADERS_4 (20 + 8)
#define MTU_HEADERS_6 (40 + 8)
/* Every IPv4 link carries 68 bytes (RFC 791), every IPv6 link 1280 (RFC 8200). */
#define MTU_MIN_4 68
#define MTU_MIN_6 1280
/* The largest -l, so that the payload the result names is one that ping accepts. */
#define MTU_MAX_PAYLOAD 65500

struct mtu_search {
    const struct path_run *run;
    struct format_path *format;
    unsigned char *payload;
    size_t headers;
    size_t min, max; /* the sizes that may be probed */
    size_t passed;   /* largest size that passed, 0 when none yet */
    size_t failed;   /* smallest size known not to pass (max + 1 at first) */
    bool reported;   /* failed comes from a reported MTU */
    char reporter[NI_MAXHOST];
    bool silent; /* a probe went unanswered */
    uint64_t probes;
    bool done;
    struct echo_outcome outcome;
    char interface[IF_NAMESIZE];
};

static void S_on_outcome(void *context, const struct echo_outcome *outcome)
{
    struct mtu_search *m = context;

    m->outcome = *outcome;
    m->done = true;
}

static bool S_probe_done(void *context)
{
    return ((const struct mtu_search *)context)->done;
}

/* The MTU of the interface named `name` for `family`: IPv6 has its own per interface. */
static size_t S_interface_mtu_named(int family, const char *name)
{
    char path[96];
    FILE *file;
    unsigned long value = 0;

    if (family == AF_INET6) {
        snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/mtu", name);
        file = fopen(path, "re");
        if (file != NULL) {
            int ok = fscanf(file, "%lu", &value);
            fclose(file);
            if (ok == 1 && value > 0)
                return value;
        }
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    struct ifreq request;
    memset(&request, 0, sizeof(request));
    snprintf(request.ifr_name, sizeof(request.ifr_name), "%s", name);
    int result = ioctl(fd, SIOCGIFMTU, &request);
    close(fd);
    return result == 0 && request.ifr_mtu > 0 ? (size_t)request.ifr_mtu : 0;
}

static bool S_same_address(const struct sockaddr *a, const struct sockaddr *b)
{
    if (a->sa_family != b->sa_family)
        return false;
    if (a->sa_family == AF_INET6)
        return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
    return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
           ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

/* The interface the route to the target leaves by: the one that holds the source address
 * the kernel picks for it (a connected UDP socket sends nothing). 0 when it cannot be told. */
static size_t S_route_mtu(struct mtu_search *m)
{
    const struct path_run *run = m->run;
    const char *device = run->options->compartment;
    struct sockaddr_storage local, target;
    socklen_t length = sizeof(local);
    struct ifaddrs *list, *i;
    size_t mtu = 0;

    if (device != NULL) {
        snprintf(m->interface, sizeof(m->interface), "%s", device);
        return S_interface_mtu_named(run->target->ss_family, device);
    }
    int fd = socket(run->target->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    memcpy(&target, run->target, run->target_len);
    ((struct sockaddr_in *)&target)->sin_port = htons(9); /* same offset in sockaddr_in6 */
    bool ok = (run->source == NULL ||
               bind(fd, (const struct sockaddr *)run->source, run->source_len) == 0) &&
              connect(fd, (const struct sockaddr *)&target, run->target_len) == 0 &&
              getsockname(fd, (struct sockaddr *)&local, &length) == 0;
    close(fd);
    if (!ok || getifaddrs(&list) != 0)
        return 0;
    for (i = list; i != NULL; i = i->ifa_next) {
        if (i->ifa_addr != NULL && S_same_address(i->ifa_addr, (const struct sockaddr *)&local)) {
            snprintf(m->interface, sizeof(m->interface), "%s", i->ifa_name);
            mtu = S_interface_mtu_named(run->target->ss_family, i->ifa_name);
            break;
        }
    }
    freeifaddrs(list);
    return mtu;
}

/* Sends one probe of `size` bytes and waits for its outcome. Returns 0, or -1 when a
 * signal or an engine failure ended the wait (a message printed for the latter). */
static int S_probe(struct mtu_search *m, size_t size)
{
    const struct path_run *run = m->run;
    struct echo_request request;
    int result;

    m->probes++;
    memset(&m->outcome, 0, sizeof(m->outcome));
    if (run->source_not_local) {
        m->outcome.status = ECHO_GENERAL_FAILURE;
        m->outcome.send_errno = EADDRNOTAVAIL;
        return 0;
    }
    memset(&request, 0, sizeof(request));
    request.destination = (const struct sockaddr *)run->target;
    request.destination_len = run->target_len;
    request.data = m->payload;
    request.size = size - m->headers;
    request.ttl = run->options->ttl;
    request.tos = run->options->tos >= 0 ? run->options->tos : 0;
    request.dont_fragment = true;
    request.probe_mtu = true;
    request.timeout_ms = run->options->timeout_ms;
    m->done = false;
    fflush(run->out); /* what is written goes out before the wait */
    if (ferror(run->out) || run->interrupted())
        return -1;
    result = echo_start(run->handle, &request, S_on_outcome, m);
    if (result >= 0)
        result = echo_wait_for(run->handle, S_probe_done, m, NULL, run->wait_mask);
    if (result >= 0)
        return 0;
    if (result != ECHO_ERR_INTERRUPTED)
        diag_error(run->json, DIAG_SYSTEM, "wping: %s (%s)", echo_strerror(result),
                   strerror(errno));
    return -1;
}

/* What the outcome of a probe of `size` teaches; false when the search cannot go on (the
 * target answers with an error other than too big). */
static bool S_learn(struct mtu_search *m, size_t size)
{
    const struct echo_outcome *o = &m->outcome;
    size_t reported = o->next_hop_mtu;

    switch (o->status) {
    case ECHO_SUCCESS:
        if (size > m->passed)
            m->passed = size;
        return true;
    case ECHO_PACKET_TOO_BIG:
        if (size < m->failed) {
            m->failed = size;
            m->reported = false;
        }
        /* A sane report names a size below the probe's that every link carries. */
        if (reported >= m->min && reported < size && reported + 1 <= m->failed) {
            m->failed = reported + 1;
            m->reported = true;
            if (o->send_errno != 0)
                snprintf(m->reporter, sizeof(m->reporter), "%s", "");
            else if (!echo_address_text(&o->responder, m->reporter, sizeof(m->reporter)))
                m->reporter[0] = '\0';
        }
        return true;
    case ECHO_REQ_TIMED_OUT:
        if (size < m->failed) {
            m->failed = size;
            m->reported = false;
        }
        m->silent = true;
        return true;
    default:
        return false;
    }
}

/* The next size to probe, 0 when the search is over. */
static size_t S_next(const struct mtu_search *m, size_t last)
{
    size_t low = m->passed > m->min ? m->passed + 1 : m->min;

    if (m->failed <= low || (m->passed != 0 && m->passed + 1 >= m->failed))
        return 0;
    if (m->passed == 0 && m->failed == m->min)
        return 0; /* even the smallest failed */
    /* A router named the limit: try exactly that. */
    if (m->reported && m->outcome.status == ECHO_PACKET_TOO_BIG && m->failed - 1 >= low &&
        m->failed - 1 < last)
        return m->failed - 1;
    /* Nothing passed yet and a probe went unanswered: does the target answer at all? */
    if (m->passed == 0)
        return m->min;
    return low + (m->failed - low) / 2;
}

static int S_report(struct mtu_search *m, const struct format_mtu_result *result)
{
    if (format_mtu_result(m->format, result) != 0) {
        diag_error(m->run->json, DIAG_OUTPUT, "wping: cannot write to standard output: %s",
                   strerror(errno));
        return EXIT_STATUS_ERROR;
    }
    return result->exit_status;
}

int path_mtu(const struct path_run *run)
{
    struct mtu_search m;
    bool v6 = run->target->ss_family == AF_INET6;
    size_t size;
    int status = EXIT_STATUS_ERROR;

    memset(&m, 0, sizeof(m));
    m.run = run;
    m.headers = v6 ? MTU_HEADERS_6 : MTU_HEADERS_4;
    m.min = v6 ? MTU_MIN_6 : MTU_MIN_4;
    m.max = m.headers + MTU_MAX_PAYLOAD;
    m.format = format_path_new(run->out, run->json);
    m.payload = malloc(ECHO_MAX_DATA);
    if (m.format == NULL || m.payload == NULL) {
        diag_error(run->json, DIAG_SYSTEM, "wping: out of memory");
        goto out;
    }
    /* ping.exe's payload: the letters a to w, over and over (docs/design.md, Payload). */
    for (size_t i = 0; i < ECHO_MAX_DATA; i++)
        m.payload[i] = (unsigned char)('a' + i % 23);

    size = S_route_mtu(&m);
    if (size < m.min || size > m.max)
        size = m.max; /* unknown: the engine's largest; this host's refusal tells the rest */
    m.failed = size + 1;
    bool first_passed = false;
    while (size != 0) {
        struct format_mtu_probe probe = {&m.outcome, m.probes + 1, size, size - m.headers};

        if (S_probe(&m, size) != 0)
            break;
        if (format_mtu_probe(m.format, &probe) != 0) {
            diag_error(run->json, DIAG_OUTPUT, "wping: cannot write to standard output: %s",
                       strerror(errno));
            goto out;
        }
        if (m.probes == 1)
            first_passed = m.outcome.status == ECHO_SUCCESS;
        if (!S_learn(&m, size))
            break;
        size = S_next(&m, size);
    }

    struct format_mtu_result result;
    memset(&result, 0, sizeof(result));
    result.target = run->header;
    result.probes = m.probes;
    result.last = &m.outcome;
    result.found = m.passed != 0 && m.passed + 1 >= m.failed;
    if (result.found) {
        result.mtu = m.passed;
        result.payload = m.passed - m.headers;
        if (first_passed) {
            result.limit = FORMAT_MTU_LOCAL;
            result.limited_by = m.interface[0] != '\0' ? m.interface : NULL;
        } else if (m.reported) {
            result.limit = m.reporter[0] != '\0' ? FORMAT_MTU_REPORTED : FORMAT_MTU_LOCAL;
            result.limited_by = m.reporter[0] != '\0'   ? m.reporter
                                : m.interface[0] != '\0' ? m.interface
                                                         : NULL;
        } else {
            result.limit = FORMAT_MTU_SILENT;
        }
    }
    result.exit_status = result.found ? EXIT_STATUS_REPLY : EXIT_STATUS_NO_REPLY;
    status = S_report(&m, &result);

out:
    format_path_free(m.format);
    free(m.payload);
    return status;
}
