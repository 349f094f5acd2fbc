/*
 * Conformance suite of libicmpapi against the behaviour of Windows (IcmpSendEcho(3), icmpapi(3)):
 * argument errors in their order, reply-buffer boundaries, both parse functions, synchronous and
 * asynchronous completion through events and APCs, source binding, IPv6 hop limit 0, and the
 * events, waits and last-error machinery beneath.
 *
 *   icmpapi-conformance loopback [CASE...]   cases that need only 127.0.0.1 and ::1
 *   icmpapi-conformance lab CASE ARG...      one case against a network the caller built
 *   icmpapi-conformance list                 the names of every case
 *
 * The first line says which ICMP socket kind this process gets (dgram or raw), so that a
 * caller can check it ran the suite with the kind it meant to. When it may open neither, the
 * suite exits 77 (skipped), or 1 under WPING_REQUIRE_LAB=1.
 */
#include "conformance_util.h"

#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* Exit status for "could not run here", which CTest reports as skipped. */
#define SKIPPED 77

static unsigned char S_data[65535];
static const IPAddr S_loopback = 0x0100007f; /* 127.0.0.1 as it lies in memory */
static const struct sockaddr_in6 S_any6;

static IPAddr S_lo(void)
{
    return htonl(INADDR_LOOPBACK);
}

static HANDLE S_open4(void)
{
    HANDLE handle = IcmpCreateFile();
    CHECK(handle != INVALID_HANDLE_VALUE && handle != NULL, "IcmpCreateFile: error %lu",
          (unsigned long)GetLastError());
    return handle;
}

static HANDLE S_open6(void)
{
    HANDLE handle = Icmp6CreateFile();
    CHECK(handle != INVALID_HANDLE_VALUE && handle != NULL, "Icmp6CreateFile: error %lu",
          (unsigned long)GetLastError());
    return handle;
}

/* One synchronous IPv4 echo to 127.0.0.1; returns IcmpSendEcho's result, error in *error. */
static DWORD S_echo4(HANDLE icmp, WORD size, PIP_OPTION_INFORMATION options, void *reply,
                     DWORD reply_size, DWORD timeout, DWORD *error)
{
    SetLastError(GARBAGE);
    DWORD result =
        IcmpSendEcho(icmp, S_lo(), size ? S_data : NULL, size, options, reply, reply_size, timeout);
    TAKE_LAST_ERROR(*error);
    return result;
}

/* ---- constants and layouts ---- */

static void ip_status_values_and_aliases_match_windows(void)
{
    CHECK_INT(IP_SUCCESS, 0, "%s", "");
    CHECK_INT(IP_BUF_TOO_SMALL, 11001, "%s", "");
    CHECK_INT(IP_DEST_NET_UNREACHABLE, 11002, "%s", "");
    CHECK_INT(IP_DEST_HOST_UNREACHABLE, 11003, "%s", "");
    CHECK_INT(IP_DEST_PROT_UNREACHABLE, 11004, "%s", "");
    CHECK_INT(IP_DEST_PORT_UNREACHABLE, 11005, "%s", "");
    CHECK_INT(IP_NO_RESOURCES, 11006, "%s", "");
    CHECK_INT(IP_BAD_OPTION, 11007, "%s", "");
    CHECK_INT(IP_HW_ERROR, 11008, "%s", "");
    CHECK_INT(IP_PACKET_TOO_BIG, 11009, "%s", "");
    CHECK_INT(IP_REQ_TIMED_OUT, 11010, "%s", "");
    CHECK_INT(IP_BAD_REQ, 11011, "%s", "");
    CHECK_INT(IP_BAD_ROUTE, 11012, "%s", "");
    CHECK_INT(IP_TTL_EXPIRED_TRANSIT, 11013, "%s", "");
    CHECK_INT(IP_TTL_EXPIRED_REASSEM, 11014, "%s", "");
    CHECK_INT(IP_PARAM_PROBLEM, 11015, "%s", "");
    CHECK_INT(IP_SOURCE_QUENCH, 11016, "%s", "");
    CHECK_INT(IP_OPTION_TOO_BIG, 11017, "%s", "");
    CHECK_INT(IP_BAD_DESTINATION, 11018, "%s", "");
    CHECK_INT(IP_DEST_UNREACHABLE, 11040, "%s", "");
    CHECK_INT(IP_TIME_EXCEEDED, 11041, "%s", "");
    CHECK_INT(IP_BAD_HEADER, 11042, "%s", "");
    CHECK_INT(IP_UNRECOGNIZED_NEXT_HEADER, 11043, "%s", "");
    CHECK_INT(IP_ICMP_ERROR, 11044, "%s", "");
    CHECK_INT(IP_DEST_SCOPE_MISMATCH, 11045, "%s", "");
    CHECK_INT(IP_GENERAL_FAILURE, 11050, "%s", "");
    CHECK_INT(MAX_IP_STATUS, 11050, "%s", "");
    CHECK_INT(IP_PENDING, 11255, "%s", "");
    CHECK_INT(IP_DEST_NO_ROUTE, 11002, "%s", "");
    CHECK_INT(IP_DEST_ADDR_UNREACHABLE, 11003, "%s", "");
    CHECK_INT(IP_DEST_PROHIBITED, 11004, "%s", "");
    CHECK_INT(IP_HOP_LIMIT_EXCEEDED, 11013, "%s", "");
    CHECK_INT(IP_REASSEMBLY_TIME_EXCEEDED, 11014, "%s", "");
    CHECK_INT(IP_PARAMETER_PROBLEM, 11015, "%s", "");
    CHECK_INT(IP_ADDR_DELETED, 11019, "%s", "");
    CHECK_INT(IP_NO_FURTHER_SENDS, 11035, "%s", "");
    CHECK_INT(IP_FLAG_REVERSE, 1, "%s", "");
    CHECK_INT(IP_FLAG_DF, 2, "%s", "");
    CHECK_INT(IP_OPT_EOL, 0, "%s", "");
    CHECK_INT(IP_OPT_NOP, 1, "%s", "");
    CHECK_INT(IP_OPT_RR, 7, "%s", "");
    CHECK_INT(IP_OPT_TS, 0x44, "%s", "");
    CHECK_INT(IP_OPT_SECURITY, 0x82, "%s", "");
    CHECK_INT(IP_OPT_LSRR, 0x83, "%s", "");
    CHECK_INT(IP_OPT_SID, 0x88, "%s", "");
    CHECK_INT(IP_OPT_SSRR, 0x89, "%s", "");
    CHECK_INT(IP_OPT_ROUTER_ALERT, 0x94, "%s", "");
    CHECK_INT(MAX_OPT_SIZE, 40, "%s", "");
}

static void win32_error_and_wait_values_match_windows(void)
{
    CHECK_INT(ERROR_SUCCESS, 0, "%s", "");
    CHECK_INT(ERROR_ACCESS_DENIED, 5, "%s", "");
    CHECK_INT(ERROR_INVALID_HANDLE, 6, "%s", "");
    CHECK_INT(ERROR_NOT_ENOUGH_MEMORY, 8, "%s", "");
    CHECK_INT(ERROR_GEN_FAILURE, 31, "%s", "");
    CHECK_INT(ERROR_NOT_SUPPORTED, 50, "%s", "");
    CHECK_INT(ERROR_INVALID_PARAMETER, 87, "%s", "");
    CHECK_INT(ERROR_INSUFFICIENT_BUFFER, 122, "%s", "");
    CHECK_INT(ERROR_IO_PENDING, 997, "%s", "");
    CHECK_INT(ERROR_NOACCESS, 998, "%s", "");
    CHECK_INT(ERROR_INVALID_NETNAME, 1214, "%s", "");
    CHECK_INT(WAIT_OBJECT_0, 0, "%s", "");
    CHECK_INT(WAIT_IO_COMPLETION, 0xC0, "%s", "");
    CHECK_INT(WAIT_TIMEOUT, 258, "%s", "");
    CHECK_INT(WAIT_FAILED, 0xFFFFFFFFu, "%s", "");
    CHECK_INT(INFINITE, 0xFFFFFFFFu, "%s", "");
    CHECK_INT((uint32_t)STATUS_INVALID_PARAMETER, 0xC000000Du, "%s", "");
    CHECK_INT((uint32_t)STATUS_PENDING, 0x103, "%s", "");
}

