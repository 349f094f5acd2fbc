/*
 * Pure ICMP and ICMPv6 packet building and parsing: bytes in, structs out. No sockets, no
 * clocks, no allocation, so unit tests and fuzzers can drive every path with bytes.
 */
#ifndef WPING_PACKET_H
#define WPING_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

#define PACKET_ICMP_HEADER 8
#define PACKET_IPV4_MIN_HEADER 20
#define PACKET_IPV6_HEADER 40

/* RFC 1071 Internet checksum of `length` bytes (odd lengths padded with a zero byte). */
uint16_t packet_checksum(const void *data, size_t length);

/*
 * Writes an echo request (ICMP type 8 or ICMPv6 type 128) with `size` bytes of data into
 * `out`. The IPv4 checksum is computed; the ICMPv6 one is left 0 for the kernel, which always
 * computes it on ICMPv6 sockets. Returns the length, or 0 when it does not fit `capacity`.
 */
size_t packet_build_echo(uint8_t *out, size_t capacity, int family, uint16_t identifier,
                         uint16_t sequence, const void *data, size_t size);

enum packet_kind {
    PACKET_IGNORE = 0, /* not for an echo engine: echo requests, redirects, unknown types */
    PACKET_ECHO_REPLY,
    PACKET_ERROR,     /* an ICMP error quoting an echo request */
    PACKET_MALFORMED, /* claims to be an echo reply or error but fails a check */
};

/* What a packet says. Pointers point into the parsed buffer. */
struct packet_info {
    enum packet_kind kind;
    uint16_t identifier; /* of the reply, or of the quoted request */
    uint16_t sequence;
    bool has_echo;       /* identifier and sequence are known (also for some malformed packets) */
    const uint8_t *data; /* echo reply payload */
    size_t data_len;
    uint8_t type, code; /* ICMP type and code of an error */
    uint32_t status;    /* IP_STATUS of an error */
    /* Fragmentation needed (IPv4 type 3 code 4) and packet too big (ICMPv6 type 2): the
     * next-hop MTU the router reports; 0 when it gives none (RFC 1191's old routers). */
    uint32_t mtu;
    /* From the IPv4 header, when the buffer had one; -1 / NULL otherwise. */
    int ttl, tos, ip_flags;
    const uint8_t *ip_options;
    size_t ip_options_len;
    /* The quoted request's destination (4 or 16 bytes) when an error quotes one. */
    uint8_t quoted_destination[16];
    bool has_quoted_destination;
};

/*
 * Parses what an IPv4 raw socket delivers: the IP header (with options), then ICMP. The
 * ICMP checksum is verified, since raw sockets see packets before the kernel checks them.
 */
void packet_parse_ipv4(const uint8_t *buffer, size_t length, struct packet_info *info);

/*
 * Parses an ICMP (family AF_INET) or ICMPv6 (AF_INET6) message that starts at the ICMP
 * header, as datagram sockets and IPv6 raw sockets deliver it. `verify_checksum` only
 * applies to IPv4 (ICMPv6 checksums need the pseudo-header, which the kernel verified).
 */
void packet_parse_icmp(int family, const uint8_t *buffer, size_t length, bool verify_checksum,
                       struct packet_info *info);

/*
 * Reads identifier and sequence from the echo request header that an error-queue entry
 * carries as payload (datagram sockets). Returns false unless it is an echo request header.
 */
bool packet_parse_quoted_echo(int family, const uint8_t *buffer, size_t length,
                              uint16_t *identifier, uint16_t *sequence);

/*
 * The IP_STATUS for an ICMP error type and code (docs/design.md, ICMP errors and IP_STATUS), or 0
 * for messages an echo request never ends on (redirects, unknown types).
 */
uint32_t packet_error_status(int family, uint8_t type, uint8_t code);

/* Length of the program packet_filter writes. */
#define PACKET_FILTER_LENGTH 18

/*
 * Writes a classic BPF program (SO_ATTACH_FILTER) for a raw socket of `family` whose requests
 * carry `identifier`: it lets in echo replies with that identifier and ICMP errors whose
 * quoted echo request has it, and drops everything else, so that other processes' traffic
 * never wakes the socket. An IPv4 raw socket's program sees the IP header first, an IPv6
 * one's starts at the ICMPv6 header. Other ICMP types are left to ICMP_FILTER: every type
 * but an echo reply is taken for an error here. Returns the number of instructions.
 */
size_t packet_filter(int family, uint16_t identifier, struct sock_filter out[PACKET_FILTER_LENGTH]);

/* The IP_STATUS for a local send failure's errno (EMSGSIZE is packet too big). */
uint32_t packet_errno_status(int error);

#endif /* WPING_PACKET_H */
