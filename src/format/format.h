/*
 * Formatters: what a ping session reports, turned into text. A formatter receives the events
 * of a session in order (begin, then outcomes and notices, statistics and interruptions) and
 * writes them to its stream without flushing it: the caller flushes before it waits, so that
 * a burst of lines goes out in one write (output.h makes such a stream). Two implement struct
 * format_ops, side by side over the line builder of line.h: the ping.exe text (text.c) and the
 * JSON Lines stream (json.c, schema/wping-events.schema.json). Another formatter is one more
 * such file and its constructor here.
 *
 * The statistics tally (struct format_stats, stats.h) is kept by the caller and handed to the
 * formatter, so that the caller can also decide its exit status from it.
 */
#ifndef WPING_FORMAT_H
#define WPING_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <wping/echo.h>

#include "output.h"
#include "stats.h"

/*
 * In a many-target run (--targets, docs/design.md), the target an event belongs to; events of a
 * one-target run carry NULL and print as they always have. Text prefixes each per-request
 * line with "[typed] "; JSON adds "target" and "index" to every object.
 */
struct format_member {
    const char *typed;   /* the target as typed */
    uint64_t index;      /* 0-based place in the list */
    int family;          /* AF_INET or AF_INET6; AF_UNSPEC when the name did not resolve */
    const char *address; /* the numeric address pinged; NULL when the name did not resolve */
};

/* What the header (and the JSON start object) announces. Strings are numeric addresses
 * unless said otherwise. */
struct format_target {
    int family;          /* AF_INET or AF_INET6 */
    const char *typed;   /* the target as typed */
    const char *name;    /* canonical or reverse-resolved name to show, or NULL */
    const char *address; /* the address pinged */
    const char *source;  /* the -S address, or NULL */
    size_t size;         /* payload bytes per request */
    /* For the JSON start object only; the text header does not show them. */
    int ttl;                      /* -i or the default 128; 0 when the system's default */
    int tos;                      /* -v, -1 when not set */
    uint32_t timeout_ms;          /* -w */
    uint32_t interval_ms;         /* between scheduled sends */
    uint64_t count;               /* requests to send, 0 when until stopped */
    uint64_t deadline_ms;         /* --deadline, 0 when none */
    bool has_socket;              /* false: the -S address is not local, no socket was opened */
    enum echo_socket_kind socket; /* ECHO_SOCKET_DGRAM or ECHO_SOCKET_RAW when has_socket */
    struct timespec started;      /* CLOCK_REALTIME when the run started */
    /* Many targets: which one (its address NULL: it did not resolve, begin reports that in
     * its place); NULL in a one-target run. */
    const struct format_member *member;
};

/* One request's outcome with what is needed to show it. */
struct format_reply {
    const struct echo_outcome *outcome;       /* with what its request sent */
    const struct echo_ipopt_route *route;     /* decoded record route (-r), or NULL */
    const struct echo_ipopt_route *timestamp; /* decoded timestamp option (-s), or NULL */
    uint64_t request;                         /* 1-based number of the request */
    struct timespec known_at;                 /* CLOCK_REALTIME when the outcome came */
    const struct format_member *member;       /* many targets: whose; else NULL */
};

/* One engine notice with what is needed to show it. */
struct format_notice {
    const struct echo_notice *notice;
    uint64_t request;            /* 1-based number of the request it answers; 0 when unknown */
    struct timespec received_at; /* CLOCK_REALTIME when it was read */
    const struct format_member *member; /* many targets: whose, NULL when unknown or one target */
};

enum format_interrupt {
    FORMAT_CONTROL_C,     /* SIGINT: the run ends */
    FORMAT_CONTROL_BREAK, /* SIGQUIT: statistics so far were shown; the run goes on */
    FORMAT_TERMINATED,    /* SIGTERM: the run ends */
};

/* Why statistics are shown. */
enum format_reason {
    FORMAT_REASON_COMPLETED, /* every request of the count is done */
    FORMAT_REASON_DEADLINE,  /* --deadline passed */
    FORMAT_REASON_SIGINT,
    FORMAT_REASON_SIGTERM,
    FORMAT_REASON_SIGQUIT, /* interim statistics: the run goes on */
};

/* What accompanies a statistics block. */
struct format_end {
    bool final; /* false for interim statistics (Control-Break) */
    enum format_reason reason;
    int exit_status; /* what the run returns (many targets: what this target's own policy
                        says), or would return if it ended now */
    const struct format_member *member; /* many targets: whose statistics; else NULL */
};

/* The end of a many-target run: how many targets passed (docs/design.md, Many targets). */
struct format_run {
    bool final; /* false after interim statistics (Control-Break) */
    enum format_reason reason;
    uint64_t targets;       /* in the list */
    uint64_t passed;        /* met their exit policy */
    uint64_t unresolved;    /* names that did not resolve (failed, never pinged) */
    uint64_t sent, replies; /* over every target; replies are echo replies, corrupt included */
    int exit_status;        /* of the run */
};

struct format;

/*
 * The events. Each returns 0, or -1 when writing to the stream failed (errno set); after a
 * failure the caller should stop the session.
 */