static void structures_have_the_windows_x64_layout(void)
{
    CHECK_INT(sizeof(DWORD), 4, "%s", "");
    CHECK_INT(sizeof(ULONG), 4, "%s", "");
    CHECK_INT(sizeof(IPAddr), 4, "%s", "");
    CHECK_INT(sizeof(IP_OPTION_INFORMATION), 2 * sizeof(void *), "%s", "");
    CHECK_INT(offsetof(IP_OPTION_INFORMATION, OptionsData), sizeof(void *), "%s", "");
    CHECK_INT(offsetof(ICMP_ECHO_REPLY, Status), 4, "%s", "");
    CHECK_INT(offsetof(ICMP_ECHO_REPLY, RoundTripTime), 8, "%s", "");
    CHECK_INT(offsetof(ICMP_ECHO_REPLY, DataSize), 12, "%s", "");
    CHECK_INT(offsetof(ICMP_ECHO_REPLY, Reserved), 14, "%s", "");
    CHECK_INT(offsetof(ICMP_ECHO_REPLY, Data), 16, "%s", "");
    CHECK_INT(offsetof(ICMP_ECHO_REPLY, Options), 16 + sizeof(void *), "%s", "");
    CHECK_INT(sizeof(IPV6_ADDRESS_EX), 26, "%s", "");
    CHECK_INT(offsetof(IPV6_ADDRESS_EX, sin6_flowinfo), 2, "%s", "");
    CHECK_INT(offsetof(IPV6_ADDRESS_EX, sin6_addr), 6, "%s", "");
    CHECK_INT(offsetof(IPV6_ADDRESS_EX, sin6_scope_id), 22, "%s", "");
    CHECK_INT(offsetof(ICMPV6_ECHO_REPLY, Status), 28, "%s", "");
    CHECK_INT(offsetof(ICMPV6_ECHO_REPLY, RoundTripTime), 32, "%s", "");
    CHECK_INT(sizeof(ICMPV6_ECHO_REPLY), 36, "%s", "");
    CHECK_INT(sizeof(IO_STATUS_BLOCK), 2 * sizeof(void *), "%s", "");
    CHECK_INT(sizeof(struct in_addr), 4, "%s", "");
    CHECK_INT(sizeof(struct sockaddr_in6), 28, "%s", "");
#if UINTPTR_MAX > 0xFFFFFFFFu
    CHECK_INT(sizeof(ICMP_ECHO_REPLY), 40, "%s", "");
    CHECK_INT(sizeof(IP_OPTION_INFORMATION), 16, "%s", "");
    CHECK_INT(sizeof(IO_STATUS_BLOCK), 16, "%s", "");
    CHECK_INT(sizeof(ICMP_ECHO_REPLY32), 28, "%s", "");
    CHECK_INT(offsetof(ICMP_ECHO_REPLY32, Options), 20, "%s", "");
    CHECK_INT(sizeof(IP_OPTION_INFORMATION32), 8, "%s", "");
#endif
}

/* ---- handles ---- */

static void create_file_returns_handles_that_close_once(void)
{
    HANDLE v4 = S_open4(), v6 = S_open6();
    CHECK(v4 != v6, "two handles must differ");
    CHECK_INT(IcmpCloseHandle(v4), TRUE, "%s", "");
    CHECK_INT(IcmpCloseHandle(v6), TRUE, "%s", "");
    SetLastError(GARBAGE);
    CHECK_INT(IcmpCloseHandle(v4), FALSE, "closing twice");
    CHECK_LAST_ERROR(ERROR_INVALID_HANDLE, "%s", "");
    HANDLE other = S_open4();
    CHECK_INT(CloseHandle(other), TRUE, "CloseHandle closes ICMP handles too");
}

static void close_handle_refuses_what_is_not_an_icmp_handle(void)
{
    HANDLE event = CreateEvent(NULL, TRUE, FALSE, NULL);
    HANDLE refused[] = {NULL, INVALID_HANDLE_VALUE, event, (HANDLE)(uintptr_t)0x1234567};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        SetLastError(GARBAGE);
        CHECK_INT(IcmpCloseHandle(refused[i]), FALSE, "handle %zu", i);
        CHECK_LAST_ERROR(ERROR_INVALID_HANDLE, "handle %zu", i);
    }
    CHECK_INT(CloseHandle(event), TRUE, "the event survived IcmpCloseHandle");
}

/* ---- argument errors ---- */

static void send_with_invalid_handle_value_fails_with_invalid_parameter(void)
{
    unsigned char reply[REPLY4 + 64];
    SetLastError(GARBAGE);
    CHECK_INT(
        IcmpSendEcho(INVALID_HANDLE_VALUE, S_lo(), S_data, 8, NULL, reply, sizeof(reply), 1000), 0,
        "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_PARAMETER, "%s", "");
    struct sockaddr_in6 lo6 = util_sockaddr6("::1");
    SetLastError(GARBAGE);
    CHECK_INT(Icmp6SendEcho2(INVALID_HANDLE_VALUE, NULL, NULL, NULL, (struct sockaddr_in6 *)&S_any6,
                             &lo6, S_data, 8, NULL, reply, sizeof(reply), 1000),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_PARAMETER, "%s", "");
}

static void send_with_closed_or_foreign_handle_fails_with_invalid_handle(void)
{
    unsigned char reply[REPLY4 + 64];
    HANDLE closed = S_open4();
    IcmpCloseHandle(closed);
    HANDLE event = CreateEvent(NULL, TRUE, FALSE, NULL);
    HANDLE refused[] = {closed, event, NULL};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        SetLastError(GARBAGE);
        CHECK_INT(IcmpSendEcho(refused[i], S_lo(), S_data, 8, NULL, reply, sizeof(reply), 1000), 0,
                  "handle %zu", i);
        CHECK_LAST_ERROR(ERROR_INVALID_HANDLE, "handle %zu", i);
    }
    CloseHandle(event);
}

static void send_without_reply_buffer_fails_with_invalid_parameter(void)
{
    HANDLE icmp = S_open4();
    DWORD error;
    CHECK_INT(S_echo4(icmp, 8, NULL, NULL, REPLY4 + 64, 1000, &error), 0, "%s", "");
    CHECK_INT(error, ERROR_INVALID_PARAMETER, "%s", "");
    IcmpCloseHandle(icmp);
}

static void reply_size_below_the_structure_fails_with_invalid_parameter(void)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4 + 64];
    DWORD sizes[] = {0, 1, REPLY4 - 1};
    for (size_t i = 0; i < 3; i++) {
        DWORD error;
        CHECK_INT(S_echo4(icmp, 0, NULL, reply, sizes[i], 1000, &error), 0, "size %lu",
                  (unsigned long)sizes[i]);
        CHECK_INT(error, ERROR_INVALID_PARAMETER, "size %lu", (unsigned long)sizes[i]);
    }
    IcmpCloseHandle(icmp);
}

static void request_without_data_or_options_pointer_fails_with_invalid_parameter(void)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4 + 64];
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho(icmp, S_lo(), NULL, 8, NULL, reply, sizeof(reply), 1000), 0,
              "NULL data with 8 bytes");
    CHECK_LAST_ERROR(ERROR_INVALID_PARAMETER, "%s", "");
    IP_OPTION_INFORMATION options = {0, 0, 0, 8, NULL};
    DWORD error;
    CHECK_INT(S_echo4(icmp, 8, &options, reply, sizeof(reply), 1000, &error), 0,
              "OptionsSize without OptionsData");
    CHECK_INT(error, ERROR_INVALID_PARAMETER, "%s", "");
    IcmpCloseHandle(icmp);
}

static void unspecified_destination_fails_with_invalid_netname(void)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4 + 64];
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho(icmp, htonl(INADDR_ANY), S_data, 8, NULL, reply, sizeof(reply), 1000), 0,
              "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_NETNAME, "%s", "");
    IcmpCloseHandle(icmp);
}

static void send_with_a_bad_event_handle_fails_with_invalid_handle(void)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4 + 64];
    HANDLE event = CreateEvent(NULL, TRUE, FALSE, NULL);
    CloseHandle(event);
    SetLastError(GARBAGE);
    CHECK_INT(
        IcmpSendEcho2(icmp, event, NULL, NULL, S_lo(), S_data, 8, NULL, reply, sizeof(reply), 1000),
        0, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_HANDLE, "%s", "");
    SetLastError(GARBAGE);
    CHECK_INT(
        IcmpSendEcho2(icmp, icmp, NULL, NULL, S_lo(), S_data, 8, NULL, reply, sizeof(reply), 1000),
        0, "an ICMP handle is no event");
    CHECK_LAST_ERROR(ERROR_INVALID_HANDLE, "%s", "");
    IcmpCloseHandle(icmp);
}

/* ---- synchronous success ---- */

static void send_echo_to_loopback_fills_one_reply_and_clears_last_error(void)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4 + 32 + 8];
    memset(reply, 0xAA, sizeof(reply));
    util_payload(S_data, 32);
    DWORD error;
    CHECK_INT(S_echo4(icmp, 32, NULL, reply, sizeof(reply), 1000, &error), 1, "%s", "");
    CHECK_INT(error, NO_ERROR, "%s", "");
    ICMP_ECHO_REPLY r = util_reply4(reply);
    CHECK_INT(r.Address, S_loopback, "Address is 127.0.0.1 in network order");
    CHECK_INT(r.Status, IP_SUCCESS, "%s", "");
    CHECK(r.RoundTripTime < 1000, "RoundTripTime %lu ms", (unsigned long)r.RoundTripTime);
    CHECK_INT(r.DataSize, 32, "%s", "");
    CHECK_INT(r.Reserved, 0, "a synchronous call has parsed the buffer already");
    CHECK(r.Data == reply + REPLY4, "Data points right after the structure");
    CHECK(memcmp(reply + REPLY4, S_data, 32) == 0, "the echoed payload");
    CHECK_INT(r.Options.Ttl, util_default_ttl(), "the reply's TTL is the kernel default");
    CHECK_INT(r.Options.OptionsSize, 0, "%s", "");
    CHECK(r.Options.OptionsData == reply + REPLY4, "OptionsData points after the structure");
    IcmpCloseHandle(icmp);
}

