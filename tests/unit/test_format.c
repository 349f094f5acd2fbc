/* The statistics arithmetic, every line of the ping.exe text formatter, the JSON Lines
 * formatter, the RTT histogram's precision and the precise statistics. */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <time.h>

#include "format.h"

/* A text formatter writing to memory; text_output() returns what it wrote so far. */
struct capture {
    FILE *stream;
    char *buffer;
    size_t size;
    struct format *format;
};

static void capture_open(struct capture *capture)
{
    capture->buffer = NULL;
    capture->size = 0;
    capture->stream = open_memstream(&capture->buffer, &capture->size);
    capture->format = format_text_new(capture->stream, 0);
}

static const char *capture_text(struct capture *capture)
{
    fflush(capture->stream);
    return capture->buffer;
}

static void capture_close(struct capture *capture)
{
    format_free(capture->format);
    fclose(capture->stream);
    free(capture->buffer);
}

static void set_v4(struct sockaddr_storage *storage, const char *text)
{
    struct sockaddr_in *sin = (struct sockaddr_in *)storage;

    memset(storage, 0, sizeof(*storage));
    sin->sin_family = AF_INET;
    inet_pton(AF_INET, text, &sin->sin_addr);
}

static void set_v6(struct sockaddr_storage *storage, const char *text)
{
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)storage;

    memset(storage, 0, sizeof(*storage));
    sin6->sin6_family = AF_INET6;
    inet_pton(AF_INET6, text, &sin6->sin6_addr);
}

/* An echo reply from `from` after `rtt_us` microseconds with 32 bytes of matching data. */
static struct echo_outcome reply_from(const char *from, uint64_t rtt_us)
{
    struct echo_outcome outcome;

    memset(&outcome, 0, sizeof(outcome));
    outcome.status = ECHO_SUCCESS;
    if (strchr(from, ':') != NULL)
        set_v6(&outcome.responder, from);
    else
        set_v4(&outcome.responder, from);
    outcome.rtt_ns = rtt_us * 1000u;
    outcome.clock = ECHO_CLOCK_KERNEL;
    outcome.ttl = 64;
    outcome.tos = 0;
    outcome.data_len = 32;
    outcome.data_match = true;
    outcome.sent_size = 32;
    return outcome;
}

static struct echo_outcome error_from(const char *from, uint32_t status)
{
    struct echo_outcome outcome = reply_from(from, 3000);

    outcome.status = status;
    outcome.clock = ECHO_CLOCK_USER_KERNEL_RX;
    outcome.data_len = 0;
    outcome.data_match = false;
    return outcome;
}

static struct echo_outcome timeout(void)
{
    struct echo_outcome outcome;

    memset(&outcome, 0, sizeof(outcome));
    outcome.status = ECHO_REQ_TIMED_OUT;
    outcome.ttl = -1;
    outcome.sent_size = 32;
    return outcome;
}

static struct echo_outcome send_failure(uint32_t status, int error)
{
    struct echo_outcome outcome = timeout();

    outcome.status = status;
    outcome.send_errno = error;
    return outcome;
}

static void add(struct format_stats *stats, struct echo_outcome outcome)
{
    format_stats_add(stats, &outcome);
}

static void check_summary_of_two_lost_of_three_is_66_percent(void)
{
    struct format_stats stats = {0};
    struct format_summary summary;

    add(&stats, timeout());
    add(&stats, reply_from("198.18.1.2", 1500));
    add(&stats, timeout());
    format_stats_summarize(&stats, &summary);
    CHECK_INT(summary.sent, 3, "sent");
    CHECK_INT(summary.received, 1, "received");
    CHECK_INT(summary.lost, 2, "lost");
    CHECK_INT(summary.loss_percent, 66, "2 of 3 lost is truncated to 66%%");
}

static void check_summary_truncates_loss_percent(void)
{
    struct format_stats stats = {0};
    struct format_summary summary;

    for (int i = 0; i < 9; i++)
        add(&stats, i < 2 ? timeout() : reply_from("198.18.1.2", 100));
    format_stats_summarize(&stats, &summary);
    CHECK_INT(summary.loss_percent, 22, "2 of 9 lost is 22%%");

    memset(&stats, 0, sizeof(stats));
    add(&stats, timeout());
    for (int i = 0; i < 200; i++)
        add(&stats, reply_from("198.18.1.2", 100));
    format_stats_summarize(&stats, &summary);
    CHECK_INT(summary.loss_percent, 0, "1 of 201 lost is 0%%, never rounded up");
}

static void check_summary_average_is_truncated(void)
{
    struct format_stats stats = {0};
    struct format_summary summary;

    add(&stats, reply_from("198.18.1.2", 22900));
    add(&stats, reply_from("198.18.1.2", 25100));
    format_stats_summarize(&stats, &summary);
    CHECK(summary.has_rtt, "a success shows the round-trip block");
    CHECK_INT(summary.min_ms, 22, "22.9 ms is shown as 22");
    CHECK_INT(summary.max_ms, 25, "max");
    CHECK_INT(summary.average_ms, 23, "floor((22 + 25) / 2) = 23");

    memset(&stats, 0, sizeof(stats));
    add(&stats, reply_from("198.18.1.2", 52000));
    add(&stats, reply_from("198.18.1.2", 50000));
    add(&stats, reply_from("198.18.1.2", 50999));
    add(&stats, reply_from("198.18.1.2", 51000));
    format_stats_summarize(&stats, &summary);
    CHECK_INT(summary.average_ms, 50, "52, 50, 50, 51 average 50 (203 / 4 truncated)");
}

static void check_summary_min_and_max_count_below_1ms_as_zero(void)
{
    struct format_stats stats = {0};
    struct format_summary summary;

    add(&stats, reply_from("127.0.0.1", 7000));
    add(&stats, reply_from("127.0.0.1", 400));
    add(&stats, reply_from("127.0.0.1", 999));
    format_stats_summarize(&stats, &summary);
    CHECK_INT(summary.min_ms, 0, "time<1ms counts as 0");
    CHECK_INT(summary.max_ms, 7, "max");
    CHECK_INT(summary.average_ms, 2, "floor(7 / 3)");
    CHECK_INT(stats.rtt_ns_min, 400000, "exact minimum kept for machine output");
}

static void check_summary_counts_icmp_errors_as_received_without_rtt(void)
{
    struct format_stats stats = {0};
    struct format_summary summary;

    add(&stats, error_from("198.18.0.1", ECHO_DEST_HOST_UNREACHABLE));
    add(&stats, error_from("198.18.0.1", ECHO_TTL_EXPIRED_TRANSIT));
    add(&stats, send_failure(ECHO_GENERAL_FAILURE, EPERM));
    format_stats_summarize(&stats, &summary);
    CHECK_INT(summary.received, 2, "Reply from lines are received");
    CHECK_INT(summary.lost, 1, "a local failure is lost");
    CHECK_INT(summary.loss_percent, 33, "1 of 3");
    CHECK(!summary.has_rtt, "no success, no round-trip block");
    CHECK_INT(stats.succeeded, 0, "errors are not successes");
    CHECK_INT(stats.icmp_errors, 2, "icmp errors");
    CHECK_INT(stats.local_failures, 1, "local failures");
}

