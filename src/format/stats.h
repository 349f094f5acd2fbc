/*
 * The statistics of a session: how each outcome counts by ping.exe's rules, the running
 * tally, ping.exe's arithmetic on it and the exact figures of the JSON summary, and the RTT
 * histogram behind the percentiles. No output: the formatters (format.h) show what this
 * computes, and the session decides its exit status from the same tally.
 */
#ifndef WPING_FORMAT_STATS_H
#define WPING_FORMAT_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* True for a success whose payload or size differs from what its request sent. */
bool format_is_corrupt(const struct echo_outcome *outcome);

/*
 * A fixed-size histogram of RTTs for percentiles, in constant memory however many values it
 * gets. Buckets are 512 ns wide below 2^19 ns (about 524 us); above, each power of two is
 * split into 1024 equal buckets, so a bucket's midpoint is within 256 ns or 0.049 % of any
 * value in it. Values above 2^52 ns share the last bucket.
 */
struct format_histogram;

/* A new, empty histogram (about 280 KiB of address space, touched only where values fall),
 * or NULL when out of memory. */
struct format_histogram *format_histogram_new(void);

void format_histogram_free(struct format_histogram *histogram);

void format_histogram_add(struct format_histogram *histogram, uint64_t rtt_ns);

/* The midpoint of the bucket holding the value of 1-based `rank` in sorted order; 0 when
 * rank is 0 or beyond the values added. */
uint64_t format_histogram_rank(const struct format_histogram *histogram, uint64_t rank);

/* The running tally of a session. Zero-initialise; set `histogram` to a format_histogram_new()
 * (owned by the caller) for percentiles. RTTs are of successes (corrupt ones included) only. */
struct format_stats {
    uint64_t sent;        /* requests whose outcome has been reported */
    uint64_t received;    /* successes + ICMP errors ("Reply from" lines) */
    uint64_t succeeded;   /* echo replies, corrupt ones included */
    uint64_t icmp_errors; /* ICMP error replies */
    uint64_t timeouts;
    uint64_t local_failures;
    uint64_t corrupt;    /* successes whose payload or size differs from the request */
    uint64_t duplicates; /* notices, never counted as sent or received */
    uint64_t late;
    uint64_t malformed;
    uint64_t after_error;                        /* echo replies after the request's ICMP error */
    uint64_t rtt_ms_min, rtt_ms_max, rtt_ms_sum; /* whole milliseconds, truncated */
    uint64_t rtt_ns_min, rtt_ns_max, rtt_ns_sum; /* exact */
    double rtt_ns_mean, rtt_ns_m2;               /* Welford's running mean and squared spread */
    double jitter_ns;     /* RFC 3550: J += (|D| - J) / 16 over consecutive successes' RTTs */
    uint64_t last_rtt_ns; /* the previous success's RTT, for the jitter */
    struct format_histogram *histogram; /* NULL: no percentiles */
};

/* Counts one outcome. */
void format_stats_add(struct format_stats *stats, const struct echo_outcome *outcome);

/* Counts one engine notice (duplicate, late, malformed, or after an ICMP error). */
void format_stats_notice(struct format_stats *stats, const struct echo_notice *notice);

/* The ping.exe statistics block, computed from a tally. */
struct format_summary {
    uint64_t sent, received, lost;
    unsigned loss_percent;               /* floor(lost * 100 / sent); 0 when nothing was sent */
    bool has_rtt;                        /* at least one success: the round-trip lines are shown */
    uint64_t min_ms, max_ms, average_ms; /* average = floor(sum / successes) */
};

void format_stats_summarize(const struct format_stats *stats, struct format_summary *summary);

/* The precise statistics of the JSON summary, computed from a tally. */
struct format_precise {
    /* Requests without an echo reply (ICMP errors, timeouts and send failures) * 100 / sent,
     * as a double; 0 when nothing was sent. Unlike ping.exe's, ICMP errors count as lost. */
    double loss_percent;
    bool has_rtt; /* at least one success */
    uint64_t min_ns, max_ns;
    double average_ns, stddev_ns;       /* population standard deviation */
    bool has_percentiles;               /* has_rtt and a histogram was kept */
    uint64_t median_ns, p90_ns, p99_ns; /* nearest rank, from the histogram, within [min, max] */
    bool has_jitter;                    /* at least two successes */
    double jitter_ns;
};

void format_stats_precise(const struct format_stats *stats, struct format_precise *precise);

/* A whole-millisecond RTT as ping.exe shows it: floor(ns / 1e6). */
uint64_t format_rtt_ms(uint64_t rtt_ns);

#endif /* WPING_FORMAT_STATS_H */