static void reply_address_is_the_host_that_answered(void)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4 + 8 + 8];
    SetLastError(GARBAGE);
    CHECK_INT(
        IcmpSendEcho(icmp, inet_addr("127.0.0.2"), S_data, 8, NULL, reply, sizeof(reply), 1000), 1,
        "%s", "");
    CHECK_INT(util_reply4(reply).Address, inet_addr("127.0.0.2"), "%s", "");
    IcmpCloseHandle(icmp);
}

static void empty_request_without_data_pointer_succeeds(void)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4];
    DWORD error;
    CHECK_INT(S_echo4(icmp, 0, NULL, reply, sizeof(reply), 1000, &error), 1, "%s", "");
    CHECK_INT(error, NO_ERROR, "%s", "");
    CHECK_INT(util_reply4(reply).DataSize, 0, "%s", "");
    IcmpCloseHandle(icmp);
}

static void request_options_ttl_zero_one_and_dont_fragment_are_accepted(void)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4 + 1000 + 8];
    IP_OPTION_INFORMATION zero, one, df;
    memset(&zero, 0, sizeof(zero));
    memset(&one, 0, sizeof(one));
    memset(&df, 0, sizeof(df));
    one.Ttl = 1;
    df.Ttl = 64;
    df.Flags = IP_FLAG_DF;
    df.Tos = 0x10; /* ignored, as on Windows */
    DWORD error;
    CHECK_INT(S_echo4(icmp, 32, &zero, reply, sizeof(reply), 1000, &error), 1, "Ttl 0: default");
    CHECK_INT(S_echo4(icmp, 32, &one, reply, sizeof(reply), 1000, &error), 1, "Ttl 1 on loopback");
    CHECK_INT(S_echo4(icmp, 1000, &df, reply, sizeof(reply), 1000, &error), 1, "DF, 1000 bytes");
    CHECK_INT(error, NO_ERROR, "%s", "");
    IcmpCloseHandle(icmp);
}

static void timeout_zero_and_infinite_are_accepted_on_loopback(void)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4 + 8 + 8];
    DWORD error;
    CHECK_INT(S_echo4(icmp, 8, NULL, reply, sizeof(reply), 0, &error), 1,
              "Timeout 0 takes the reply already queued (error %lu)", (unsigned long)error);
    CHECK_INT(S_echo4(icmp, 8, NULL, reply, sizeof(reply), INFINITE, &error), 1,
              "Timeout INFINITE (error %lu)", (unsigned long)error);
    IcmpCloseHandle(icmp);
}

static void largest_payload_round_trips_and_larger_fails_with_general_failure(void)
{
    HANDLE icmp = S_open4();
    size_t size = REPLY4 + 65535 + 8;
    unsigned char *reply = malloc(size);
    util_payload(S_data, sizeof(S_data));
    DWORD error;
    CHECK_INT(S_echo4(icmp, 65500, NULL, reply, (DWORD)size, 2000, &error), 1, "error %lu",
              (unsigned long)error);
    ICMP_ECHO_REPLY r = util_reply4(reply);
    CHECK_INT(r.DataSize, 65500, "%s", "");
    CHECK(memcmp(reply + REPLY4, S_data, 65500) == 0, "65500 bytes echoed");
    CHECK_INT(S_echo4(icmp, 65535, NULL, reply, (DWORD)size, 1000, &error), 0,
              "no IP datagram carries 65535 bytes of ICMP data");
    CHECK_INT(error, IP_GENERAL_FAILURE, "%s", "");
    CHECK_INT(util_reply4(reply).Status, IP_GENERAL_FAILURE, "%s", "");
    free(reply);
    IcmpCloseHandle(icmp);
}

/* A record-route option with nine empty slots: 39 bytes, padded to 40 on the wire. */
static void S_record_route(unsigned char option[40])
{
    memset(option, 0, 40);
    option[0] = IP_OPT_RR;
    option[1] = 39;
    option[2] = 4;
}

static void reply_ip_options_sit_between_structure_and_data(void)
{
    HANDLE icmp = S_open4();
    unsigned char option[40], reply[REPLY4 + 40 + 16 + 8];
    S_record_route(option);
    IP_OPTION_INFORMATION options = {0, 0, 0, 39, option};
    util_payload(S_data, 16);
    DWORD error;
    CHECK_INT(S_echo4(icmp, 16, &options, reply, sizeof(reply), 1000, &error), 1, "error %lu",
              (unsigned long)error);
    ICMP_ECHO_REPLY r = util_reply4(reply);
    CHECK(r.Options.OptionsSize >= 39, "the record route comes back (OptionsSize %u)",
          (unsigned)r.Options.OptionsSize);
    CHECK(r.Options.OptionsData == reply + REPLY4, "options right after the structure");
    CHECK_INT(reply[REPLY4], IP_OPT_RR, "%s", "");
    size_t padded = ((size_t)r.Options.OptionsSize + 3) & ~(size_t)3;
    CHECK(r.Data == reply + REPLY4 + padded, "data after the options padded to 4");
    CHECK_INT(r.DataSize, 16, "%s", "");
    CHECK(memcmp(reply + REPLY4 + padded, S_data, 16) == 0, "the payload after the options");
    /* The options count against the buffer: structure + 8 bytes no longer holds the reply. */
    unsigned char small[REPLY4 + 16];
    CHECK_INT(S_echo4(icmp, 16, &options, small, sizeof(small), 1000, &error), 0, "%s", "");
    CHECK_INT(error, IP_GENERAL_FAILURE, "%s", "");
    IcmpCloseHandle(icmp);
}

static void oversized_or_malformed_request_options_fail(void)
{
    HANDLE icmp = S_open4();
    unsigned char option[44], reply[REPLY4 + 64];
    memset(option, IP_OPT_NOP, sizeof(option));
    IP_OPTION_INFORMATION big = {0, 0, 0, 44, option};
    DWORD error;
    CHECK_INT(S_echo4(icmp, 8, &big, reply, sizeof(reply), 1000, &error), 0, "%s", "");
    CHECK_INT(error, IP_OPTION_TOO_BIG, "44 bytes of options");
    /* A loose source route too short to hold one address. */
    unsigned char lsrr[8] = {IP_OPT_LSRR, 5, 4, 127, 0, IP_OPT_EOL, 0, 0};
    IP_OPTION_INFORMATION bad = {0, 0, 0, 8, lsrr};
    CHECK_INT(S_echo4(icmp, 8, &bad, reply, sizeof(reply), 1000, &error), 0, "%s", "");
    CHECK_INT(error, IP_BAD_OPTION, "malformed loose source route");
    IcmpCloseHandle(icmp);
}

/* ---- reply buffer boundaries (IcmpSendEcho(3): the reply buffer) ---- */

static void S_boundary(HANDLE icmp, DWORD reply_size, WORD request, DWORD want, bool echo2)
{
    unsigned char *reply = malloc(reply_size + 64);
    memset(reply, 0xAA, reply_size + 64);
    SetLastError(GARBAGE);
    DWORD result = echo2
                       ? IcmpSendEcho2(icmp, NULL, NULL, NULL, S_lo(), S_data, request, NULL, reply,
                                       reply_size, 1000)
                       : IcmpSendEcho(icmp, S_lo(), S_data, request, NULL, reply, reply_size, 1000);
    DWORD error;
    TAKE_LAST_ERROR(error);
    ICMP_ECHO_REPLY r = util_reply4(reply);
    if (want == IP_SUCCESS) {
        CHECK_INT(result, 1, "ReplySize %lu, RequestSize %u", (unsigned long)reply_size, request);
        CHECK_INT(error, NO_ERROR, "ReplySize %lu", (unsigned long)reply_size);
        CHECK_INT(r.DataSize, request, "%s", "");
    } else {
        CHECK_INT(result, 0, "ReplySize %lu, RequestSize %u", (unsigned long)reply_size, request);
        CHECK_INT(error, want, "ReplySize %lu, RequestSize %u", (unsigned long)reply_size, request);
        CHECK_INT(r.Status, want, "Status written");
        CHECK_INT(r.Reserved, 0, "no reply counted");
        CHECK_INT(r.DataSize, 0, "%s", "");
    }
    CHECK_INT(reply[reply_size], 0xAA, "nothing written past ReplySize %lu",
              (unsigned long)reply_size);
    free(reply);
}

static void reply_buffer_must_hold_structure_and_echoed_data(void)
{
    HANDLE icmp = S_open4();
    S_boundary(icmp, REPLY4, 0, IP_SUCCESS, false);
    S_boundary(icmp, REPLY4 + 8, 8, IP_SUCCESS, false);
    S_boundary(icmp, REPLY4 + 8, 9, IP_GENERAL_FAILURE, false);
    S_boundary(icmp, REPLY4 + 7, 8, IP_GENERAL_FAILURE, false);
    S_boundary(icmp, REPLY4 + 31, 32, IP_GENERAL_FAILURE, false);
    S_boundary(icmp, REPLY4 + 32, 32, IP_SUCCESS, false);
    S_boundary(icmp, REPLY4 + IO_STATUS, 0, IP_SUCCESS, true);
    S_boundary(icmp, REPLY4 + IO_STATUS + 8, 8, IP_SUCCESS, true);
    S_boundary(icmp, REPLY4 + 31, 32, IP_GENERAL_FAILURE, true);
    IcmpCloseHandle(icmp);
}

