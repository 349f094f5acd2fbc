/* ICMP and ICMPv6 echo packets built and parsed from bytes, and the ICMP error and errno to
 * IP_STATUS tables. */
#include "packet.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "wping/status.h"

enum {
    ICMP4_ECHO_REPLY = 0,
    ICMP4_DEST_UNREACH = 3,
    ICMP4_SOURCE_QUENCH = 4,
    ICMP4_ECHO_REQUEST = 8,
    ICMP4_TIME_EXCEEDED = 11,
    ICMP4_PARAM_PROBLEM = 12,
    ICMP6_DEST_UNREACH = 1,
    ICMP6_PACKET_TOO_BIG = 2,
    ICMP6_TIME_EXCEEDED = 3,
    ICMP6_PARAM_PROBLEM = 4,
    ICMP6_ECHO_REQUEST = 128,
    ICMP6_ECHO_REPLY = 129,
    IPPROTO_ICMP4 = 1,
    IPPROTO_ICMP6 = 58,
};

static uint16_t S_get16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static void S_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

uint16_t packet_checksum(const void *data, size_t length)
{
    const uint8_t *p = data;
    uint32_t sum = 0;
    while (length > 1) {
        sum += S_get16(p);
        p += 2;
        length -= 2;
    }
    if (length == 1)
        sum += (uint32_t)p[0] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

size_t packet_build_echo(uint8_t *out, size_t capacity, int family, uint16_t identifier,
                         uint16_t sequence, const void *data, size_t size)
{
    if (capacity < PACKET_ICMP_HEADER || size > capacity - PACKET_ICMP_HEADER)
        return 0;
    out[0] = family == AF_INET6 ? ICMP6_ECHO_REQUEST : ICMP4_ECHO_REQUEST;
    out[1] = 0;
    S_put16(out + 2, 0);
    S_put16(out + 4, identifier);
    S_put16(out + 6, sequence);
    if (size > 0)
        memcpy(out + PACKET_ICMP_HEADER, data, size);
    if (family != AF_INET6)
        S_put16(out + 2, packet_checksum(out, PACKET_ICMP_HEADER + size));
    return PACKET_ICMP_HEADER + size;
}

uint32_t packet_error_status(int family, uint8_t type, uint8_t code)
{
    if (family == AF_INET6) {
        switch (type) {
        case ICMP6_DEST_UNREACH:
            switch (code) {
            case 0:
                return ECHO_DEST_NET_UNREACHABLE;
            case 1:
                return ECHO_DEST_PROT_UNREACHABLE; /* IP_DEST_PROHIBITED */
            case 2:
                return ECHO_DEST_SCOPE_MISMATCH;
            case 3:
                return ECHO_DEST_HOST_UNREACHABLE;
            case 4:
                return ECHO_DEST_PORT_UNREACHABLE;
            case 5:
                return ECHO_ICMP_ERROR;
            case 6:
                return ECHO_DEST_UNREACHABLE;
            case 7:
                return ECHO_BAD_HEADER;
            default:
                return ECHO_DEST_HOST_UNREACHABLE;
            }
        case ICMP6_PACKET_TOO_BIG:
            return ECHO_PACKET_TOO_BIG;
        case ICMP6_TIME_EXCEEDED:
            return code == 0   ? ECHO_TTL_EXPIRED_TRANSIT
                   : code == 1 ? ECHO_TTL_EXPIRED_REASSEM
                               : ECHO_TIME_EXCEEDED;
        case ICMP6_PARAM_PROBLEM:
            return ECHO_PARAM_PROBLEM;
        default:
            return 0;
        }
    }
    switch (type) {
    case ICMP4_DEST_UNREACH:
        switch (code) {
        case 0:
        case 6:
        case 9:
        case 11:
            return ECHO_DEST_NET_UNREACHABLE;
        case 2:
            return ECHO_DEST_PROT_UNREACHABLE;
        case 3:
            return ECHO_DEST_PORT_UNREACHABLE;
        case 4:
            return ECHO_PACKET_TOO_BIG;
        case 5:
            return ECHO_BAD_ROUTE;
        default:
            return ECHO_DEST_HOST_UNREACHABLE;
        }
    case ICMP4_TIME_EXCEEDED:
        return code == 1 ? ECHO_TTL_EXPIRED_REASSEM : ECHO_TTL_EXPIRED_TRANSIT;
    case ICMP4_PARAM_PROBLEM:
        return ECHO_PARAM_PROBLEM;
    case ICMP4_SOURCE_QUENCH:
        return ECHO_SOURCE_QUENCH;
    default:
        return 0;
    }
}

uint32_t packet_errno_status(int error)
{
    switch (error) {
    case EHOSTUNREACH:
        return ECHO_DEST_HOST_UNREACHABLE;
    case EMSGSIZE:
        /* What ping.exe reports as "Packet needs to be fragmented but DF set." once the
         * path MTU is cached and the kernel refuses the send itself. */
        return ECHO_PACKET_TOO_BIG;
    default:
        return ECHO_GENERAL_FAILURE;
    }
}

bool packet_parse_quoted_echo(int family, const uint8_t *buffer, size_t length,
                              uint16_t *identifier, uint16_t *sequence)
{
    uint8_t want = family == AF_INET6 ? ICMP6_ECHO_REQUEST : ICMP4_ECHO_REQUEST;
    if (length < PACKET_ICMP_HEADER || buffer[0] != want || buffer[1] != 0)
        return false;
    *identifier = S_get16(buffer + 4);
    *sequence = S_get16(buffer + 6);
    return true;
}

/* An error quotes the offending IP header and at least the first 8 bytes of its payload. */
static void S_parse_quote(int family, const uint8_t *quote, size_t length, struct packet_info *info)
{
    size_t header;
    if (family == AF_INET6) {
        if (length < PACKET_IPV6_HEADER || (quote[0] >> 4) != 6 || quote[6] != IPPROTO_ICMP6)
            return;
        header = PACKET_IPV6_HEADER;
        memcpy(info->quoted_destination, quote + 24, 16);
    } else {
        if (length < PACKET_IPV4_MIN_HEADER || (quote[0] >> 4) != 4 || quote[9] != IPPROTO_ICMP4)
            return;
        header = (size_t)(quote[0] & 0x0f) * 4;
        if (header < PACKET_IPV4_MIN_HEADER || length < header)
            return;
        memcpy(info->quoted_destination, quote + 16, 4);
    }
    if (!packet_parse_quoted_echo(family, quote + header, length - header, &info->identifier,
                                  &info->sequence))
        return;
    info->has_quoted_destination = true;
    info->has_echo = true;
    info->kind = PACKET_ERROR;
}

static void S_info_init(struct packet_info *info)
{
    memset(info, 0, sizeof(*info));
    info->kind = PACKET_IGNORE;
    info->ttl = -1;
    info->tos = -1;
    info->ip_flags = -1;
}

static void S_parse_icmp(int family, const uint8_t *buffer, size_t length, bool verify_checksum,
                         struct packet_info *info)
{
    if (length < PACKET_ICMP_HEADER)
        return;
    uint8_t type = buffer[0];
    uint8_t reply = family == AF_INET6 ? ICMP6_ECHO_REPLY : ICMP4_ECHO_REPLY;
    bool checksum_ok = !verify_checksum || packet_checksum(buffer, length) == 0;

    if (type == reply) {
        info->identifier = S_get16(buffer + 4);
        info->sequence = S_get16(buffer + 6);
        info->has_echo = true;
        info->data = buffer + PACKET_ICMP_HEADER;
        info->data_len = length - PACKET_ICMP_HEADER;
        info->kind = buffer[1] != 0 || !checksum_ok ? PACKET_MALFORMED : PACKET_ECHO_REPLY;
        return;
    }
    uint32_t status = packet_error_status(family, type, buffer[1]);
    if (status == 0)
        return;
    info->type = type;
    info->code = buffer[1];
    info->status = status;
    if (family == AF_INET6 && type == ICMP6_PACKET_TOO_BIG)
        info->mtu = (uint32_t)S_get16(buffer + 4) << 16 | S_get16(buffer + 6);
    else if (family != AF_INET6 && type == ICMP4_DEST_UNREACH && buffer[1] == 4)
        info->mtu = S_get16(buffer + 6);
    S_parse_quote(family, buffer + PACKET_ICMP_HEADER, length - PACKET_ICMP_HEADER, info);
    if (info->kind == PACKET_ERROR && !checksum_ok)
        info->kind = PACKET_MALFORMED;
}

void packet_parse_icmp(int family, const uint8_t *buffer, size_t length, bool verify_checksum,
                       struct packet_info *info)
{
    S_info_init(info);
    S_parse_icmp(family, buffer, length, verify_checksum && family != AF_INET6, info);
}

void packet_parse_ipv4(const uint8_t *buffer, size_t length, struct packet_info *info)
{
    S_info_init(info);
    if (length < PACKET_IPV4_MIN_HEADER || (buffer[0] >> 4) != 4 || buffer[9] != IPPROTO_ICMP4)
        return;
    size_t header = (size_t)(buffer[0] & 0x0f) * 4;
    size_t total = S_get16(buffer + 2);
    if (header < PACKET_IPV4_MIN_HEADER || header > length || total < header)
        return;
    /* Trust the shorter of what arrived and what the header claims. */
    if (total < length)
        length = total;
    S_parse_icmp(AF_INET, buffer + header, length - header, true, info);
    info->tos = buffer[1];
    info->ttl = buffer[8];
    info->ip_flags = buffer[6] >> 5;
    info->ip_options_len = header - PACKET_IPV4_MIN_HEADER;
    info->ip_options = info->ip_options_len ? buffer + PACKET_IPV4_MIN_HEADER : NULL;
}

/* Jump offsets count the instructions to skip, from the one after the jump. */
#define FILTER_STMT(code, k) ((struct sock_filter){(uint16_t)(code), 0, 0, (uint32_t)(k)})
#define FILTER_JEQ(k, yes, no)                                                                     \
    ((struct sock_filter){BPF_JMP | BPF_JEQ | BPF_K, (uint8_t)(yes), (uint8_t)(no), (uint32_t)(k)})

size_t packet_filter(int family, uint16_t identifier, struct sock_filter out[PACKET_FILTER_LENGTH])
{
    size_t n = 0;
    if (family == AF_INET6) {
        /* Starts at the ICMPv6 header; our requests carry no extension headers, so the
         * quoted request's ICMPv6 header follows its fixed 40-byte IPv6 header. */
        out[n++] = FILTER_STMT(BPF_LD | BPF_B | BPF_ABS, 0);
        out[n++] = FILTER_JEQ(ICMP6_ECHO_REPLY, 0, 2);
        out[n++] = FILTER_STMT(BPF_LD | BPF_H | BPF_ABS, 4);
        out[n++] = FILTER_JEQ(identifier, 6, 7); /* to accept, to drop */
        out[n++] = FILTER_STMT(BPF_LD | BPF_B | BPF_ABS, PACKET_ICMP_HEADER + 6);
        out[n++] = FILTER_JEQ(IPPROTO_ICMP6, 0, 5);
        out[n++] = FILTER_STMT(BPF_LD | BPF_B | BPF_ABS, PACKET_ICMP_HEADER + PACKET_IPV6_HEADER);
        out[n++] = FILTER_JEQ(ICMP6_ECHO_REQUEST, 0, 3);
        out[n++] =
            FILTER_STMT(BPF_LD | BPF_H | BPF_ABS, PACKET_ICMP_HEADER + PACKET_IPV6_HEADER + 4);
        out[n++] = FILTER_JEQ(identifier, 0, 1);
    } else {
        /* Starts at the IP header: X = its length, then X = that plus the quoted one's. */
        out[n++] = FILTER_STMT(BPF_LDX | BPF_B | BPF_MSH, 0);
        out[n++] = FILTER_STMT(BPF_LD | BPF_B | BPF_IND, 0);
        out[n++] = FILTER_JEQ(ICMP4_ECHO_REPLY, 0, 2);
        out[n++] = FILTER_STMT(BPF_LD | BPF_H | BPF_IND, 4);
        out[n++] = FILTER_JEQ(identifier, 11, 12); /* to accept, to drop */
        out[n++] = FILTER_STMT(BPF_LD | BPF_B | BPF_IND, PACKET_ICMP_HEADER + 9);
        out[n++] = FILTER_JEQ(IPPROTO_ICMP4, 0, 10);
        out[n++] = FILTER_STMT(BPF_LD | BPF_B | BPF_IND, PACKET_ICMP_HEADER);
        out[n++] = FILTER_STMT(BPF_ALU | BPF_AND | BPF_K, 0x0f);
        out[n++] = FILTER_STMT(BPF_ALU | BPF_LSH | BPF_K, 2);
        out[n++] = FILTER_STMT(BPF_ALU | BPF_ADD | BPF_X, 0);
        out[n++] = FILTER_STMT(BPF_MISC | BPF_TAX, 0);
        out[n++] = FILTER_STMT(BPF_LD | BPF_B | BPF_IND, PACKET_ICMP_HEADER);
        out[n++] = FILTER_JEQ(ICMP4_ECHO_REQUEST, 0, 3);
        out[n++] = FILTER_STMT(BPF_LD | BPF_H | BPF_IND, PACKET_ICMP_HEADER + 4);
        out[n++] = FILTER_JEQ(identifier, 0, 1);
    }
    out[n++] = FILTER_STMT(BPF_RET | BPF_K, 0xffffffffu);
    out[n++] = FILTER_STMT(BPF_RET | BPF_K, 0);
    return n;
}
