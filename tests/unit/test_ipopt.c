/* Unit tests of IPv4 option building and parsing (record route, timestamp, source routes). */
#include <arpa/inet.h>
#include <string.h>

#include "harness.h"
#include "wping/echo.h"

static void record_route_with_nine_slots_fills_forty_bytes(void)
{
    uint8_t out[ECHO_MAX_IP_OPTIONS];
    size_t n = echo_ipopt_build(ECHO_IPOPT_RECORD_ROUTE, 9, NULL, 0, out);
    CHECK_INT(n, 40, "padded length");
    CHECK_INT(out[0], 7, "type");
    CHECK_INT(out[1], 39, "option length");
    CHECK_INT(out[2], 4, "pointer");
    CHECK_INT(out[39], 0, "end of list padding");
}

static void record_route_slot_counts_outside_one_to_nine_are_refused(void)
{
    uint8_t out[ECHO_MAX_IP_OPTIONS];
    CHECK_INT(echo_ipopt_build(ECHO_IPOPT_RECORD_ROUTE, 0, NULL, 0, out), 0, "0 slots");
    CHECK_INT(echo_ipopt_build(ECHO_IPOPT_RECORD_ROUTE, 10, NULL, 0, out), 0, "10 slots");
    CHECK_INT(echo_ipopt_build(ECHO_IPOPT_TIMESTAMP, 5, NULL, 0, out), 0, "5 stamps");
    CHECK_INT(echo_ipopt_build(ECHO_IPOPT_LOOSE_ROUTE, 0, NULL, 0, out), 0, "no hops");
}

static void timestamp_option_asks_for_address_and_time(void)
{
    uint8_t out[ECHO_MAX_IP_OPTIONS];
    size_t n = echo_ipopt_build(ECHO_IPOPT_TIMESTAMP, 4, NULL, 0, out);
    CHECK_INT(n, 36, "length");
    CHECK_INT(out[0], 0x44, "type");
    CHECK_INT(out[1], 36, "option length");
    CHECK_INT(out[2], 5, "pointer");
    CHECK_INT(out[3], 1, "flag 1: address and timestamp");
}

static void loose_route_lists_every_hop_in_order(void)
{
    uint32_t hops[3];
    inet_pton(AF_INET, "198.18.0.1", &hops[0]);
    inet_pton(AF_INET, "198.18.1.1", &hops[1]);
    inet_pton(AF_INET, "198.18.1.2", &hops[2]);
    uint8_t out[ECHO_MAX_IP_OPTIONS];
    size_t n = echo_ipopt_build(ECHO_IPOPT_LOOSE_ROUTE, 0, hops, 3, out);
    CHECK_INT(n, 16, "length padded from 15");
    CHECK_INT(out[0], 0x83, "LSRR");
    CHECK_INT(out[1], 15, "option length");
    CHECK(memcmp(out + 3, hops, 12) == 0, "hops in network order");
    n = echo_ipopt_build(ECHO_IPOPT_STRICT_ROUTE, 0, hops, 1, out);
    CHECK_INT(out[0], 0x89, "SSRR");
    CHECK_INT(n, 8, "one hop");
}

static void filled_record_route_reads_back_up_to_the_pointer(void)
{
    const uint8_t opt[] = {1, 7, 15, 12, 198, 18, 0, 1, 198, 18, 1, 2, 0, 0, 0, 0};
    struct echo_ipopt_route route;
    CHECK(echo_ipopt_find(opt, sizeof(opt), ECHO_IPOPT_RECORD_ROUTE, &route), "found after NOP");
    CHECK_INT(route.count, 2, "two filled of three");
    char text[16];
    inet_ntop(AF_INET, &route.address[1], text, sizeof(text));
    CHECK_STR(text, "198.18.1.2", "second hop");
}

static void full_record_route_with_pointer_past_end_is_complete(void)
{
    const uint8_t opt[] = {7, 7, 8, 1, 2, 3, 4, 0};
    struct echo_ipopt_route route;
    CHECK(echo_ipopt_find(opt, sizeof(opt), ECHO_IPOPT_RECORD_ROUTE, &route), "found");
    CHECK_INT(route.count, 1, "one slot, full");
}