/* ---- IcmpSendEcho2 / IcmpSendEcho2Ex ---- */

static void send_echo2_without_event_or_apc_is_synchronous(void)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4 + 32 + 8];
    SetLastError(GARBAGE);
    CHECK_INT(
        IcmpSendEcho2(icmp, NULL, NULL, NULL, S_lo(), S_data, 32, NULL, reply, sizeof(reply), 1000),
        1, "%s", "");
    CHECK_LAST_ERROR(NO_ERROR, "%s", "");
    CHECK_INT(util_reply4(reply).Reserved, 0, "%s", "");
    CHECK_INT(util_reply4(reply).DataSize, 32, "%s", "");
    IcmpCloseHandle(icmp);
}

static void send_echo2ex_binds_local_sources_and_refuses_others(void)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4 + 32 + 8];
    IPAddr sources[] = {htonl(INADDR_ANY), S_lo()};
    for (size_t i = 0; i < 2; i++) {
        SetLastError(GARBAGE);
        CHECK_INT(IcmpSendEcho2Ex(icmp, NULL, NULL, NULL, sources[i], S_lo(), S_data, 32, NULL,
                                  reply, sizeof(reply), 1000),
                  1, "source %zu", i);
        CHECK_LAST_ERROR(NO_ERROR, "%s", "");
    }
    /* An address of no interface here; nothing is sent, the bind is refused first. */
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho2Ex(icmp, NULL, NULL, NULL, inet_addr("198.18.255.254"), S_lo(), S_data,
                              32, NULL, reply, sizeof(reply), 1000),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_NETNAME, "%s", "");
    IcmpCloseHandle(icmp);
}

/* ---- asynchronous: events ---- */

static void event_is_signalled_once_after_the_reply_is_written(void)
{
    HANDLE icmp = S_open4();
    HANDLE event = CreateEvent(NULL, TRUE, FALSE, NULL);
    unsigned char reply[REPLY4 + 32 + 8];
    memset(reply, 0, sizeof(reply));
    util_payload(S_data, 32);
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho2(icmp, event, NULL, NULL, S_lo(), S_data, 32, NULL, reply, sizeof(reply),
                            1000),
              0, "asynchronous calls return 0");
    CHECK_LAST_ERROR(ERROR_IO_PENDING, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 5000), WAIT_OBJECT_0, "%s", "");
    ICMP_ECHO_REPLY r = util_reply4(reply);
    CHECK_INT(r.Reserved, 1, "the count waits for IcmpParseReplies");
    CHECK_INT(r.Status, IP_SUCCESS, "%s", "");
    CHECK(r.Data == reply + REPLY4, "Data is already a pointer");
    CHECK(memcmp(reply + REPLY4, S_data, 32) == 0, "%s", "");
    SetLastError(GARBAGE);
    CHECK_INT(IcmpParseReplies(reply, sizeof(reply)), 1, "%s", "");
    CHECK_LAST_ERROR(GARBAGE, "parsing a reply leaves the last error");
    CHECK_INT(util_reply4(reply).Reserved, 0, "%s", "");
    CHECK(ResetEvent(event), "%s", "");
    CHECK_INT(WaitForSingleObject(event, 300), WAIT_TIMEOUT, "signalled at most once");
    CloseHandle(event);
    IcmpCloseHandle(icmp);
}

static void argument_errors_are_synchronous_and_leave_the_event_alone(void)
{
    HANDLE icmp = S_open4();
    HANDLE event = CreateEvent(NULL, TRUE, FALSE, NULL);
    unsigned char reply[REPLY4 + 32 + 8];
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho2(icmp, event, NULL, NULL, htonl(INADDR_ANY), S_data, 32, NULL, reply,
                            sizeof(reply), 1000),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_NETNAME, "%s", "");
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho2Ex(icmp, event, NULL, NULL, inet_addr("198.18.255.254"), S_lo(), S_data,
                              32, NULL, reply, sizeof(reply), 1000),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_NETNAME, "non-local source");
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho2(INVALID_HANDLE_VALUE, event, NULL, NULL, S_lo(), S_data, 32, NULL,
                            reply, sizeof(reply), 1000),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_PARAMETER, "%s", "");
    SetLastError(GARBAGE);
    CHECK_INT(
        IcmpSendEcho2(icmp, event, NULL, NULL, S_lo(), S_data, 32, NULL, reply, REPLY4 - 1, 1000),
        0, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_PARAMETER, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 300), WAIT_TIMEOUT, "never signalled");
    CloseHandle(event);
    IcmpCloseHandle(icmp);
}

static void completion_arrives_after_icmp_close_handle(void)
{
    HANDLE icmp = S_open4();
    HANDLE event = CreateEvent(NULL, FALSE, FALSE, NULL);
    unsigned char reply[REPLY4 + 32 + 8];
    memset(reply, 0, sizeof(reply));
    CHECK_INT(IcmpSendEcho2(icmp, event, NULL, NULL, S_lo(), S_data, 32, NULL, reply, sizeof(reply),
                            1000),
              0, "%s", "");
    CHECK_INT(IcmpCloseHandle(icmp), TRUE, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 5000), WAIT_OBJECT_0, "%s", "");
    CHECK_INT(IcmpParseReplies(reply, sizeof(reply)), 1, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 0), WAIT_TIMEOUT, "an auto-reset event was consumed");
    CloseHandle(event);
}

struct issue_args {
    HANDLE icmp, event;
    unsigned char *reply;
    DWORD reply_size;
    DWORD result, error;
};

static void *S_issue_and_exit(void *pointer)
{
    struct issue_args *a = pointer;
    a->result = IcmpSendEcho2(a->icmp, a->event, NULL, NULL, S_lo(), S_data, 32, NULL, a->reply,
                              a->reply_size, 1000);
    TAKE_LAST_ERROR(a->error);
    return NULL;
}

static void completion_arrives_after_the_issuing_thread_exits(void)
{
    unsigned char reply[REPLY4 + 32 + 8];
    struct issue_args a = {
        S_open4(), CreateEvent(NULL, TRUE, FALSE, NULL), reply, sizeof(reply), GARBAGE, GARBAGE};
    pthread_t thread;
    pthread_create(&thread, NULL, S_issue_and_exit, &a);
    pthread_join(thread, NULL);
    CHECK_INT(a.result, 0, "%s", "");
    CHECK_INT(a.error, ERROR_IO_PENDING, "%s", "");
    CHECK_INT(WaitForSingleObject(a.event, 5000), WAIT_OBJECT_0, "%s", "");
    CHECK_INT(IcmpParseReplies(reply, sizeof(reply)), 1, "%s", "");
    CloseHandle(a.event);
    IcmpCloseHandle(a.icmp);
}

static void closing_the_event_before_completion_is_harmless(void)
{
    HANDLE icmp = S_open4();
    HANDLE event = CreateEvent(NULL, TRUE, FALSE, NULL);
    HANDLE later = CreateEvent(NULL, TRUE, FALSE, NULL);
    unsigned char reply[REPLY4 + 32 + 8], second[REPLY4 + 32 + 8];
    memset(reply, 0, sizeof(reply));
    CHECK_INT(IcmpSendEcho2(icmp, event, NULL, NULL, S_lo(), S_data, 32, NULL, reply, sizeof(reply),
                            1000),
              0, "%s", "");
    CHECK_INT(CloseHandle(event), TRUE, "%s", "");
    CHECK_INT(IcmpSendEcho2(icmp, later, NULL, NULL, S_lo(), S_data, 32, NULL, second,
                            sizeof(second), 1000),
              0, "%s", "");
    CHECK_INT(WaitForSingleObject(later, 5000), WAIT_OBJECT_0, "%s", "");
    Sleep(300); /* the first request answered within microseconds of the second */
    CHECK_INT(IcmpParseReplies(reply, sizeof(reply)), 1, "the first reply was still written");
    CloseHandle(later);
    IcmpCloseHandle(icmp);
}

/* ---- asynchronous: APCs ---- */

static void apc_runs_once_in_the_issuing_thread_during_an_alertable_sleep(void)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4 + 32 + 8];
    struct util_apc record;
    memset(&record, 0, sizeof(record));
    record.reply = reply;
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho2(icmp, NULL, util_apc_routine, &record, S_lo(), S_data, 32, NULL, reply,
                            sizeof(reply), 1000),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_IO_PENDING, "%s", "");
    Sleep(300);
    CHECK_INT(record.calls, 0, "no APC outside an alertable wait");
    CHECK_INT(SleepEx(5000, TRUE), WAIT_IO_COMPLETION, "%s", "");
    CHECK_INT(record.calls, 1, "%s", "");
    CHECK(pthread_equal(record.thread, pthread_self()), "the APC ran in the issuing thread");
    CHECK(record.context == &record, "ApcContext passed through");
    CHECK_INT(record.status, STATUS_SUCCESS, "%s", "");
    CHECK_INT(record.information, REPLY4 + 32, "Information = bytes written");
    CHECK_INT(record.reserved, 0, "%s", "");
    CHECK_INT(record.reply_count, 1, "the buffer was complete when the APC ran");
    CHECK_INT(IcmpParseReplies(reply, sizeof(reply)), 1, "%s", "");
    CHECK_INT(SleepEx(200, TRUE), 0, "at most once");
    CHECK_INT(record.calls, 1, "%s", "");
    IcmpCloseHandle(icmp);
}

