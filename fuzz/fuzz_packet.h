/* Checks shared by the two packet fuzzers (they see the engine's private packet.h). */
#ifndef WPING_FUZZ_PACKET_H
#define WPING_FUZZ_PACKET_H

#include "fuzz.h"
#include "packet.h"

/*
 * True when two parses of the same bytes agree on every field that is meaningful for their
 * kind. Parsing into differently dirtied structs and comparing shows that no field is left
 * over from whatever the struct held before (an earlier packet, in the engine).
 */
static inline bool fuzz_same_packet_info(const struct packet_info *a, const struct packet_info *b)
{
    if (a->kind != b->kind || a->has_echo != b->has_echo || a->ttl != b->ttl || a->tos != b->tos ||
        a->ip_flags != b->ip_flags || a->ip_options != b->ip_options ||
        a->ip_options_len != b->ip_options_len ||
        a->has_quoted_destination != b->has_quoted_destination)
        return false;
    if (a->has_echo && (a->identifier != b->identifier || a->sequence != b->sequence))
        return false;
    if (a->kind == PACKET_ECHO_REPLY && (a->data != b->data || a->data_len != b->data_len))
        return false;
    if (a->kind == PACKET_ERROR &&
        (a->type != b->type || a->code != b->code || a->status != b->status))
        return false;
    return !a->has_quoted_destination ||
           memcmp(a->quoted_destination, b->quoted_destination, sizeof a->quoted_destination) == 0;
}

/* Where fuzz_touch leaves its sum, so that the compiler cannot drop the reads. */
static volatile unsigned fuzz_sink;

/* Reads every byte a result points at, so that AddressSanitizer checks the pointer. */
static inline void fuzz_touch(const uint8_t *p, size_t n)
{
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += p[i];
    fuzz_sink = sum;
}

static inline uint16_t fuzz_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

#endif /* WPING_FUZZ_PACKET_H */
