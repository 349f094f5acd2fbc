/*
 * The JSON Lines formatter: one object per event, as schema/wping-events.schema.json
 * describes. Each line is built whole in memory and handed to the stream in one piece; the
 * stream (output.h) writes whole buffers, so a reader never waits on half an object.
 */
#include "format.h"
#include "line.h"

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <wping/address.h>

/* The "schema_version" of the start object; raised when a field changes meaning or goes. */
#define JSON_SCHEMA_VERSION 1
/* The most of a target's name an "unresolved" message repeats. */
#define TARGET_MESSAGE_NAME 255

struct json {
    struct format base; /* first, so that a struct format * is a struct json * */
    FILE *out;
    int family;
    struct format_line buf;
};

/* The length of the well-formed UTF-8 sequence at s (1..4), or 0 when it is not one. */
static size_t S_utf8_length(const unsigned char *s)
{
    size_t length, i;
    uint32_t code;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        length = 2;
        code = s[0] & 0x1fu;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        length = 3;
        code = s[0] & 0x0fu;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        length = 4;
        code = s[0] & 0x07u;
    } else {
        return 0;
    }
    for (i = 1; i < length; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        code = (code << 6) | (s[i] & 0x3fu);
    }
    /* No overlong forms, no surrogates, nothing above U+10FFFF. */
    if ((length == 3 && code < 0x800) || (length == 4 && code < 0x10000) || code > 0x10ffff ||
        (code >= 0xd800 && code <= 0xdfff))
        return 0;
    return length;
}

/* A JSON string. Bytes that are not UTF-8 (a target typed in another encoding) become
 * U+FFFD, so that every line stays valid JSON. */
static void S_string(struct format_line *b, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;

    format_line_raw(b, "\"", 1);
    while (*s != '\0') {
        size_t length = S_utf8_length(s);

        if (length == 0) {
            format_line_raw(b, "\\ufffd", 6);
            s++;
        } else if (*s == '"' || *s == '\\') {
            format_line_printf(b, "\\%c", *s);
            s++;
        } else if (*s == '\n') {
            format_line_raw(b, "\\n", 2);
            s++;
        } else if (*s == '\t') {
            format_line_raw(b, "\\t", 2);
            s++;
        } else if (*s < 0x20 || *s == 0x7f) {
            format_line_printf(b, "\\u%04x", *s);
            s++;
        } else {
            format_line_raw(b, (const char *)s, length);
            s += length;
        }
    }
    format_line_raw(b, "\"", 1);
}

static void S_open(struct format_line *b, const char *type)
{
    format_line_start(b);
    format_line_raw(b, "{\"type\":", 8);
    S_string(b, type);
    b->first = false;
}

static void S_key(struct format_line *b, const char *key)
{
    if (!b->first)
        format_line_raw(b, ",", 1);
    b->first = false;
    S_string(b, key);
    format_line_raw(b, ":", 1);
}

static void S_null(struct format_line *b, const char *key)
{
    S_key(b, key);
    format_line_raw(b, "null", 4);
}

static void S_text(struct format_line *b, const char *key, const char *value)
{
    S_key(b, key);
    if (value == NULL)
        format_line_raw(b, "null", 4);
    else
        S_string(b, value);
}

static void S_uint(struct format_line *b, const char *key, uint64_t value)
{
    S_key(b, key);
    format_line_printf(b, "%" PRIu64, value);
}

static void S_int(struct format_line *b, const char *key, long long value)
{
    S_key(b, key);
    format_line_printf(b, "%lld", value);
}

static void S_bool(struct format_line *b, const char *key, bool value)
{
    S_key(b, key);
    format_line_raw(b, value ? "true" : "false", value ? 4 : 5);
}

/* Milliseconds with microsecond precision (0.042), rounded to the nearest microsecond. */
static void S_ms(struct format_line *b, const char *key, double ns)
{
    uint64_t us = ns <= 0 ? 0 : (uint64_t)(ns / 1000.0 + 0.5);

    S_key(b, key);
    format_line_printf(b, "%" PRIu64 ".%03" PRIu64, us / 1000u, us % 1000u);
}

/* The shortest fixed-point text that reads back as the same double. */
static void S_exact(struct format_line *b, const char *key, double value)
{
    char text[64];

    for (int decimals = 0; decimals <= 30; decimals++) {
        snprintf(text, sizeof(text), "%.*f", decimals, value);
        if (strtod(text, NULL) == value)
            break;
    }
    S_key(b, key);
    format_line_raw(b, text, strlen(text));
}