static void check_summary_of_nothing_sent_is_zero(void)
{
    struct format_stats stats = {0};
    struct format_summary summary;

    format_stats_summarize(&stats, &summary);
    CHECK_INT(summary.loss_percent, 0, "no division by zero");
    CHECK(!summary.has_rtt, "no rtt");
}

static void check_stats_count_corrupt_replies_and_notices(void)
{
    struct format_stats stats = {0};
    struct echo_outcome bad = reply_from("198.18.2.2", 100);
    struct echo_notice notice = {0};

    bad.data_match = false;
    add(&stats, bad);
    bad.data_match = true;
    bad.data_len = 16;
    add(&stats, bad);
    notice.kind = ECHO_NOTICE_DUPLICATE;
    format_stats_notice(&stats, &notice);
    notice.kind = ECHO_NOTICE_LATE;
    format_stats_notice(&stats, &notice);
    notice.kind = ECHO_NOTICE_MALFORMED;
    format_stats_notice(&stats, &notice);
    notice.kind = ECHO_NOTICE_AFTER_ERROR;
    format_stats_notice(&stats, &notice);
    CHECK_INT(stats.corrupt, 2, "changed payload and changed size are corrupt");
    CHECK_INT(stats.succeeded, 2, "but still echo replies");
    CHECK_INT(stats.duplicates + stats.late + stats.malformed + stats.after_error, 4,
              "one of each notice");
    CHECK_INT(stats.after_error, 1, "a reply after an ICMP error has its own count");
    CHECK_INT(stats.sent, 2, "notices are not requests");
}

static void check_classify(void)
{
    struct echo_outcome outcome = error_from("198.18.0.1", ECHO_GENERAL_FAILURE);

    CHECK_INT(format_classify(&outcome), FORMAT_CLASS_ICMP_ERROR, "a status with a responder");
    outcome.responder.ss_family = AF_UNSPEC;
    CHECK_INT(format_classify(&outcome), FORMAT_CLASS_LOCAL, "without a responder");
    outcome = send_failure(ECHO_PACKET_TOO_BIG, EMSGSIZE);
    CHECK_INT(format_classify(&outcome), FORMAT_CLASS_LOCAL, "a failed send");
    outcome = timeout();
    CHECK_INT(format_classify(&outcome), FORMAT_CLASS_TIMEOUT, "timeout");
}

static void check_header(const struct format_target *target, const char *expected)
{
    struct capture capture;

    capture_open(&capture);
    CHECK_INT(format_begin(capture.format, target), 0, "begin succeeds");
    CHECK_STR(capture_text(&capture), expected, "header");
    capture_close(&capture);
}

static void check_text_headers(void)
{
    struct format_target target = {
        .family = AF_INET, .typed = "198.18.1.2", .address = "198.18.1.2", .size = 32};

    check_header(&target, "\nPinging 198.18.1.2 with 32 bytes of data:\n");
    target.name = "server.lab";
    target.typed = "server";
    check_header(&target, "\nPinging server.lab [198.18.1.2] with 32 bytes of data:\n");
    target.source = "198.18.0.2";
    check_header(&target,
                 "\nPinging server.lab [198.18.1.2] from 198.18.0.2 with 32 bytes of data:\n");
    target.name = NULL;
    target.size = 0;
    check_header(&target, "\nPinging 198.18.1.2 from 198.18.0.2 with 0 bytes of data:\n");
    target =
        (struct format_target){.family = AF_INET6, .typed = "::1", .address = "::1", .size = 1400};
    check_header(&target, "\nPinging ::1 with 1400 bytes of data:\n");
}

/* Formats one outcome after an IPv4 or IPv6 header and returns the lines after the header. */
static void check_reply(int family, const struct format_reply *reply, const char *expected,
                        const char *what)
{
    struct format_target target = {
        .family = family,
        .typed = "t",
        .address = family == AF_INET ? "198.18.1.2" : "::1",
        .size = 32,
    };
    struct capture capture;
    size_t header;

    capture_open(&capture);
    format_begin(capture.format, &target);
    header = strlen(capture_text(&capture));
    CHECK_INT(format_outcome(capture.format, reply), 0, "outcome succeeds: %s", what);
    CHECK_STR(capture_text(&capture) + header, expected, "%s", what);
    capture_close(&capture);
}

static void check_one(int family, struct echo_outcome outcome, const char *expected)
{
    struct format_reply reply = {.outcome = &outcome, .request = 1};

    check_reply(family, &reply, expected, expected);
}

static void check_text_replies(void)
{
    struct echo_outcome outcome;
    struct format_reply reply = {.outcome = &outcome, .request = 1};

    check_one(AF_INET, reply_from("198.18.1.2", 999),
              "Reply from 198.18.1.2: bytes=32 time<1ms TTL=64\n");
    check_one(AF_INET, reply_from("198.18.1.2", 12999),
              "Reply from 198.18.1.2: bytes=32 time=12ms TTL=64\n");
    check_one(AF_INET6, reply_from("2001:db8:1::2", 1000), "Reply from 2001:db8:1::2: time=1ms\n");
    check_one(AF_INET6, reply_from("::1", 10), "Reply from ::1: time<1ms\n");

    outcome = reply_from("198.18.2.2", 2000);
    outcome.data_len = 64;
    outcome.sent_size = 1000;
    check_reply(AF_INET, &reply, "Reply from 198.18.2.2: bytes=64 (sent 1000) time=2ms TTL=64\n",
                "a reply of another size shows what was sent");
    check_reply(AF_INET6, &reply, "Reply from 198.18.2.2: bytes=64 (sent 1000) time=2ms\n",
                "IPv6 shows bytes only when the size differs");
}

