/*
 * Shared helpers of the ICMP API conformance suite: clocks, payloads, reply-buffer views and
 * an APC recorder. Included by conformance.c only (static definitions).
 */
#ifndef WPING_CONFORMANCE_UTIL_H
#define WPING_CONFORMANCE_UTIL_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <winternl.h>
#include <iphlpapi.h>
#include <icmpapi.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "harness.h"

/* Sizes as Windows callers spell them. */
#define REPLY4 sizeof(ICMP_ECHO_REPLY)
#define REPLY6 sizeof(ICMPV6_ECHO_REPLY)
#define IO_STATUS sizeof(IO_STATUS_BLOCK)
#define GARBAGE 0xdeadbeef

/* The last error as C reads it (GetLastError) and as .NET and Mono read it (errno, docs/design.md,
 * Porting from .NET): both must be `want`. errno is taken first, before anything can change it, so
 * the check goes right after the call (or after checks that pass without printing). */
#define CHECK_LAST_ERROR(want, ...)                                                                \
    do {                                                                                           \
        int util_errno = errno;                                                                    \
        CHECK_INT(GetLastError(), want, __VA_ARGS__);                                              \
        CHECK_INT(util_errno, (int)(DWORD)(want), "errno: " __VA_ARGS__);                          \
    } while (0)

/* Stores GetLastError() in `lvalue` and checks that errno holds the same value. */
#define TAKE_LAST_ERROR(lvalue)                                                                    \
    do {                                                                                           \
        int util_errno = errno;                                                                    \
        (lvalue) = GetLastError();                                                                 \
        CHECK_INT(util_errno, (int)(lvalue), "%s", "errno holds the last error");                  \
    } while (0)

/* Milliseconds on CLOCK_MONOTONIC. */
static inline double util_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

/* Fills `size` bytes with a pattern that differs from the reply struct's zeros. */
static inline void util_payload(unsigned char *data, size_t size)
{
    for (size_t i = 0; i < size; i++)
        data[i] = (unsigned char)('a' + i % 23);
}

static inline ICMP_ECHO_REPLY util_reply4(const void *buffer)
{
    ICMP_ECHO_REPLY reply;
    memcpy(&reply, buffer, sizeof(reply));
    return reply;
}

static inline ICMPV6_ECHO_REPLY util_reply6(const void *buffer)
{
    ICMPV6_ECHO_REPLY reply;
    memcpy(&reply, buffer, sizeof(reply));
    return reply;
}

static inline struct sockaddr_in6 util_sockaddr6(const char *text)
{
    struct sockaddr_in6 address;
    memset(&address, 0, sizeof(address));
    address.sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, text, &address.sin6_addr) != 1)
        fprintf(stderr, "not an IPv6 address: %s\n", text);
    return address;
}

static inline bool util_same6(const IPV6_ADDRESS_EX *address, const struct sockaddr_in6 *want)
{
    return memcmp(address->sin6_addr, &want->sin6_addr, 16) == 0;
}

/* The kernel's default TTL, which loopback echo replies carry. */
static inline int util_default_ttl(void)
{
    int ttl = -1;
    FILE *file = fopen("/proc/sys/net/ipv4/ip_default_ttl", "r");
    if (file != NULL) {
        if (fscanf(file, "%d", &ttl) != 1)
            ttl = -1;
        fclose(file);
    }
    return ttl;
}

/* What an APC saw. The routine records into the context it was given. */
struct util_apc {
    int calls;
    pthread_t thread;
    PVOID context;
    NTSTATUS status;
    ULONG_PTR information;
    ULONG reserved;
    const unsigned char *reply; /* when set: the reply's Reserved (count) at APC time */
    USHORT reply_count;
};

static inline VOID NTAPI util_apc_routine(PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock,
                                          ULONG Reserved)
{
    struct util_apc *record = ApcContext;
    record->calls++;
    record->thread = pthread_self();
    record->context = ApcContext;
    record->status = IoStatusBlock->Status;
    record->information = IoStatusBlock->Information;
    record->reserved = Reserved;
    if (record->reply != NULL)
        record->reply_count = util_reply4(record->reply).Reserved;
}

/* Alertable sleeps until the record has seen `calls` calls or about `ms` have passed. */
static inline void util_wait_apc(struct util_apc *record, int calls, DWORD ms)
{
    double end = util_now_ms() + ms;
    while (record->calls < calls && util_now_ms() < end)
        SleepEx(50, TRUE);
}

#endif /* WPING_CONFORMANCE_UTIL_H */