/* RFC 3339 UTC with microseconds: 2026-11-21T12:04:33.123456Z. */
static void S_time(struct format_line *b, const char *key, const struct timespec *at)
{
    struct tm utc;
    time_t seconds = at->tv_sec;
    char date[32];

    S_key(b, key);
    if (gmtime_r(&seconds, &utc) == NULL) {
        format_line_raw(b, "null", 4);
        return;
    }
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &utc);
    format_line_printf(b, "\"%s.%06ldZ\"", date, at->tv_nsec / 1000L);
}

static void S_address(struct format_line *b, const char *key,
                      const struct sockaddr_storage *address)
{
    char text[ECHO_ADDRESS_TEXT];

    if (echo_address_text(address, text, sizeof(text)))
        S_text(b, key, text);
    else
        S_null(b, key);
}

static void S_ipv4(struct format_line *b, uint32_t address)
{
    char text[ECHO_ADDRESS_TEXT];

    echo_ipv4_text(address, text, sizeof(text));
    S_string(b, text);
}

/* "route": ["198.18.1.1", ...] */
static void S_route(struct format_line *b, const struct echo_ipopt_route *route)
{
    S_key(b, "route");
    format_line_raw(b, "[", 1);
    for (unsigned i = 0; i < route->count; i++) {
        if (i > 0)
            format_line_raw(b, ",", 1);
        S_ipv4(b, route->address[i]);
    }
    format_line_raw(b, "]", 1);
}

/* "ip_timestamps": {"entries": [{"address": ..., "ms": ...}], "overflow": N} */
static void S_ip_timestamps(struct format_line *b, const struct echo_ipopt_route *stamps)
{
    S_key(b, "ip_timestamps");
    format_line_raw(b, "{\"entries\":[", 12);
    for (unsigned i = 0; i < stamps->count; i++) {
        format_line_raw(b, i > 0 ? ",{" : "{", i > 0 ? 2 : 1);
        b->first = true;
        if (stamps->has_address) {
            S_key(b, "address");
            S_ipv4(b, stamps->address[i]);
        } else {
            S_null(b, "address");
        }
        S_uint(b, "ms", stamps->timestamp[i]);
        format_line_raw(b, "}", 1);
    }
    format_line_raw(b, "]", 1);
    b->first = false;
    S_uint(b, "overflow", stamps->overflow);
    format_line_raw(b, "}", 1);
}

/* Many targets: "target" (as typed) and "index", right after the type. */
static void S_member(struct format_line *b, const struct format_member *member)
{
    if (member == NULL)
        return;
    S_text(b, "target", member->typed);
    S_uint(b, "index", member->index);
}

/* The family an event's statuses are named for. */
static int S_family(const struct json *json, const struct format_member *member)
{
    return member != NULL ? member->family : json->family;
}

/* Ends the object and writes the line into the stream (the caller flushes it). */
static int S_emit(FILE *out, struct format_line *b)
{
    format_line_raw(b, "}", 1);
    return format_line_write(b, out);
}

static int S_begin(struct format *self, const struct format_target *target)
{
    struct json *json = (struct json *)self;
    struct format_line *b = &json->buf;

    if (target->member != NULL && target->member->address == NULL) {
        /* Many targets: a name that did not resolve, reported in its place. */
        char message[TARGET_MESSAGE_NAME + 96];

        S_open(b, "unresolved");
        S_member(b, target->member);
        S_time(b, "timestamp", &target->started);
        snprintf(message, sizeof(message),
                 "Ping request could not find host %.*s. Please check the name and try again.",
                 TARGET_MESSAGE_NAME, target->member->typed);
        S_text(b, "message", message);
        return S_emit(json->out, b);
    }
    if (target->member == NULL)
        json->family = target->family;
    S_open(b, "start");
    S_uint(b, "schema_version", JSON_SCHEMA_VERSION);
    S_time(b, "timestamp", &target->started);
    S_text(b, "target", target->typed);
    if (target->member != NULL)
        S_uint(b, "index", target->member->index);
    S_text(b, "name", target->name);
    S_text(b, "address", target->address);
    S_uint(b, "family", target->family == AF_INET6 ? 6 : 4);
    S_uint(b, "size", target->size);
    if (target->ttl > 0)
        S_int(b, "ttl", target->ttl);
    else
        S_null(b, "ttl");
    if (target->tos >= 0)
        S_int(b, "tos", target->tos);
    else
        S_null(b, "tos");
    S_uint(b, "timeout_ms", target->timeout_ms);
    S_uint(b, "interval_ms", target->interval_ms);
    if (target->count > 0)
        S_uint(b, "count", target->count);
    else
        S_null(b, "count");
    if (target->deadline_ms > 0)
        S_uint(b, "deadline_ms", target->deadline_ms);
    else
        S_null(b, "deadline_ms");
    S_text(b, "source", target->source);
    if (!target->has_socket)
        S_null(b, "socket");
    else
        S_text(b, "socket", target->socket == ECHO_SOCKET_RAW ? "raw" : "dgram");
    return S_emit(json->out, b);
}

