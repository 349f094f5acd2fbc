/* Unit tests of the engine's time stamps, from bytes: error-queue messages (transmit stamps
 * and ICMP errors) as the kernel lays them out, and the choice of an RTT's clock pair,
 * fallbacks and clock steps included. */
#include <errno.h>
#include <time.h> /* before linux/errqueue.h, which needs struct timespec */
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "harness.h"
#include "stamp.h"
#include "wping/echo.h"

/* A control buffer built the way recvmsg fills one. */
struct control {
    _Alignas(struct cmsghdr) unsigned char bytes[512];
    size_t length;
};

static void add(struct control *c, int level, int type, const void *data, size_t size)
{
    struct cmsghdr *h = (struct cmsghdr *)(c->bytes + c->length);
    memset(h, 0, CMSG_SPACE(size));
    h->cmsg_level = level;
    h->cmsg_type = type;
    h->cmsg_len = CMSG_LEN(size);
    memcpy(CMSG_DATA(h), data, size);
    c->length += CMSG_SPACE(size);
}

static void add_timestamping(struct control *c, long software_ns, long hardware_ns)
{
    struct timespec ts[3] = {{0}};
    if (software_ns)
        ts[0] = (struct timespec){1700000000, software_ns};
    if (hardware_ns)
        ts[2] = (struct timespec){50, hardware_ns};
    add(c, SOL_SOCKET, SCM_TIMESTAMPING, ts, sizeof(ts));
}

/* An extended error followed by its offender, as IP_RECVERR delivers it. */
static void add_error(struct control *c, int level, int type, struct sock_extended_err ee,
                      const void *offender, size_t offender_size)
{
    unsigned char data[sizeof(ee) + sizeof(struct sockaddr_in6)];
    memcpy(data, &ee, sizeof(ee));
    memcpy(data + sizeof(ee), offender, offender_size);
    add(c, level, type, data, sizeof(ee) + offender_size);
}

static struct sock_extended_err tx_error(uint32_t info, uint32_t key)
{
    struct sock_extended_err ee = {0};
    ee.ee_errno = ENOMSG;
    ee.ee_origin = SO_EE_ORIGIN_TIMESTAMPING;
    ee.ee_info = info;
    ee.ee_data = key;
    return ee;
}

static const struct sockaddr_in6 no_offender = {0};

static void transmit_stamp_gives_its_key_and_software_time(void)
{
    struct control c = {0};
    struct stamp_errqueue e;
    add_timestamping(&c, 123456789, 0);
    add_error(&c, IPPROTO_IP, IP_RECVERR, tx_error(SCM_TSTAMP_SND, 7), &no_offender,
              sizeof(no_offender));
    stamp_parse_errqueue(c.bytes, c.length, &e);
    CHECK_INT(e.kind, STAMP_ERRQUEUE_TX, "kind");
    CHECK_INT(e.key, 7, "key");
    CHECK(e.tx.has_software && !e.tx.has_hardware, "software only");
    CHECK_INT(e.tx.software.tv_sec, 1700000000, "seconds");
    CHECK_INT(e.tx.software.tv_nsec, 123456789, "nanoseconds");
}

static void transmit_stamp_of_ipv6_socket_comes_with_ipv6_recverr(void)
{
    struct control c = {0};
    struct stamp_errqueue e;
    /* The kernel puts a SCM_TIMESTAMPNS before it when SO_TIMESTAMPNS is on: skipped. */
    struct timespec ns = {1700000000, 5};
    add(&c, SOL_SOCKET, SCM_TIMESTAMPNS, &ns, sizeof(ns));
    add_timestamping(&c, 42, 0);
    add_error(&c, IPPROTO_IPV6, IPV6_RECVERR, tx_error(SCM_TSTAMP_SND, 65535), &no_offender,
              sizeof(no_offender));
    stamp_parse_errqueue(c.bytes, c.length, &e);
    CHECK_INT(e.kind, STAMP_ERRQUEUE_TX, "kind");
    CHECK_INT(e.key, 65535, "key");
    CHECK_INT(e.tx.software.tv_nsec, 42, "the SCM_TIMESTAMPING time, not SCM_TIMESTAMPNS");
}