static void check_text_status_lines(void)
{
    static const struct {
        uint32_t status;
        const char *line;
    } table[] = {
        {ECHO_DEST_NET_UNREACHABLE, "Reply from 198.18.0.1: Destination net unreachable.\n"},
        {ECHO_DEST_HOST_UNREACHABLE, "Reply from 198.18.0.1: Destination host unreachable.\n"},
        {ECHO_DEST_PROT_UNREACHABLE, "Reply from 198.18.0.1: Destination protocol unreachable.\n"},
        {ECHO_DEST_PORT_UNREACHABLE, "Reply from 198.18.0.1: Destination port unreachable.\n"},
        {ECHO_PACKET_TOO_BIG, "Reply from 198.18.0.1: Packet needs to be fragmented but DF set.\n"},
        {ECHO_TTL_EXPIRED_TRANSIT, "Reply from 198.18.0.1: TTL expired in transit.\n"},
        {ECHO_TTL_EXPIRED_REASSEM,
         "Reply from 198.18.0.1: TTL expired during fragment reassembly.\n"},
        {ECHO_PARAM_PROBLEM, "Reply from 198.18.0.1: Parameter problem.\n"},
        {ECHO_SOURCE_QUENCH, "Reply from 198.18.0.1: Source quench.\n"},
        {ECHO_DEST_SCOPE_MISMATCH, "Reply from 198.18.0.1: Destination scope mismatch.\n"},
        {ECHO_BAD_ROUTE, "Reply from 198.18.0.1: Bad route.\n"},
        {12345, "Reply from 198.18.0.1: Unknown IP status 12345.\n"},
    };

    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        check_one(AF_INET, error_from("198.18.0.1", table[i].status), table[i].line);
    check_one(AF_INET6, error_from("2001:db8::1", ECHO_DEST_NET_UNREACHABLE),
              "Reply from 2001:db8::1: Destination net unreachable.\n");
}

static void check_text_failures(void)
{
    struct echo_outcome bare = error_from("198.18.0.1", ECHO_GENERAL_FAILURE);

    bare.responder.ss_family = AF_UNSPEC;
    check_one(AF_INET, timeout(), "Request timed out.\n");
    check_one(AF_INET, send_failure(ECHO_GENERAL_FAILURE, EPERM), "General failure.\n");
    check_one(AF_INET, send_failure(ECHO_GENERAL_FAILURE, EACCES), "General failure.\n");
    check_one(AF_INET, send_failure(ECHO_PACKET_TOO_BIG, EMSGSIZE),
              "Packet needs to be fragmented but DF set.\n");
    check_one(AF_INET, send_failure(ECHO_GENERAL_FAILURE, ENETUNREACH),
              "PING: transmit failed. General failure.\n");
    check_one(AF_INET6, send_failure(ECHO_GENERAL_FAILURE, EADDRNOTAVAIL),
              "PING: transmit failed. General failure.\n");
    check_one(AF_INET, bare, "General failure.\n");
}

static void check_text_record_route_and_timestamp(void)
{
    struct echo_outcome outcome = reply_from("198.18.1.2", 1000);
    struct echo_ipopt_route route = {ECHO_IPOPT_RECORD_ROUTE, 3, {0}, {0}, false, 0};
    struct echo_ipopt_route stamps = {ECHO_IPOPT_TIMESTAMP, 2, {0}, {0}, true, 0};
    struct echo_ipopt_route one = {ECHO_IPOPT_RECORD_ROUTE, 1, {0}, {0}, false, 0};
    struct format_reply reply = {.outcome = &outcome, .route = &route, .request = 1};

    inet_pton(AF_INET, "198.18.1.1", &route.address[0]);
    inet_pton(AF_INET, "198.18.1.2", &route.address[1]);
    inet_pton(AF_INET, "198.18.0.1", &route.address[2]);
    check_reply(AF_INET, &reply,
                "Reply from 198.18.1.2: bytes=32 time=1ms TTL=64\n"
                "    Route: 198.18.1.1 ->\n"
                "           198.18.1.2 ->\n"
                "           198.18.0.1\n",
                "record route");

    inet_pton(AF_INET, "198.18.1.1", &stamps.address[0]);
    inet_pton(AF_INET, "198.18.1.2", &stamps.address[1]);
    stamps.timestamp[0] = 20373459;
    stamps.timestamp[1] = 20373460;
    reply.route = NULL;
    reply.timestamp = &stamps;
    check_reply(AF_INET, &reply,
                "Reply from 198.18.1.2: bytes=32 time=1ms TTL=64\n"
                "    Timestamp: 198.18.1.1 : 20373459 ->\n"
                "               198.18.1.2 : 20373460\n",
                "timestamp");

    inet_pton(AF_INET, "198.18.0.1", &one.address[0]);
    reply.route = &one;
    reply.timestamp = NULL;
    check_reply(AF_INET, &reply,
                "Reply from 198.18.1.2: bytes=32 time=1ms TTL=64\n"
                "    Route: 198.18.0.1\n",
                "a single recorded hop has no arrow");
    one.count = 0;
    check_reply(AF_INET, &reply, "Reply from 198.18.1.2: bytes=32 time=1ms TTL=64\n",
                "an empty route prints no Route line");
}

static const char *statistics_of(struct capture *capture, const struct format_stats *stats)
{
    struct format_target target = {
        .family = AF_INET, .typed = "198.18.1.2", .address = "198.18.1.2", .size = 32};
    struct format_end end = {true, FORMAT_REASON_COMPLETED, 0, NULL};
    size_t header;

    format_begin(capture->format, &target);
    header = strlen(capture_text(capture));
    CHECK_INT(format_statistics(capture->format, stats, &end), 0, "statistics succeed");
    return capture_text(capture) + header;
}

static void check_text_statistics(void)
{
    struct format_stats stats = {0};
    struct capture capture;

    capture_open(&capture);
    add(&stats, reply_from("198.18.1.2", 22000));
    add(&stats, timeout());
    add(&stats, reply_from("198.18.1.2", 25000));
    CHECK_STR(statistics_of(&capture, &stats),
              "\nPing statistics for 198.18.1.2:\n"
              "    Packets: Sent = 3, Received = 2, Lost = 1 (33% loss),\n"
              "Approximate round trip times in milli-seconds:\n"
              "    Minimum = 22ms, Maximum = 25ms, Average = 23ms\n",
              "statistics with a round-trip block");
    capture_close(&capture);

    memset(&stats, 0, sizeof(stats));
    capture_open(&capture);
    add(&stats, error_from("198.18.0.1", ECHO_DEST_HOST_UNREACHABLE));
    add(&stats, timeout());
    CHECK_STR(statistics_of(&capture, &stats),
              "\nPing statistics for 198.18.1.2:\n"
              "    Packets: Sent = 2, Received = 1, Lost = 1 (50% loss),\n",
              "no round-trip block without a success");
    capture_close(&capture);

    memset(&stats, 0, sizeof(stats));
    capture_open(&capture);
    CHECK_STR(statistics_of(&capture, &stats), "", "nothing sent, nothing printed");
    capture_close(&capture);
}

static void check_text_interrupts_and_notices(void)
{
    struct capture capture;
    struct echo_notice notice = {0};
    struct format_notice event = {&notice, 1, {0, 0}, NULL};

    capture_open(&capture);
    notice.kind = ECHO_NOTICE_DUPLICATE;
    CHECK_INT(format_notice(capture.format, &event), 0, "notice");
    CHECK_STR(capture_text(&capture) ? capture_text(&capture) : "", "", "notices print nothing");
    format_interrupt(capture.format, FORMAT_CONTROL_BREAK);
    format_interrupt(capture.format, FORMAT_TERMINATED);
    format_interrupt(capture.format, FORMAT_CONTROL_C);
    CHECK_STR(capture_text(&capture), "Control-Break\nControl-C\n",
              "SIGTERM prints nothing of its own");
    capture_close(&capture);
}

