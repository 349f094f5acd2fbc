/* The ping.exe text formatter (wping(1), OUTPUT). */
#include "format.h"
#include "line.h"

#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <wping/address.h>

struct text {
    struct format base; /* first, so that a struct format * is a struct text * */
    FILE *out;
    unsigned flags;
    int family;
    char address[NI_MAXHOST]; /* the target, for "Ping statistics for" */
    struct format_line line;
};

/* Writes one line into the stream's buffer; the session flushes before it waits (output.h). */
__attribute__((format(printf, 2, 3))) static int S_line(struct text *text, const char *fmt, ...)
{
    va_list ap;

    format_line_start(&text->line);
    va_start(ap, fmt);
    format_line_vprintf(&text->line, fmt, ap);
    va_end(ap);
    return format_line_write(&text->line, text->out);
}

static int S_begin(struct format *self, const struct format_target *target)
{
    struct text *text = (struct text *)self;
    char from[NI_MAXHOST + 8] = "";
    const struct format_member *member = target->member;
    int failed = 0;

    if (target->source != NULL)
        snprintf(from, sizeof(from), " from %s", target->source);
    if (member != NULL) {
        /* Many targets: one empty line before the first, then one line each, in order. */
        if (member->index == 0)
            failed = S_line(text, "%s", "");
        if (member->address == NULL)
            return failed | S_line(text,
                                   "[%s] Ping request could not find host %s. Please check "
                                   "the name and try again.",
                                   member->typed, member->typed);
        return failed | S_line(text, "[%s] Pinging %s%s with %zu bytes of data:", member->typed,
                               member->address, from, target->size);
    }

    text->family = target->family;
    snprintf(text->address, sizeof(text->address), "%s", target->address);
    failed = S_line(text, "%s", "");
    if (target->name != NULL)
        failed |= S_line(text, "Pinging %s [%s]%s with %zu bytes of data:", target->name,
                         target->address, from, target->size);
    else
        failed |= S_line(text, "Pinging %s%s with %zu bytes of data:", target->address, from,
                         target->size);
    return failed;
}

/* One option's entries under the reply: "    Route: a ->", then aligned continuation lines. */
static int S_option_lines(struct text *text, const char *label,
                          const struct echo_ipopt_route *route)
{
    char lead[32];
    int failed = 0;

    snprintf(lead, sizeof(lead), "    %s: ", label);
    for (unsigned i = 0; i < route->count; i++) {
        char address[ECHO_ADDRESS_TEXT];
        char entry[ECHO_ADDRESS_TEXT + 16];
        const char *arrow = i + 1 < route->count ? " ->" : "";

        echo_ipv4_text(route->address[i], address, sizeof(address));
        if (route->kind != ECHO_IPOPT_TIMESTAMP)
            snprintf(entry, sizeof(entry), "%s", address);
        else if (route->has_address)
            snprintf(entry, sizeof(entry), "%s : %" PRIu32, address, route->timestamp[i]);
        else
            snprintf(entry, sizeof(entry), "%" PRIu32, route->timestamp[i]);
        failed |= S_line(text, "%*s%s%s", (int)strlen(lead), i == 0 ? lead : "", entry, arrow);
    }
    return failed;
}

/* "[2026-11-21T12:04:33.123+01:00] ": local time with milliseconds and the UTC offset. */
static void S_stamp(const struct timespec *at, char *out, size_t size)
{
    struct tm local;
    time_t seconds = at->tv_sec;
    char date[32];
    long offset;

    if (localtime_r(&seconds, &local) == NULL) {
        snprintf(out, size, "[?] ");
        return;
    }
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &local);
    offset = local.tm_gmtoff / 60;
    /* Each field reduced to its range, so that the compiler can see the line fits. */
    snprintf(out, size, "[%s.%03d%c%02d:%02d] ", date, (int)(at->tv_nsec / 1000000L % 1000),
             offset < 0 ? '-' : '+', (int)(labs(offset) / 60 % 100), (int)(labs(offset) % 60));
}