static void apc_runs_in_an_alertable_wait_for_single_object_ex(void)
{
    HANDLE icmp = S_open4();
    HANDLE never = CreateEvent(NULL, TRUE, FALSE, NULL);
    unsigned char reply[REPLY4 + 32 + 8];
    struct util_apc record;
    memset(&record, 0, sizeof(record));
    CHECK_INT(IcmpSendEcho2(icmp, NULL, util_apc_routine, &record, S_lo(), S_data, 32, NULL, reply,
                            sizeof(reply), 1000),
              0, "%s", "");
    CHECK_INT(WaitForSingleObjectEx(never, 5000, TRUE), WAIT_IO_COMPLETION, "%s", "");
    CHECK_INT(record.calls, 1, "%s", "");
    CHECK_INT(WaitForSingleObjectEx(never, 100, FALSE), WAIT_TIMEOUT, "%s", "");
    CloseHandle(never);
    IcmpCloseHandle(icmp);
}

static void *S_alertable_sleeper(void *pointer)
{
    DWORD *result = pointer;
    *result = SleepEx(400, TRUE);
    return NULL;
}

static void apc_never_runs_in_another_thread(void)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4 + 32 + 8];
    struct util_apc record;
    memset(&record, 0, sizeof(record));
    CHECK_INT(IcmpSendEcho2(icmp, NULL, util_apc_routine, &record, S_lo(), S_data, 32, NULL, reply,
                            sizeof(reply), 1000),
              0, "%s", "");
    DWORD other = GARBAGE;
    pthread_t thread;
    pthread_create(&thread, NULL, S_alertable_sleeper, &other);
    pthread_join(thread, NULL);
    CHECK_INT(other, 0, "the other thread's alertable sleep ran no APC");
    CHECK_INT(record.calls, 0, "%s", "");
    CHECK_INT(SleepEx(0, TRUE), WAIT_IO_COMPLETION, "the queued APC runs at once here");
    CHECK_INT(record.calls, 1, "%s", "");
    IcmpCloseHandle(icmp);
}

static void apc_is_ignored_when_an_event_is_given(void)
{
    HANDLE icmp = S_open4();
    HANDLE event = CreateEvent(NULL, TRUE, FALSE, NULL);
    unsigned char reply[REPLY4 + 32 + 8];
    struct util_apc record;
    memset(&record, 0, sizeof(record));
    CHECK_INT(IcmpSendEcho2(icmp, event, util_apc_routine, &record, S_lo(), S_data, 32, NULL, reply,
                            sizeof(reply), 1000),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_IO_PENDING, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 5000), WAIT_OBJECT_0, "%s", "");
    CHECK_INT(SleepEx(300, TRUE), 0, "%s", "");
    CHECK_INT(record.calls, 0, "%s", "");
    CHECK_INT(IcmpParseReplies(reply, sizeof(reply)), 1, "%s", "");
    CloseHandle(event);
    IcmpCloseHandle(icmp);
}

static void argument_errors_queue_no_apc(void)
{
    HANDLE icmp = S_open4(), icmp6 = S_open6();
    unsigned char reply[REPLY4 + 32 + 8];
    struct util_apc record;
    memset(&record, 0, sizeof(record));
    CHECK_INT(IcmpSendEcho2(icmp, NULL, util_apc_routine, &record, htonl(INADDR_ANY), S_data, 32,
                            NULL, reply, sizeof(reply), 1000),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_NETNAME, "%s", "");
    struct sockaddr_in6 any = S_any6;
    CHECK_INT(Icmp6SendEcho2(icmp6, NULL, util_apc_routine, &record, &any, &any, S_data, 32, NULL,
                             reply, sizeof(reply), 1000),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_NETNAME, "destination ::");
    CHECK_INT(SleepEx(300, TRUE), 0, "%s", "");
    CHECK_INT(record.calls, 0, "%s", "");
    IcmpCloseHandle(icmp);
    IcmpCloseHandle(icmp6);
}

static void apc_arrives_after_icmp_close_handle(void)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4 + 32 + 8];
    struct util_apc record;
    memset(&record, 0, sizeof(record));
    CHECK_INT(IcmpSendEcho2(icmp, NULL, util_apc_routine, &record, S_lo(), S_data, 32, NULL, reply,
                            sizeof(reply), 1000),
              0, "%s", "");
    CHECK_INT(IcmpCloseHandle(icmp), TRUE, "%s", "");
    util_wait_apc(&record, 1, 5000);
    CHECK_INT(record.calls, 1, "%s", "");
    CHECK_INT(IcmpParseReplies(reply, sizeof(reply)), 1, "%s", "");
}

static void signalled_object_wins_over_a_queued_apc(void)
{
    HANDLE icmp = S_open4();
    HANDLE event = CreateEvent(NULL, TRUE, TRUE, NULL);
    unsigned char reply[REPLY4 + 32 + 8];
    struct util_apc record;
    memset(&record, 0, sizeof(record));
    CHECK_INT(IcmpSendEcho2(icmp, NULL, util_apc_routine, &record, S_lo(), S_data, 32, NULL, reply,
                            sizeof(reply), 1000),
              0, "%s", "");
    Sleep(300); /* the loopback reply is queued as an APC by now */
    CHECK_INT(WaitForSingleObjectEx(event, 0, TRUE), WAIT_OBJECT_0, "%s", "");
    CHECK_INT(record.calls, 0, "%s", "");
    CHECK_INT(SleepEx(0, TRUE), WAIT_IO_COMPLETION, "%s", "");
    CHECK_INT(record.calls, 1, "%s", "");
    CloseHandle(event);
    IcmpCloseHandle(icmp);
}

/* ---- IPv6 ---- */

static DWORD S_echo6(HANDLE icmp, HANDLE event, struct util_apc *apc, struct sockaddr_in6 *source,
                     struct sockaddr_in6 *destination, WORD size, PIP_OPTION_INFORMATION options,
                     void *reply, DWORD reply_size, DWORD *error)
{
    SetLastError(GARBAGE);
    DWORD result =
        Icmp6SendEcho2(icmp, event, apc ? util_apc_routine : NULL, apc, source, destination,
                       size ? S_data : NULL, size, options, reply, reply_size, 1000);
    TAKE_LAST_ERROR(*error);
    return result;
}

static void icmp6_echo_to_loopback_fills_the_reply(void)
{
    HANDLE icmp = S_open6();
    unsigned char reply[REPLY6 + 32 + 8];
    memset(reply, 0xAA, sizeof(reply));
    util_payload(S_data, 32);
    struct sockaddr_in6 source = S_any6, lo = util_sockaddr6("::1");
    DWORD error;
    CHECK_INT(S_echo6(icmp, NULL, NULL, &source, &lo, 32, NULL, reply, sizeof(reply), &error), 1,
              "error %lu", (unsigned long)error);
    CHECK_INT(error, NO_ERROR, "%s", "");
    ICMPV6_ECHO_REPLY r = util_reply6(reply);
    CHECK(util_same6(&r.Address, &lo), "Address is ::1");
    CHECK_INT(r.Address.sin6_port, 0, "%s", "");
    CHECK_INT(r.Address.sin6_flowinfo, 0, "%s", "");
    CHECK_INT(r.Address.sin6_scope_id, 0, "%s", "");
    CHECK_INT(r.Status, IP_SUCCESS, "%s", "");
    CHECK(r.RoundTripTime < 1000, "%s", "");
    CHECK(memcmp(reply + REPLY6, S_data, 32) == 0, "data right after the 36-byte structure");
    CHECK_INT(reply[REPLY6 + 32], 0xAA, "nothing written after the data");
    IcmpCloseHandle(icmp);
}

static void icmp6_accepts_family_zero_linux_and_windows_values_only(void)
{
    HANDLE icmp = S_open6();
    unsigned char reply[REPLY6 + 32 + 8];
    struct sockaddr_in6 source = S_any6, lo = util_sockaddr6("::1");
    int families[] = {0, AF_INET6, 23};
    DWORD error;
    for (size_t i = 0; i < 3; i++) {
        lo.sin6_family = (sa_family_t)families[i];
        source.sin6_family = (sa_family_t)families[i];
        CHECK_INT(S_echo6(icmp, NULL, NULL, &source, &lo, 32, NULL, reply, sizeof(reply), &error),
                  1, "family %d", families[i]);
    }
    lo.sin6_family = AF_INET;
    CHECK_INT(S_echo6(icmp, NULL, NULL, &source, &lo, 32, NULL, reply, sizeof(reply), &error), 0,
              "%s", "");
    CHECK_INT(error, ERROR_INVALID_PARAMETER, "AF_INET is no IPv6 family");
    lo.sin6_family = AF_INET6;
    CHECK_INT(S_echo6(icmp, NULL, NULL, NULL, &lo, 32, NULL, reply, sizeof(reply), &error), 0, "%s",
              "");
    CHECK_INT(error, ERROR_INVALID_PARAMETER, "no source");
    CHECK_INT(S_echo6(icmp, NULL, NULL, &source, NULL, 32, NULL, reply, sizeof(reply), &error), 0,
              "%s", "");
    CHECK_INT(error, ERROR_INVALID_PARAMETER, "no destination");
    IcmpCloseHandle(icmp);
}