static void check_text_reports_write_failure(void)
{
    FILE *full = fopen("/dev/full", "w");
    struct format *format;
    struct format_target target = {
        .family = AF_INET, .typed = "198.18.1.2", .address = "198.18.1.2", .size = 32};

    if (full == NULL) {
        CHECK(full != NULL, "/dev/full: %s", strerror(errno));
        return;
    }
    /* Unbuffered, so that the failure comes at the call: formatters never flush themselves. */
    setvbuf(full, NULL, _IONBF, 0);
    format = format_text_new(full, 0);
    CHECK_INT(format_begin(format, &target), -1, "a full device fails the header");
    CHECK_INT(format_interrupt(format, FORMAT_CONTROL_C), -1, "and every later line");
    format_free(format);
    fclose(full);
}

/* 2026-11-21T12:04:33.123456Z */
static const struct timespec stamp_time = {1795262673, 123456789};

/* Formats one outcome with --timestamp in time zone TZ and returns the lines after the
 * header. */
static void check_stamped(const char *tz, const struct format_reply *reply, const char *expected)
{
    struct format_target target = {
        .family = AF_INET, .typed = "t", .address = "198.18.1.2", .size = 32};
    struct capture capture;
    size_t header;

    setenv("TZ", tz, 1);
    tzset();
    capture_open(&capture);
    format_free(capture.format);
    capture.format = format_text_new(capture.stream, FORMAT_TEXT_TIMESTAMP);
    format_begin(capture.format, &target);
    header = strlen(capture_text(&capture));
    CHECK_INT(format_outcome(capture.format, reply), 0, "outcome succeeds in %s", tz);
    CHECK_STR(capture_text(&capture) + header, expected, "TZ=%s", tz);
    capture_close(&capture);
}

static void check_text_timestamp_is_local_iso_8601_with_milliseconds(void)
{
    struct echo_outcome outcome = reply_from("198.18.1.2", 2500);
    struct echo_ipopt_route route = {ECHO_IPOPT_RECORD_ROUTE, 1, {0}, {0}, false, 0};
    struct format_reply reply = {.outcome = &outcome, .request = 1, .known_at = stamp_time};
    struct echo_outcome lost = timeout();
    struct format_reply lost_reply = {.outcome = &lost, .request = 2, .known_at = stamp_time};

    check_stamped("UTC0", &reply,
                  "[2026-11-21T12:04:33.123+00:00] Reply from 198.18.1.2: bytes=32 time=2ms "
                  "TTL=64\n");
    check_stamped("<+0530>-5:30", &reply,
                  "[2026-11-21T17:34:33.123+05:30] Reply from 198.18.1.2: bytes=32 time=2ms "
                  "TTL=64\n");
    check_stamped("<-03>3", &lost_reply, "[2026-11-21T09:04:33.123-03:00] Request timed out.\n");
    inet_pton(AF_INET, "198.18.1.1", &route.address[0]);
    reply.route = &route;
    check_stamped("UTC0", &reply,
                  "[2026-11-21T12:04:33.123+00:00] Reply from 198.18.1.2: bytes=32 time=2ms "
                  "TTL=64\n"
                  "    Route: 198.18.1.1\n");
    unsetenv("TZ");
    tzset();
}

/* A JSON formatter writing to memory. */
static void json_open_capture(struct capture *capture)
{
    capture->buffer = NULL;
    capture->size = 0;
    capture->stream = open_memstream(&capture->buffer, &capture->size);
    capture->format = format_json_new(capture->stream);
}

/* The text written since `from`, with the value of every "timestamp" member of a summary or
 * interim object (the time it was made) replaced by "T". */
static const char *json_since(struct capture *capture, size_t from, char *out, size_t size)
{
    const char *text = capture_text(capture) + from;
    const char *key = "\"timestamp\":\"";
    const char *at = strstr(text, key);

    if (at == NULL ||
        (strstr(text, "\"summary\"") == NULL && strstr(text, "\"interim\"") == NULL)) {
        snprintf(out, size, "%s", text);
        return out;
    }
    const char *end = strchr(at + strlen(key), '"');
    snprintf(out, size, "%.*sT%s", (int)(at - text + (long)strlen(key)), text, end);
    return out;
}

static const struct format_target json_target = {
    .family = AF_INET,
    .typed = "server",
    .name = "server.lab",
    .address = "198.18.1.2",
    .size = 32,
    .ttl = 0,
    .tos = -1,
    .timeout_ms = 500,
    .interval_ms = 200,
    .count = 3,
    .has_socket = true,
    .socket = ECHO_SOCKET_DGRAM,
    .started = {1795262673, 1000},
};

static void check_json_start_object_has_every_member(void)
{
    struct capture capture;
    struct format_target target = json_target;
    char got[2048];

    json_open_capture(&capture);
    CHECK_INT(format_begin(capture.format, &target), 0, "start");
    CHECK_STR(
        json_since(&capture, 0, got, sizeof(got)),
        "{\"type\":\"start\",\"schema_version\":1,\"timestamp\":\"2026-11-21T12:04:33.000001Z\","
        "\"target\":\"server\",\"name\":\"server.lab\",\"address\":\"198.18.1.2\","
        "\"family\":4,\"size\":32,\"ttl\":null,\"tos\":null,\"timeout_ms\":500,"
        "\"interval_ms\":200,\"count\":3,\"deadline_ms\":null,\"source\":null,"
        "\"socket\":\"dgram\"}\n",
        "start with defaults");
    capture_close(&capture);

    target = (struct format_target){
        .family = AF_INET6,
        .typed = "2001:db8::2",
        .address = "2001:db8::2",
        .source = "2001:db8::1",
        .size = 0,
        .ttl = 7,
        .tos = 184,
        .timeout_ms = 4000,
        .interval_ms = 0,
        .count = 0,
        .deadline_ms = 1500,
        .has_socket = false,
        .started = {0, 999999999},
    };
    json_open_capture(&capture);
    CHECK_INT(format_begin(capture.format, &target), 0, "start");
    CHECK_STR(
        json_since(&capture, 0, got, sizeof(got)),
        "{\"type\":\"start\",\"schema_version\":1,\"timestamp\":\"1970-01-01T00:00:00.999999Z\","
        "\"target\":\"2001:db8::2\",\"name\":null,\"address\":\"2001:db8::2\","
        "\"family\":6,\"size\":0,\"ttl\":7,\"tos\":184,\"timeout_ms\":4000,"
        "\"interval_ms\":0,\"count\":null,\"deadline_ms\":1500,"
        "\"source\":\"2001:db8::1\",\"socket\":null}\n",
        "start with every option set and no socket");
    capture_close(&capture);
}

