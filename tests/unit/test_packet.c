/* Unit tests of the engine's pure packet layer: checksums, echo building, reply and error
 * parsing for both families, and the raw sockets' BPF filter, from bytes. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "harness.h"
#include "packet.h"
#include "wping/echo.h"

static void checksum_of_rfc1071_example_is_complement_of_sum(void)
{
    /* RFC 1071 section 3 example: the sum of these words is 0xddf2. */
    const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    CHECK_INT(packet_checksum(data, sizeof(data)), (uint16_t)~0xddf2, "rfc 1071 example");
}

static void checksum_of_odd_length_pads_last_byte_with_zero(void)
{
    const uint8_t odd[] = {0x12, 0x34, 0x56};
    const uint8_t even[] = {0x12, 0x34, 0x56, 0x00};
    CHECK_INT(packet_checksum(odd, 3), packet_checksum(even, 4), "odd length");
}

static void checksum_of_unaligned_buffer_is_the_same(void)
{
    uint8_t buffer[64];
    for (size_t i = 0; i < sizeof(buffer); i++)
        buffer[i] = (uint8_t)(i * 7 + 3);
    uint8_t shifted[65];
    memcpy(shifted + 1, buffer, sizeof(buffer));
    CHECK_INT(packet_checksum(shifted + 1, 63), packet_checksum(buffer, 63), "unaligned");
}

static void built_ipv4_echo_request_checks_out(void)
{
    uint8_t out[64];
    const char data[] = "abcdefgh";
    size_t n = packet_build_echo(out, sizeof(out), AF_INET, 0x1234, 0x0102, data, 8);
    CHECK_INT(n, 16, "length");
    CHECK_INT(out[0], 8, "type echo request");
    CHECK_INT(out[1], 0, "code");
    CHECK_INT(out[4] << 8 | out[5], 0x1234, "identifier big-endian");
    CHECK_INT(out[6] << 8 | out[7], 0x0102, "sequence big-endian");
    CHECK_INT(packet_checksum(out, n), 0, "checksum verifies");
    CHECK(memcmp(out + 8, data, 8) == 0, "payload copied");
}

static void built_ipv6_echo_request_leaves_checksum_to_kernel(void)
{
    uint8_t out[16];
    size_t n = packet_build_echo(out, sizeof(out), AF_INET6, 1, 2, NULL, 0);
    CHECK_INT(n, 8, "length");
    CHECK_INT(out[0], 128, "type 128");
    CHECK_INT(out[2] | out[3], 0, "checksum zero");
}

static void building_into_too_small_buffer_fails(void)
{
    uint8_t out[10];
    CHECK_INT(packet_build_echo(out, sizeof(out), AF_INET, 1, 1, "abc", 3), 0, "no room");
    CHECK_INT(packet_build_echo(out, 4, AF_INET, 1, 1, NULL, 0), 0, "not even a header");
}

/* An echo reply as a raw IPv4 socket sees it: IP header (optionally with options) + ICMP. */
static size_t make_ipv4_reply(uint8_t *out, const uint8_t *options, size_t options_len, uint16_t id,
                              uint16_t seq, const char *data)
{
    size_t header = 20 + options_len;
    size_t data_len = strlen(data);
    memset(out, 0, header);
    out[0] = (uint8_t)(0x40 | header / 4);
    out[1] = 0x10;
    size_t total = header + 8 + data_len;
    out[2] = (uint8_t)(total >> 8);
    out[3] = (uint8_t)total;
    out[6] = 0x40; /* DF */
    out[8] = 61;
    out[9] = 1;
    if (options_len)
        memcpy(out + 20, options, options_len);
    uint8_t *icmp = out + header;
    memset(icmp, 0, 8);
    icmp[4] = (uint8_t)(id >> 8);
    icmp[5] = (uint8_t)id;
    icmp[6] = (uint8_t)(seq >> 8);
    icmp[7] = (uint8_t)seq;
    memcpy(icmp + 8, data, data_len);
    uint16_t sum = packet_checksum(icmp, 8 + data_len);
    icmp[2] = (uint8_t)(sum >> 8);
    icmp[3] = (uint8_t)sum;
    return total;
}