static const char *S_outcome_type(const struct format_reply *reply)
{
    switch (format_classify(reply->outcome)) {
    case FORMAT_CLASS_SUCCESS:
        return format_is_corrupt(reply->outcome) ? "corrupt" : "reply";
    case FORMAT_CLASS_ICMP_ERROR:
        return "icmp_error";
    case FORMAT_CLASS_TIMEOUT:
        return "timeout";
    case FORMAT_CLASS_LOCAL:
        break;
    }
    return "send_failure";
}

static int S_outcome(struct format *self, const struct format_reply *reply)
{
    struct json *json = (struct json *)self;
    struct format_line *b = &json->buf;
    const struct echo_outcome *outcome = reply->outcome;
    enum format_class class = format_classify(outcome);
    char line[NI_MAXHOST + 128];
    const char *name;
    int family = S_family(json, reply->member);

    S_open(b, S_outcome_type(reply));
    S_member(b, reply->member);
    S_uint(b, "seq", reply->request);
    S_uint(b, "icmp_seq", outcome->sequence);
    S_time(b, "timestamp", &outcome->sent_at);
    S_uint(b, "status", outcome->status);
    S_text(b, "status_name", echo_status_name(outcome->status, family));
    format_outcome_line(reply, family, line, sizeof(line));
    S_text(b, "message", line);
    if (class == FORMAT_CLASS_SUCCESS || class == FORMAT_CLASS_ICMP_ERROR)
        S_address(b, "responder", &outcome->responder);
    else
        S_null(b, "responder");
    if (class == FORMAT_CLASS_SUCCESS)
        S_uint(b, "bytes", outcome->data_len);
    else
        S_null(b, "bytes");
    if ((class == FORMAT_CLASS_SUCCESS || class == FORMAT_CLASS_ICMP_ERROR) && outcome->ttl >= 0)
        S_int(b, "ttl", outcome->ttl);
    else
        S_null(b, "ttl");
    if (class == FORMAT_CLASS_SUCCESS || class == FORMAT_CLASS_ICMP_ERROR) {
        S_ms(b, "rtt_ms", (double)outcome->rtt_ns);
        S_text(b, "clock", echo_clock_name(outcome->clock));
    } else {
        S_null(b, "rtt_ms");
        S_null(b, "clock");
    }
    if (class == FORMAT_CLASS_SUCCESS && format_is_corrupt(outcome)) {
        S_uint(b, "sent_bytes", outcome->sent_size);
        S_bool(b, "payload_match", outcome->data_match && outcome->data_len == outcome->sent_size);
    }
    if (class == FORMAT_CLASS_LOCAL) {
        name = outcome->send_errno != 0 ? strerrorname_np(outcome->send_errno) : NULL;
        S_text(b, "errno", name);
    }
    if (class == FORMAT_CLASS_SUCCESS && reply->route != NULL)
        S_route(b, reply->route);
    if (class == FORMAT_CLASS_SUCCESS && reply->timestamp != NULL)
        S_ip_timestamps(b, reply->timestamp);
    return S_emit(json->out, b);
}

static int S_notice(struct format *self, const struct format_notice *event)
{
    struct json *json = (struct json *)self;
    struct format_line *b = &json->buf;
    const struct echo_notice *notice = event->notice;
    static const char *const types[] = {
        [ECHO_NOTICE_DUPLICATE] = "duplicate",
        [ECHO_NOTICE_LATE] = "late",
        [ECHO_NOTICE_MALFORMED] = "malformed",
        [ECHO_NOTICE_AFTER_ERROR] = "reply_after_error",
    };

    S_open(b, types[notice->kind]);
    S_member(b, event->member);
    if (event->request > 0)
        S_uint(b, "seq", event->request);
    else
        S_null(b, "seq");
    S_uint(b, "icmp_seq", notice->sequence);
    S_time(b, "timestamp", &event->received_at);
    /* Duplicates, late replies and replies after an error are echo replies; a malformed
     * packet has no status. */
    if (notice->kind == ECHO_NOTICE_MALFORMED) {
        S_null(b, "status");
        S_null(b, "status_name");
    } else {
        S_uint(b, "status", ECHO_SUCCESS);
        S_text(b, "status_name", echo_status_name(ECHO_SUCCESS, S_family(json, event->member)));
    }
    S_null(b, "message"); /* text mode prints no line for them */
    S_address(b, "responder", &notice->responder);
    S_uint(b, "bytes", notice->data_len);
    if (notice->ttl >= 0)
        S_int(b, "ttl", notice->ttl);
    else
        S_null(b, "ttl");
    if (notice->rtt_ns > 0) {
        S_ms(b, "rtt_ms", (double)notice->rtt_ns);
        S_text(b, "clock", echo_clock_name(notice->clock));
    } else {
        S_null(b, "rtt_ms");
        S_null(b, "clock");
    }
    S_bool(b, "payload_match", notice->data_match);
    return S_emit(json->out, b);
}