/* Formats one outcome after the JSON start object and compares the line. */
static void check_json_line(const struct format_reply *reply, const char *expected)
{
    struct capture capture;
    char got[2048];
    size_t header;

    json_open_capture(&capture);
    format_begin(capture.format, &json_target);
    header = strlen(capture_text(&capture));
    CHECK_INT(format_outcome(capture.format, reply), 0, "outcome succeeds");
    CHECK_STR(json_since(&capture, header, got, sizeof(got)), expected, "outcome object");
    capture_close(&capture);
}

static void check_json_outcome_objects(void)
{
    struct echo_outcome outcome = reply_from("198.18.1.2", 42);
    struct format_reply reply = {.outcome = &outcome, .request = 7};

    outcome.sequence = 7;
    outcome.sent_at = stamp_time;
    outcome.ttl = 63;
    outcome.rtt_ns = 42499; /* rounds to 42 us */
    check_json_line(&reply, "{\"type\":\"reply\",\"seq\":7,\"icmp_seq\":7,"
                            "\"timestamp\":\"2026-11-21T12:04:33.123456Z\",\"status\":0,"
                            "\"status_name\":\"IP_SUCCESS\","
                            "\"message\":\"Reply from 198.18.1.2: bytes=32 time<1ms TTL=63\","
                            "\"responder\":\"198.18.1.2\",\"bytes\":32,\"ttl\":63,\"rtt_ms\":0.042,"
                            "\"clock\":\"kernel-tx/kernel-rx\"}\n");

    outcome.rtt_ns = 12345500; /* rounds to 12.346 ms */
    outcome.data_match = false;
    outcome.sequence = 0;
    reply.request = 65536;
    check_json_line(&reply, "{\"type\":\"corrupt\",\"seq\":65536,\"icmp_seq\":0,"
                            "\"timestamp\":\"2026-11-21T12:04:33.123456Z\",\"status\":0,"
                            "\"status_name\":\"IP_SUCCESS\","
                            "\"message\":\"Reply from 198.18.1.2: bytes=32 time=12ms TTL=63\","
                            "\"responder\":\"198.18.1.2\",\"bytes\":32,\"ttl\":63,\"rtt_ms\":12."
                            "346,\"clock\":\"kernel-tx/kernel-rx\","
                            "\"sent_bytes\":32,\"payload_match\":false}\n");

    outcome.data_match = true;
    outcome.data_len = 16;
    outcome.sequence = 1;
    reply.request = 1;
    check_json_line(&reply,
                    "{\"type\":\"corrupt\",\"seq\":1,\"icmp_seq\":1,"
                    "\"timestamp\":\"2026-11-21T12:04:33.123456Z\",\"status\":0,"
                    "\"status_name\":\"IP_SUCCESS\","
                    "\"message\":\"Reply from 198.18.1.2: bytes=16 (sent 32) time=12ms TTL=63\","
                    "\"responder\":\"198.18.1.2\",\"bytes\":16,\"ttl\":63,\"rtt_ms\":12.346,"
                    "\"clock\":\"kernel-tx/kernel-rx\","
                    "\"sent_bytes\":32,\"payload_match\":false}\n");

    outcome = error_from("198.18.0.1", ECHO_DEST_HOST_UNREACHABLE);
    outcome.sequence = 2;
    outcome.sent_at = stamp_time;
    outcome.ttl = -1;
    outcome.rtt_ns = 1000;
    reply.request = 2;
    check_json_line(&reply, "{\"type\":\"icmp_error\",\"seq\":2,\"icmp_seq\":2,"
                            "\"timestamp\":\"2026-11-21T12:04:33.123456Z\",\"status\":11003,"
                            "\"status_name\":\"IP_DEST_HOST_UNREACHABLE\","
                            "\"message\":\"Reply from 198.18.0.1: Destination host unreachable.\","
                            "\"responder\":\"198.18.0.1\",\"bytes\":null,\"ttl\":null,\"rtt_ms\":0."
                            "001,\"clock\":\"user/kernel-rx\"}\n");

    outcome = timeout();
    outcome.sequence = 3;
    outcome.sent_at = stamp_time;
    reply.request = 3;
    check_json_line(
        &reply, "{\"type\":\"timeout\",\"seq\":3,\"icmp_seq\":3,"
                "\"timestamp\":\"2026-11-21T12:04:33.123456Z\",\"status\":11010,"
                "\"status_name\":\"IP_REQ_TIMED_OUT\",\"message\":\"Request timed out.\","
                "\"responder\":null,\"bytes\":null,\"ttl\":null,\"rtt_ms\":null,\"clock\":null}\n");

    outcome = send_failure(ECHO_GENERAL_FAILURE, EPERM);
    outcome.sequence = 4;
    outcome.sent_at = stamp_time;
    reply.request = 4;
    check_json_line(&reply,
                    "{\"type\":\"send_failure\",\"seq\":4,\"icmp_seq\":4,"
                    "\"timestamp\":\"2026-11-21T12:04:33.123456Z\",\"status\":11050,"
                    "\"status_name\":\"IP_GENERAL_FAILURE\",\"message\":\"General failure.\","
                    "\"responder\":null,\"bytes\":null,\"ttl\":null,\"rtt_ms\":null,\"clock\":null,"
                    "\"errno\":\"EPERM\"}\n");
}

static void check_json_reply_with_route_and_timestamps(void)
{
    struct echo_outcome outcome = reply_from("198.18.1.2", 1000);
    struct echo_ipopt_route route = {ECHO_IPOPT_RECORD_ROUTE, 2, {0}, {0}, false, 0};
    struct echo_ipopt_route stamps = {ECHO_IPOPT_TIMESTAMP, 1, {0}, {20373459}, true, 2};
    struct format_reply reply = {
        .outcome = &outcome, .route = &route, .timestamp = &stamps, .request = 1};

    outcome.sequence = 1;
    outcome.sent_at = stamp_time;
    inet_pton(AF_INET, "198.18.1.1", &route.address[0]);
    inet_pton(AF_INET, "198.18.0.1", &route.address[1]);
    inet_pton(AF_INET, "198.18.1.2", &stamps.address[0]);
    check_json_line(&reply, "{\"type\":\"reply\",\"seq\":1,\"icmp_seq\":1,"
                            "\"timestamp\":\"2026-11-21T12:04:33.123456Z\",\"status\":0,"
                            "\"status_name\":\"IP_SUCCESS\","
                            "\"message\":\"Reply from 198.18.1.2: bytes=32 time=1ms TTL=64\","
                            "\"responder\":\"198.18.1.2\",\"bytes\":32,\"ttl\":64,\"rtt_ms\":1.000,"
                            "\"clock\":\"kernel-tx/kernel-rx\","
                            "\"route\":[\"198.18.1.1\",\"198.18.0.1\"],"
                            "\"ip_timestamps\":{\"entries\":[{\"address\":\"198.18.1.2\","
                            "\"ms\":20373459}],\"overflow\":2}}\n");

    stamps.has_address = false;
    stamps.count = 2;
    stamps.timestamp[1] = 5;
    reply.route = NULL;
    check_json_line(&reply, "{\"type\":\"reply\",\"seq\":1,\"icmp_seq\":1,"
                            "\"timestamp\":\"2026-11-21T12:04:33.123456Z\",\"status\":0,"
                            "\"status_name\":\"IP_SUCCESS\","
                            "\"message\":\"Reply from 198.18.1.2: bytes=32 time=1ms TTL=64\","
                            "\"responder\":\"198.18.1.2\",\"bytes\":32,\"ttl\":64,\"rtt_ms\":1.000,"
                            "\"clock\":\"kernel-tx/kernel-rx\","
                            "\"ip_timestamps\":{\"entries\":[{\"address\":null,\"ms\":20373459},"
                            "{\"address\":null,\"ms\":5}],\"overflow\":2}}\n");
}

