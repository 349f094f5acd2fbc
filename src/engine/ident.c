/*
 * The process-wide registry of echo identifiers in use: one bit per identifier, set and
 * cleared with atomic operations, so that threads need no lock and a fork inherits it.
 */
#include "ident.h"

#include <stdatomic.h>
#include <sys/random.h>
#include <unistd.h>

#define WORDS (65536 / 32)

static atomic_uint_least32_t S_used[WORDS];

bool ident_claim(uint16_t identifier)
{
    uint_least32_t bit = (uint_least32_t)1 << (identifier % 32);
    return (atomic_fetch_or(&S_used[identifier / 32], bit) & bit) == 0;
}

void ident_release(uint16_t identifier)
{
    uint_least32_t bit = (uint_least32_t)1 << (identifier % 32);
    atomic_fetch_and(&S_used[identifier / 32], ~bit);
}

bool ident_claim_any(uint16_t *identifier)
{
    /* Random, so that two processes on raw sockets rarely pick the same one; the search
     * from there only has to step past this process's own. */
    uint16_t start = 0;
    if (getrandom(&start, sizeof(start), GRND_NONBLOCK) != sizeof(start))
        start = (uint16_t)getpid();
    for (uint32_t i = 0; i < 65536; i++) {
        uint16_t candidate = (uint16_t)(start + i);
        if (ident_claim(candidate)) {
            *identifier = candidate;
            return true;
        }
    }
    return false;
}