static void icmp6_hop_limit_zero_fails_with_general_failure(void)
{
    HANDLE icmp = S_open6();
    unsigned char reply[REPLY6 + 32 + 8];
    memset(reply, 0xAA, sizeof(reply));
    struct sockaddr_in6 source = S_any6, lo = util_sockaddr6("::1");
    IP_OPTION_INFORMATION zero;
    memset(&zero, 0, sizeof(zero));
    DWORD error;
    CHECK_INT(S_echo6(icmp, NULL, NULL, &source, &lo, 32, &zero, reply, sizeof(reply), &error), 0,
              "%s", "");
    CHECK_INT(error, IP_GENERAL_FAILURE, "%s", "");
    ICMPV6_ECHO_REPLY r = util_reply6(reply), blank;
    memset(&blank, 0, sizeof(blank));
    blank.Status = IP_GENERAL_FAILURE;
    CHECK(memcmp(&r, &blank, sizeof(r)) == 0, "zeroed but for Status, Address ::");

    struct util_apc record;
    memset(&record, 0, sizeof(record));
    CHECK_INT(S_echo6(icmp, NULL, &record, &source, &lo, 32, &zero, reply, sizeof(reply), &error),
              0, "%s", "");
    CHECK_INT(error, ERROR_IO_PENDING, "%s", "");
    util_wait_apc(&record, 1, 5000);
    CHECK_INT(record.calls, 1, "%s", "");
    CHECK_INT((uint32_t)record.status, 0xC000000Du, "STATUS_INVALID_PARAMETER");
    CHECK_INT(record.information, REPLY6, "%s", "");
    CHECK_INT(util_reply6(reply).Status, IP_GENERAL_FAILURE, "%s", "");

    HANDLE event = CreateEvent(NULL, TRUE, FALSE, NULL);
    CHECK_INT(S_echo6(icmp, event, NULL, &source, &lo, 32, &zero, reply, sizeof(reply), &error), 0,
              "%s", "");
    CHECK_INT(error, ERROR_IO_PENDING, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 5000), WAIT_OBJECT_0, "%s", "");
    SetLastError(GARBAGE);
    CHECK_INT(Icmp6ParseReplies(reply, sizeof(reply)), 0, "%s", "");
    CHECK_LAST_ERROR(IP_GENERAL_FAILURE, "%s", "");
    CloseHandle(event);
    IcmpCloseHandle(icmp);
}

static void icmp6_hop_limit_one_reaches_loopback(void)
{
    HANDLE icmp = S_open6();
    unsigned char reply[REPLY6 + 32 + 8];
    struct sockaddr_in6 source = S_any6, lo = util_sockaddr6("::1");
    IP_OPTION_INFORMATION one;
    memset(&one, 0, sizeof(one));
    one.Ttl = 1;
    DWORD error;
    CHECK_INT(S_echo6(icmp, NULL, NULL, &source, &lo, 32, &one, reply, sizeof(reply), &error), 1,
              "error %lu", (unsigned long)error);
    IcmpCloseHandle(icmp);
}

static void icmp6_binds_local_sources_and_refuses_others(void)
{
    HANDLE icmp = S_open6();
    unsigned char reply[REPLY6 + 32 + 8];
    struct sockaddr_in6 lo = util_sockaddr6("::1"), source = util_sockaddr6("::1");
    DWORD error;
    CHECK_INT(S_echo6(icmp, NULL, NULL, &source, &lo, 32, NULL, reply, sizeof(reply), &error), 1,
              "source ::1 (error %lu)", (unsigned long)error);
    struct sockaddr_in6 foreign = util_sockaddr6("::ffff");
    CHECK_INT(S_echo6(icmp, NULL, NULL, &foreign, &lo, 32, NULL, reply, sizeof(reply), &error), 0,
              "%s", "");
    CHECK_INT(error, ERROR_INVALID_NETNAME, "source ::ffff");
    struct util_apc record;
    memset(&record, 0, sizeof(record));
    CHECK_INT(S_echo6(icmp, NULL, &record, &foreign, &lo, 32, NULL, reply, sizeof(reply), &error),
              0, "%s", "");
    CHECK_INT(error, ERROR_INVALID_NETNAME, "asynchronous too");
    CHECK_INT(SleepEx(200, TRUE), 0, "%s", "");
    CHECK_INT(record.calls, 0, "%s", "");
    IcmpCloseHandle(icmp);
}

static void icmp6_reply_buffer_must_hold_structure_and_data(void)
{
    HANDLE icmp = S_open6();
    unsigned char reply[REPLY6 + 64];
    struct sockaddr_in6 source = S_any6, lo = util_sockaddr6("::1");
    DWORD error;
    CHECK_INT(S_echo6(icmp, NULL, NULL, &source, &lo, 32, NULL, reply, REPLY6 + 32, &error), 1,
              "%s", "");
    CHECK_INT(S_echo6(icmp, NULL, NULL, &source, &lo, 32, NULL, reply, REPLY6 + 31, &error), 0,
              "%s", "");
    CHECK_INT(error, IP_GENERAL_FAILURE, "%s", "");
    CHECK_INT(util_reply6(reply).Status, IP_GENERAL_FAILURE, "%s", "");
    CHECK_INT(S_echo6(icmp, NULL, NULL, &source, &lo, 0, NULL, reply, REPLY6, &error), 1, "%s", "");
    CHECK_INT(S_echo6(icmp, NULL, NULL, &source, &lo, 0, NULL, reply, REPLY6 - 1, &error), 0, "%s",
              "");
    CHECK_INT(error, ERROR_INVALID_PARAMETER, "%s", "");
    CHECK_INT(S_echo6(icmp, NULL, NULL, &source, &lo, 0, NULL, NULL, REPLY6, &error), 0, "%s", "");
    CHECK_INT(error, ERROR_INVALID_PARAMETER, "%s", "");
    IcmpCloseHandle(icmp);
}

static void icmp6_asynchronous_reply_reports_the_bytes_written(void)
{
    HANDLE icmp = S_open6();
    unsigned char reply[REPLY6 + 32 + 8];
    struct sockaddr_in6 source = S_any6, lo = util_sockaddr6("::1");
    struct util_apc record;
    memset(&record, 0, sizeof(record));
    DWORD error;
    CHECK_INT(S_echo6(icmp, NULL, &record, &source, &lo, 32, NULL, reply, sizeof(reply), &error), 0,
              "%s", "");
    CHECK_INT(error, ERROR_IO_PENDING, "%s", "");
    util_wait_apc(&record, 1, 5000);
    CHECK_INT(record.calls, 1, "%s", "");
    CHECK_INT(record.status, STATUS_SUCCESS, "%s", "");
    CHECK_INT(record.information, REPLY6 + 32, "%s", "");
    SetLastError(GARBAGE);
    CHECK_INT(Icmp6ParseReplies(reply, sizeof(reply)), 1, "%s", "");
    CHECK_LAST_ERROR(GARBAGE, "%s", "");
    IcmpCloseHandle(icmp);
}

static void handles_of_either_family_serve_both_families(void)
{
    HANDLE icmp4 = S_open4(), icmp6 = S_open6();
    unsigned char reply[REPLY4 + 32 + 8];
    struct sockaddr_in6 source = S_any6, lo = util_sockaddr6("::1");
    DWORD error;
    CHECK_INT(S_echo4(icmp6, 32, NULL, reply, sizeof(reply), 1000, &error), 1, "%s", "");
    CHECK_INT(S_echo6(icmp4, NULL, NULL, &source, &lo, 32, NULL, reply, sizeof(reply), &error), 1,
              "%s", "");
    IcmpCloseHandle(icmp4);
    IcmpCloseHandle(icmp6);
}

/* ---- parse functions ---- */

static void parse_replies_returns_the_count_and_clears_it(void)
{
    unsigned char buffer[REPLY4 + 8];
    ICMP_ECHO_REPLY r;
    memset(&r, 0, sizeof(r));
    r.Status = IP_DEST_HOST_UNREACHABLE;
    r.Reserved = 3;
    memcpy(buffer, &r, sizeof(r));
    SetLastError(GARBAGE);
    CHECK_INT(IcmpParseReplies(buffer, sizeof(buffer)), 3, "%s", "");
    CHECK_LAST_ERROR(GARBAGE, "untouched with replies");
    r = util_reply4(buffer);
    CHECK_INT(r.Reserved, 0, "%s", "");
    CHECK_INT(r.Status, IP_DEST_HOST_UNREACHABLE, "Status untouched");
    CHECK_INT(IcmpParseReplies(buffer, sizeof(buffer)), 0, "parsed already");
    CHECK_LAST_ERROR(IP_DEST_HOST_UNREACHABLE, "%s", "");
}

