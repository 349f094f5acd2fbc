/*
 * Fuzzes echo_ipopt_find, which decodes the record route and timestamp options of a reply for
 * printing, for every option kind over an arbitrary block (the whole input, in an exactly
 * sized heap buffer so that AddressSanitizer sees any read past it). Then checks that what
 * echo_ipopt_build writes, filled in the way routers fill it, decodes back to what went in.
 */
#include <string.h>

#include "fuzz.h"
#include "wping/echo.h"

static const enum echo_ipopt_kind kinds[] = {
    ECHO_IPOPT_RECORD_ROUTE,
    ECHO_IPOPT_TIMESTAMP,
    ECHO_IPOPT_LOOSE_ROUTE,
    ECHO_IPOPT_STRICT_ROUTE,
};
#define KIND_COUNT (sizeof kinds / sizeof kinds[0])

static bool contains_word(const uint8_t *block, size_t length, const uint8_t word[4])
{
    return memmem(block, length, word, 4) != NULL;
}

/* Whatever a found option reports must fit the block and come from its bytes. */
static void check_found(const uint8_t *block, size_t length, enum echo_ipopt_kind kind,
                        const struct echo_ipopt_route *route)
{
    FUZZ_CHECK(route->kind == kind);
    FUZZ_CHECK(route->count <= ECHO_IPOPT_MAX_ENTRIES);
    size_t entry = 4, fixed = 3;
    if (kind == ECHO_IPOPT_TIMESTAMP) {
        entry = route->has_address ? 8 : 4;
        fixed = 4;
        FUZZ_CHECK(route->overflow <= 15);
    } else {
        FUZZ_CHECK(route->has_address);
    }
    FUZZ_CHECK(fixed + entry * route->count <= length);
    for (unsigned i = 0; i < route->count; i++) {
        if (route->has_address) {
            uint8_t word[4];
            memcpy(word, &route->address[i], 4);
            FUZZ_CHECK(contains_word(block, length, word));
        }
        if (kind == ECHO_IPOPT_TIMESTAMP) {
            uint32_t t = route->timestamp[i];
            uint8_t word[4] = {(uint8_t)(t >> 24), (uint8_t)(t >> 16), (uint8_t)(t >> 8),
                               (uint8_t)t};
            FUZZ_CHECK(contains_word(block, length, word));
        }
    }
}

static void check_arbitrary_block(const uint8_t *block, size_t length)
{
    struct echo_ipopt_route route;
    for (size_t k = 0; k < KIND_COUNT; k++) {
        if (echo_ipopt_find(block, length, kinds[k], &route)) {
            FUZZ_CHECK(length > 0);
            check_found(block, length, kinds[k], &route);
        }
    }
    /* No option has these kinds, so none can be found. */
    FUZZ_CHECK(!echo_ipopt_find(block, length, ECHO_IPOPT_NONE, &route));
    FUZZ_CHECK(!echo_ipopt_find(block, length, (enum echo_ipopt_kind)99, &route));
}

/*
 * Builds an option of `kind` from the input (slot count from byte 0, addresses from the rest),
 * lets `hops` routers fill it (pointer moved, their address and time written), and decodes it.
 */
static void check_round_trip(enum echo_ipopt_kind kind, const uint8_t *data, size_t size)
{
    unsigned slots = size > 0 ? data[0] % 11 : 0;
    unsigned hops = size > 1 ? data[1] : 0;
    uint32_t addresses[ECHO_IPOPT_MAX_ENTRIES] = {0};
    unsigned count = slots;
    if (size > 2) {
        size_t n = size - 2 < sizeof addresses ? size - 2 : sizeof addresses;
        memcpy(addresses, data + 2, n);
    }
    uint8_t block[ECHO_MAX_IP_OPTIONS];
    bool route_kind = kind == ECHO_IPOPT_LOOSE_ROUTE || kind == ECHO_IPOPT_STRICT_ROUTE;
    size_t length = echo_ipopt_build(kind, route_kind ? 0 : slots, route_kind ? addresses : NULL,
                                     route_kind ? count : 0, block);
    unsigned max = kind == ECHO_IPOPT_TIMESTAMP ? 4 : 9;
    FUZZ_CHECK((length != 0) == (slots >= 1 && slots <= max));
    if (length == 0)
        return;
    FUZZ_CHECK(length % 4 == 0 && length <= ECHO_MAX_IP_OPTIONS);
    if (route_kind)
        FUZZ_CHECK(memcmp(block + 3, addresses, 4 * (size_t)count) == 0);

    /* Fresh from the builder, nothing is recorded yet; other kinds are absent. */
    struct echo_ipopt_route route;
    FUZZ_CHECK(echo_ipopt_find(block, length, kind, &route));
    FUZZ_CHECK(route.kind == kind && route.count == 0);
    for (size_t k = 0; k < KIND_COUNT; k++)
        FUZZ_CHECK(kinds[k] == kind || !echo_ipopt_find(block, length, kinds[k], &route));

    if (kind != ECHO_IPOPT_RECORD_ROUTE && kind != ECHO_IPOPT_TIMESTAMP)
        return;
    hops %= slots + 1;
    size_t entry = kind == ECHO_IPOPT_TIMESTAMP ? 8 : 4;
    size_t first = kind == ECHO_IPOPT_TIMESTAMP ? 4 : 3;
    for (unsigned i = 0; i < hops; i++) {
        uint8_t *slot = block + first + entry * i;
        memcpy(slot, &addresses[i], 4);
        if (entry == 8) {
            uint32_t t = addresses[(i + 1) % ECHO_IPOPT_MAX_ENTRIES];
            slot[4] = (uint8_t)(t >> 24);
            slot[5] = (uint8_t)(t >> 16);
            slot[6] = (uint8_t)(t >> 8);
            slot[7] = (uint8_t)t;
        }
    }
    block[2] = (uint8_t)(block[2] + entry * hops);
    FUZZ_CHECK(echo_ipopt_find(block, length, kind, &route));
    FUZZ_CHECK(route.count == hops && route.has_address);
    for (unsigned i = 0; i < hops; i++) {
        FUZZ_CHECK(route.address[i] == addresses[i]);
        if (entry == 8)
            FUZZ_CHECK(route.timestamp[i] == addresses[(i + 1) % ECHO_IPOPT_MAX_ENTRIES]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *block = fuzz_copy(data, size);
    check_arbitrary_block(block, size);
    for (size_t k = 0; k < KIND_COUNT; k++)
        check_round_trip(kinds[k], data, size);
    free(block);
    return 0;
}