static void ipv4_echo_reply_is_parsed_with_header_fields(void)
{
    uint8_t packet[128];
    const uint8_t rr[] = {7, 7, 8, 198, 18, 0, 1, 0}; /* record route with one entry filled */
    size_t n = make_ipv4_reply(packet, rr, sizeof(rr), 0xabcd, 7, "abcdef");
    struct packet_info info;
    packet_parse_ipv4(packet, n, &info);
    CHECK_INT(info.kind, PACKET_ECHO_REPLY, "kind");
    CHECK_INT(info.identifier, 0xabcd, "identifier");
    CHECK_INT(info.sequence, 7, "sequence");
    CHECK_INT(info.data_len, 6, "data length");
    CHECK(info.data && memcmp(info.data, "abcdef", 6) == 0, "data");
    CHECK_INT(info.ttl, 61, "ttl");
    CHECK_INT(info.tos, 0x10, "tos");
    CHECK_INT(info.ip_flags, 2, "DF shows as IP_FLAG_DF");
    CHECK_INT(info.ip_options_len, 8, "options length");
}

static void ipv4_reply_with_bad_checksum_is_malformed_but_keeps_sequence(void)
{
    uint8_t packet[128];
    size_t n = make_ipv4_reply(packet, NULL, 0, 1, 9, "abcd");
    packet[20 + 8] ^= 0xff;
    struct packet_info info;
    packet_parse_ipv4(packet, n, &info);
    CHECK_INT(info.kind, PACKET_MALFORMED, "kind");
    CHECK(info.has_echo, "sequence known");
    CHECK_INT(info.sequence, 9, "sequence");
    CHECK_INT(info.data_len, 4, "the size it arrived with");
}

static void ipv4_packet_shorter_than_its_header_is_ignored(void)
{
    uint8_t packet[128];
    size_t n = make_ipv4_reply(packet, NULL, 0, 1, 1, "abcd");
    struct packet_info info;
    packet_parse_ipv4(packet, 19, &info);
    CHECK_INT(info.kind, PACKET_IGNORE, "19 bytes");
    packet[0] = 0x4f; /* IHL 60 > length */
    packet_parse_ipv4(packet, 40, &info);
    CHECK_INT(info.kind, PACKET_IGNORE, "IHL past the end");
    packet[0] = 0x44; /* IHL 16 < 20 */
    packet_parse_ipv4(packet, n, &info);
    CHECK_INT(info.kind, PACKET_IGNORE, "IHL below 20");
}

static void ipv4_total_length_shorter_than_received_trims_payload(void)
{
    uint8_t packet[128];
    size_t n = make_ipv4_reply(packet, NULL, 0, 1, 1, "abcdefgh");
    /* Claim 4 bytes less: checksum then fails over the shorter packet, so it is malformed,
     * and it never reads the trailing bytes as payload. */
    packet[3] = (uint8_t)(n - 4);
    struct packet_info info;
    packet_parse_ipv4(packet, n, &info);
    CHECK(info.kind == PACKET_MALFORMED || info.data_len == 4, "trimmed to total length");
}

static void ipv4_own_echo_request_is_ignored(void)
{
    uint8_t packet[128];
    size_t n = make_ipv4_reply(packet, NULL, 0, 1, 1, "ab");
    packet[20] = 8;
    struct packet_info info;
    packet_parse_ipv4(packet, n, &info);
    CHECK_INT(info.kind, PACKET_IGNORE, "echo request");
}

/* An ICMPv4 error as it arrives at the ICMP layer: header, quoted IP header, quoted ICMP. */
static size_t make_ipv4_error(uint8_t *out, uint8_t type, uint8_t code, size_t quote_icmp_bytes,
                              uint16_t id, uint16_t seq)
{
    memset(out, 0, 8 + 20 + 8);
    out[0] = type;
    out[1] = code;
    uint8_t *ip = out + 8;
    ip[0] = 0x45;
    ip[9] = 1;
    ip[16] = 198;
    ip[17] = 18;
    ip[18] = 1;
    ip[19] = 2;
    uint8_t *icmp = ip + 20;
    icmp[0] = 8;
    icmp[4] = (uint8_t)(id >> 8);
    icmp[5] = (uint8_t)id;
    icmp[6] = (uint8_t)(seq >> 8);
    icmp[7] = (uint8_t)seq;
    size_t n = 8 + 20 + quote_icmp_bytes;
    uint16_t sum = packet_checksum(out, n);
    out[2] = (uint8_t)(sum >> 8);
    out[3] = (uint8_t)sum;
    return n;
}