static void hardware_transmit_stamp_is_read_from_the_raw_slot(void)
{
    struct control c = {0};
    struct stamp_errqueue e;
    add_timestamping(&c, 0, 999);
    add_error(&c, IPPROTO_IP, IP_RECVERR, tx_error(SCM_TSTAMP_SND, 3), &no_offender,
              sizeof(no_offender));
    stamp_parse_errqueue(c.bytes, c.length, &e);
    CHECK_INT(e.kind, STAMP_ERRQUEUE_TX, "kind");
    CHECK(!e.tx.has_software && e.tx.has_hardware, "hardware only");
    CHECK_INT(e.tx.hardware.tv_sec, 50, "device clock seconds");
    CHECK_INT(e.tx.hardware.tv_nsec, 999, "device clock nanoseconds");
}

static void scheduler_and_acknowledgement_stamps_are_not_send_times(void)
{
    struct control c = {0};
    struct stamp_errqueue e;
    add_timestamping(&c, 1000, 0);
    add_error(&c, IPPROTO_IP, IP_RECVERR, tx_error(SCM_TSTAMP_SCHED, 1), &no_offender,
              sizeof(no_offender));
    stamp_parse_errqueue(c.bytes, c.length, &e);
    CHECK_INT(e.kind, STAMP_ERRQUEUE_OTHER, "SCHED");

    c.length = 0;
    add_timestamping(&c, 1000, 0);
    add_error(&c, IPPROTO_IP, IP_RECVERR, tx_error(SCM_TSTAMP_ACK, 1), &no_offender,
              sizeof(no_offender));
    stamp_parse_errqueue(c.bytes, c.length, &e);
    CHECK_INT(e.kind, STAMP_ERRQUEUE_OTHER, "ACK");
}

static void transmit_error_without_stamps_is_ignored(void)
{
    struct control c = {0};
    struct stamp_errqueue e;
    add_error(&c, IPPROTO_IP, IP_RECVERR, tx_error(SCM_TSTAMP_SND, 1), &no_offender,
              sizeof(no_offender));
    stamp_parse_errqueue(c.bytes, c.length, &e);
    CHECK_INT(e.kind, STAMP_ERRQUEUE_OTHER, "no SCM_TIMESTAMPING");

    c.length = 0;
    add_timestamping(&c, 0, 0); /* both zero: the kernel had no stamp */
    add_error(&c, IPPROTO_IP, IP_RECVERR, tx_error(SCM_TSTAMP_SND, 1), &no_offender,
              sizeof(no_offender));
    stamp_parse_errqueue(c.bytes, c.length, &e);
    CHECK_INT(e.kind, STAMP_ERRQUEUE_TX, "a stamp message");
    CHECK(!e.tx.has_software && !e.tx.has_hardware, "with no time in it");
}

static void icmp_error_gives_type_code_and_offender(void)
{
    struct control c = {0};
    struct stamp_errqueue e;
    struct sock_extended_err ee = {0};
    ee.ee_errno = EHOSTUNREACH;
    ee.ee_origin = SO_EE_ORIGIN_ICMP;
    ee.ee_type = 3;
    ee.ee_code = 1;
    struct sockaddr_in router = {.sin_family = AF_INET};
    router.sin_addr.s_addr = htonl(0xc6120001); /* 198.18.0.1 */
    struct timespec arrival = {1700000000, 77};
    add(&c, SOL_SOCKET, SCM_TIMESTAMPNS, &arrival, sizeof(arrival));
    add_error(&c, IPPROTO_IP, IP_RECVERR, ee, &router, sizeof(router));
    stamp_parse_errqueue(c.bytes, c.length, &e);
    CHECK_INT(e.kind, STAMP_ERRQUEUE_ERROR, "kind");
    CHECK_INT(e.origin, SO_EE_ORIGIN_ICMP, "origin");
    CHECK_INT(e.type, 3, "type");
    CHECK_INT(e.code, 1, "code");
    CHECK_INT(e.error, EHOSTUNREACH, "errno");
    CHECK_INT(e.offender.ss_family, AF_INET, "offender family");
    CHECK_INT(ntohl(((struct sockaddr_in *)&e.offender)->sin_addr.s_addr), 0xc6120001,
              "offender address");
}

static void ipv6_error_with_truncated_offender_has_none(void)
{
    struct control c = {0};
    struct stamp_errqueue e;
    struct sock_extended_err ee = {0};
    ee.ee_origin = SO_EE_ORIGIN_ICMP6;
    ee.ee_type = 1;
    struct sockaddr_in6 router = {.sin6_family = AF_INET6};
    add_error(&c, IPPROTO_IPV6, IPV6_RECVERR, ee, &router, 8); /* cut short */
    stamp_parse_errqueue(c.bytes, c.length, &e);
    CHECK_INT(e.kind, STAMP_ERRQUEUE_ERROR, "kind");
    CHECK_INT(e.offender.ss_family, 0, "no offender");
}