struct format_ops {
    int (*begin)(struct format *self, const struct format_target *target);
    int (*outcome)(struct format *self, const struct format_reply *reply);
    int (*notice)(struct format *self, const struct format_notice *notice);
    /* The text formatter prints nothing while nothing has been sent (ping.exe's Ctrl-C
     * before the first outcome); the JSON one always writes its interim or summary object. */
    int (*statistics)(struct format *self, const struct format_stats *stats,
                      const struct format_end *end);
    /* After the final statistics of an interrupted run, or after interim statistics. */
    int (*interrupt)(struct format *self, enum format_interrupt kind);
    /* Many targets: after every target's statistics, before any interruption. */
    int (*run)(struct format *self, const struct format_run *run);
    void (*free)(struct format *self);
};

/* Every formatter starts with this. */
struct format {
    const struct format_ops *ops;
};

/* Flags for format_text_new. */
enum {
    FORMAT_TEXT_TIMESTAMP = 1, /* "[2026-11-21T12:04:33.123+01:00] " (local time of the
                                  outcome) before each per-request line */
};

/* The ping.exe text formatter writing to `out`, or NULL when out of memory. */
struct format *format_text_new(FILE *out, unsigned flags);

/* The JSON Lines formatter writing to `out`, or NULL when out of memory. */
struct format *format_json_new(FILE *out);

/* Diagnostics in JSON mode: one line {"type":"error","kind":KIND,"message":MESSAGE,
 * "exit_status":STATUS} to `err`, flushed. Returns 0 or -1. */
int format_json_error(FILE *err, const char *kind, const char *message, int exit_status);

static inline int format_begin(struct format *format, const struct format_target *target)
{
    return format->ops->begin(format, target);
}

static inline int format_outcome(struct format *format, const struct format_reply *reply)
{
    return format->ops->outcome(format, reply);
}

static inline int format_notice(struct format *format, const struct format_notice *notice)
{
    return format->ops->notice(format, notice);
}

static inline int format_statistics(struct format *format, const struct format_stats *stats,
                                    const struct format_end *end)
{
    return format->ops->statistics(format, stats, end);
}

static inline int format_interrupt(struct format *format, enum format_interrupt kind)
{
    return format->ops->interrupt(format, kind);
}

static inline int format_run_end(struct format *format, const struct format_run *run)
{
    return format->ops->run(format, run);
}

/* Frees a formatter; NULL is a no-op. */
static inline void format_free(struct format *format)
{
    if (format != NULL)
        format->ops->free(format);
}

/* ---- The path: --mtu and --traceroute (docs/design.md), in path.c ---- */

/* One --mtu probe with its outcome. */
struct format_mtu_probe {
    const struct echo_outcome *outcome;
    uint64_t probe; /* 1-based */
    size_t size;    /* the whole IP packet in bytes */
    size_t payload; /* its echo payload (-l) */
};

/* Who set the path MTU that --mtu found. */
enum format_mtu_limit {
    FORMAT_MTU_REPORTED, /* a router's fragmentation needed / packet too big named it */
    FORMAT_MTU_LOCAL,    /* this host's interface: the first probe passed */
    FORMAT_MTU_SILENT,   /* nobody reported it: found by bisection (an MTU black hole) */
};

struct format_mtu_result {
    const struct format_target *target;
    bool found;
    size_t mtu, payload; /* when found */
    enum format_mtu_limit limit;
    const char *limited_by; /* the reporting router's address or the interface, or NULL */
    uint64_t probes;
    const struct echo_outcome *last; /* !found: the last probe's outcome */
    int exit_status;
};

/* One --traceroute probe: status, RTT and responder (NULL when none). */
struct format_trace_probe {
    uint32_t status;
    uint64_t rtt_ns;
    const char *from;
};

#define FORMAT_TRACE_PROBES 3

/* One row of the trace: a TTL and its probes. */
struct format_hop {
    unsigned hop;
    struct format_trace_probe probe[FORMAT_TRACE_PROBES];
    const char *address; /* the responder shown (the first that answered), or NULL */
    const char *name;    /* its name with -a, or NULL */
    bool reached;        /* an echo reply: the target's row */
    uint32_t error;      /* an ICMP error that ends the trace (not TTL expired), or 0 */
};

struct format_path;

/* The --mtu / --traceroute formatter, tracert.exe's text or JSON Lines; NULL when out of
 * memory. Every call returns 0 or -1 when writing failed (errno set). */
struct format_path *format_path_new(FILE *out, bool json);
void format_path_free(struct format_path *path);
/* JSON only: one mtu_probe object per probe; the text prints just the result line. */
int format_mtu_probe(struct format_path *path, const struct format_mtu_probe *probe);
int format_mtu_result(struct format_path *path, const struct format_mtu_result *result);
int format_trace_begin(struct format_path *path, const struct format_target *target,
                       unsigned max_hops);
int format_trace_hop(struct format_path *path, const struct format_hop *hop);
/* reached: the target's row was shown; hops: rows shown; elapsed from the first probe. */
int format_trace_end(struct format_path *path, bool reached, unsigned hops, uint64_t elapsed_ns,
                     int exit_status);

#endif /* WPING_FORMAT_H */
