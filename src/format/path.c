/*
 * The path formatter: what --mtu and --traceroute report, as tracert.exe's text or as JSON
 * Lines (mtu_probe, mtu, trace_start, hop and trace_end objects of
 * schema/wping-events.schema.json). Each line is composed whole, then written and flushed.
 */
#include "format.h"
#include "line.h"

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <wping/address.h>

struct format_path {
    FILE *out;
    bool json;
    int family;
    struct format_line line;
};

struct format_path *format_path_new(FILE *out, bool json)
{
    struct format_path *path = calloc(1, sizeof(*path));

    if (path != NULL) {
        path->out = out;
        path->json = json;
    }
    return path;
}

void format_path_free(struct format_path *path)
{
    if (path != NULL)
        format_line_free(&path->line);
    free(path);
}

__attribute__((format(printf, 2, 3))) static void S_add(struct format_path *p, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    format_line_vprintf(&p->line, fmt, ap);
    va_end(ap);
}

/* Writes what was composed (ending in a newline, which the line builder adds back) and
 * starts the next. */
static int S_flush(struct format_path *p)
{
    if (!p->line.failed && p->line.length > 0 && p->line.data[p->line.length - 1] == '\n')
        p->line.data[--p->line.length] = '\0';
    int result = format_line_write(&p->line, p->out);
    format_line_start(&p->line);
    return result;
}

/* A JSON string; control characters escaped, bytes outside ASCII (a target typed in some
 * encoding) replaced by U+FFFD, so the line is valid JSON whatever was typed. */
static void S_json_string(struct format_path *p, const char *text)
{
    if (text == NULL) {
        S_add(p, "null");
        return;
    }
    S_add(p, "\"");
    for (const unsigned char *s = (const unsigned char *)text; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            S_add(p, "\\%c", *s);
        else if (*s < 0x20 || *s == 0x7f)
            S_add(p, "\\u%04x", *s);
        else if (*s >= 0x80)
            S_add(p, "\\ufffd");
        else
            S_add(p, "%c", *s);
    }
    S_add(p, "\"");
}

/* ,"key":"value" (or null) */
static void S_json_text(struct format_path *p, const char *key, const char *value)
{
    S_add(p, ",\"%s\":", key);
    S_json_string(p, value);
}

/* Milliseconds with microsecond precision, as in the ping events. */
static void S_json_ms(struct format_path *p, const char *key, uint64_t ns)
{
    uint64_t us = (ns + 500) / 1000;

    S_add(p, ",\"%s\":%" PRIu64 ".%03" PRIu64, key, us / 1000, us % 1000);
}

static void S_json_status(struct format_path *p, uint32_t status)
{
    S_add(p, ",\"status\":%" PRIu32 ",\"status_name\":", status);
    S_json_string(p, echo_status_name(status, p->family));
}

/* The numeric address, or "" when there is none. */
static void S_numeric(const struct sockaddr_storage *address, char *out, size_t size)
{
    if (!echo_address_text(address, out, size))
        out[0] = '\0';
}

/* "name [address]" or "address", as tracert.exe names a host. */
static void S_host(struct format_path *p, const char *name, const char *address)
{
    if (name != NULL && name[0] != '\0')
        S_add(p, "%s [%s]", name, address);
    else
        S_add(p, "%s", address);
}

int format_mtu_probe(struct format_path *p, const struct format_mtu_probe *probe)
{
    const struct echo_outcome *o = probe->outcome;
    char from[NI_MAXHOST];

    if (!p->json)
        return 0;
    S_numeric(&o->responder, from, sizeof(from));
    S_add(p, "{\"type\":\"mtu_probe\",\"probe\":%" PRIu64 ",\"size\":%zu,\"payload\":%zu",
          probe->probe, probe->size, probe->payload);
    S_json_status(p, o->status);
    S_json_text(p, "from", from[0] != '\0' ? from : NULL);
    if (o->status == ECHO_SUCCESS)
        S_json_ms(p, "rtt_ms", o->rtt_ns);
    else
        S_add(p, ",\"rtt_ms\":null");
    if (o->next_hop_mtu != 0)
        S_add(p, ",\"next_hop_mtu\":%" PRIu32, o->next_hop_mtu);
    else
        S_add(p, ",\"next_hop_mtu\":null");
    S_add(p, ",\"local\":%s}\n", o->send_errno != 0 ? "true" : "false");
    return S_flush(p);
}