static void unknown_origin_and_lying_lengths_are_not_followed(void)
{
    struct control c = {0};
    struct stamp_errqueue e;
    struct sock_extended_err ee = {0};
    ee.ee_origin = SO_EE_ORIGIN_ZEROCOPY;
    add_error(&c, IPPROTO_IP, IP_RECVERR, ee, &no_offender, sizeof(no_offender));
    stamp_parse_errqueue(c.bytes, c.length, &e);
    CHECK_INT(e.kind, STAMP_ERRQUEUE_OTHER, "zerocopy completion");

    c.length = 0;
    add_timestamping(&c, 1000, 0);
    add_error(&c, IPPROTO_IP, IP_RECVERR, tx_error(SCM_TSTAMP_SND, 9), &no_offender,
              sizeof(no_offender));
    /* The first header claims more bytes than the buffer holds. */
    ((struct cmsghdr *)c.bytes)->cmsg_len = c.length + 64;
    stamp_parse_errqueue(c.bytes, c.length, &e);
    CHECK_INT(e.kind, STAMP_ERRQUEUE_OTHER, "length beyond the buffer");

    stamp_parse_errqueue(c.bytes, 8, &e); /* shorter than one header */
    CHECK_INT(e.kind, STAMP_ERRQUEUE_OTHER, "truncated buffer");
    stamp_parse_errqueue(NULL, 0, &e);
    CHECK_INT(e.kind, STAMP_ERRQUEUE_OTHER, "empty");
}

static void short_timestamping_payload_is_refused(void)
{
    struct stamp_pair pair = {0};
    struct timespec two[2] = {{1, 1}, {2, 2}};
    CHECK(!stamp_read_timestamping(two, sizeof(two), &pair), "two of three");
    CHECK(!pair.has_software && !pair.has_hardware, "nothing taken");
}

/* Times 1 s into a minute, in nanoseconds after sent_user. */
static struct timespec at(long ns)
{
    return (struct timespec){1700000001 + ns / 1000000000, ns % 1000000000};
}

static struct stamp_times times(long monotonic_ns)
{
    struct stamp_times t = {0};
    t.sent_user = at(0);
    t.monotonic_ns = monotonic_ns;
    return t;
}

static void kernel_pair_is_preferred_and_excludes_the_send_call(void)
{
    struct stamp_times t = times(30000);
    enum echo_clock clock;
    t.tx.software = at(2000);
    t.tx.has_software = true;
    t.rx.software = at(22000);
    t.rx.has_software = true;
    CHECK_INT(stamp_rtt(&t, &clock), 20000, "rx - tx");
    CHECK_INT(clock, ECHO_CLOCK_KERNEL, "kernel-tx/kernel-rx");
    CHECK_STR(echo_clock_name(clock), "kernel-tx/kernel-rx", "name");
}

static void without_transmit_stamp_the_user_send_time_counts(void)
{
    struct stamp_times t = times(30000);
    enum echo_clock clock;
    t.rx.software = at(22000);
    t.rx.has_software = true;
    CHECK_INT(stamp_rtt(&t, &clock), 22000, "rx - user send");
    CHECK_INT(clock, ECHO_CLOCK_USER_KERNEL_RX, "user/kernel-rx");
    CHECK_STR(echo_clock_name(clock), "user/kernel-rx", "name");
}

static void without_receive_stamp_the_transmit_stamp_still_counts(void)
{
    struct stamp_times t = times(30000);
    enum echo_clock clock;
    t.tx.software = at(2000);
    t.tx.has_software = true;
    CHECK_INT(stamp_rtt(&t, &clock), 28000, "monotonic minus the send call");
    CHECK_INT(clock, ECHO_CLOCK_KERNEL_TX_USER, "kernel-tx/user");
    CHECK_STR(echo_clock_name(clock), "kernel-tx/user", "name");
}

static void without_any_stamp_the_monotonic_clock_counts(void)
{
    struct stamp_times t = times(30000);
    enum echo_clock clock;
    CHECK_INT(stamp_rtt(&t, &clock), 30000, "monotonic");
    CHECK_INT(clock, ECHO_CLOCK_USER, "user/user");
    CHECK_STR(echo_clock_name(clock), "user/user", "name");
    t.monotonic_ns = -5; /* cannot happen, but never a negative RTT */
    CHECK_INT(stamp_rtt(&t, &clock), 0, "clamped");
}