static void check_json_notice_objects(void)
{
    struct capture capture;
    struct echo_notice notice = {0};
    struct format_notice event = {&notice, 5, stamp_time, NULL};
    char got[2048];
    size_t header;

    json_open_capture(&capture);
    format_begin(capture.format, &json_target);
    header = strlen(capture_text(&capture));
    notice.kind = ECHO_NOTICE_DUPLICATE;
    notice.sequence = 5;
    set_v4(&notice.responder, "198.18.2.2");
    notice.rtt_ns = 1500;
    notice.clock = ECHO_CLOCK_USER;
    notice.ttl = 63;
    notice.data_len = 32;
    notice.data_match = true;
    CHECK_INT(format_notice(capture.format, &event), 0, "duplicate");
    CHECK_STR(json_since(&capture, header, got, sizeof(got)),
              "{\"type\":\"duplicate\",\"seq\":5,\"icmp_seq\":5,"
              "\"timestamp\":\"2026-11-21T12:04:33.123456Z\",\"status\":0,"
              "\"status_name\":\"IP_SUCCESS\",\"message\":null,\"responder\":\"198.18.2.2\","
              "\"bytes\":32,\"ttl\":63,\"rtt_ms\":0.002,\"clock\":\"user/"
              "user\",\"payload_match\":true}\n",
              "duplicate");
    header = strlen(capture_text(&capture));
    notice.kind = ECHO_NOTICE_LATE;
    notice.rtt_ns = 1050000000;
    notice.clock = ECHO_CLOCK_USER_KERNEL_RX;
    notice.data_match = false;
    CHECK_INT(format_notice(capture.format, &event), 0, "late");
    CHECK_STR(json_since(&capture, header, got, sizeof(got)),
              "{\"type\":\"late\",\"seq\":5,\"icmp_seq\":5,"
              "\"timestamp\":\"2026-11-21T12:04:33.123456Z\",\"status\":0,"
              "\"status_name\":\"IP_SUCCESS\",\"message\":null,\"responder\":\"198.18.2.2\","
              "\"bytes\":32,\"ttl\":63,\"rtt_ms\":1050.000,\"clock\":\"user/"
              "kernel-rx\",\"payload_match\":false}\n",
              "late");
    header = strlen(capture_text(&capture));
    notice.kind = ECHO_NOTICE_AFTER_ERROR;
    notice.rtt_ns = 2000;
    notice.data_match = true;
    CHECK_INT(format_notice(capture.format, &event), 0, "reply after error");
    CHECK_STR(json_since(&capture, header, got, sizeof(got)),
              "{\"type\":\"reply_after_error\",\"seq\":5,\"icmp_seq\":5,"
              "\"timestamp\":\"2026-11-21T12:04:33.123456Z\",\"status\":0,"
              "\"status_name\":\"IP_SUCCESS\",\"message\":null,\"responder\":\"198.18.2.2\","
              "\"bytes\":32,\"ttl\":63,\"rtt_ms\":0.002,\"clock\":\"user/kernel-rx\","
              "\"payload_match\":true}\n",
              "a reply after the request's ICMP error: an echo reply, its own type");
    header = strlen(capture_text(&capture));
    notice.kind = ECHO_NOTICE_MALFORMED;
    notice.rtt_ns = 0;
    notice.data_match = false;
    notice.ttl = -1;
    notice.data_len = 3;
    event.request = 0;
    CHECK_INT(format_notice(capture.format, &event), 0, "malformed");
    CHECK_STR(json_since(&capture, header, got, sizeof(got)),
              "{\"type\":\"malformed\",\"seq\":null,\"icmp_seq\":5,"
              "\"timestamp\":\"2026-11-21T12:04:33.123456Z\",\"status\":null,"
              "\"status_name\":null,\"message\":null,\"responder\":\"198.18.2.2\","
              "\"bytes\":3,\"ttl\":null,\"rtt_ms\":null,\"clock\":null,\"payload_match\":false}\n",
              "malformed: no request, no status");
    capture_close(&capture);
}

