/*
 * fixed-random: an LD_PRELOAD shim for tests only. getrandom() fills its buffer with the
 * byte in WPING_FIXED_RANDOM (decimal, default 0x5a), so that two processes pick the same
 * "random" echo identifier and tests can check that neither takes the other's replies.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

ssize_t getrandom(void *buffer, size_t length, unsigned int flags)
{
    (void)flags;
    const char *text = getenv("WPING_FIXED_RANDOM");
    int byte = text != NULL ? atoi(text) : 0x5a;
    memset(buffer, byte, length);
    return (ssize_t)length;
}
