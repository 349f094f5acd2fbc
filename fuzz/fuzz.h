/*
 * What every fuzz target shares: the libFuzzer entry point and an invariant check that
 * crashes loudly, so that a broken promise is a finding like any sanitizer report.
 */
#ifndef WPING_FUZZ_H
#define WPING_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer calls this once per input; it must return 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with the broken invariant and where it was checked when `condition` is false. */
#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition);      \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/*
 * A heap copy of exactly `size` bytes, so that AddressSanitizer reports the first byte read
 * past the input (malloc(0) under ASan is a valid pointer to no bytes at all). Free it.
 */
static inline uint8_t *fuzz_copy(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size);
    if (copy == NULL)
        abort();
    if (size > 0)
        memcpy(copy, data, size);
    return copy;
}

/* True when [inner, inner + inner_len) lies inside [outer, outer + outer_len). Compared as
 * integers: relational operators on pointers into different objects are undefined. */
static inline bool fuzz_within(const void *inner, size_t inner_len, const void *outer,
                               size_t outer_len)
{
    uintptr_t in = (uintptr_t)inner, out = (uintptr_t)outer;
    return in >= out && in - out <= outer_len && inner_len <= outer_len - (in - out);
}

#endif /* WPING_FUZZ_H */