static void check_json_summary_and_interim(void)
{
    struct capture capture;
    struct format_stats stats = {0};
    struct format_end end = {true, FORMAT_REASON_SIGINT, 0, NULL};
    struct echo_outcome bad = reply_from("198.18.1.2", 3000);
    struct echo_notice notice = {0};
    char got[2048];
    size_t header;

    stats.histogram = format_histogram_new();
    CHECK(stats.histogram != NULL, "histogram");
    if (stats.histogram == NULL)
        return;
    add(&stats, reply_from("198.18.1.2", 1000));
    add(&stats, timeout());
    add(&stats, reply_from("198.18.1.2", 2000));
    bad.data_match = false;
    add(&stats, bad);
    add(&stats, error_from("198.18.0.1", ECHO_DEST_NET_UNREACHABLE));
    add(&stats, send_failure(ECHO_GENERAL_FAILURE, EPERM));
    notice.kind = ECHO_NOTICE_DUPLICATE;
    format_stats_notice(&stats, &notice);
    format_stats_notice(&stats, &notice);
    notice.kind = ECHO_NOTICE_LATE;
    format_stats_notice(&stats, &notice);
    notice.kind = ECHO_NOTICE_AFTER_ERROR;
    format_stats_notice(&stats, &notice);

    json_open_capture(&capture);
    format_begin(capture.format, &json_target);
    header = strlen(capture_text(&capture));
    CHECK_INT(format_statistics(capture.format, &stats, &end), 0, "summary");
    /* RTTs 1, 2, 3 ms: mean 2, population deviation sqrt(2/3) = 0.816 ms; jitter
     * 1/16 = 0.0625, then 0.0625 + (1 - 0.0625) / 16 = 0.12109375 ms; loss 3 of 6 = 50 %. */
    CHECK_STR(json_since(&capture, header, got, sizeof(got)),
              "{\"type\":\"summary\",\"timestamp\":\"T\",\"reason\":\"sigint\",\"sent\":6,"
              "\"replies\":2,\"corrupt\":1,\"icmp_errors\":1,\"timeouts\":1,\"send_failures\":1,"
              "\"duplicates\":2,\"late\":1,\"malformed\":0,\"replies_after_error\":1,"
              "\"loss_percent\":50,"
              "\"rtt_ms\":{\"min\":1.000,\"avg\":2.000,\"max\":3.000,\"stddev\":0.816,"
              "\"median\":2.000,\"p90\":3.000,\"p99\":3.000},\"jitter_ms\":0.121,"
              "\"exit_status\":0}\n",
              "summary");
    CHECK_INT(format_interrupt(capture.format, FORMAT_CONTROL_C), 0, "interrupt");
    header = strlen(capture_text(&capture));
    CHECK_STR(capture_text(&capture) + header, "", "no line for the interruption itself");

    end = (struct format_end){false, FORMAT_REASON_SIGQUIT, 1, NULL};
    format_histogram_free(stats.histogram);
    memset(&stats, 0, sizeof(stats));
    add(&stats, error_from("198.18.0.1", ECHO_DEST_NET_UNREACHABLE));
    add(&stats, timeout());
    add(&stats, timeout());
    CHECK_INT(format_statistics(capture.format, &stats, &end), 0, "interim");
    CHECK_STR(json_since(&capture, header, got, sizeof(got)),
              "{\"type\":\"interim\",\"timestamp\":\"T\",\"reason\":\"sigquit\",\"sent\":3,"
              "\"replies\":0,\"corrupt\":0,\"icmp_errors\":1,\"timeouts\":2,\"send_failures\":0,"
              "\"duplicates\":0,\"late\":0,\"malformed\":0,\"replies_after_error\":0,"
              "\"loss_percent\":100,"
              "\"rtt_ms\":null,\"jitter_ms\":null,\"exit_status\":1}\n",
              "interim without replies: no rtt, no jitter, ICMP errors are lost");

    header = strlen(capture_text(&capture));
    end = (struct format_end){true, FORMAT_REASON_COMPLETED, 1, NULL};
    memset(&stats, 0, sizeof(stats));
    CHECK_INT(format_statistics(capture.format, &stats, &end), 0, "summary of nothing");
    CHECK_STR(json_since(&capture, header, got, sizeof(got)),
              "{\"type\":\"summary\",\"timestamp\":\"T\",\"reason\":\"completed\",\"sent\":0,"
              "\"replies\":0,\"corrupt\":0,\"icmp_errors\":0,\"timeouts\":0,\"send_failures\":0,"
              "\"duplicates\":0,\"late\":0,\"malformed\":0,\"replies_after_error\":0,"
              "\"loss_percent\":0,\"rtt_ms\":null,\"jitter_ms\":null,\"exit_status\":1}\n",
              "a summary is written even when nothing was sent");
    capture_close(&capture);
}

static void check_json_summary_time_is_rfc_3339_utc(void)
{
    struct capture capture;
    struct format_stats stats = {0};
    struct format_end end = {true, FORMAT_REASON_DEADLINE, 1, NULL};
    const char *text, *at;
    int year, month, day, hour, minute, second, micro, length = 0;

    json_open_capture(&capture);
    format_statistics(capture.format, &stats, &end);
    text = capture_text(&capture);
    at = strstr(text, "\"timestamp\":\"");
    CHECK(at != NULL, "summary has a timestamp: %s", text);
    if (at != NULL) {
        int fields = sscanf(at, "\"timestamp\":\"%4d-%2d-%2dT%2d:%2d:%2d.%6dZ\"%n", &year, &month,
                            &day, &hour, &minute, &second, &micro, &length);
        CHECK_INT(fields, 7, "RFC 3339 with microseconds and Z: %s", at);
        CHECK_INT(length, (int)strlen("\"timestamp\":\"2026-11-21T12:04:33.123456Z\""),
                  "exactly 6 decimals: %s", at);
    }
    CHECK(strstr(text, "\"reason\":\"deadline\"") != NULL, "reason deadline: %s", text);
    capture_close(&capture);
}

static void check_json_strings_are_escaped_and_valid_utf8(void)
{
    struct capture capture;
    struct format_target target = json_target;
    char got[2048];

    /* A quote, a backslash, a tab, a newline, another control, é in UTF-8, a stray 0xff
     * and a truncated sequence. */
    target.typed = "a\"b\\c\td\ne\x01"
                   "\xc3\xa9"
                   "\xff"
                   "\xe2\x82";
    target.name = NULL;
    json_open_capture(&capture);
    format_begin(capture.format, &target);
    json_since(&capture, 0, got, sizeof(got));
    CHECK(strstr(got, "\"target\":\"a\\\"b\\\\c\\td\\ne\\u0001\xc3\xa9\\ufffd\\ufffd\\ufffd\"") !=
              NULL,
          "escaped: %s", got);
    capture_close(&capture);
}

static void check_json_error_object(void)
{
    char *buffer = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&buffer, &size);

    CHECK_INT(format_json_error(stream, "usage", "Bad option -x.", 2), 0, "error");
    CHECK_INT(format_json_error(stream, "permission", "line one\nline \"two\"", 2), 0, "error");
    fflush(stream);
    CHECK_STR(buffer,
              "{\"type\":\"error\",\"kind\":\"usage\",\"message\":\"Bad option -x.\","
              "\"exit_status\":2}\n"
              "{\"type\":\"error\",\"kind\":\"permission\",\"message\":\"line one\\nline "
              "\\\"two\\\"\",\"exit_status\":2}\n",
              "error objects");
    fclose(stream);
    free(buffer);
}

static void check_json_reports_write_failure(void)
{
    FILE *full = fopen("/dev/full", "w");
    struct format *format;

    if (full == NULL) {
        CHECK(full != NULL, "/dev/full: %s", strerror(errno));
        return;
    }
    setvbuf(full, NULL, _IONBF, 0);
    format = format_json_new(full);
    CHECK_INT(format_begin(format, &json_target), -1, "a full device fails the start object");
    CHECK_INT(format_json_error(full, "output", "x", 2), -1, "and an error object");
    format_free(format);
    fclose(full);
}

/* Values added in increasing order: the n-th is the value of rank n, so every value's bucket
 * midpoint can be read back. Each is within 256 ns below 2^19 ns and within 2^-11 of the
 * value above (with the output's rounding to whole microseconds: 1 us or 0.1 %). */
