/*
 * Arithmetic on struct timespec, for the CLOCK_MONOTONIC times that the engine's deadlines
 * and waits are given in. Header only; shared by the engine, the session and libicmpapi.
 */
#ifndef WPING_TIMESPEC_H
#define WPING_TIMESPEC_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* t + ms, whole seconds and the rest apart, so that no interval can overflow a long. */
static inline struct timespec timespec_add_ms(struct timespec t, uint64_t ms)
{
    t.tv_sec += (time_t)(ms / 1000);
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

/* later - earlier in nanoseconds (negative when `later` is earlier). */
static inline int64_t timespec_diff_ns(const struct timespec *later, const struct timespec *earlier)
{
    return (int64_t)(later->tv_sec - earlier->tv_sec) * 1000000000 +
           (later->tv_nsec - earlier->tv_nsec);
}

/* a is strictly earlier than b. */
static inline bool timespec_before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* The time from `now` to `end`, as a relative timeout; zero once `end` has passed. */
static inline struct timespec timespec_left(const struct timespec *end, const struct timespec *now)
{
    struct timespec left = {0, 0};
    if (timespec_before(now, end)) {
        int64_t ns = timespec_diff_ns(end, now);
        left.tv_sec = (time_t)(ns / 1000000000);
        left.tv_nsec = (long)(ns % 1000000000);
    }
    return left;
}

#endif /* WPING_TIMESPEC_H */