static void ipv4_error_quoting_our_request_is_parsed(void)
{
    uint8_t packet[64];
    size_t n = make_ipv4_error(packet, 3, 1, 8, 0x55aa, 42);
    struct packet_info info;
    packet_parse_icmp(AF_INET, packet, n, true, &info);
    CHECK_INT(info.kind, PACKET_ERROR, "kind");
    CHECK_INT(info.status, ECHO_DEST_HOST_UNREACHABLE, "status");
    CHECK_INT(info.identifier, 0x55aa, "quoted identifier");
    CHECK_INT(info.sequence, 42, "quoted sequence");
    CHECK(info.has_quoted_destination, "quoted destination");
    CHECK_INT(info.quoted_destination[3], 2, "destination bytes");
}

static void ipv4_error_with_truncated_quote_is_ignored(void)
{
    uint8_t packet[64];
    size_t n = make_ipv4_error(packet, 11, 0, 4, 1, 2);
    struct packet_info info;
    packet_parse_icmp(AF_INET, packet, n, true, &info);
    CHECK_INT(info.kind, PACKET_IGNORE, "only 4 quoted ICMP bytes");
}

static void ipv4_error_quoting_other_protocol_is_ignored(void)
{
    uint8_t packet[64];
    size_t n = make_ipv4_error(packet, 3, 3, 8, 1, 2);
    packet[8 + 9] = 17; /* UDP */
    uint16_t sum;
    packet[2] = packet[3] = 0;
    sum = packet_checksum(packet, n);
    packet[2] = (uint8_t)(sum >> 8);
    packet[3] = (uint8_t)sum;
    struct packet_info info;
    packet_parse_icmp(AF_INET, packet, n, true, &info);
    CHECK_INT(info.kind, PACKET_IGNORE, "UDP quote");
}

/* Just enough of a classic BPF machine to run what packet_filter writes; a load past the end
 * of the packet drops it, as the kernel's does. */
static uint32_t run_filter(const struct sock_filter *code, size_t length, const uint8_t *p,
                           size_t n)
{
    uint32_t a = 0, x = 0;
    for (size_t pc = 0; pc < length; pc++) {
        const struct sock_filter *f = &code[pc];
        uint32_t at = BPF_MODE(f->code) == BPF_IND ? x + f->k : f->k;
        switch (f->code) {
        case BPF_LD | BPF_B | BPF_ABS:
        case BPF_LD | BPF_B | BPF_IND:
            if (at >= n)
                return 0;
            a = p[at];
            break;
        case BPF_LD | BPF_H | BPF_ABS:
        case BPF_LD | BPF_H | BPF_IND:
            if (at + 1 >= n)
                return 0;
            a = (uint32_t)(p[at] << 8 | p[at + 1]);
            break;
        case BPF_LDX | BPF_B | BPF_MSH:
            if (f->k >= n)
                return 0;
            x = (uint32_t)(p[f->k] & 0x0f) * 4;
            break;
        case BPF_ALU | BPF_AND | BPF_K:
            a &= f->k;
            break;
        case BPF_ALU | BPF_LSH | BPF_K:
            a <<= f->k;
            break;
        case BPF_ALU | BPF_ADD | BPF_X:
            a += x;
            break;
        case BPF_MISC | BPF_TAX:
            x = a;
            break;
        case BPF_JMP | BPF_JEQ | BPF_K:
            pc += a == f->k ? f->jt : f->jf;
            break;
        case BPF_RET | BPF_K:
            return f->k;
        default:
            CHECK(false, "unexpected BPF instruction 0x%x at %zu", f->code, pc);
            return 0;
        }
    }
    CHECK(false, "program ran off its end");
    return 0;
}

