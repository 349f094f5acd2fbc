/* fakehost's packet half: parses the echo requests read from the TUN device and builds the
 * replies and ICMP errors written back (contract in packet.h). */
#include "packet.h"

#include <string.h>

enum {
    IP4_HLEN = 20,
    IP6_HLEN = 40,
    ICMP_HLEN = 8,
    /* RFC 4443 2.4(c): an ICMPv6 error must not exceed the minimum IPv6 MTU. */
    IP6_MIN_MTU = 1280,
    OPT_EOL = 0,
    OPT_NOP = 1,
    OPT_RR = 7,
    OPT_TS = 68,
};

/* wping's payload pattern, so an oversize reply still looks like wping's data. */
static const char packet_pattern[] = "abcdefghijklmnopqrstuvw";

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* Unfolded one's-complement sum; 32 bits cannot overflow for packets up to 64 KiB. */
static uint32_t sum16(const uint8_t *data, size_t len, uint32_t sum)
{
    size_t i;
    for (i = 0; i + 1 < len; i += 2)
        sum += get16(data + i);
    if (len & 1)
        sum += (uint32_t)data[len - 1] << 8;
    return sum;
}

uint16_t packet_checksum(const uint8_t *data, size_t len, uint32_t sum)
{
    sum = sum16(data, len, sum);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint16_t packet_checksum6(const uint8_t src[16], const uint8_t dst[16], const uint8_t *icmp,
                          size_t len)
{
    uint32_t sum = sum16(src, 16, 0);
    sum = sum16(dst, 16, sum);
    sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
    sum += 58; /* next header: ICMPv6 */
    return packet_checksum(icmp, len, sum);
}

static const char *parse4(const uint8_t *buf, size_t len, struct packet_echo *out)
{
    size_t hlen = (size_t)(buf[0] & 0x0f) * 4;
    size_t total = get16(buf + 2);
    if (hlen < IP4_HLEN || total < hlen || total > len)
        return "short";
    if (packet_checksum(buf, hlen, 0) != 0)
        return "header-checksum";
    if ((get16(buf + 6) & 0x3fff) != 0) /* MF set or a fragment offset */
        return "fragment";
    if (buf[9] != 1)
        return "not-icmp";
    const uint8_t *icmp = buf + hlen;
    size_t icmp_len = total - hlen;
    if (icmp_len < ICMP_HLEN)
        return "short";
    if (icmp[0] != 8)
        return "not-echo-request";
    if (packet_checksum(icmp, icmp_len, 0) != 0)
        return "checksum";
    out->family = 4;
    memset(out->src, 0, sizeof out->src);
    memset(out->dst, 0, sizeof out->dst);
    memcpy(out->src, buf + 12, 4);
    memcpy(out->dst, buf + 16, 4);
    out->tos = buf[1];
    out->ttl = buf[8];
    out->ip_len = total;
    out->ip_hlen = hlen;
    out->options = hlen > IP4_HLEN ? buf + IP4_HLEN : NULL;
    out->options_len = hlen - IP4_HLEN;
    out->icmp = icmp;
    return NULL;
}

static const char *parse6(const uint8_t *buf, size_t len, struct packet_echo *out)
{
    if (len < IP6_HLEN)
        return "short";
    size_t total = IP6_HLEN + get16(buf + 4);
    if (total > len)
        return "short";
    uint8_t next = buf[6];
    size_t off = IP6_HLEN;
    /* Skip hop-by-hop, routing and destination options headers; at most a few exist. */
    for (int hops = 0; next == 0 || next == 43 || next == 60; hops++) {
        if (hops == 8 || off + 8 > total)
            return "short";
        next = buf[off];
        off += ((size_t)buf[off + 1] + 1) * 8;
    }
    if (next == 44)
        return "fragment";
    if (next != 58)
        return "not-icmp";
    if (off + ICMP_HLEN > total)
        return "short";
    const uint8_t *icmp = buf + off;
    if (icmp[0] != 128)
        return "not-echo-request";
    if (packet_checksum6(buf + 8, buf + 24, icmp, total - off) != 0)
        return "checksum";
    out->family = 6;
    memcpy(out->src, buf + 8, 16);
    memcpy(out->dst, buf + 24, 16);
    out->tos = (uint8_t)((buf[0] & 0x0f) << 4 | buf[1] >> 4);
    out->ttl = buf[7];
    out->ip_len = total;
    out->ip_hlen = off;
    out->options = NULL;
    out->options_len = 0;
    out->icmp = icmp;
    return NULL;
}

const char *packet_parse(const uint8_t *buf, size_t len, struct packet_echo *out)
{
    if (len < 1)
        return "short";
    const char *why;
    switch (buf[0] >> 4) {
    case 4:
        why = len < IP4_HLEN ? "short" : parse4(buf, len, out);
        break;
    case 6:
        why = parse6(buf, len, out);
        break;
    default:
        return "version";
    }
    if (why)
        return why;
    out->ip = buf;
    out->id = get16(out->icmp + 4);
    out->seq = get16(out->icmp + 6);
    out->payload = out->icmp + ICMP_HLEN;
    out->payload_len = out->ip_len - out->ip_hlen - ICMP_HLEN;
    return NULL;
}

void packet_reply_spec_init(struct packet_reply_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->ttl = 64;
    spec->corrupt = -1;
    spec->truncate = -1;
    spec->oversize = -1;
}

void packet_error_spec_init(struct packet_error_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->ttl = 64;
}

/* Fills one record-route or timestamp option in place, as a host that records itself. */
static void fill_option(uint8_t *opt, size_t len, const uint8_t addr[4], uint32_t ts_ms)
{
    size_t ptr = opt[2];
    if (len < 4 || ptr < 4)
        return;
    if (opt[0] == OPT_RR) {
        if (ptr + 3 <= len) {
            memcpy(opt + ptr - 1, addr, 4);
            opt[2] = (uint8_t)(ptr + 4);
        }
        return;
    }
    unsigned flags = opt[3] & 0x0f, overflow = opt[3] >> 4;
    size_t slot = flags == 0 ? 4 : 8;
    if (ptr < 5 || (flags != 0 && flags != 1 && flags != 3))
        return;
    if (ptr + slot - 1 > len) {
        if (overflow < 15)
            opt[3] = (uint8_t)((overflow + 1) << 4 | flags);
        return;
    }
    if (flags == 0) {
        put32(opt + ptr - 1, ts_ms);
    } else if (flags == 1) {
        memcpy(opt + ptr - 1, addr, 4);
        put32(opt + ptr + 3, ts_ms);
    } else if (memcmp(opt + ptr - 1, addr, 4) == 0) {
        put32(opt + ptr + 3, ts_ms);
    } else {
        return; /* prespecified for another host: leave it */
    }
    opt[2] = (uint8_t)(ptr + slot);
}

/* Copies the request's record-route and timestamp options (others are dropped), filled. */
static size_t echo_options(const struct packet_echo *req, uint32_t ts_ms, uint8_t *out)
{
    const uint8_t *o = req->options;
    size_t n = req->options_len, i = 0, w = 0;
    while (i < n && o[i] != OPT_EOL) {
        if (o[i] == OPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n)
            break;
        size_t len = o[i + 1];
        if (o[i] == OPT_RR || o[i] == OPT_TS) {
            memcpy(out + w, o + i, len);
            fill_option(out + w, len, req->dst, ts_ms);
            w += len;
        }
        i += len;
    }
    while (w % 4)
        out[w++] = OPT_EOL;
    return w;
}

static void write_ip4(uint8_t *p, size_t hlen, size_t total, uint8_t tos, uint16_t ip_id,
                      uint8_t ttl, const uint8_t *src, const uint8_t *dst)
{
    p[0] = (uint8_t)(0x40 | hlen / 4);
    p[1] = tos;
    put16(p + 2, (uint16_t)total);
    put16(p + 4, ip_id);
    put16(p + 6, 0); /* DF clear, as Linux sends ICMP replies */
    p[8] = ttl;
    p[9] = 1;
    put16(p + 10, 0);
    memcpy(p + 12, src, 4);
    memcpy(p + 16, dst, 4);
    put16(p + 10, packet_checksum(p, hlen, 0));
}

static void write_ip6(uint8_t *p, size_t payload_len, uint8_t tclass, uint8_t hops,
                      const uint8_t *src, const uint8_t *dst)
{
    p[0] = (uint8_t)(0x60 | tclass >> 4);
    p[1] = (uint8_t)(tclass << 4);
    p[2] = 0;
    p[3] = 0;
    put16(p + 4, (uint16_t)payload_len);
    p[6] = 58;
    p[7] = hops;
    memcpy(p + 8, src, 16);
    memcpy(p + 24, dst, 16);
}

/* Sets the ICMP/ICMPv6 checksum of a finished packet; a bad one differs in its lowest bit,
 * which never turns a valid 0x0000 into the equivalent 0xffff. */
static void finish_icmp(int family, uint8_t *ip, size_t hlen, size_t total, bool badsum)
{
    uint8_t *icmp = ip + hlen;
    put16(icmp + 2, 0);
    uint16_t sum = family == 4 ? packet_checksum(icmp, total - hlen, 0)
                               : packet_checksum6(ip + 8, ip + 24, icmp, total - hlen);
    put16(icmp + 2, badsum ? (uint16_t)(sum ^ 1) : sum);
}

size_t packet_build_reply(const struct packet_echo *req, const struct packet_reply_spec *spec,
                          uint32_t ts_ms, uint8_t *out, size_t cap)
{
    uint8_t opts[PACKET_OPTIONS_MAX];
    size_t olen = 0;
    if (req->family == 4 && spec->options) {
        if (spec->options_len > PACKET_OPTIONS_MAX)
            return 0;
        memcpy(opts, spec->options, spec->options_len);
        olen = spec->options_len;
        while (olen % 4)
            opts[olen++] = OPT_EOL;
    } else if (req->family == 4 && spec->rr) {
        olen = echo_options(req, ts_ms, opts);
    }

    size_t plen = req->payload_len;
    if (spec->oversize >= 0 && (size_t)spec->oversize > plen)
        plen = (size_t)spec->oversize;
    if (spec->truncate >= 0 && (size_t)spec->truncate < plen)
        plen = (size_t)spec->truncate;
    size_t hlen = req->family == 4 ? IP4_HLEN + olen : IP6_HLEN;
    size_t total = hlen + ICMP_HLEN + plen;
    if (total > cap || (req->family == 4 ? total : total - IP6_HLEN) > 0xffff)
        return 0;

    uint8_t *icmp = out + hlen, *payload = icmp + ICMP_HLEN;
    size_t copied = plen < req->payload_len ? plen : req->payload_len;
    memcpy(payload, req->payload, copied);
    for (size_t i = copied; i < plen; i++)
        payload[i] = (uint8_t)packet_pattern[i % (sizeof packet_pattern - 1)];
    if (spec->corrupt >= 0 && (size_t)spec->corrupt < plen)
        payload[spec->corrupt] ^= 0xff;

    icmp[0] = req->family == 4 ? 0 : 129;
    icmp[1] = 0;
    put16(icmp + 4, (uint16_t)(req->id + spec->id_delta));
    put16(icmp + 6, (uint16_t)(req->seq + spec->seq_delta));
    if (req->family == 4) {
        memcpy(out + IP4_HLEN, opts, olen);
        write_ip4(out, hlen, total, spec->tos, spec->ip_id, spec->ttl, req->dst, req->src);
    } else {
        write_ip6(out, total - IP6_HLEN, spec->tos, spec->ttl, req->dst, req->src);
    }
    finish_icmp(req->family, out, hlen, total, spec->badsum);
    return total;
}

size_t packet_build_error(const struct packet_echo *req, const struct packet_error_spec *spec,
                          uint8_t *out, size_t cap)
{
    size_t hlen = req->family == 4 ? IP4_HLEN : IP6_HLEN;
    size_t icmp_len = req->ip_len - req->ip_hlen;
    size_t qlen;
    if (spec->quote & PACKET_QUOTE_TRUNCATED)
        qlen = req->ip_hlen + 4;
    else if (req->family == 4)
        qlen = req->ip_hlen + (icmp_len < ICMP_HLEN ? icmp_len : ICMP_HLEN);
    else
        qlen = req->ip_len < IP6_MIN_MTU - hlen - ICMP_HLEN ? req->ip_len
                                                            : IP6_MIN_MTU - hlen - ICMP_HLEN;
    size_t total = hlen + ICMP_HLEN + qlen;
    if (total > cap)
        return 0;

    uint8_t *icmp = out + hlen, *q = icmp + ICMP_HLEN;
    memcpy(q, req->ip, qlen);
    size_t ih = req->ip_hlen;
    if ((spec->quote & PACKET_QUOTE_FOREIGN_ID) && qlen >= ih + 6)
        put16(q + ih + 4, (uint16_t)~req->id);
    if ((spec->quote & PACKET_QUOTE_FOREIGN_SEQ) && qlen >= ih + 8)
        put16(q + ih + 6, (uint16_t)~req->seq);
    if (spec->quote & PACKET_QUOTE_OTHER_DST)
        q[req->family == 4 ? 19 : 39] ^= 0xff;
    if (spec->quote & PACKET_QUOTE_BAD_IP) {
        q[0] = (uint8_t)(0xf0 | (q[0] & 0x0f));
        q[req->family == 4 ? 9 : 6] = 17;
    }

    icmp[0] = spec->type;
    icmp[1] = spec->code;
    put32(icmp + 4, spec->info);
    const uint8_t *from = spec->from ? spec->from : req->dst;
    if (req->family == 4)
        write_ip4(out, hlen, total, spec->tos, spec->ip_id, spec->ttl, from, req->src);
    else
        write_ip6(out, total - IP6_HLEN, spec->tos, spec->ttl, from, req->src);
    finish_icmp(req->family, out, hlen, total, spec->badsum);
    return total;
}
