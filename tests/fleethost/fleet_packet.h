/*
 * The fleet host's packet work, pure so that a unit test can drive it with bytes: which
 * address of the fleet an IPv4 or IPv6 packet is for, and the echo reply that answers an
 * echo request to it.
 */
#ifndef FLEET_PACKET_H
#define FLEET_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The addresses a fleet host answers: one IPv4 prefix (at most 65536 addresses, /16../32)
 * and one IPv6 prefix (/112../128). Addresses in network byte order. */
struct fleet_prefixes {
    uint8_t v4[4];
    unsigned v4_length;
    uint8_t v6[16];
    unsigned v6_length;
};

/* The number of addresses a prefix length leaves: 2^(bits - length). */
static inline uint32_t fleet_span(unsigned bits, unsigned length)
{
    return UINT32_C(1) << (bits - length);
}

/* Parses "198.18.64.0/18" (family 4, lengths 16..32) or "2001:db8:f::/112" (family 6,
 * lengths 112..128) into address bytes and length; host bits must be zero. */
bool fleet_parse_prefix(const char *text, int family, uint8_t *address, unsigned *length);

/* What fleet_answer made of a packet. */
enum fleet_verdict {
    FLEET_IGNORE = 0, /* not an echo request to the fleet (or malformed): drop it */
    FLEET_ANSWER,     /* `out` holds the reply */
};

/*
 * Checks that `packet` (`length` bytes, an IP packet as a TUN device without packet info
 * gives it) is a well-formed ICMP echo request (IPv4 type 8, IPv6 type 128, checksums right,
 * no IPv6 extension headers) to an address of `prefixes`, and writes its echo reply to `out`
 * (room for `length` bytes; IPv4 options are dropped): source and destination swapped, TTL
 * or hop limit 64, identifier, sequence and payload kept, checksums computed. Sets *family
 * (4 or 6), *index (the address's place in its prefix) and *out_length.
 */
enum fleet_verdict fleet_answer(const struct fleet_prefixes *prefixes, const uint8_t *packet,
                                size_t length, uint8_t *out, size_t *out_length, int *family,
                                uint32_t *index);

/* The Internet checksum of `length` bytes, starting from the partial sum `sum`. */
uint16_t fleet_checksum(const uint8_t *data, size_t length, uint32_t sum);

#endif /* FLEET_PACKET_H */
