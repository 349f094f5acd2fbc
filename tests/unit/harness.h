/*
 * A minimal unit-test harness: CHECK-style macros that print what was expected and what was
 * seen, and count failures. Each test program returns harness_result() from main.
 */
#ifndef WPING_HARNESS_H
#define WPING_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int harness_failures;
static int harness_checks;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        harness_checks++;                                                                          \
        if (!(cond)) {                                                                             \
            harness_failures++;                                                                    \
            fprintf(stderr, "%s:%d: FAILED: %s: ", __FILE__, __LINE__, #cond);                     \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_INT(got, want, ...)                                                                  \
    do {                                                                                           \
        intmax_t harness_got = (intmax_t)(got), harness_want = (intmax_t)(want);                   \
        harness_checks++;                                                                          \
        if (harness_got != harness_want) {                                                         \
            harness_failures++;                                                                    \
            fprintf(stderr, "%s:%d: FAILED: %s: got %jd, expected %jd: ", __FILE__, __LINE__,      \
                    #got, harness_got, harness_want);                                              \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, want, ...)                                                                  \
    do {                                                                                           \
        const char *harness_gs = (got), *harness_ws = (want);                                      \
        harness_checks++;                                                                          \
        if (harness_gs == NULL || strcmp(harness_gs, harness_ws) != 0) {                           \
            harness_failures++;                                                                    \
            fprintf(stderr, "%s:%d: FAILED: %s: got \"%s\", expected \"%s\": ", __FILE__,          \
                    __LINE__, #got, harness_gs ? harness_gs : "(null)", harness_ws);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

/* Runs one named test function. */
#define RUN(test)                                                                                  \
    do {                                                                                           \
        int harness_before = harness_failures;                                                     \
        test();                                                                                    \
        printf("%s %s\n", harness_failures == harness_before ? "ok  " : "FAIL", #test);            \
    } while (0)

static inline int harness_result(void)
{
    printf("%d checks, %d failed\n", harness_checks, harness_failures);
    return harness_failures == 0 ? 0 : 1;
}

#endif /* WPING_HARNESS_H */
