/*
 * The RTT histogram: log-linear buckets, as in HDR histograms. Below 2^LINEAR_BITS ns the
 * buckets are 2^UNIT_BITS ns wide; from there on every power of two [2^k, 2^(k+1)) is split
 * into 2^SUB_BITS buckets of 2^(k - SUB_BITS) ns, so the relative width never exceeds
 * 2^-SUB_BITS and a midpoint is within half of that of any value in its bucket.
 */
#include "stats.h"

#include <stdlib.h>

#define UNIT_BITS 9                        /* 512 ns buckets in the linear part */
#define SUB_BITS 10                        /* 1024 buckets per power of two above */
#define LINEAR_BITS (UNIT_BITS + SUB_BITS) /* the linear part ends at 2^19 ns */
#define TOP_BITS 52                        /* 2^52 ns is 52 days, beyond any -w */
#define SUB_COUNT (1u << SUB_BITS)
#define BUCKETS (SUB_COUNT * (TOP_BITS - LINEAR_BITS + 1) + SUB_COUNT)

struct format_histogram {
    uint64_t total;
    uint64_t count[BUCKETS];
};

struct format_histogram *format_histogram_new(void)
{
    /* calloc of this size maps fresh zero pages: only the pages values fall into cost
     * memory. */
    return calloc(1, sizeof(struct format_histogram));
}

void format_histogram_free(struct format_histogram *histogram)
{
    free(histogram);
}

static unsigned S_top_bit(uint64_t value)
{
    unsigned bit = 0;

    while (value >>= 1)
        bit++;
    return bit;
}

static size_t S_index(uint64_t ns)
{
    unsigned k;

    if (ns < (UINT64_C(1) << LINEAR_BITS))
        return (size_t)(ns >> UNIT_BITS);
    if (ns >= (UINT64_C(1) << (TOP_BITS + 1)))
        return BUCKETS - 1;
    k = S_top_bit(ns);
    /* (ns >> (k - SUB_BITS)) is in [SUB_COUNT, 2 * SUB_COUNT): its low bits pick the bucket
     * within the power of two. */
    return SUB_COUNT + (size_t)(k - LINEAR_BITS) * SUB_COUNT +
           (size_t)((ns >> (k - SUB_BITS)) & (SUB_COUNT - 1));
}

static uint64_t S_midpoint(size_t index)
{
    size_t octave, sub;
    unsigned shift;

    if (index < SUB_COUNT)
        return ((uint64_t)index << UNIT_BITS) + (UINT64_C(1) << (UNIT_BITS - 1));
    octave = (index - SUB_COUNT) / SUB_COUNT;
    sub = (index - SUB_COUNT) % SUB_COUNT;
    shift = (unsigned)octave + LINEAR_BITS - SUB_BITS; /* bucket width is 2^shift ns */
    return ((uint64_t)(SUB_COUNT + sub) << shift) + (UINT64_C(1) << (shift - 1));
}

void format_histogram_add(struct format_histogram *histogram, uint64_t rtt_ns)
{
    histogram->count[S_index(rtt_ns)]++;
    histogram->total++;
}

uint64_t format_histogram_rank(const struct format_histogram *histogram, uint64_t rank)
{
    uint64_t seen = 0;

    if (rank == 0 || rank > histogram->total)
        return 0;
    for (size_t i = 0; i < BUCKETS; i++) {
        seen += histogram->count[i];
        if (seen >= rank)
            return S_midpoint(i);
    }
    return 0;
}
