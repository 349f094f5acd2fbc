/*
 * The fleet host's packet code from bytes: echo requests to the fleet get a correct echo
 * reply (addresses swapped, checksums right, payload kept) and the address's index; anything
 * else is ignored.
 */
#include "fleet_packet.h"

#include "harness.h"

#include <arpa/inet.h>
#include <string.h>

static struct fleet_prefixes prefixes(void)
{
    struct fleet_prefixes p;
    CHECK(fleet_parse_prefix("198.18.64.0/18", 4, p.v4, &p.v4_length), "IPv4 prefix");
    CHECK(fleet_parse_prefix("2001:db8:f::/112", 6, p.v6, &p.v6_length), "IPv6 prefix");
    return p;
}

/* An IPv4 echo request from 198.18.0.2 to `to` with a 4-byte payload. */
static size_t request4(uint8_t *b, const char *to)
{
    static const uint8_t head[] = {0x45, 0, 0, 32, 0x12, 0x34, 0x40, 0, 64, 1, 0, 0, 198, 18, 0, 2};
    memcpy(b, head, sizeof head);
    inet_pton(AF_INET, to, b + 16);
    uint8_t *icmp = b + 20;
    memset(icmp, 0, 12);
    icmp[0] = 8;
    icmp[4] = 0xab; /* identifier */
    icmp[5] = 0xcd;
    icmp[7] = 7; /* sequence */
    memcpy(icmp + 8, "abcd", 4);
    uint16_t sum = fleet_checksum(icmp, 12, 0);
    icmp[2] = (uint8_t)(sum >> 8);
    icmp[3] = (uint8_t)sum;
    sum = fleet_checksum(b, 20, 0);
    b[10] = (uint8_t)(sum >> 8);
    b[11] = (uint8_t)sum;
    return 32;
}

static uint32_t pseudo6(const uint8_t *p, size_t upper)
{
    uint32_t sum = 0;
    for (size_t i = 8; i < 40; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    return sum + (uint32_t)upper + 58;
}

static size_t request6(uint8_t *b, const char *to)
{
    memset(b, 0, 52);
    b[0] = 0x60;
    b[5] = 12;
    b[6] = 58;
    b[7] = 64;
    inet_pton(AF_INET6, "2001:db8::2", b + 8);
    inet_pton(AF_INET6, to, b + 24);
    b[40] = 128;
    b[44] = 0x12;
    b[47] = 9;
    memcpy(b + 48, "wxyz", 4);
    uint16_t sum = fleet_checksum(b + 40, 12, pseudo6(b, 12));
    b[42] = (uint8_t)(sum >> 8);
    b[43] = (uint8_t)sum;
    return 52;
}

static void ipv4_requests_to_the_fleet_get_replies(void)
{
    struct fleet_prefixes p = prefixes();
    uint8_t in[64], out[64];
    size_t length = request4(in, "198.18.100.7"), out_length = 0;
    int family = 0;
    uint32_t index = 0;

    CHECK_INT(fleet_answer(&p, in, length, out, &out_length, &family, &index), FLEET_ANSWER,
              "answered");
    CHECK_INT(family, 4, "IPv4");
    CHECK_INT(index, (100 - 64) * 256 + 7, "index in the /18");
    CHECK_INT(out_length, 32, "same length");
    CHECK_INT(fleet_checksum(out, 20, 0), 0, "IP header checksum");
    CHECK_INT(fleet_checksum(out + 20, 12, 0), 0, "ICMP checksum");
    CHECK_INT(out[20], 0, "echo reply");
    CHECK(memcmp(out + 12, in + 16, 4) == 0 && memcmp(out + 16, in + 12, 4) == 0, "swapped");
    CHECK(memcmp(out + 24, in + 24, 8) == 0, "identifier, sequence and payload kept");
    CHECK_INT(out[8], 64, "TTL 64");

    length = request4(in, "198.18.64.0");
    CHECK_INT(fleet_answer(&p, in, length, out, &out_length, &family, &index), FLEET_ANSWER,
              "first address");
    CHECK_INT(index, 0, "index 0");
    length = request4(in, "198.18.127.255");
    CHECK_INT(fleet_answer(&p, in, length, out, &out_length, &family, &index), FLEET_ANSWER,
              "last address");
    CHECK_INT(index, 16383, "index 16383");
}

static void ipv6_requests_to_the_fleet_get_replies(void)
{
    struct fleet_prefixes p = prefixes();
    uint8_t in[64], out[64];
    size_t length = request6(in, "2001:db8:f::102"), out_length = 0;
    int family = 0;
    uint32_t index = 0;

    CHECK_INT(fleet_answer(&p, in, length, out, &out_length, &family, &index), FLEET_ANSWER,
              "answered");
    CHECK_INT(family, 6, "IPv6");
    CHECK_INT(index, 0x0102, "index in the /112");
    CHECK_INT(out_length, 52, "same length");
    CHECK_INT(out[40], 129, "echo reply");
    CHECK_INT(fleet_checksum(out + 40, 12, pseudo6(out, 12)), 0, "ICMPv6 checksum");
    CHECK(memcmp(out + 8, in + 24, 16) == 0 && memcmp(out + 24, in + 8, 16) == 0, "swapped");
    CHECK(memcmp(out + 44, in + 44, 8) == 0, "identifier, sequence and payload kept");
}

static void other_packets_are_ignored(void)
{
    struct fleet_prefixes p = prefixes();
    uint8_t in[64], out[64];
    size_t length, out_length;
    int family;
    uint32_t index;

    length = request4(in, "198.18.128.1");
    CHECK_INT(fleet_answer(&p, in, length, out, &out_length, &family, &index), FLEET_IGNORE,
              "outside the /18");
    length = request4(in, "198.18.64.1");
    in[30] ^= 1;
    CHECK_INT(fleet_answer(&p, in, length, out, &out_length, &family, &index), FLEET_IGNORE,
              "bad ICMP checksum");
    length = request4(in, "198.18.64.1");
    CHECK_INT(fleet_answer(&p, in, length - 1, out, &out_length, &family, &index), FLEET_IGNORE,
              "cut short");
    length = request6(in, "2001:db8:e::1");
    CHECK_INT(fleet_answer(&p, in, length, out, &out_length, &family, &index), FLEET_IGNORE,
              "outside the /112");
    length = request6(in, "2001:db8:f::1");
    in[40] = 129;
    CHECK_INT(fleet_answer(&p, in, length, out, &out_length, &family, &index), FLEET_IGNORE,
              "an echo reply is not answered");
    CHECK_INT(fleet_answer(&p, in, 10, out, &out_length, &family, &index), FLEET_IGNORE,
              "too short for any header");
}

static void prefixes_are_checked(void)
{
    uint8_t a[16];
    unsigned length;

    CHECK(!fleet_parse_prefix("198.18.64.1/18", 4, a, &length), "host bits set");
    CHECK(!fleet_parse_prefix("198.18.0.0/15", 4, a, &length), "more than 65536 addresses");
    CHECK(fleet_parse_prefix("198.18.64.0/24", 4, a, &length) && length == 24, "a /24");
    CHECK(!fleet_parse_prefix("2001:db8::/64", 6, a, &length), "an IPv6 /64 is too big");
    CHECK(!fleet_parse_prefix("198.18.64.0", 4, a, &length), "no length");
}

int main(void)
{
    RUN(ipv4_requests_to_the_fleet_get_replies);
    RUN(ipv6_requests_to_the_fleet_get_replies);
    RUN(other_packets_are_ignored);
    RUN(prefixes_are_checked);
    return harness_result();
}