static bool filter_passes(int family, uint16_t identifier, const uint8_t *packet, size_t n)
{
    struct sock_filter code[PACKET_FILTER_LENGTH];
    size_t length = packet_filter(family, identifier, code);
    CHECK(length > 0 && length <= PACKET_FILTER_LENGTH, "program length %zu", length);
    return run_filter(code, length, packet, n) != 0;
}

static void ipv4_filter_passes_only_replies_with_our_identifier(void)
{
    uint8_t packet[128];
    size_t n = make_ipv4_reply(packet, NULL, 0, 0xbeef, 1, "abcd");
    CHECK(filter_passes(AF_INET, 0xbeef, packet, n), "our reply");
    CHECK(!filter_passes(AF_INET, 0xbeee, packet, n), "another identifier's reply");
    const uint8_t rr[] = {7, 7, 4, 0, 0, 0, 0, 1}; /* options move the ICMP header */
    n = make_ipv4_reply(packet, rr, sizeof(rr), 0x0102, 9, "x");
    CHECK(filter_passes(AF_INET, 0x0102, packet, n), "our reply after IP options");
    CHECK(!filter_passes(AF_INET, 0x0201, packet, n), "foreign reply after IP options");
    CHECK(!filter_passes(AF_INET, 0x0102, packet, 20 + 8 + 4), "cut before the identifier");
}

/* An ICMPv4 error behind an outer IP header of `outer` bytes, as an IPv4 raw socket sees it. */
static size_t make_raw_ipv4_error(uint8_t *out, size_t outer, uint16_t id, size_t quote_icmp_bytes)
{
    memset(out, 0, outer);
    out[0] = (uint8_t)(0x40 | outer / 4);
    out[9] = 1;
    return outer + make_ipv4_error(out + outer, 3, 1, quote_icmp_bytes, id, 7);
}

static void ipv4_filter_passes_only_errors_quoting_our_identifier(void)
{
    uint8_t packet[160];
    size_t n = make_raw_ipv4_error(packet, 20, 0x4242, 8);
    CHECK(filter_passes(AF_INET, 0x4242, packet, n), "error quoting our request");
    CHECK(!filter_passes(AF_INET, 0x4243, packet, n), "error quoting another identifier");
    n = make_raw_ipv4_error(packet, 24, 0x4242, 8);
    CHECK(filter_passes(AF_INET, 0x4242, packet, n), "outer header with options");
    n = make_raw_ipv4_error(packet, 20, 0x4242, 4);
    CHECK(!filter_passes(AF_INET, 0x4242, packet, n), "quote without the identifier");
    n = make_raw_ipv4_error(packet, 20, 0x4242, 8);
    packet[20 + 8 + 9] = 17; /* quotes UDP */
    CHECK(!filter_passes(AF_INET, 0x4242, packet, n), "quote of another protocol");
    /* A quoted request that carried options (a source route): its ICMP header moves. */
    uint8_t *quote = packet + 20 + 8;
    memmove(quote + 28, quote + 20, 8);
    memset(quote + 20, 1, 8); /* NOPs */
    quote[0] = 0x47;
    quote[9] = 1;
    CHECK(filter_passes(AF_INET, 0x4242, packet, n + 8), "quoted request with options");
    quote[28] = 0; /* an echo reply quoted is no request of ours */
    CHECK(!filter_passes(AF_INET, 0x4242, packet, n + 8), "quoted echo reply");
}

static void ipv6_filter_passes_our_replies_and_errors_from_the_icmpv6_header(void)
{
    uint8_t reply[8 + 4] = {129, 0, 0, 0, 0x12, 0x34, 0, 5, 'a', 'b', 'c', 'd'};
    CHECK(filter_passes(AF_INET6, 0x1234, reply, sizeof(reply)), "our reply");
    CHECK(!filter_passes(AF_INET6, 0x1235, reply, sizeof(reply)), "foreign reply");
    uint8_t error[8 + 40 + 8];
    memset(error, 0, sizeof(error));
    error[0] = 1; /* destination unreachable */
    error[8] = 0x60;
    error[8 + 6] = 58;
    error[48] = 128;
    error[52] = 0x12;
    error[53] = 0x34;
    CHECK(filter_passes(AF_INET6, 0x1234, error, sizeof(error)), "error quoting our request");
    CHECK(!filter_passes(AF_INET6, 0x4321, error, sizeof(error)), "error quoting another");
    CHECK(!filter_passes(AF_INET6, 0x1234, error, 8 + 40 + 4), "quote without identifier");
    error[8 + 6] = 17;
    CHECK(!filter_passes(AF_INET6, 0x1234, error, sizeof(error)), "quote of UDP");
}