static void check_histogram_precision(void)
{
    struct format_histogram *histogram = format_histogram_new();
    uint64_t value, rank = 0;
    unsigned bad = 0;

    CHECK(histogram != NULL, "histogram");
    if (histogram == NULL)
        return;
    CHECK_INT(format_histogram_rank(histogram, 1), 0, "empty: rank 1 is 0");
    /* Growing by 0.7 % (plus 1): every power of two from 1 ns to 2^52 ns, both edges of
     * the linear part, about 5000 values. */
    for (value = 0; value < (UINT64_C(1) << 52); value += value / 137 + 1) {
        uint64_t got, error, allowed;

        format_histogram_add(histogram, value);
        got = format_histogram_rank(histogram, ++rank);
        error = got > value ? got - value : value - got;
        allowed = value < (UINT64_C(1) << 19) ? 256 : value >> 11;
        if (error > allowed && bad++ < 5)
            CHECK(error <= allowed, "value %" PRIu64 " read back as %" PRIu64, value, got);
    }
    CHECK_INT(bad, 0, "values outside the bound");
    CHECK(rank > 4000, "covered %" PRIu64 " values", rank);
    CHECK_INT(format_histogram_rank(histogram, rank + 1), 0, "beyond the count: 0");
    format_histogram_add(histogram, UINT64_MAX);
    CHECK(format_histogram_rank(histogram, rank + 1) >= (UINT64_C(1) << 52),
          "a huge value lands in the last bucket");
    format_histogram_free(histogram);
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Pseudo-random RTTs over six decades (a fixed LCG: the same every run). */
static uint64_t next_rtt(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005u + 1442695040888963407u;
    uint64_t r = *seed >> 33;
    uint64_t decade = r % 6;
    uint64_t base = 10000;

    while (decade-- > 0)
        base *= 10;
    return base + (r >> 3) % (base * 9);
}

static bool within_bound(double got, double want)
{
    double error = fabs(got - want);

    return error <= 256.0 || error <= want / 2048.0;
}

static void check_precise_statistics_against_the_sorted_values(void)
{
    enum { N = 20001 };
    static uint64_t values[N];
    struct format_stats stats = {0};
    struct format_precise precise;
    uint64_t seed = 42, previous = 0;
    double sum = 0, squares = 0, jitter = 0, mean;

    stats.histogram = format_histogram_new();
    CHECK(stats.histogram != NULL, "histogram");
    if (stats.histogram == NULL)
        return;
    for (int i = 0; i < N; i++) {
        values[i] = next_rtt(&seed);
        sum += (double)values[i];
        if (i > 0)
            jitter += (fabs((double)values[i] - (double)previous) - jitter) / 16.0;
        previous = values[i];
        struct echo_outcome outcome = reply_from("198.18.1.2", 0);
        outcome.rtt_ns = values[i];
        add(&stats, outcome);
        if (i % 4 == 0)
            add(&stats, timeout());
    }
    mean = sum / N;
    for (int i = 0; i < N; i++)
        squares += ((double)values[i] - mean) * ((double)values[i] - mean);
    qsort(values, N, sizeof(values[0]), compare_u64);

    format_stats_precise(&stats, &precise);
    CHECK(precise.has_rtt && precise.has_percentiles && precise.has_jitter, "all present");
    CHECK_INT(precise.min_ns, values[0], "exact minimum");
    CHECK_INT(precise.max_ns, values[N - 1], "exact maximum");
    CHECK(fabs(precise.average_ns - mean) < 1e-6 * mean, "average %f, expected %f",
          precise.average_ns, mean);
    CHECK(fabs(precise.stddev_ns - sqrt(squares / N)) < 1e-6 * sqrt(squares / N),
          "population deviation %f, expected %f", precise.stddev_ns, sqrt(squares / N));
    CHECK(fabs(precise.jitter_ns - jitter) < 1e-6 * jitter, "jitter %f, expected %f",
          precise.jitter_ns, jitter);
    /* Nearest rank: ceil(n * p / 100), 1-based. */
    CHECK(within_bound((double)precise.median_ns, (double)values[(N + 1) / 2 - 1]),
          "median %" PRIu64 ", expected about %" PRIu64, precise.median_ns,
          values[(N + 1) / 2 - 1]);
    CHECK(within_bound((double)precise.p90_ns, (double)values[(N * 90 + 99) / 100 - 1]),
          "p90 %" PRIu64 ", expected about %" PRIu64, precise.p90_ns,
          values[(N * 90 + 99) / 100 - 1]);
    CHECK(within_bound((double)precise.p99_ns, (double)values[(N * 99 + 99) / 100 - 1]),
          "p99 %" PRIu64 ", expected about %" PRIu64, precise.p99_ns,
          values[(N * 99 + 99) / 100 - 1]);
    /* 5001 timeouts of 25002 requests. */
    CHECK(precise.loss_percent == 5001.0 * 100.0 / 25002.0, "loss %.17g", precise.loss_percent);
    format_histogram_free(stats.histogram);
}

static void check_precise_statistics_of_few_values(void)
{
    struct format_stats stats = {0};
    struct format_precise precise;

    format_stats_precise(&stats, &precise);
    CHECK(!precise.has_rtt && !precise.has_jitter && !precise.has_percentiles, "nothing");
    CHECK(precise.loss_percent == 0.0, "nothing sent is 0 %% loss");

    add(&stats, reply_from("198.18.1.2", 7));
    add(&stats, timeout());
    add(&stats, timeout());
    format_stats_precise(&stats, &precise);
    CHECK(precise.has_rtt && !precise.has_jitter, "one success: no jitter yet");
    CHECK(!precise.has_percentiles, "no histogram, no percentiles");
    CHECK(precise.stddev_ns == 0.0, "one value has no spread");
    CHECK(precise.loss_percent == 200.0 / 3.0, "2 of 3 lost: %.17g", precise.loss_percent);
}

int main(void)
{
    RUN(check_summary_of_two_lost_of_three_is_66_percent);
    RUN(check_summary_truncates_loss_percent);
    RUN(check_summary_average_is_truncated);
    RUN(check_summary_min_and_max_count_below_1ms_as_zero);
    RUN(check_summary_counts_icmp_errors_as_received_without_rtt);
    RUN(check_summary_of_nothing_sent_is_zero);
    RUN(check_stats_count_corrupt_replies_and_notices);
    RUN(check_classify);
    RUN(check_text_headers);
    RUN(check_text_replies);
    RUN(check_text_status_lines);
    RUN(check_text_failures);
    RUN(check_text_record_route_and_timestamp);
    RUN(check_text_statistics);
    RUN(check_text_interrupts_and_notices);
    RUN(check_text_reports_write_failure);
    RUN(check_text_timestamp_is_local_iso_8601_with_milliseconds);
    RUN(check_json_start_object_has_every_member);
    RUN(check_json_outcome_objects);
    RUN(check_json_reply_with_route_and_timestamps);
    RUN(check_json_notice_objects);
    RUN(check_json_summary_and_interim);
    RUN(check_json_summary_time_is_rfc_3339_utc);
    RUN(check_json_strings_are_escaped_and_valid_utf8);
    RUN(check_json_error_object);
    RUN(check_json_reports_write_failure);
    RUN(check_histogram_precision);
    RUN(check_precise_statistics_against_the_sorted_values);
    RUN(check_precise_statistics_of_few_values);
    return harness_result();
}
