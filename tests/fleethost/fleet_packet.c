/* The fleet host's packet parsing and echo-reply building. */
#include "fleet_packet.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint16_t fleet_checksum(const uint8_t *data, size_t length, uint32_t sum)
{
    uint64_t total = sum;

    for (size_t i = 0; i + 1 < length; i += 2)
        total += (uint32_t)(data[i] << 8 | data[i + 1]);
    if (length % 2)
        total += (uint32_t)data[length - 1] << 8;
    while (total >> 16)
        total = (total & 0xffff) + (total >> 16);
    return (uint16_t)~total;
}

bool fleet_parse_prefix(const char *text, int family, uint8_t *address, unsigned *length)
{
    char copy[64];
    const char *slash = strchr(text, '/');
    unsigned bits = family == 4 ? 32 : 128, min = family == 4 ? 16 : 112;
    char *end;
    long value;

    if (slash == NULL || (size_t)(slash - text) >= sizeof(copy))
        return false;
    memcpy(copy, text, (size_t)(slash - text));
    copy[slash - text] = '\0';
    value = strtol(slash + 1, &end, 10);
    if (*end != '\0' || end == slash + 1 || value < (long)min || value > (long)bits)
        return false;
    if (inet_pton(family == 4 ? AF_INET : AF_INET6, copy, address) != 1)
        return false;
    for (unsigned bit = (unsigned)value; bit < bits; bit++)
        if (address[bit / 8] & (0x80u >> (bit % 8)))
            return false;
    *length = (unsigned)value;
    return true;
}

/* The place of `address` in the prefix (its low bits), or false when outside. */
static bool fleet_in_prefix(const uint8_t *address, const uint8_t *prefix, unsigned length,
                            unsigned bits, uint32_t *index)
{
    for (unsigned bit = 0; bit < length; bit++) {
        uint8_t mask = (uint8_t)(0x80u >> (bit % 8));
        if ((address[bit / 8] & mask) != (prefix[bit / 8] & mask))
            return false;
    }
    /* at most 16 host bits: the last two bytes hold them */
    *index = (uint32_t)(address[bits / 8 - 2] << 8 | address[bits / 8 - 1]) &
             (fleet_span(bits, length) - 1);
    return true;
}

static enum fleet_verdict fleet_answer4(const struct fleet_prefixes *p, const uint8_t *in,
                                        size_t length, uint8_t *out, size_t *out_length,
                                        uint32_t *index)
{
    size_t header = (size_t)(in[0] & 0x0f) * 4;
    size_t total = (size_t)(in[2] << 8 | in[3]);
    size_t icmp_length;

    if (header < 20 || total < header + 8 || total > length || in[9] != 1 /* ICMP */)
        return FLEET_IGNORE;
    if ((in[6] & 0x3f) != 0 || in[7] != 0) /* a fragment */
        return FLEET_IGNORE;
    if (fleet_checksum(in, header, 0) != 0)
        return FLEET_IGNORE;
    icmp_length = total - header;
    if (in[header] != 8 || in[header + 1] != 0 || fleet_checksum(in + header, icmp_length, 0) != 0)
        return FLEET_IGNORE;
    if (!fleet_in_prefix(in + 16, p->v4, p->v4_length, 32, index))
        return FLEET_IGNORE;

    memset(out, 0, 20);
    out[0] = 0x45;
    out[2] = (uint8_t)((20 + icmp_length) >> 8);
    out[3] = (uint8_t)(20 + icmp_length);
    out[4] = in[4]; /* the request's identification: unique enough for a reply */
    out[5] = in[5];
    out[8] = 64;
    out[9] = 1;
    memcpy(out + 12, in + 16, 4);
    memcpy(out + 16, in + 12, 4);
    uint16_t sum = fleet_checksum(out, 20, 0);
    out[10] = (uint8_t)(sum >> 8);
    out[11] = (uint8_t)sum;
    memcpy(out + 20, in + header, icmp_length);
    out[20] = 0; /* echo reply */
    out[22] = out[23] = 0;
    sum = fleet_checksum(out + 20, icmp_length, 0);
    out[22] = (uint8_t)(sum >> 8);
    out[23] = (uint8_t)sum;
    *out_length = 20 + icmp_length;
    return FLEET_ANSWER;
}

/* The ICMPv6 pseudo-header sum (RFC 8200 8.1) of a packet's addresses and upper length. */
static uint32_t fleet_pseudo6(const uint8_t *addresses, size_t upper_length)
{
    uint32_t sum = 0;

    for (size_t i = 0; i < 32; i += 2)
        sum += (uint32_t)(addresses[i] << 8 | addresses[i + 1]);
    sum += (uint32_t)(upper_length >> 16) + (uint32_t)(upper_length & 0xffff);
    return sum + 58;
}

static enum fleet_verdict fleet_answer6(const struct fleet_prefixes *p, const uint8_t *in,
                                        size_t length, uint8_t *out, size_t *out_length,
                                        uint32_t *index)
{
    size_t payload;

    if (length < 48 || in[6] != 58 /* ICMPv6, no extension headers */)
        return FLEET_IGNORE;
    payload = (size_t)(in[4] << 8 | in[5]);
    if (payload < 8 || 40 + payload > length)
        return FLEET_IGNORE;
    if (in[40] != 128 || in[41] != 0 ||
        fleet_checksum(in + 40, payload, fleet_pseudo6(in + 8, payload)) != 0)
        return FLEET_IGNORE;
    if (!fleet_in_prefix(in + 24, p->v6, p->v6_length, 128, index))
        return FLEET_IGNORE;

    memcpy(out, in, 40 + payload);
    out[7] = 64;
    memcpy(out + 8, in + 24, 16);
    memcpy(out + 24, in + 8, 16);
    out[40] = 129; /* echo reply */
    out[42] = out[43] = 0;
    uint16_t sum = fleet_checksum(out + 40, payload, fleet_pseudo6(out + 8, payload));
    out[42] = (uint8_t)(sum >> 8);
    out[43] = (uint8_t)sum;
    *out_length = 40 + payload;
    return FLEET_ANSWER;
}

enum fleet_verdict fleet_answer(const struct fleet_prefixes *prefixes, const uint8_t *packet,
                                size_t length, uint8_t *out, size_t *out_length, int *family,
                                uint32_t *index)
{
    if (length < 20)
        return FLEET_IGNORE;
    switch (packet[0] >> 4) {
    case 4:
        *family = 4;
        return fleet_answer4(prefixes, packet, length, out, out_length, index);
    case 6:
        *family = 6;
        return fleet_answer6(prefixes, packet, length, out, out_length, index);
    default:
        return FLEET_IGNORE;
    }
}