static const char *const S_limit_names[] = {"reported", "local", "silent"};

static int S_mtu_json(struct format_path *p, const struct format_mtu_result *r)
{
    const struct format_target *t = r->target;

    S_add(p, "{\"type\":\"mtu\"");
    S_json_text(p, "target", t->typed);
    S_json_text(p, "name", t->name);
    S_json_text(p, "address", t->address);
    S_add(p, ",\"family\":%d,\"found\":%s", t->family == AF_INET6 ? 6 : 4,
          r->found ? "true" : "false");
    if (r->found) {
        S_add(p, ",\"mtu\":%zu,\"payload\":%zu", r->mtu, r->payload);
        S_json_text(p, "limit", S_limit_names[r->limit]);
        S_json_text(p, "limited_by", r->limited_by);
    } else {
        S_add(p, ",\"mtu\":null,\"payload\":null,\"limit\":null,\"limited_by\":null");
    }
    S_add(p, ",\"probes\":%" PRIu64 ",\"exit_status\":%d}\n", r->probes, r->exit_status);
    return S_flush(p);
}

int format_mtu_result(struct format_path *p, const struct format_mtu_result *r)
{
    const struct format_target *t = r->target;
    bool v6 = t->family == AF_INET6;

    p->family = t->family;
    if (p->json)
        return S_mtu_json(p, r);
    S_add(p, "Path MTU to ");
    S_host(p, t->name, t->address);
    if (!r->found) {
        char from[NI_MAXHOST];
        const char *text = format_status_text(r->last->status);

        S_numeric(&r->last->responder, from, sizeof(from));
        if (r->last->status == ECHO_REQ_TIMED_OUT || from[0] == '\0')
            S_add(p, " not found: the target does not answer (%s)\n",
                  text != NULL ? text : "General failure.");
        else
            S_add(p, " not found: %s reports: %s\n", from,
                  text != NULL ? text : "General failure.");
        return S_flush(p);
    }
    S_add(p, " is %zu bytes: %s %zu is the largest payload that passes%s, limited by ", r->mtu,
          v6 ? "-l" : "-f -l", r->payload, v6 ? " unfragmented" : "");
    switch (r->limit) {
    case FORMAT_MTU_REPORTED:
        S_add(p, "%s (%s).\n", r->limited_by != NULL ? r->limited_by : "a router",
              v6 ? "packet too big" : "fragmentation needed");
        break;
    case FORMAT_MTU_LOCAL:
        if (r->limited_by != NULL)
            S_add(p, "this host's interface %s.\n", r->limited_by);
        else
            S_add(p, "this host's interface.\n");
        break;
    default:
        S_add(p, "a hop that reports nothing (found by bisection: an MTU black hole).\n");
        break;
    }
    return S_flush(p);
}

int format_trace_begin(struct format_path *p, const struct format_target *t, unsigned max_hops)
{
    p->family = t->family;
    if (p->json) {
        S_add(p, "{\"type\":\"trace_start\"");
        S_json_text(p, "target", t->typed);
        S_json_text(p, "name", t->name);
        S_json_text(p, "address", t->address);
        S_add(p, ",\"family\":%d,\"max_hops\":%u,\"probes_per_hop\":%d,\"timeout_ms\":%" PRIu32,
              t->family == AF_INET6 ? 6 : 4, max_hops, FORMAT_TRACE_PROBES, t->timeout_ms);
        S_json_text(p, "socket",
                    !t->has_socket                 ? NULL
                    : t->socket == ECHO_SOCKET_RAW ? "raw"
                                                   : "dgram");
        S_add(p, "}\n");
        return S_flush(p);
    }
    /* tracert.exe: with a name, the address in brackets and the hop count on a line of its
     * own; for a bare address, one line without the colon. */
    if (t->name != NULL && t->name[0] != '\0')
        S_add(p, "\nTracing route to %s [%s]\nover a maximum of %u hops:\n\n", t->name, t->address,
              max_hops);
    else
        S_add(p, "\nTracing route to %s over a maximum of %u hops\n\n", t->address, max_hops);
    return S_flush(p);
}