static void lying_lengths_and_pointers_are_rejected(void)
{
    struct echo_ipopt_route route;
    const uint8_t long_len[] = {7, 40, 4, 0};
    CHECK(!echo_ipopt_find(long_len, sizeof(long_len), ECHO_IPOPT_RECORD_ROUTE, &route),
          "length past the block");
    const uint8_t short_len[] = {7, 1, 4, 0};
    CHECK(!echo_ipopt_find(short_len, sizeof(short_len), ECHO_IPOPT_RECORD_ROUTE, &route),
          "length below 2");
    const uint8_t len2[] = {7, 2};
    CHECK(!echo_ipopt_find(len2, sizeof(len2), ECHO_IPOPT_RECORD_ROUTE, &route),
          "no room for the pointer");
    const uint8_t ptr_past[] = {7, 7, 12, 1, 2, 3, 4, 0};
    CHECK(!echo_ipopt_find(ptr_past, sizeof(ptr_past), ECHO_IPOPT_RECORD_ROUTE, &route),
          "pointer past the end");
    const uint8_t ptr_low[] = {7, 7, 3, 1, 2, 3, 4, 0};
    CHECK(!echo_ipopt_find(ptr_low, sizeof(ptr_low), ECHO_IPOPT_RECORD_ROUTE, &route),
          "pointer below 4");
    const uint8_t ts_bad_flag[] = {0x44, 12, 5, 0x02, 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(!echo_ipopt_find(ts_bad_flag, sizeof(ts_bad_flag), ECHO_IPOPT_TIMESTAMP, &route),
          "timestamp flag 2 does not exist");
    const uint8_t ptr_between[] = {7, 11, 6, 198, 18, 0, 1, 198, 18, 1, 2};
    CHECK(!echo_ipopt_find(ptr_between, sizeof(ptr_between), ECHO_IPOPT_RECORD_ROUTE, &route),
          "record route pointer between entries");
    const uint8_t ts_between[] = {0x44, 12, 9, 0x01, 198, 18, 0, 1, 0, 0, 0, 1};
    CHECK(!echo_ipopt_find(ts_between, sizeof(ts_between), ECHO_IPOPT_TIMESTAMP, &route),
          "timestamp pointer between address and time");
    const uint8_t truncated[] = {1, 1, 7};
    CHECK(!echo_ipopt_find(truncated, sizeof(truncated), ECHO_IPOPT_RECORD_ROUTE, &route),
          "type byte without length");
}

static void timestamp_entries_and_overflow_are_decoded(void)
{
    const uint8_t opt[] = {0x44, 20, 21, 0x31, 198, 18, 0, 1, 0, 0, 0x01, 0x00,
                           198,  18, 1,  2,    0,   0,  0, 2, 0, 0, 0,    0};
    struct echo_ipopt_route route;
    CHECK(echo_ipopt_find(opt, sizeof(opt), ECHO_IPOPT_TIMESTAMP, &route), "found");
    CHECK_INT(route.count, 2, "two stamps");
    CHECK(route.has_address, "with addresses");
    CHECK_INT(route.timestamp[0], 256, "first stamp");
    CHECK_INT(route.timestamp[1], 2, "second stamp");
    CHECK_INT(route.overflow, 3, "overflow count");
}

static void option_search_stops_at_end_of_list(void)
{
    const uint8_t opt[] = {0, 7, 7, 4, 0, 0, 0, 0};
    struct echo_ipopt_route route;
    CHECK(!echo_ipopt_find(opt, sizeof(opt), ECHO_IPOPT_RECORD_ROUTE, &route), "EOL first");
    CHECK(!echo_ipopt_find(NULL, 0, ECHO_IPOPT_RECORD_ROUTE, &route), "no options");
}

static void built_options_parse_back(void)
{
    uint8_t out[ECHO_MAX_IP_OPTIONS];
    size_t n = echo_ipopt_build(ECHO_IPOPT_RECORD_ROUTE, 3, NULL, 0, out);
    struct echo_ipopt_route route;
    CHECK(echo_ipopt_find(out, n, ECHO_IPOPT_RECORD_ROUTE, &route), "record route");
    CHECK_INT(route.count, 0, "nothing recorded yet");
    n = echo_ipopt_build(ECHO_IPOPT_TIMESTAMP, 2, NULL, 0, out);
    CHECK(echo_ipopt_find(out, n, ECHO_IPOPT_TIMESTAMP, &route), "timestamp");
}

int main(void)
{
    RUN(record_route_with_nine_slots_fills_forty_bytes);
    RUN(record_route_slot_counts_outside_one_to_nine_are_refused);
    RUN(timestamp_option_asks_for_address_and_time);
    RUN(loose_route_lists_every_hop_in_order);
    RUN(filled_record_route_reads_back_up_to_the_pointer);
    RUN(full_record_route_with_pointer_past_end_is_complete);
    RUN(lying_lengths_and_pointers_are_rejected);
    RUN(timestamp_entries_and_overflow_are_decoded);
    RUN(option_search_stops_at_end_of_list);
    RUN(built_options_parse_back);
    return harness_result();
}