static void parse_replies_without_replies_reports_the_status(void)
{
    unsigned char buffer[REPLY4];
    ICMP_ECHO_REPLY r;
    memset(&r, 0, sizeof(r));
    r.Status = IP_REQ_TIMED_OUT;
    memcpy(buffer, &r, sizeof(r));
    SetLastError(GARBAGE);
    CHECK_INT(IcmpParseReplies(buffer, sizeof(buffer)), 0, "%s", "");
    CHECK_LAST_ERROR(IP_REQ_TIMED_OUT, "%s", "");
    r.Status = IP_SUCCESS;
    memcpy(buffer, &r, sizeof(r));
    CHECK_INT(IcmpParseReplies(buffer, sizeof(buffer)), 0, "%s", "");
    CHECK_LAST_ERROR(IP_SUCCESS, "even a Status of 0");
    SetLastError(GARBAGE);
    CHECK_INT(IcmpParseReplies(NULL, REPLY4), 0, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_PARAMETER, "%s", "");
    CHECK_INT(IcmpParseReplies(buffer, REPLY4 - 1), 0, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_PARAMETER, "%s", "");
}

static void icmp6_parse_replies_accepts_only_success(void)
{
    unsigned char buffer[REPLY6 + 8];
    ICMPV6_ECHO_REPLY r;
    memset(&r, 0, sizeof(r));
    memcpy(buffer, &r, sizeof(r));
    SetLastError(GARBAGE);
    CHECK_INT(Icmp6ParseReplies(buffer, sizeof(buffer)), 1, "%s", "");
    CHECK_LAST_ERROR(GARBAGE, "%s", "");
    ULONG statuses[] = {IP_REQ_TIMED_OUT, IP_HOP_LIMIT_EXCEEDED, IP_DEST_NO_ROUTE};
    for (size_t i = 0; i < 3; i++) {
        r.Status = statuses[i];
        memcpy(buffer, &r, sizeof(r));
        CHECK_INT(Icmp6ParseReplies(buffer, sizeof(buffer)), 0, "status %lu",
                  (unsigned long)statuses[i]);
        CHECK_LAST_ERROR(statuses[i], "%s", "");
        CHECK_INT(util_reply6(buffer).Status, statuses[i], "Status untouched");
    }
    SetLastError(GARBAGE);
    CHECK_INT(Icmp6ParseReplies(NULL, REPLY6), 0, "%s", "");
    CHECK_LAST_ERROR(ERROR_GEN_FAILURE, "%s", "");
    SetLastError(GARBAGE);
    CHECK_INT(Icmp6ParseReplies(buffer, 0), 0, "%s", "");
    CHECK_LAST_ERROR(ERROR_GEN_FAILURE, "%s", "");
}

/* ---- last error, events, waits, sleeps ---- */

static void *S_set_error(void *pointer)
{
    DWORD *seen = pointer;
    seen[0] = GetLastError();
    SetLastError(7);
    seen[1] = GetLastError();
    return NULL;
}

static void last_error_belongs_to_each_thread(void)
{
    SetLastError(5);
    DWORD seen[2] = {GARBAGE, GARBAGE};
    pthread_t thread;
    pthread_create(&thread, NULL, S_set_error, seen);
    pthread_join(thread, NULL);
    CHECK_INT(seen[0], 0, "a new thread starts at 0");
    CHECK_INT(seen[1], 7, "%s", "");
    CHECK_INT(GetLastError(), 5, "untouched by the other thread");
}

static void manual_reset_event_stays_signalled_until_reset(void)
{
    HANDLE event = CreateEvent(NULL, TRUE, FALSE, NULL);
    CHECK(event != NULL, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 0), WAIT_TIMEOUT, "%s", "");
    CHECK(SetEvent(event), "%s", "");
    CHECK_INT(WaitForSingleObject(event, 0), WAIT_OBJECT_0, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 0), WAIT_OBJECT_0, "still signalled");
    CHECK(ResetEvent(event), "%s", "");
    CHECK_INT(WaitForSingleObject(event, 0), WAIT_TIMEOUT, "%s", "");
    CloseHandle(event);
    HANDLE initially = CreateEvent(NULL, TRUE, TRUE, NULL);
    CHECK_INT(WaitForSingleObject(initially, 0), WAIT_OBJECT_0, "initial state");
    CloseHandle(initially);
}

static void auto_reset_event_releases_one_wait(void)
{
    HANDLE event = CreateEvent(NULL, FALSE, TRUE, NULL);
    CHECK_INT(WaitForSingleObject(event, 0), WAIT_OBJECT_0, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 0), WAIT_TIMEOUT, "reset by the wait");
    CloseHandle(event);
}

static void wait_times_out_after_the_given_time(void)
{
    HANDLE event = CreateEvent(NULL, TRUE, FALSE, NULL);
    double start = util_now_ms();
    CHECK_INT(WaitForSingleObject(event, 250), WAIT_TIMEOUT, "%s", "");
    double elapsed = util_now_ms() - start;
    CHECK(elapsed >= 245 && elapsed < 1000, "waited %.0f ms for 250", elapsed);
    start = util_now_ms();
    CHECK_INT(SleepEx(250, TRUE), 0, "%s", "");
    elapsed = util_now_ms() - start;
    CHECK(elapsed >= 245 && elapsed < 1000, "alertable sleep %.0f ms for 250", elapsed);
    start = util_now_ms();
    Sleep(100);
    elapsed = util_now_ms() - start;
    CHECK(elapsed >= 95 && elapsed < 800, "slept %.0f ms for 100", elapsed);
    CloseHandle(event);
}

static void *S_set_later(void *pointer)
{
    Sleep(150);
    SetEvent((HANDLE)pointer);
    return NULL;
}

static void set_event_from_another_thread_ends_a_wait(void)
{
    HANDLE event = CreateEvent(NULL, FALSE, FALSE, NULL);
    pthread_t thread;
    double start = util_now_ms();
    pthread_create(&thread, NULL, S_set_later, event);
    CHECK_INT(WaitForSingleObject(event, INFINITE), WAIT_OBJECT_0, "%s", "");
    double elapsed = util_now_ms() - start;
    CHECK(elapsed >= 140 && elapsed < 2000, "woke after %.0f ms", elapsed);
    pthread_join(thread, NULL);
    CloseHandle(event);
}

static void event_functions_refuse_invalid_handles(void)
{
    HANDLE icmp = S_open4();
    HANDLE closed = CreateEvent(NULL, TRUE, FALSE, NULL);
    CHECK_INT(CloseHandle(closed), TRUE, "%s", "");
    HANDLE refused[] = {NULL, INVALID_HANDLE_VALUE, closed, icmp};
    for (size_t i = 0; i < 4; i++) {
        SetLastError(GARBAGE);
        CHECK_INT(SetEvent(refused[i]), FALSE, "handle %zu", i);
        CHECK_LAST_ERROR(ERROR_INVALID_HANDLE, "%s", "");
        SetLastError(GARBAGE);
        CHECK_INT(ResetEvent(refused[i]), FALSE, "handle %zu", i);
        CHECK_LAST_ERROR(ERROR_INVALID_HANDLE, "%s", "");
        SetLastError(GARBAGE);
        CHECK_INT(WaitForSingleObject(refused[i], 0), WAIT_FAILED, "handle %zu", i);
        CHECK_LAST_ERROR(ERROR_INVALID_HANDLE, "%s", "");
    }
    SetLastError(GARBAGE);
    CHECK_INT(CloseHandle(closed), FALSE, "closing twice");
    CHECK_LAST_ERROR(ERROR_INVALID_HANDLE, "%s", "");
    IcmpCloseHandle(icmp);
}

static void named_events_are_not_supported(void)
{
    SetLastError(GARBAGE);
    CHECK(CreateEvent(NULL, TRUE, FALSE, "Global\\wping") == NULL, "%s", "");
    CHECK_LAST_ERROR(ERROR_NOT_SUPPORTED, "%s", "");
}

/* ---- Winsock helpers ---- */

static void inet_ntoa_formats_the_windows_in_addr(void)
{
    struct in_addr address;
    address.S_un.S_addr = inet_addr("198.18.7.33");
    CHECK_STR(inet_ntoa(address), "198.18.7.33", "%s", "");
    CHECK_INT(address.S_un.S_un_b.s_b1, 198, "%s", "");
    CHECK_INT(address.S_un.S_un_b.s_b4, 33, "%s", "");
    address.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_STR(inet_ntoa(address), "127.0.0.1", "s_addr is S_un.S_addr");
    struct sockaddr_in in;
    memset(&in, 0, sizeof(in));
    in.sin_addr.S_un.S_addr = inet_addr("198.19.100.7");
    CHECK_STR(inet_ntoa(in.sin_addr), "198.19.100.7", "%s", "");
    CHECK_INT(offsetof(struct sockaddr_in, sin_addr), 4, "%s", "");
}

/* docs/design.md, Porting from .NET: .NET and Mono read errno for Marshal.GetLastWin32Error(). A
 * call that sets the last error leaves it in errno too; a success that Windows leaves GetLastError
 * alone on leaves the caller's errno, whatever the call did inside (sockets opened and closed). */