static bool S_answered(uint32_t status)
{
    return status != ECHO_REQ_TIMED_OUT;
}

/* The row as tracert.exe prints it, without the newline. */
static void S_row(struct format_path *p, const struct format_hop *hop)
{
    S_add(p, "%3u  ", hop->hop);
    for (int i = 0; i < FORMAT_TRACE_PROBES; i++) {
        const struct format_trace_probe *probe = &hop->probe[i];
        uint64_t ms = format_rtt_ms(probe->rtt_ns);

        if (hop->error != 0 && probe->status == hop->error)
            break; /* the probes up to the one that brought the error */
        if (!S_answered(probe->status))
            S_add(p, "   *     ");
        else if (ms == 0)
            S_add(p, "  <1 ms  ");
        else
            S_add(p, "%4" PRIu64 " ms  ", ms);
    }
    if (hop->error != 0) {
        const char *text = format_status_text(hop->error);

        if (text == NULL)
            text = "General failure.";
        if (hop->address == NULL) {
            S_add(p, "%s", text); /* this host's own failure, as tracert.exe's */
            return;
        }
        S_host(p, hop->name, hop->address);
        S_add(p, "  reports: %s", text);
    } else if (hop->address != NULL) {
        S_host(p, hop->name, hop->address);
    } else {
        S_add(p, "Request timed out.");
    }
}

int format_trace_hop(struct format_path *p, const struct format_hop *hop)
{
    unsigned answered = 0;

    if (!p->json) {
        S_row(p, hop);
        S_add(p, "\n");
        return S_flush(p);
    }
    S_add(p, "{\"type\":\"hop\",\"hop\":%u,\"probes\":[", hop->hop);
    for (int i = 0; i < FORMAT_TRACE_PROBES; i++) {
        const struct format_trace_probe *probe = &hop->probe[i];

        S_add(p, "%s{\"probe\":%d", i > 0 ? "," : "", i + 1);
        S_json_status(p, probe->status);
        if (S_answered(probe->status)) {
            answered++;
            S_json_ms(p, "rtt_ms", probe->rtt_ns);
        } else {
            S_add(p, ",\"rtt_ms\":null");
        }
        S_json_text(p, "from", probe->from);
        S_add(p, "}");
    }
    S_add(p, "]");
    S_json_text(p, "address", hop->address);
    S_json_text(p, "name", hop->name);
    /* loss with three decimals, exact for thirds up to rounding */
    unsigned lost = FORMAT_TRACE_PROBES - answered;
    unsigned milli = (lost * 100000u + FORMAT_TRACE_PROBES / 2) / FORMAT_TRACE_PROBES;
    S_add(p, ",\"sent\":%d,\"answered\":%u,\"lost\":%u,\"loss_percent\":%u.%03u",
          FORMAT_TRACE_PROBES, answered, lost, milli / 1000, milli % 1000);
    S_add(p, ",\"reached\":%s", hop->reached ? "true" : "false");
    if (hop->error != 0)
        S_json_status(p, hop->error);
    else
        S_add(p, ",\"status\":null,\"status_name\":null");
    /* the text row, for readers that show it */
    size_t start = p->line.length;
    S_row(p, hop);
    if (p->line.failed)
        return S_flush(p);
    char *row = strdup(p->line.data + start);
    p->line.length = start;
    p->line.data[start] = '\0';
    if (row == NULL) {
        format_line_start(&p->line);
        errno = ENOMEM;
        return -1;
    }
    S_json_text(p, "message", row);
    free(row);
    S_add(p, "}\n");
    return S_flush(p);
}

int format_trace_end(struct format_path *p, bool reached, unsigned hops, uint64_t elapsed_ns,
                     int exit_status)
{
    if (p->json) {
        S_add(p, "{\"type\":\"trace_end\",\"reached\":%s,\"hops\":%u", reached ? "true" : "false",
              hops);
        S_json_ms(p, "elapsed_ms", elapsed_ns);
        S_add(p, ",\"exit_status\":%d}\n", exit_status);
        return S_flush(p);
    }
    S_add(p, "\nTrace complete.\n");
    return S_flush(p);
}
