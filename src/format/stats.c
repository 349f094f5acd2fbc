/* The statistics tally, ping.exe's arithmetic on it, and the JSON summary's exact one. */
#include "stats.h"

#include <sys/socket.h>

enum format_class format_classify(const struct echo_outcome *outcome)
{
    if (outcome->send_errno != 0)
        return FORMAT_CLASS_LOCAL;
    if (outcome->status == ECHO_SUCCESS)
        return FORMAT_CLASS_SUCCESS;
    if (outcome->status == ECHO_REQ_TIMED_OUT)
        return FORMAT_CLASS_TIMEOUT;
    /* ping.exe counts every "Reply from" line as received, so an error is "received"
     * exactly when there is someone to name in that line. */
    if (outcome->responder.ss_family != AF_UNSPEC)
        return FORMAT_CLASS_ICMP_ERROR;
    return FORMAT_CLASS_LOCAL;
}

bool format_is_corrupt(const struct echo_outcome *outcome)
{
    return format_classify(outcome) == FORMAT_CLASS_SUCCESS &&
           (!outcome->data_match || outcome->data_len != outcome->sent_size);
}

uint64_t format_rtt_ms(uint64_t rtt_ns)
{
    return rtt_ns / 1000000u;
}

static void S_add_rtt(struct format_stats *stats, uint64_t rtt_ns)
{
    uint64_t ms = format_rtt_ms(rtt_ns);

    if (stats->succeeded == 1) {
        stats->rtt_ms_min = stats->rtt_ms_max = ms;
        stats->rtt_ns_min = stats->rtt_ns_max = rtt_ns;
    } else {
        if (ms < stats->rtt_ms_min)
            stats->rtt_ms_min = ms;
        if (ms > stats->rtt_ms_max)
            stats->rtt_ms_max = ms;
        if (rtt_ns < stats->rtt_ns_min)
            stats->rtt_ns_min = rtt_ns;
        if (rtt_ns > stats->rtt_ns_max)
            stats->rtt_ns_max = rtt_ns;
    }
    stats->rtt_ms_sum += ms;
    stats->rtt_ns_sum += rtt_ns;

    /* Welford: the spread stays exact to a double's precision however many values come,
     * where a sum of squares would lose it. */
    double delta = (double)rtt_ns - stats->rtt_ns_mean;
    stats->rtt_ns_mean += delta / (double)stats->succeeded;
    stats->rtt_ns_m2 += delta * ((double)rtt_ns - stats->rtt_ns_mean);

    if (stats->succeeded > 1) {
        double d = (double)rtt_ns - (double)stats->last_rtt_ns;
        stats->jitter_ns += ((d < 0 ? -d : d) - stats->jitter_ns) / 16.0;
    }
    stats->last_rtt_ns = rtt_ns;
    if (stats->histogram != NULL)
        format_histogram_add(stats->histogram, rtt_ns);
}

void format_stats_add(struct format_stats *stats, const struct echo_outcome *outcome)
{
    stats->sent++;
    switch (format_classify(outcome)) {
    case FORMAT_CLASS_SUCCESS:
        stats->received++;
        stats->succeeded++;
        if (format_is_corrupt(outcome))
            stats->corrupt++;
        S_add_rtt(stats, outcome->rtt_ns);
        break;
    case FORMAT_CLASS_ICMP_ERROR:
        stats->received++;
        stats->icmp_errors++;
        break;
    case FORMAT_CLASS_TIMEOUT:
        stats->timeouts++;
        break;
    case FORMAT_CLASS_LOCAL:
        stats->local_failures++;
        break;
    }
}

void format_stats_notice(struct format_stats *stats, const struct echo_notice *notice)
{
    switch (notice->kind) {
    case ECHO_NOTICE_DUPLICATE:
        stats->duplicates++;
        break;
    case ECHO_NOTICE_LATE:
        stats->late++;
        break;
    case ECHO_NOTICE_MALFORMED:
        stats->malformed++;
        break;
    case ECHO_NOTICE_AFTER_ERROR:
        stats->after_error++;
        break;
    }
}

void format_stats_summarize(const struct format_stats *stats, struct format_summary *summary)
{
    summary->sent = stats->sent;
    summary->received = stats->received;
    summary->lost = stats->sent - stats->received;
    /* Truncated, as ping.exe does: 2 of 3 lost is 66%, 5 of 29750 is 0%. */
    summary->loss_percent = stats->sent == 0 ? 0 : (unsigned)(summary->lost * 100u / stats->sent);
    summary->has_rtt = stats->succeeded > 0;
    summary->min_ms = summary->has_rtt ? stats->rtt_ms_min : 0;
    summary->max_ms = summary->has_rtt ? stats->rtt_ms_max : 0;
    summary->average_ms = summary->has_rtt ? stats->rtt_ms_sum / stats->succeeded : 0;
}

/* The value at the nearest rank of `percent` among the successes' RTTs: exact at the first
 * and last rank, else a bucket's midpoint kept within the exact minimum and maximum. */
static uint64_t S_percentile(const struct format_stats *stats, unsigned percent)
{
    uint64_t rank = (stats->succeeded * percent + 99) / 100; /* ceil(n * p / 100) */
    uint64_t value;

    if (rank <= 1)
        return stats->rtt_ns_min;
    if (rank >= stats->succeeded)
        return stats->rtt_ns_max;
    value = format_histogram_rank(stats->histogram, rank);

    if (value < stats->rtt_ns_min)
        return stats->rtt_ns_min;
    if (value > stats->rtt_ns_max)
        return stats->rtt_ns_max;
    return value;
}

/* Newton's square root: the one libm function the statistics need, and libm alone would
 * cost a few hundred KiB of resident memory in every run. */
static double S_sqrt(double x)
{
    if (!(x > 0))
        return 0;
    double root = x > 1 ? x : 1;
    for (int i = 0; i < 200; i++) {
        double next = 0.5 * (root + x / root);
        if (next >= root)
            break;
        root = next;
    }
    return root;
}

void format_stats_precise(const struct format_stats *stats, struct format_precise *precise)
{
    uint64_t lost = stats->sent - stats->succeeded;

    *precise = (struct format_precise){0};
    /* One correctly rounded division of two exact integers: the nearest double to the true
     * ratio, the same a consumer computes from the counts. */
    precise->loss_percent = stats->sent == 0 ? 0.0 : (double)(lost * 100u) / (double)stats->sent;
    precise->has_rtt = stats->succeeded > 0;
    if (!precise->has_rtt)
        return;
    precise->min_ns = stats->rtt_ns_min;
    precise->max_ns = stats->rtt_ns_max;
    precise->average_ns = (double)stats->rtt_ns_sum / (double)stats->succeeded;
    precise->stddev_ns = S_sqrt(stats->rtt_ns_m2 / (double)stats->succeeded);
    if (stats->histogram != NULL) {
        precise->has_percentiles = true;
        precise->median_ns = S_percentile(stats, 50);
        precise->p90_ns = S_percentile(stats, 90);
        precise->p99_ns = S_percentile(stats, 99);
    }
    precise->has_jitter = stats->succeeded > 1;
    precise->jitter_ns = stats->jitter_ns;
}