static void ipv4_redirect_is_ignored(void)
{
    uint8_t packet[64];
    size_t n = make_ipv4_error(packet, 5, 1, 8, 1, 2);
    struct packet_info info;
    packet_parse_icmp(AF_INET, packet, n, true, &info);
    CHECK_INT(info.kind, PACKET_IGNORE, "redirect");
}

static void ipv6_error_quoting_our_request_is_parsed(void)
{
    uint8_t packet[8 + 40 + 8];
    memset(packet, 0, sizeof(packet));
    packet[0] = 3; /* time exceeded */
    packet[1] = 0;
    uint8_t *ip = packet + 8;
    ip[0] = 0x60;
    ip[6] = 58;
    ip[24] = 0x20;
    ip[25] = 0x01;
    ip[39] = 9;
    uint8_t *icmp = ip + 40;
    icmp[0] = 128;
    icmp[5] = 3;
    icmp[7] = 4;
    struct packet_info info;
    packet_parse_icmp(AF_INET6, packet, sizeof(packet), true, &info);
    CHECK_INT(info.kind, PACKET_ERROR, "kind");
    CHECK_INT(info.status, ECHO_TTL_EXPIRED_TRANSIT, "hop limit exceeded");
    CHECK_INT(info.identifier, 3, "identifier");
    CHECK_INT(info.sequence, 4, "sequence");
    CHECK_INT(info.quoted_destination[15], 9, "quoted destination");
    ip[6] = 17;
    packet_parse_icmp(AF_INET6, packet, sizeof(packet), true, &info);
    CHECK_INT(info.kind, PACKET_IGNORE, "quote of another protocol");
}

static void ipv4_fragmentation_needed_carries_next_hop_mtu(void)
{
    uint8_t packet[64];
    size_t n = make_ipv4_error(packet, 3, 4, 8, 7, 8);
    /* RFC 1191: the next-hop MTU sits in the low 16 bits of the second header word. */
    packet[6] = 0x05;
    packet[7] = 0x14; /* 1300 */
    packet[2] = packet[3] = 0;
    uint16_t sum = packet_checksum(packet, n);
    packet[2] = (uint8_t)(sum >> 8);
    packet[3] = (uint8_t)sum;
    struct packet_info info;
    packet_parse_icmp(AF_INET, packet, n, true, &info);
    CHECK_INT(info.kind, PACKET_ERROR, "kind");
    CHECK_INT(info.status, ECHO_PACKET_TOO_BIG, "fragmentation needed");
    CHECK_INT(info.mtu, 1300, "next-hop mtu");
    CHECK_INT(info.sequence, 8, "sequence");
    n = make_ipv4_error(packet, 3, 1, 8, 7, 8);
    packet_parse_icmp(AF_INET, packet, n, true, &info);
    CHECK_INT(info.mtu, 0, "host unreachable carries no mtu");
}

static void ipv6_packet_too_big_carries_mtu(void)
{
    uint8_t packet[8 + 40 + 8];
    memset(packet, 0, sizeof(packet));
    packet[0] = 2; /* packet too big */
    packet[4] = 0x00;
    packet[5] = 0x01;
    packet[6] = 0x00;
    packet[7] = 0x02; /* 65538: the field is 32 bits wide */
    uint8_t *ip = packet + 8;
    ip[0] = 0x60;
    ip[6] = 58;
    uint8_t *icmp = ip + 40;
    icmp[0] = 128;
    icmp[7] = 11;
    struct packet_info info;
    packet_parse_icmp(AF_INET6, packet, sizeof(packet), true, &info);
    CHECK_INT(info.kind, PACKET_ERROR, "kind");
    CHECK_INT(info.status, ECHO_PACKET_TOO_BIG, "packet too big");
    CHECK_INT(info.mtu, 65538, "mtu, all 32 bits");
    CHECK_INT(info.sequence, 11, "sequence");
    packet[0] = 3;
    packet_parse_icmp(AF_INET6, packet, sizeof(packet), true, &info);
    CHECK_INT(info.mtu, 0, "time exceeded carries no mtu");
}

