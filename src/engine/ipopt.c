/* IPv4 options: building record route, timestamp and source routes, and decoding what a
 * reply carries back. Pure functions over bytes. */
#include <string.h>

#include "wping/ipopt.h"

enum {
    OPT_EOL = 0x00,
    OPT_NOP = 0x01,
    OPT_RR = 0x07,
    OPT_TS = 0x44,
    OPT_LSRR = 0x83,
    OPT_SSRR = 0x89,
    TS_ONLY = 0,
    TS_AND_ADDRESS = 1,
    TS_PRESPECIFIED = 3,
};

static uint8_t S_type(enum echo_ipopt_kind kind)
{
    switch (kind) {
    case ECHO_IPOPT_RECORD_ROUTE:
        return OPT_RR;
    case ECHO_IPOPT_TIMESTAMP:
        return OPT_TS;
    case ECHO_IPOPT_LOOSE_ROUTE:
        return OPT_LSRR;
    case ECHO_IPOPT_STRICT_ROUTE:
        return OPT_SSRR;
    default:
        return OPT_EOL;
    }
}

static uint32_t S_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t echo_ipopt_build(enum echo_ipopt_kind kind, unsigned slots, const uint32_t *addresses,
                        unsigned count, uint8_t out[ECHO_MAX_IP_OPTIONS])
{
    size_t length;
    memset(out, OPT_EOL, ECHO_MAX_IP_OPTIONS);
    switch (kind) {
    case ECHO_IPOPT_RECORD_ROUTE:
        if (slots < 1 || slots > 9)
            return 0;
        length = 3 + 4 * (size_t)slots;
        out[2] = 4;
        break;
    case ECHO_IPOPT_TIMESTAMP:
        if (slots < 1 || slots > 4)
            return 0;
        length = 4 + 8 * (size_t)slots;
        out[2] = 5;
        out[3] = TS_AND_ADDRESS;
        break;
    case ECHO_IPOPT_LOOSE_ROUTE:
    case ECHO_IPOPT_STRICT_ROUTE:
        if (addresses == NULL || count < 1 || count > 9)
            return 0;
        length = 3 + 4 * (size_t)count;
        out[2] = 4;
        /* Addresses are already in network byte order: copy their bytes as they lie. */
        memcpy(out + 3, addresses, 4 * (size_t)count);
        break;
    default:
        return 0;
    }
    out[0] = S_type(kind);
    out[1] = (uint8_t)length;
    return (length + 3) & ~(size_t)3;
}

/* Decodes a record-route style option (RR, LSRR, SSRR) of `length` bytes at `opt`. */
static bool S_decode_route(const uint8_t *opt, size_t length, struct echo_ipopt_route *route)
{
    if (length < 3)
        return false;
    size_t pointer = opt[2];
    /* RFC 791: the pointer names the start of the next entry, 4, 8, ... (length + 1 when
     * full); one between entries lies about what was recorded. */
    if (pointer < 4 || pointer > length + 1 || (length - 3) % 4 != 0 || pointer % 4 != 0)
        return false;
    size_t filled = (pointer - 4) / 4;
    if (filled > ECHO_IPOPT_MAX_ENTRIES)
        return false;
    for (size_t i = 0; i < filled; i++)
        memcpy(&route->address[i], opt + 3 + 4 * i, 4);
    route->count = (unsigned)filled;
    route->has_address = true;
    return true;
}

static bool S_decode_timestamp(const uint8_t *opt, size_t length, struct echo_ipopt_route *route)
{
    if (length < 4)
        return false;
    size_t pointer = opt[2];
    if (pointer < 5 || pointer > length + 1)
        return false;
    unsigned flag = opt[3] & 0x0f;
    size_t entry = flag == TS_ONLY ? 4 : 8;
    if (flag != TS_ONLY && flag != TS_AND_ADDRESS && flag != TS_PRESPECIFIED)
        return false;
    if ((length - 4) % entry != 0 || (pointer - 5) % entry != 0)
        return false;
    size_t filled = (pointer - 5) / entry;
    if (filled > ECHO_IPOPT_MAX_ENTRIES)
        return false;
    route->has_address = entry == 8;
    for (size_t i = 0; i < filled; i++) {
        const uint8_t *e = opt + 4 + entry * i;
        if (entry == 8) {
            memcpy(&route->address[i], e, 4);
            route->timestamp[i] = S_get32(e + 4);
        } else {
            route->timestamp[i] = S_get32(e);
        }
    }
    route->count = (unsigned)filled;
    route->overflow = opt[3] >> 4;
    return true;
}

bool echo_ipopt_find(const uint8_t *options, size_t length, enum echo_ipopt_kind kind,
                     struct echo_ipopt_route *route)
{
    uint8_t want = S_type(kind);
    memset(route, 0, sizeof(*route));
    if (options == NULL || want == OPT_EOL)
        return false;
    size_t i = 0;
    while (i < length) {
        uint8_t type = options[i];
        if (type == OPT_EOL)
            return false;
        if (type == OPT_NOP) {
            i++;
            continue;
        }
        if (length - i < 2)
            return false;
        size_t len = options[i + 1];
        if (len < 2 || len > length - i)
            return false;
        if (type == want) {
            route->kind = kind;
            bool ok = kind == ECHO_IPOPT_TIMESTAMP ? S_decode_timestamp(options + i, len, route)
                                                   : S_decode_route(options + i, len, route);
            if (!ok)
                memset(route, 0, sizeof(*route));
            return ok;
        }
        i += len;
    }
    return false;
}
