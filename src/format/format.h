/*
 * Formatters: what a ping session reports, turned into text. A formatter receives the events
 * of a session in order (begin, then outcomes and notices, statistics and interruptions) and
 * writes them to its stream, flushing after every line. The ping.exe text formatter is the
 * first; others (JSON Lines) implement the same struct format_ops.
 *
 * The statistics tally (struct format_stats) is kept by the caller and handed to the
 * formatter, so that the caller can also decide its exit status from it.
 */
#ifndef WPING_FORMAT_H
#define WPING_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <wping/echo.h>

/* How an outcome counts, by ping.exe's rules. */
enum format_class {
    FORMAT_CLASS_SUCCESS,    /* echo reply: "Reply from A: bytes=..." (received, a success) */
    FORMAT_CLASS_ICMP_ERROR, /* "Reply from R: <status text>" (received, not a success) */
    FORMAT_CLASS_TIMEOUT,    /* "Request timed out." (lost) */
    FORMAT_CLASS_LOCAL,      /* a bare failure line such as "General failure." (lost) */
};

/* The class of an outcome: a failed send is local, status 0 a success, IP_REQ_TIMED_OUT a
 * timeout, any other status with a responder an ICMP error, and the rest local. */
enum format_class format_classify(const struct echo_outcome *outcome);

/* The running tally of a session. Zero-initialise. RTTs are of successes only. */
struct format_stats {
    uint64_t sent;        /* requests whose outcome has been reported */
    uint64_t received;    /* successes + ICMP errors ("Reply from" lines) */
    uint64_t succeeded;   /* echo replies */
    uint64_t icmp_errors; /* ICMP error replies */
    uint64_t timeouts;
    uint64_t local_failures;
    uint64_t corrupt;    /* successes whose payload or size differs from the request */
    uint64_t duplicates; /* notices, never counted as sent or received */
    uint64_t late;
    uint64_t malformed;
    uint64_t rtt_ms_min, rtt_ms_max, rtt_ms_sum; /* whole milliseconds, truncated */
    uint64_t rtt_ns_min, rtt_ns_max, rtt_ns_sum; /* exact */
};

/* Counts one outcome; `sent_size` is the payload size of the request. */
void format_stats_add(struct format_stats *stats, const struct echo_outcome *outcome,
                      size_t sent_size);

/* Counts one engine notice (duplicate, late or malformed reply). */
void format_stats_notice(struct format_stats *stats, const struct echo_notice *notice);

/* The ping.exe statistics block, computed from a tally. */
struct format_summary {
    uint64_t sent, received, lost;
    unsigned loss_percent;               /* floor(lost * 100 / sent); 0 when nothing was sent */
    bool has_rtt;                        /* at least one success: the round-trip lines are shown */
    uint64_t min_ms, max_ms, average_ms; /* average = floor(sum / successes) */
};

void format_stats_summarize(const struct format_stats *stats, struct format_summary *summary);

/* A whole-millisecond RTT as ping.exe shows it: floor(ns / 1e6). */
uint64_t format_rtt_ms(uint64_t rtt_ns);

/* What the header announces. Strings are numeric addresses unless said otherwise. */
struct format_target {
    int family;          /* AF_INET or AF_INET6 */
    const char *typed;   /* the target as typed */
    const char *name;    /* canonical or reverse-resolved name to show, or NULL */
    const char *address; /* the address pinged */
    const char *source;  /* the -S address, or NULL */
    size_t size;         /* payload bytes per request */
};

/* One request's outcome with what is needed to show it. */
struct format_reply {
    const struct echo_outcome *outcome;
    size_t sent_size;                         /* payload bytes sent */
    const struct echo_ipopt_route *route;     /* decoded record route (-r), or NULL */
    const struct echo_ipopt_route *timestamp; /* decoded timestamp option (-s), or NULL */
};

enum format_interrupt {
    FORMAT_CONTROL_C,     /* SIGINT: the run ends */
    FORMAT_CONTROL_BREAK, /* SIGQUIT: statistics so far were shown; the run goes on */
    FORMAT_TERMINATED,    /* SIGTERM: the run ends */
};

struct format;

/*
 * The events. Each returns 0, or -1 when writing to the stream failed (errno set); after a
 * failure the caller should stop the session.
 */
struct format_ops {
    int (*begin)(struct format *self, const struct format_target *target);
    int (*outcome)(struct format *self, const struct format_reply *reply);
    int (*notice)(struct format *self, const struct echo_notice *notice);
    /* `final` is false for interim statistics (Control-Break). The text formatter prints
     * nothing while nothing has been sent (ping.exe's Ctrl-C before the first outcome). */
    int (*statistics)(struct format *self, const struct format_stats *stats, bool final);
    int (*interrupt)(struct format *self, enum format_interrupt kind);
    void (*free)(struct format *self);
};

/* Every formatter starts with this. */
struct format {
    const struct format_ops *ops;
};

/* The ping.exe text formatter writing to `out`, or NULL when out of memory. */
struct format *format_text_new(FILE *out);

static inline int format_begin(struct format *format, const struct format_target *target)
{
    return format->ops->begin(format, target);
}

static inline int format_outcome(struct format *format, const struct format_reply *reply)
{
    return format->ops->outcome(format, reply);
}

static inline int format_notice(struct format *format, const struct echo_notice *notice)
{
    return format->ops->notice(format, notice);
}

static inline int format_statistics(struct format *format, const struct format_stats *stats,
                                    bool final)
{
    return format->ops->statistics(format, stats, final);
}

static inline int format_interrupt(struct format *format, enum format_interrupt kind)
{
    return format->ops->interrupt(format, kind);
}

/* Frees a formatter; NULL is a no-op. */
static inline void format_free(struct format *format)
{
    if (format != NULL)
        format->ops->free(format);
}

/* The text shown for an IP_STATUS after "Reply from R: " or alone ("Request timed out.");
 * statuses without a fixed text give NULL. */
const char *format_status_text(uint32_t status);

#endif /* WPING_FORMAT_H */