static void ipv6_echo_reply_is_parsed_without_ip_header(void)
{
    uint8_t packet[8 + 4] = {129, 0, 0, 0, 0x12, 0x34, 0, 5, 'a', 'b', 'c', 'd'};
    struct packet_info info;
    packet_parse_icmp(AF_INET6, packet, sizeof(packet), true, &info);
    CHECK_INT(info.kind, PACKET_ECHO_REPLY, "kind");
    CHECK_INT(info.sequence, 5, "sequence");
    CHECK_INT(info.data_len, 4, "data");
    CHECK_INT(info.ttl, -1, "no header, no ttl");
}

static void shorter_than_icmp_header_is_ignored(void)
{
    uint8_t packet[7] = {0, 0, 0, 0, 0, 0, 0};
    struct packet_info info;
    packet_parse_icmp(AF_INET, packet, sizeof(packet), false, &info);
    CHECK_INT(info.kind, PACKET_IGNORE, "7 bytes");
}

static void quoted_echo_header_from_error_queue_is_read(void)
{
    uint8_t header[8] = {8, 0, 0, 0, 0, 9, 1, 2};
    uint16_t id, seq;
    CHECK(packet_parse_quoted_echo(AF_INET, header, 8, &id, &seq), "parsed");
    CHECK_INT(seq, 0x0102, "sequence");
    CHECK(!packet_parse_quoted_echo(AF_INET6, header, 8, &id, &seq), "v4 type is not v6");
    CHECK(!packet_parse_quoted_echo(AF_INET, header, 7, &id, &seq), "too short");
}

struct mapping {
    int family;
    uint8_t type, code;
    uint32_t status;
};

