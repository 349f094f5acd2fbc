/*
 * IPv4 options: building the blocks that requests carry (record route, timestamp, source
 * routes) and decoding what a reply brings back. Pure functions over bytes, no handle needed.
 */
#ifndef WPING_IPOPT_H
#define WPING_IPOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest IPv4 options block, in bytes (MAX_OPT_SIZE). */
#define ECHO_MAX_IP_OPTIONS 40

enum echo_ipopt_kind {
    ECHO_IPOPT_NONE = 0,
    ECHO_IPOPT_RECORD_ROUTE,
    ECHO_IPOPT_TIMESTAMP,
    ECHO_IPOPT_LOOSE_ROUTE,
    ECHO_IPOPT_STRICT_ROUTE,
};

#define ECHO_IPOPT_MAX_ENTRIES 9

struct echo_ipopt_route {
    enum echo_ipopt_kind kind;
    unsigned count;                             /* entries filled in (up to the pointer) */
    uint32_t address[ECHO_IPOPT_MAX_ENTRIES];   /* network byte order */
    uint32_t timestamp[ECHO_IPOPT_MAX_ENTRIES]; /* host order; timestamp option only */
    bool has_address;                           /* timestamp option carries addresses */
    unsigned overflow;                          /* timestamp option: hops that found it full */
};

/*
 * Finds the first option of `kind` in an IPv4 options block and decodes the entries filled
 * so far. Returns true when a well-formed option was found; lengths and pointers that lie
 * are rejected, never followed.
 */
bool echo_ipopt_find(const uint8_t *options, size_t length, enum echo_ipopt_kind kind,
                     struct echo_ipopt_route *route);

/*
 * Builds an IPv4 options block: record route with `slots` (1..9) empty slots, timestamp with
 * `slots` (1..4) address+timestamp pairs, or a loose / strict source route through the `count`
 * (1..9) addresses (network byte order; the last is the final destination). Returns the
 * length written (a multiple of 4, at most 40), or 0 when the arguments do not fit.
 */
size_t echo_ipopt_build(enum echo_ipopt_kind kind, unsigned slots, const uint32_t *addresses,
                        unsigned count, uint8_t out[ECHO_MAX_IP_OPTIONS]);

#endif /* WPING_IPOPT_H */