static void errno_holds_the_last_error_for_dotnet(void)
{
    SetLastError(GARBAGE);
    CHECK_INT(errno, (int)GARBAGE, "SetLastError");
    errno = 4242;
    HANDLE icmp = IcmpCreateFile();
    CHECK_INT(errno, 4242, "IcmpCreateFile succeeded: errno as it was");
    CHECK_INT(GetLastError(), GARBAGE, "IcmpCreateFile succeeded: last error as it was");
    unsigned char reply[REPLY4 + 32 + 8];
    errno = 4242;
    CHECK_INT(IcmpSendEcho(icmp, S_lo(), S_data, 32, NULL, reply, sizeof(reply), 1000), 1, "%s",
              "");
    CHECK_LAST_ERROR(NO_ERROR, "a synchronous success clears both");
    errno = 4242;
    CHECK_INT(IcmpCloseHandle(NULL), FALSE, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_HANDLE, "%s", "");
    errno = 4242;
    CHECK_INT(IcmpCloseHandle(icmp), TRUE, "%s", "");
    CHECK_INT(errno, 4242, "IcmpCloseHandle succeeded: errno as it was");
    SetLastError(GARBAGE);
    errno = 4242;
    HANDLE event = CreateEvent(NULL, TRUE, FALSE, NULL);
    CHECK_LAST_ERROR(NO_ERROR, "CreateEvent of a new event sets 0, as Windows does");
    errno = 4242;
    CHECK_INT(SetEvent(event), TRUE, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 0), WAIT_OBJECT_0, "%s", "");
    CHECK_INT(errno, 4242, "SetEvent and a wait that succeeded: errno as it was");
    CHECK_INT(CloseHandle(event), TRUE, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 0), WAIT_FAILED, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_HANDLE, "a failed wait");
}

static void wsa_startup_grants_version_2_2(void)
{
    WSADATA data;
    CHECK_INT(WSAStartup(MAKEWORD(2, 2), &data), 0, "%s", "");
    CHECK_INT(data.wVersion, 0x0202, "%s", "");
    CHECK_INT(data.wHighVersion, 0x0202, "%s", "");
    CHECK_INT(WSAStartup(MAKEWORD(1, 1), &data), 0, "%s", "");
    CHECK_INT(data.wVersion, 0x0101, "%s", "");
    CHECK_INT(WSAStartup(MAKEWORD(0, 1), &data), WSAVERNOTSUPPORTED, "%s", "");
    CHECK_INT(WSAStartup(MAKEWORD(2, 2), NULL), WSAEFAULT, "%s", "");
    CHECK_INT(WSACleanup(), 0, "%s", "");
    SetLastError(1214);
    CHECK_INT(WSAGetLastError(), 1214, "%s", "");
}

/* ---- the case table ---- */

struct loopback_case {
    const char *name;
    void (*run)(void);
};

#define CASE(name)                                                                                 \
    {                                                                                              \
#name, name                                                                                \
    }
static const struct loopback_case S_loopback_cases[] = {
    CASE(ip_status_values_and_aliases_match_windows),
    CASE(win32_error_and_wait_values_match_windows),
    CASE(structures_have_the_windows_x64_layout),
    CASE(create_file_returns_handles_that_close_once),
    CASE(close_handle_refuses_what_is_not_an_icmp_handle),
    CASE(send_with_invalid_handle_value_fails_with_invalid_parameter),
    CASE(send_with_closed_or_foreign_handle_fails_with_invalid_handle),
    CASE(send_without_reply_buffer_fails_with_invalid_parameter),
    CASE(reply_size_below_the_structure_fails_with_invalid_parameter),
    CASE(request_without_data_or_options_pointer_fails_with_invalid_parameter),
    CASE(unspecified_destination_fails_with_invalid_netname),
    CASE(send_with_a_bad_event_handle_fails_with_invalid_handle),
    CASE(send_echo_to_loopback_fills_one_reply_and_clears_last_error),
    CASE(reply_address_is_the_host_that_answered),
    CASE(empty_request_without_data_pointer_succeeds),
    CASE(request_options_ttl_zero_one_and_dont_fragment_are_accepted),
    CASE(timeout_zero_and_infinite_are_accepted_on_loopback),
    CASE(largest_payload_round_trips_and_larger_fails_with_general_failure),
    CASE(reply_ip_options_sit_between_structure_and_data),
    CASE(oversized_or_malformed_request_options_fail),
    CASE(reply_buffer_must_hold_structure_and_echoed_data),
    CASE(send_echo2_without_event_or_apc_is_synchronous),
    CASE(send_echo2ex_binds_local_sources_and_refuses_others),
    CASE(event_is_signalled_once_after_the_reply_is_written),
    CASE(argument_errors_are_synchronous_and_leave_the_event_alone),
    CASE(completion_arrives_after_icmp_close_handle),
    CASE(completion_arrives_after_the_issuing_thread_exits),
    CASE(closing_the_event_before_completion_is_harmless),
    CASE(apc_runs_once_in_the_issuing_thread_during_an_alertable_sleep),
    CASE(apc_runs_in_an_alertable_wait_for_single_object_ex),
    CASE(apc_never_runs_in_another_thread),
    CASE(apc_is_ignored_when_an_event_is_given),
    CASE(argument_errors_queue_no_apc),
    CASE(apc_arrives_after_icmp_close_handle),
    CASE(signalled_object_wins_over_a_queued_apc),
    CASE(icmp6_echo_to_loopback_fills_the_reply),
    CASE(icmp6_accepts_family_zero_linux_and_windows_values_only),
    CASE(icmp6_hop_limit_zero_fails_with_general_failure),
    CASE(icmp6_hop_limit_one_reaches_loopback),
    CASE(icmp6_binds_local_sources_and_refuses_others),
    CASE(icmp6_reply_buffer_must_hold_structure_and_data),
    CASE(icmp6_asynchronous_reply_reports_the_bytes_written),
    CASE(handles_of_either_family_serve_both_families),
    CASE(parse_replies_returns_the_count_and_clears_it),
    CASE(parse_replies_without_replies_reports_the_status),
    CASE(icmp6_parse_replies_accepts_only_success),
    CASE(last_error_belongs_to_each_thread),
    CASE(errno_holds_the_last_error_for_dotnet),
    CASE(manual_reset_event_stays_signalled_until_reset),
    CASE(auto_reset_event_releases_one_wait),
    CASE(wait_times_out_after_the_given_time),
    CASE(set_event_from_another_thread_ends_a_wait),
    CASE(event_functions_refuse_invalid_handles),
    CASE(named_events_are_not_supported),
    CASE(inet_ntoa_formats_the_windows_in_addr),
    CASE(wsa_startup_grants_version_2_2),
};

#include "conformance_lab.h"

/* The socket kind the engine picks: datagram when ping_group_range allows it, else raw. */
static const char *S_socket_kind(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    if (fd >= 0) {
        close(fd);
        return "dgram";
    }
    fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (fd >= 0) {
        close(fd);
        return "raw";
    }
    return "none";
}

static void S_run(const char *name, void (*run)(void))
{
    int before = harness_failures;
    run();
    printf("%s %s\n", harness_failures == before ? "ok  " : "FAIL", name);
    fflush(stdout);
}

static int S_usage(void)
{
    fprintf(stderr, "usage: icmpapi-conformance loopback [CASE...]\n"
                    "       icmpapi-conformance lab CASE ARG...\n"
                    "       icmpapi-conformance list\n");
    return 2;
}

int main(int argc, char **argv)
{
    size_t count = sizeof(S_loopback_cases) / sizeof(S_loopback_cases[0]);
    if (argc >= 2 && strcmp(argv[1], "list") == 0) {
        for (size_t i = 0; i < count; i++)
            printf("loopback %s\n", S_loopback_cases[i].name);
        lab_list();
        return 0;
    }
    if (argc < 2 || (strcmp(argv[1], "loopback") != 0 && strcmp(argv[1], "lab") != 0))
        return S_usage();
    const char *kind = S_socket_kind();
    printf("socket kind: %s\n", kind);
    if (strcmp(kind, "none") == 0) {
        /* Not a failure of the library: this user may not send ICMP at all. */
        const char *require = getenv("WPING_REQUIRE_LAB");
        fprintf(stderr,
                "icmpapi-conformance: no ICMP socket may be opened here (needs "
                "net.ipv4.ping_group_range or CAP_NET_RAW)%s\n",
                require != NULL && strcmp(require, "1") == 0 ? "" : ": skipped");
        return require != NULL && strcmp(require, "1") == 0 ? 1 : SKIPPED;
    }
    if (strcmp(argv[1], "lab") == 0) {
        if (argc < 3 || !lab_run(argv[2], argc - 3, argv + 3))
            return S_usage();
        return harness_result();
    }
    int ran = 0;
    for (size_t i = 0; i < count; i++) {
        bool wanted = argc == 2;
        for (int a = 2; a < argc; a++)
            wanted = wanted || strcmp(argv[a], S_loopback_cases[i].name) == 0;
        if (wanted) {
            S_run(S_loopback_cases[i].name, S_loopback_cases[i].run);
            ran++;
        }
    }
    if (ran == 0 || (argc > 2 && ran != argc - 2)) {
        fprintf(stderr, "icmpapi-conformance: unknown case name\n");
        return 2;
    }
    return harness_result();
}
