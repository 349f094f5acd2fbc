/* The statistics arithmetic and every line of the ping.exe text formatter. */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>

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
    capture->format = format_text_new(capture->stream);
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
    outcome.ttl = 64;
    outcome.tos = 0;
    outcome.data_len = 32;
    outcome.data_match = true;
    return outcome;
}

static struct echo_outcome error_from(const char *from, uint32_t status)
{
    struct echo_outcome outcome = reply_from(from, 3000);

    outcome.status = status;
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
    format_stats_add(stats, &outcome, 32);
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
    CHECK_INT(stats.corrupt, 2, "changed payload and changed size are corrupt");
    CHECK_INT(stats.succeeded, 2, "but still echo replies");
    CHECK_INT(stats.duplicates + stats.late + stats.malformed, 3, "one of each notice");
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
    struct format_target target = {AF_INET, "198.18.1.2", NULL, "198.18.1.2", NULL, 32};

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
    target = (struct format_target){AF_INET6, "::1", NULL, "::1", NULL, 1400};
    check_header(&target, "\nPinging ::1 with 1400 bytes of data:\n");
}

/* Formats one outcome after an IPv4 or IPv6 header and returns the lines after the header. */
static void check_reply(int family, const struct format_reply *reply, const char *expected,
                        const char *what)
{
    struct format_target target = {family, "t", NULL, family == AF_INET ? "198.18.1.2" : "::1",
                                   NULL,   32};
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
    struct format_reply reply = {&outcome, 32, NULL, NULL};

    check_reply(family, &reply, expected, expected);
}

static void check_text_replies(void)
{
    struct echo_outcome outcome;
    struct format_reply reply = {&outcome, 1000, NULL, NULL};

    check_one(AF_INET, reply_from("198.18.1.2", 999),
              "Reply from 198.18.1.2: bytes=32 time<1ms TTL=64\n");
    check_one(AF_INET, reply_from("198.18.1.2", 12999),
              "Reply from 198.18.1.2: bytes=32 time=12ms TTL=64\n");
    check_one(AF_INET6, reply_from("2001:db8:1::2", 1000), "Reply from 2001:db8:1::2: time=1ms\n");
    check_one(AF_INET6, reply_from("::1", 10), "Reply from ::1: time<1ms\n");

    outcome = reply_from("198.18.2.2", 2000);
    outcome.data_len = 64;
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
    struct format_reply reply = {&outcome, 32, &route, NULL};

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
    struct format_target target = {AF_INET, "198.18.1.2", NULL, "198.18.1.2", NULL, 32};
    size_t header;

    format_begin(capture->format, &target);
    header = strlen(capture_text(capture));
    CHECK_INT(format_statistics(capture->format, stats, true), 0, "statistics succeed");
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

    capture_open(&capture);
    notice.kind = ECHO_NOTICE_DUPLICATE;
    CHECK_INT(format_notice(capture.format, &notice), 0, "notice");
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
    struct format_target target = {AF_INET, "198.18.1.2", NULL, "198.18.1.2", NULL, 32};

    if (full == NULL) {
        CHECK(full != NULL, "/dev/full: %s", strerror(errno));
        return;
    }
    format = format_text_new(full);
    CHECK_INT(format_begin(format, &target), -1, "a full device fails the header");
    CHECK_INT(format_interrupt(format, FORMAT_CONTROL_C), -1, "and every later line");
    format_free(format);
    fclose(full);
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
    return harness_result();
}