static void error_types_map_to_ip_status_as_windows_does(void)
{
    static const struct mapping table[] = {
        {AF_INET, 3, 0, ECHO_DEST_NET_UNREACHABLE},
        {AF_INET, 3, 1, ECHO_DEST_HOST_UNREACHABLE},
        {AF_INET, 3, 2, ECHO_DEST_PROT_UNREACHABLE},
        {AF_INET, 3, 3, ECHO_DEST_PORT_UNREACHABLE},
        {AF_INET, 3, 4, ECHO_PACKET_TOO_BIG},
        {AF_INET, 3, 5, ECHO_BAD_ROUTE},
        {AF_INET, 3, 6, ECHO_DEST_NET_UNREACHABLE},
        {AF_INET, 3, 7, ECHO_DEST_HOST_UNREACHABLE},
        {AF_INET, 3, 9, ECHO_DEST_NET_UNREACHABLE},
        {AF_INET, 3, 10, ECHO_DEST_HOST_UNREACHABLE},
        {AF_INET, 3, 13, ECHO_DEST_HOST_UNREACHABLE},
        {AF_INET, 3, 20, ECHO_DEST_HOST_UNREACHABLE},
        {AF_INET, 4, 0, ECHO_SOURCE_QUENCH},
        {AF_INET, 11, 0, ECHO_TTL_EXPIRED_TRANSIT},
        {AF_INET, 11, 1, ECHO_TTL_EXPIRED_REASSEM},
        {AF_INET, 12, 0, ECHO_PARAM_PROBLEM},
        {AF_INET, 5, 0, 0},
        {AF_INET, 0, 0, 0},
        {AF_INET6, 1, 0, ECHO_DEST_NET_UNREACHABLE},
        {AF_INET6, 1, 1, ECHO_DEST_PROT_UNREACHABLE},
        {AF_INET6, 1, 2, ECHO_DEST_SCOPE_MISMATCH},
        {AF_INET6, 1, 3, ECHO_DEST_HOST_UNREACHABLE},
        {AF_INET6, 1, 4, ECHO_DEST_PORT_UNREACHABLE},
        {AF_INET6, 1, 5, ECHO_ICMP_ERROR},
        {AF_INET6, 1, 6, ECHO_DEST_UNREACHABLE},
        {AF_INET6, 1, 7, ECHO_BAD_HEADER},
        {AF_INET6, 1, 8, ECHO_DEST_HOST_UNREACHABLE},
        {AF_INET6, 2, 0, ECHO_PACKET_TOO_BIG},
        {AF_INET6, 3, 0, ECHO_TTL_EXPIRED_TRANSIT},
        {AF_INET6, 3, 1, ECHO_TTL_EXPIRED_REASSEM},
        {AF_INET6, 3, 2, ECHO_TIME_EXCEEDED},
        {AF_INET6, 4, 1, ECHO_PARAM_PROBLEM},
        {AF_INET6, 137, 0, 0},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        CHECK_INT(packet_error_status(table[i].family, table[i].type, table[i].code),
                  table[i].status, "family %d type %u code %u", table[i].family, table[i].type,
                  table[i].code);
}

static void local_send_failures_map_like_wine(void)
{
    CHECK_INT(packet_errno_status(EHOSTUNREACH), ECHO_DEST_HOST_UNREACHABLE, "EHOSTUNREACH");
    CHECK_INT(packet_errno_status(EMSGSIZE), ECHO_PACKET_TOO_BIG, "EMSGSIZE");
    CHECK_INT(packet_errno_status(ENETUNREACH), ECHO_GENERAL_FAILURE, "ENETUNREACH");
    CHECK_INT(packet_errno_status(EPERM), ECHO_GENERAL_FAILURE, "EPERM");
}

static void status_names_use_ipv6_aliases_for_ipv6(void)
{
    CHECK_STR(echo_status_name(11002, AF_INET), "IP_DEST_NET_UNREACHABLE", "v4");
    CHECK_STR(echo_status_name(11002, AF_INET6), "IP_DEST_NO_ROUTE", "v6 alias");
    CHECK_STR(echo_status_name(11010, AF_INET6), "IP_REQ_TIMED_OUT", "no alias");
    CHECK_STR(echo_status_name(0, AF_INET), "IP_SUCCESS", "success");
    CHECK_STR(echo_status_name(12345, AF_INET), "IP_STATUS_UNKNOWN", "unknown");
    CHECK_STR(echo_strerror(ECHO_ERR_SOURCE), "source address is not local", "strerror");
}

int main(void)
{
    RUN(checksum_of_rfc1071_example_is_complement_of_sum);
    RUN(checksum_of_odd_length_pads_last_byte_with_zero);
    RUN(checksum_of_unaligned_buffer_is_the_same);
    RUN(built_ipv4_echo_request_checks_out);
    RUN(built_ipv6_echo_request_leaves_checksum_to_kernel);
    RUN(building_into_too_small_buffer_fails);
    RUN(ipv4_echo_reply_is_parsed_with_header_fields);
    RUN(ipv4_reply_with_bad_checksum_is_malformed_but_keeps_sequence);
    RUN(ipv4_packet_shorter_than_its_header_is_ignored);
    RUN(ipv4_total_length_shorter_than_received_trims_payload);
    RUN(ipv4_own_echo_request_is_ignored);
    RUN(ipv4_error_quoting_our_request_is_parsed);
    RUN(ipv4_error_with_truncated_quote_is_ignored);
    RUN(ipv4_error_quoting_other_protocol_is_ignored);
    RUN(ipv4_redirect_is_ignored);
    RUN(ipv4_filter_passes_only_replies_with_our_identifier);
    RUN(ipv4_filter_passes_only_errors_quoting_our_identifier);
    RUN(ipv6_filter_passes_our_replies_and_errors_from_the_icmpv6_header);
    RUN(ipv6_error_quoting_our_request_is_parsed);
    RUN(ipv6_echo_reply_is_parsed_without_ip_header);
    RUN(ipv4_fragmentation_needed_carries_next_hop_mtu);
    RUN(ipv6_packet_too_big_carries_mtu);
    RUN(shorter_than_icmp_header_is_ignored);
    RUN(quoted_echo_header_from_error_queue_is_read);
    RUN(error_types_map_to_ip_status_as_windows_does);
    RUN(local_send_failures_map_like_wine);
    RUN(status_names_use_ipv6_aliases_for_ipv6);
    return harness_result();
}