static int S_outcome(struct format *self, const struct format_reply *reply)
{
    struct text *text = (struct text *)self;
    const struct format_member *member = reply->member;
    char line[NI_MAXHOST + 128];
    char stamp[64] = "";
    int failed;

    format_outcome_line(reply, member != NULL ? member->family : text->family, line, sizeof(line));
    if (text->flags & FORMAT_TEXT_TIMESTAMP)
        S_stamp(&reply->known_at, stamp, sizeof(stamp));
    if (member != NULL)
        return S_line(text, "[%s] %s%s", member->typed, stamp, line);
    /* The line of every reply, as it is: no format to parse (a flood prints one per echo). */
    format_line_start(&text->line);
    format_line_raw(&text->line, stamp, strlen(stamp));
    format_line_raw(&text->line, line, strlen(line));
    failed = format_line_write(&text->line, text->out);
    if (format_classify(reply->outcome) != FORMAT_CLASS_SUCCESS)
        return failed;
    if (reply->route != NULL && reply->route->count > 0)
        failed |= S_option_lines(text, "Route", reply->route);
    if (reply->timestamp != NULL && reply->timestamp->count > 0)
        failed |= S_option_lines(text, "Timestamp", reply->timestamp);
    return failed;
}

/* ping.exe prints nothing for duplicate, late or malformed replies, or replies after an
 * ICMP error. */
static int S_notice(struct format *self, const struct format_notice *notice)
{
    (void)self;
    (void)notice;
    return 0;
}

static int S_statistics(struct format *self, const struct format_stats *stats,
                        const struct format_end *end)
{
    struct text *text = (struct text *)self;
    struct format_summary summary;
    int failed;

    /* interim and final blocks look the same, whatever the exit status */
    if (stats->sent == 0)
        return 0;
    format_stats_summarize(stats, &summary);
    failed = S_line(text, "%s", "");
    failed |= S_line(text, "Ping statistics for %s:",
                     end->member != NULL ? end->member->address : text->address);
    failed |= S_line(text,
                     "    Packets: Sent = %" PRIu64 ", Received = %" PRIu64 ", Lost = %" PRIu64
                     " (%u%% loss),",
                     summary.sent, summary.received, summary.lost, summary.loss_percent);
    if (summary.has_rtt) {
        failed |= S_line(text, "Approximate round trip times in milli-seconds:");
        failed |= S_line(
            text, "    Minimum = %" PRIu64 "ms, Maximum = %" PRIu64 "ms, Average = %" PRIu64 "ms",
            summary.min_ms, summary.max_ms, summary.average_ms);
    }
    return failed;
}

static int S_interrupt(struct format *self, enum format_interrupt kind)
{
    struct text *text = (struct text *)self;

    switch (kind) {
    case FORMAT_CONTROL_C:
        return S_line(text, "Control-C");
    case FORMAT_CONTROL_BREAK:
        return S_line(text, "Control-Break");
    case FORMAT_TERMINATED:
        break;
    }
    return 0;
}

/* Many targets: one line after every target's block, in the words of the packets line. */
static int S_run(struct format *self, const struct format_run *run)
{
    struct text *text = (struct text *)self;
    int failed = S_line(text, "%s", "");

    failed |= S_line(text,
                     "Targets: Total = %" PRIu64 ", Passed = %" PRIu64 ", Failed = %" PRIu64
                     " (%" PRIu64 " not found).",
                     run->targets, run->passed, run->targets - run->passed, run->unresolved);
    return failed;
}

static void S_free(struct format *self)
{
    struct text *text = (struct text *)self;

    format_line_free(&text->line);
    free(text);
}

static const struct format_ops S_ops = {
    .begin = S_begin,
    .outcome = S_outcome,
    .notice = S_notice,
    .statistics = S_statistics,
    .interrupt = S_interrupt,
    .run = S_run,
    .free = S_free,
};

struct format *format_text_new(FILE *out, unsigned flags)
{
    struct text *text = calloc(1, sizeof(*text));

    if (text == NULL)
        return NULL;
    text->base.ops = &S_ops;
    text->out = out;
    text->flags = flags;
    text->family = AF_INET;
    return &text->base;
}