static const char *S_reason(enum format_reason reason)
{
    switch (reason) {
    case FORMAT_REASON_COMPLETED:
        return "completed";
    case FORMAT_REASON_DEADLINE:
        return "deadline";
    case FORMAT_REASON_SIGINT:
        return "sigint";
    case FORMAT_REASON_SIGTERM:
        return "sigterm";
    case FORMAT_REASON_SIGQUIT:
        break;
    }
    return "sigquit";
}

static int S_statistics(struct format *self, const struct format_stats *stats,
                        const struct format_end *end)
{
    struct json *json = (struct json *)self;
    struct format_line *b = &json->buf;
    struct format_precise precise;
    struct timespec now;

    format_stats_precise(stats, &precise);
    clock_gettime(CLOCK_REALTIME, &now);
    S_open(b, end->final ? "summary" : "interim");
    S_member(b, end->member);
    S_time(b, "timestamp", &now);
    S_text(b, "reason", S_reason(end->reason));
    S_uint(b, "sent", stats->sent);
    S_uint(b, "replies", stats->succeeded - stats->corrupt);
    S_uint(b, "corrupt", stats->corrupt);
    S_uint(b, "icmp_errors", stats->icmp_errors);
    S_uint(b, "timeouts", stats->timeouts);
    S_uint(b, "send_failures", stats->local_failures);
    S_uint(b, "duplicates", stats->duplicates);
    S_uint(b, "late", stats->late);
    S_uint(b, "malformed", stats->malformed);
    S_uint(b, "replies_after_error", stats->after_error);
    S_exact(b, "loss_percent", precise.loss_percent);
    if (precise.has_rtt) {
        S_key(b, "rtt_ms");
        format_line_raw(b, "{", 1);
        b->first = true;
        S_ms(b, "min", (double)precise.min_ns);
        S_ms(b, "avg", precise.average_ns);
        S_ms(b, "max", (double)precise.max_ns);
        S_ms(b, "stddev", precise.stddev_ns);
        if (precise.has_percentiles) {
            S_ms(b, "median", (double)precise.median_ns);
            S_ms(b, "p90", (double)precise.p90_ns);
            S_ms(b, "p99", (double)precise.p99_ns);
        } else {
            S_null(b, "median");
            S_null(b, "p90");
            S_null(b, "p99");
        }
        format_line_raw(b, "}", 1);
    } else {
        S_null(b, "rtt_ms");
    }
    if (precise.has_jitter)
        S_ms(b, "jitter_ms", precise.jitter_ns);
    else
        S_null(b, "jitter_ms");
    S_int(b, "exit_status", end->exit_status);
    return S_emit(json->out, b);
}

/* The reason in the interim or summary object says it all. */
static int S_interrupt(struct format *self, enum format_interrupt kind)
{
    (void)self;
    (void)kind;
    return 0;
}

/* Many targets: {"type":"run_summary"} (or "run_interim" after Control-Break) at the end. */
static int S_run(struct format *self, const struct format_run *run)
{
    struct json *json = (struct json *)self;
    struct format_line *b = &json->buf;
    struct timespec now;

    clock_gettime(CLOCK_REALTIME, &now);
    S_open(b, run->final ? "run_summary" : "run_interim");
    S_time(b, "timestamp", &now);
    S_text(b, "reason", S_reason(run->reason));
    S_uint(b, "targets", run->targets);
    S_uint(b, "passed", run->passed);
    S_uint(b, "failed", run->targets - run->passed);
    S_uint(b, "unresolved", run->unresolved);
    S_uint(b, "sent", run->sent);
    S_uint(b, "replies", run->replies);
    S_int(b, "exit_status", run->exit_status);
    return S_emit(json->out, b);
}

static void S_free(struct format *self)
{
    struct json *json = (struct json *)self;

    format_line_free(&json->buf);
    free(json);
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

struct format *format_json_new(FILE *out)
{
    struct json *json = calloc(1, sizeof(*json));

    if (json == NULL)
        return NULL;
    json->base.ops = &S_ops;
    json->out = out;
    json->family = AF_INET;
    return &json->base;
}

int format_json_error(FILE *err, const char *kind, const char *message, int exit_status)
{
    struct format_line b = {0};
    int result;

    S_open(&b, "error");
    S_text(&b, "kind", kind);
    S_text(&b, "message", message);
    S_int(&b, "exit_status", exit_status);
    result = S_emit(err, &b);
    if (result == 0 && fflush(err) == EOF)
        result = -1;
    format_line_free(&b);
    return result;
}
