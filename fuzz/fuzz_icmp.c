/*
 * Fuzzes packet_parse_icmp for both families, as datagram sockets and IPv6 raw sockets deliver
 * messages (starting at the ICMP header), and packet_parse_quoted_echo, which reads the echo
 * header that an error-queue entry carries.
 *
 * Input: one control byte, then the message. Control bit 0 picks the family (0: AF_INET,
 * 1: AF_INET6), bit 1 asks for checksum verification; the other bits are ignored.
 */
#include <netinet/in.h>
#include <sys/socket.h>

#include "fuzz_packet.h"
#include "wping/echo.h"

static void check_error(int family, const uint8_t *message, size_t length,
                        const struct packet_info *info)
{
    FUZZ_CHECK(info->type == message[0] && info->code == message[1]);
    FUZZ_CHECK(info->status != 0 &&
               info->status == packet_error_status(family, message[0], message[1]));
    FUZZ_CHECK(info->status >= ECHO_BUF_TOO_SMALL && info->status <= ECHO_GENERAL_FAILURE);
    FUZZ_CHECK(info->has_echo && info->has_quoted_destination);
    /* The quote: the request's IP header, then at least its echo request header. */
    const uint8_t *quote = message + PACKET_ICMP_HEADER;
    size_t quote_len = length - PACKET_ICMP_HEADER;
    size_t header;
    if (family == AF_INET6) {
        FUZZ_CHECK(quote_len >= PACKET_IPV6_HEADER && quote[0] >> 4 == 6 && quote[6] == 58);
        header = PACKET_IPV6_HEADER;
        FUZZ_CHECK(memcmp(info->quoted_destination, quote + 24, 16) == 0);
    } else {
        FUZZ_CHECK(quote_len >= PACKET_IPV4_MIN_HEADER && quote[0] >> 4 == 4 && quote[9] == 1);
        header = (size_t)(quote[0] & 0x0f) * 4;
        FUZZ_CHECK(header >= PACKET_IPV4_MIN_HEADER);
        FUZZ_CHECK(memcmp(info->quoted_destination, quote + 16, 4) == 0);
    }
    FUZZ_CHECK(quote_len >= header + PACKET_ICMP_HEADER);
    const uint8_t *request = quote + header;
    FUZZ_CHECK(request[0] == (family == AF_INET6 ? 128 : 8) && request[1] == 0);
    FUZZ_CHECK(info->identifier == fuzz_get16(request + 4));
    FUZZ_CHECK(info->sequence == fuzz_get16(request + 6));
}

static void check_parse(int family, bool verify, const uint8_t *message, size_t length,
                        const struct packet_info *info)
{
    FUZZ_CHECK(info->kind == PACKET_IGNORE || info->kind == PACKET_ECHO_REPLY ||
               info->kind == PACKET_ERROR || info->kind == PACKET_MALFORMED);
    /* No IP header was given, so nothing may claim to come from one. */
    FUZZ_CHECK(info->ttl == -1 && info->tos == -1 && info->ip_flags == -1);
    FUZZ_CHECK(info->ip_options == NULL && info->ip_options_len == 0);
    if (info->kind == PACKET_IGNORE)
        return;
    FUZZ_CHECK(length >= PACKET_ICMP_HEADER);
    bool checked = verify && family == AF_INET;
    if (info->kind == PACKET_ECHO_REPLY) {
        FUZZ_CHECK(message[0] == (family == AF_INET6 ? 129 : 0) && message[1] == 0);
        FUZZ_CHECK(!checked || packet_checksum(message, length) == 0);
        FUZZ_CHECK(info->has_echo);
        FUZZ_CHECK(info->identifier == fuzz_get16(message + 4));
        FUZZ_CHECK(info->sequence == fuzz_get16(message + 6));
        FUZZ_CHECK(info->data == message + PACKET_ICMP_HEADER);
        FUZZ_CHECK(info->data_len == length - PACKET_ICMP_HEADER);
        fuzz_touch(info->data, info->data_len);
    } else if (info->kind == PACKET_ERROR) {
        FUZZ_CHECK(!checked || packet_checksum(message, length) == 0);
        check_error(family, message, length, info);
    }
}

static void check_quoted_echo(int family, const uint8_t *message, size_t length)
{
    uint16_t identifier = 0, sequence = 0;
    if (!packet_parse_quoted_echo(family, message, length, &identifier, &sequence))
        return;
    FUZZ_CHECK(length >= PACKET_ICMP_HEADER);
    FUZZ_CHECK(message[0] == (family == AF_INET6 ? 128 : 8) && message[1] == 0);
    FUZZ_CHECK(identifier == fuzz_get16(message + 4) && sequence == fuzz_get16(message + 6));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int family = data[0] & 1 ? AF_INET6 : AF_INET;
    bool verify = data[0] & 2;
    size_t length = size - 1;
    uint8_t *message = fuzz_copy(data + 1, length);

    struct packet_info info, again;
    memset(&info, 0xa5, sizeof info);
    memset(&again, 0x5a, sizeof again);
    packet_parse_icmp(family, message, length, verify, &info);
    packet_parse_icmp(family, message, length, verify, &again);
    FUZZ_CHECK(fuzz_same_packet_info(&info, &again));
    check_parse(family, verify, message, length, &info);

    /* ICMPv6 checksums are the kernel's business: the flag must change nothing there. */
    if (family == AF_INET6) {
        packet_parse_icmp(family, message, length, !verify, &again);
        FUZZ_CHECK(fuzz_same_packet_info(&info, &again));
    }

    check_quoted_echo(family, message, length);
    free(message);
    return 0;
}
