/*
 * Fuzzes packet_parse_ipv4 with what an IPv4 raw socket delivers: an IP header (with options)
 * followed by ICMP. The reply options are then decoded as wping prints them (record route,
 * timestamp), since that is where they go next.
 */
#include <sys/socket.h>

#include "fuzz_packet.h"
#include "wping/echo.h"

static void check_ip_header(const uint8_t *packet, size_t size, const struct packet_info *info)
{
    if (info->ttl == -1) {
        /* The header was refused: nothing may claim to come from it. */
        FUZZ_CHECK(info->kind == PACKET_IGNORE);
        FUZZ_CHECK(info->tos == -1 && info->ip_flags == -1);
        FUZZ_CHECK(info->ip_options == NULL && info->ip_options_len == 0);
        return;
    }
    FUZZ_CHECK(size >= PACKET_IPV4_MIN_HEADER && packet[0] >> 4 == 4 && packet[9] == 1);
    size_t header = (size_t)(packet[0] & 0x0f) * 4;
    FUZZ_CHECK(header >= PACKET_IPV4_MIN_HEADER && header <= size);
    FUZZ_CHECK(info->ttl == packet[8] && info->tos == packet[1]);
    FUZZ_CHECK(info->ip_flags == packet[6] >> 5);
    FUZZ_CHECK(info->ip_options_len == header - PACKET_IPV4_MIN_HEADER);
    FUZZ_CHECK(info->ip_options_len <= ECHO_MAX_IP_OPTIONS);
    if (info->ip_options_len == 0) {
        FUZZ_CHECK(info->ip_options == NULL);
    } else {
        FUZZ_CHECK(info->ip_options == packet + PACKET_IPV4_MIN_HEADER);
        fuzz_touch(info->ip_options, info->ip_options_len);
    }
}

static void check_icmp(const uint8_t *packet, size_t size, const struct packet_info *info)
{
    if (info->kind == PACKET_IGNORE || info->kind == PACKET_MALFORMED)
        return;
    size_t header = (size_t)(packet[0] & 0x0f) * 4;
    size_t total = fuzz_get16(packet + 2);
    size_t end = total < size ? total : size; /* bytes the parser may trust */
    FUZZ_CHECK(end >= header + PACKET_ICMP_HEADER);
    const uint8_t *icmp = packet + header;
    size_t icmp_len = end - header;
    FUZZ_CHECK(info->has_echo);
    if (info->kind == PACKET_ECHO_REPLY) {
        FUZZ_CHECK(icmp[0] == 0 && icmp[1] == 0);
        FUZZ_CHECK(packet_checksum(icmp, icmp_len) == 0);
        FUZZ_CHECK(info->identifier == fuzz_get16(icmp + 4) &&
                   info->sequence == fuzz_get16(icmp + 6));
        FUZZ_CHECK(info->data == icmp + PACKET_ICMP_HEADER);
        FUZZ_CHECK(info->data_len == icmp_len - PACKET_ICMP_HEADER);
        FUZZ_CHECK(fuzz_within(info->data, info->data_len, packet, size));
        fuzz_touch(info->data, info->data_len);
        return;
    }
    FUZZ_CHECK(info->kind == PACKET_ERROR);
    FUZZ_CHECK(packet_checksum(icmp, icmp_len) == 0);
    FUZZ_CHECK(info->type == icmp[0] && info->code == icmp[1]);
    FUZZ_CHECK(info->status != 0 && info->status == packet_error_status(AF_INET, icmp[0], icmp[1]));
    FUZZ_CHECK(info->status >= ECHO_BUF_TOO_SMALL && info->status <= ECHO_GENERAL_FAILURE);
    FUZZ_CHECK(info->has_quoted_destination);
    /* The quoted request: an IPv4 header, then at least the echo request's ICMP header. */
    const uint8_t *quote = icmp + PACKET_ICMP_HEADER;
    size_t quote_len = icmp_len - PACKET_ICMP_HEADER;
    FUZZ_CHECK(quote_len >= PACKET_IPV4_MIN_HEADER);
    size_t quoted_header = (size_t)(quote[0] & 0x0f) * 4;
    FUZZ_CHECK(quoted_header >= PACKET_IPV4_MIN_HEADER);
    FUZZ_CHECK(quote_len >= quoted_header + PACKET_ICMP_HEADER);
    FUZZ_CHECK(memcmp(info->quoted_destination, quote + 16, 4) == 0);
    const uint8_t *request = quote + quoted_header;
    FUZZ_CHECK(request[0] == 8 && request[1] == 0);
    FUZZ_CHECK(info->identifier == fuzz_get16(request + 4) &&
               info->sequence == fuzz_get16(request + 6));
}

static void check_options(const struct packet_info *info)
{
    static const enum echo_ipopt_kind kinds[] = {ECHO_IPOPT_RECORD_ROUTE, ECHO_IPOPT_TIMESTAMP};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        struct echo_ipopt_route route;
        if (echo_ipopt_find(info->ip_options, info->ip_options_len, kinds[k], &route)) {
            FUZZ_CHECK(route.kind == kinds[k]);
            FUZZ_CHECK(route.count <= ECHO_IPOPT_MAX_ENTRIES);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *packet = fuzz_copy(data, size);

    struct packet_info info, again;
    memset(&info, 0xa5, sizeof info);
    memset(&again, 0x5a, sizeof again);
    packet_parse_ipv4(packet, size, &info);
    packet_parse_ipv4(packet, size, &again);
    FUZZ_CHECK(fuzz_same_packet_info(&info, &again));

    FUZZ_CHECK(info.kind == PACKET_IGNORE || info.kind == PACKET_ECHO_REPLY ||
               info.kind == PACKET_ERROR || info.kind == PACKET_MALFORMED);
    check_ip_header(packet, size, &info);
    check_icmp(packet, size, &info);
    check_options(&info);

    free(packet);
    return 0;
}