static void clock_step_between_send_and_receive_falls_back_to_monotonic(void)
{
    struct stamp_times t = times(30000);
    enum echo_clock clock;
    t.tx.software = at(2000);
    t.tx.has_software = true;
    t.rx.software = at(3600L * 1000000000L); /* the wall clock jumped an hour ahead */
    t.rx.has_software = true;
    CHECK_INT(stamp_rtt(&t, &clock), 28000, "forward step");
    CHECK_INT(clock, ECHO_CLOCK_KERNEL_TX_USER, "rx stamp refused, tx kept");

    t.rx.software = (struct timespec){1700000000, 0}; /* a second back */
    CHECK_INT(stamp_rtt(&t, &clock), 28000, "backward step");
    CHECK_INT(clock, ECHO_CLOCK_KERNEL_TX_USER, "rx stamp refused");
}

static void clock_step_between_user_time_and_transmit_stamp_drops_the_stamp(void)
{
    struct stamp_times t = times(30000);
    enum echo_clock clock;
    t.tx.software = (struct timespec){1700000000, 500}; /* before the clock read: a step */
    t.tx.has_software = true;
    t.rx.software = at(22000);
    t.rx.has_software = true;
    CHECK_INT(stamp_rtt(&t, &clock), 22000, "rx - user send");
    CHECK_INT(clock, ECHO_CLOCK_USER_KERNEL_RX, "transmit stamp refused");

    t.tx.software = at(40000); /* later than the whole monotonic window */
    CHECK_INT(stamp_rtt(&t, &clock), 22000, "rx - user send");
    CHECK_INT(clock, ECHO_CLOCK_USER_KERNEL_RX, "transmit stamp refused");
}

static void receive_stamp_before_transmit_stamp_is_not_a_negative_rtt(void)
{
    struct stamp_times t = times(30000);
    enum echo_clock clock;
    t.tx.software = at(5000);
    t.tx.has_software = true;
    t.rx.software = at(4000);
    t.rx.has_software = true;
    CHECK_INT(stamp_rtt(&t, &clock), 4000, "rx - user send");
    CHECK_INT(clock, ECHO_CLOCK_USER_KERNEL_RX, "kernel pair refused");
}

static void hardware_pair_wins_only_when_both_ends_have_one(void)
{
    struct stamp_times t = times(30000);
    enum echo_clock clock;
    t.tx.software = at(2000);
    t.tx.has_software = true;
    t.rx.software = at(22000);
    t.rx.has_software = true;
    t.tx.hardware = (struct timespec){50, 1000};
    t.tx.has_hardware = true;
    CHECK_INT(stamp_rtt(&t, &clock), 20000, "transmit hardware stamp alone");
    CHECK_INT(clock, ECHO_CLOCK_KERNEL, "software pair");

    t.rx.hardware = (struct timespec){50, 19500};
    t.rx.has_hardware = true;
    CHECK_INT(stamp_rtt(&t, &clock), 18500, "device clock");
    CHECK_INT(clock, ECHO_CLOCK_HARDWARE, "hardware-tx/hardware-rx");
    CHECK_STR(echo_clock_name(clock), "hardware-tx/hardware-rx", "name");

    t.rx.hardware = (struct timespec){51, 0}; /* a second: more than the monotonic window */
    CHECK_INT(stamp_rtt(&t, &clock), 20000, "implausible device clock");
    CHECK_INT(clock, ECHO_CLOCK_KERNEL, "software pair");
}

static void no_clock_has_no_name(void)
{
    CHECK(echo_clock_name(ECHO_CLOCK_NONE) == NULL, "none");
}

int main(void)
{
    transmit_stamp_gives_its_key_and_software_time();
    transmit_stamp_of_ipv6_socket_comes_with_ipv6_recverr();
    hardware_transmit_stamp_is_read_from_the_raw_slot();
    scheduler_and_acknowledgement_stamps_are_not_send_times();
    transmit_error_without_stamps_is_ignored();
    icmp_error_gives_type_code_and_offender();
    ipv6_error_with_truncated_offender_has_none();
    unknown_origin_and_lying_lengths_are_not_followed();
    short_timestamping_payload_is_refused();
    kernel_pair_is_preferred_and_excludes_the_send_call();
    without_transmit_stamp_the_user_send_time_counts();
    without_receive_stamp_the_transmit_stamp_still_counts();
    without_any_stamp_the_monotonic_clock_counts();
    clock_step_between_send_and_receive_falls_back_to_monotonic();
    clock_step_between_user_time_and_transmit_stamp_drops_the_stamp();
    receive_stamp_before_transmit_stamp_is_not_a_negative_rtt();
    hardware_pair_wins_only_when_both_ends_have_one();
    no_clock_has_no_name();
    return harness_result();
}
