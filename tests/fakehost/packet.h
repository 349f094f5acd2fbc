/* packet: pure functions that parse echo requests read from a TUN device and build the
 * answers fakehost writes back (echo replies and ICMP/ICMPv6 errors), IPv4 and IPv6.
 * Nothing here does I/O or reads a clock; all buffers belong to the caller. */
#ifndef FAKEHOST_PACKET_H
#define FAKEHOST_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest IP packet fakehost reads or writes. */
#define PACKET_MAX 65535u
/* Largest IPv4 options area. */
#define PACKET_OPTIONS_MAX 40u

/* An echo request as received. Pointers point into the buffer given to packet_parse. */
struct packet_echo {
    int family;               /* 4 or 6 */
    uint8_t src[16], dst[16]; /* IPv4 uses the first 4 bytes */
    uint8_t ttl, tos;         /* TTL / hop limit and TOS / traffic class */
    uint16_t id, seq;         /* echo identifier and sequence number, host order */
    const uint8_t *ip;        /* whole packet, from the IP header on */
    size_t ip_len;            /* bytes in the packet, as the IP header says */
    const uint8_t *icmp;      /* the ICMP header (ip + ip_hlen) */
    size_t ip_hlen;           /* v4: header with options; v6: 40 + extension headers */
    const uint8_t *payload;   /* echo data after the 8-byte ICMP header */
    size_t payload_len;
    const uint8_t *options; /* IPv4 options (NULL for v6 or none) */
    size_t options_len;
};

/* Parses an IPv4 or IPv6 packet. Returns NULL when it is a valid echo request (out filled),
 * otherwise a short static reason for ignoring it: "short", "version", "header-checksum",
 * "fragment", "not-icmp", "not-echo-request", "checksum". */
const char *packet_parse(const uint8_t *buf, size_t len, struct packet_echo *out);

/* How an echo reply differs from the normal one. packet_reply_spec_init gives the normal one. */
struct packet_reply_spec {
    int id_delta, seq_delta; /* added to identifier / sequence (mod 65536) */
    uint8_t ttl, tos;        /* of the reply's IP header; default 64 and 0 */
    long corrupt;            /* payload byte to invert, or -1 */
    long truncate;           /* cut the payload to this many bytes, or -1 */
    long oversize;           /* pad the payload to this many bytes, or -1 */
    bool badsum;             /* make the ICMP checksum wrong */
    bool rr;                 /* IPv4: echo record route / timestamp options, filled in */
    const uint8_t *options;  /* IPv4: raw option bytes for the reply (padded to 4), or NULL */
    size_t options_len;
    uint16_t ip_id; /* IPv4 identification field */
};

void packet_reply_spec_init(struct packet_reply_spec *spec);

/* Builds the echo reply to req into out (cap bytes). ts_ms is the IPv4 timestamp value
 * (milliseconds since midnight UT) used to fill a timestamp option when spec->rr.
 * Returns the packet length, or 0 when it does not fit in cap or in an IP packet. */
size_t packet_build_reply(const struct packet_echo *req, const struct packet_reply_spec *spec,
                          uint32_t ts_ms, uint8_t *out, size_t cap);

/* Ways to spoil the quoted request inside an ICMP error (bit flags). */
enum {
    PACKET_QUOTE_TRUNCATED = 1 << 0,   /* quote only 4 bytes of the ICMP header */
    PACKET_QUOTE_FOREIGN_ID = 1 << 1,  /* quoted identifier bit-inverted */
    PACKET_QUOTE_FOREIGN_SEQ = 1 << 2, /* quoted sequence bit-inverted */
    PACKET_QUOTE_BAD_IP = 1 << 3,      /* quoted IP version 15 and protocol UDP */
    PACKET_QUOTE_OTHER_DST = 1 << 4,   /* last byte of the quoted destination bit-inverted */
};

struct packet_error_spec {
    uint8_t type, code;
    uint32_t info;       /* the 32-bit word after the checksum (MTU, pointer, gateway) */
    const uint8_t *from; /* source address (4 or 16 bytes by family), NULL: request dst */
    unsigned quote;      /* PACKET_QUOTE_* */
    uint8_t ttl, tos;
    bool badsum;
    uint16_t ip_id;
};

void packet_error_spec_init(struct packet_error_spec *spec);

/* Builds an ICMP (v4) or ICMPv6 (v6) error about req into out, sent from spec->from to the
 * request's source. v4 quotes the IP header and the first 8 ICMP bytes (RFC 792); v6 quotes as
 * much as keeps the error within 1280 bytes (RFC 4443). Returns the length, or 0 if cap is short.
 */
size_t packet_build_error(const struct packet_echo *req, const struct packet_error_spec *spec,
                          uint8_t *out, size_t cap);

/* The Internet checksum of len bytes, continuing from a partial sum (0 to start). */
uint16_t packet_checksum(const uint8_t *data, size_t len, uint32_t sum);

/* The ICMPv6 checksum of an ICMPv6 message with its pseudo-header. */
uint16_t packet_checksum6(const uint8_t src[16], const uint8_t dst[16], const uint8_t *icmp,
                          size_t len);

#endif
