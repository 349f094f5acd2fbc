/*
 * reply-match: checks through libicmpapi that no request ever takes another request's reply
 * (docs/design.md, Matching). Many asynchronous IcmpSendEcho2 / Icmp6SendEcho2 requests to a silent
 * (blackholed) address stay pending while several threads make synchronous calls to an
 * answering host; every payload is tagged with its request, and every success is checked:
 * it must come from the request's destination and carry the request's own payload. Prints
 * one key=value line; exits 1 when a reply was misattributed or the answering host did not
 * answer at all, 2 on a usage or setup error.
 *
 *   reply-match -4|-6 SILENT ANSWERING [pending [calls [threads [silent timeout ms]]]]
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <icmpapi.h>
#include <iphlpapi.h>
#include <windows.h>

#define PAYLOAD 24
#define MAX_PENDING 256
#define MAX_THREADS 64
#define ANSWER_TIMEOUT 2000

struct target {
    int family;
    struct sockaddr_in6 address6;
    IPAddr address4;
};

struct pending {
    HANDLE event;
    char payload[PAYLOAD];
    unsigned char reply[sizeof(ICMP_ECHO_REPLY) + sizeof(ICMPV6_ECHO_REPLY) + PAYLOAD + 64];
};

struct caller {
    pthread_t thread;
    unsigned index, calls;
    const struct target *answering;
    unsigned ok, wrong, failed;
};

static struct target S_silent, S_answering;

static bool S_parse(int family, const char *text, struct target *out)
{
    memset(out, 0, sizeof(*out));
    out->family = family;
    out->address6.sin6_family = AF_INET6;
    if (family == AF_INET6)
        return inet_pton(AF_INET6, text, &out->address6.sin6_addr) == 1;
    return inet_pton(AF_INET, text, &out->address4) == 1;
}

static void S_tag(char payload[PAYLOAD], char kind, unsigned thread, unsigned call)
{
    char text[PAYLOAD + 1];
    snprintf(text, sizeof(text), "%c%02uC%05u-abcdefghijklm", kind, thread % 100, call % 100000);
    memcpy(payload, text, PAYLOAD);
}

static HANDLE S_open(int family)
{
    return family == AF_INET6 ? Icmp6CreateFile() : IcmpCreateFile();
}

/* Sends one request (synchronous when event is NULL). Returns what the call returned. */
static DWORD S_send(HANDLE icmp, HANDLE event, const struct target *to, char *payload, void *reply,
                    DWORD reply_size, DWORD timeout)
{
    if (to->family == AF_INET6) {
        struct sockaddr_in6 source;
        memset(&source, 0, sizeof(source));
        source.sin6_family = AF_INET6;
        struct sockaddr_in6 destination = to->address6;
        return Icmp6SendEcho2(icmp, event, NULL, NULL, &source, &destination, payload, PAYLOAD,
                              NULL, reply, reply_size, timeout);
    }
    return IcmpSendEcho2(icmp, event, NULL, NULL, to->address4, payload, PAYLOAD, NULL, reply,
                         reply_size, timeout);
}

/* Whether a successful reply came from `to` and carries `payload`. */
static bool S_reply_is_own(const struct target *to, const void *reply, const char *payload)
{
    if (to->family == AF_INET6) {
        const ICMPV6_ECHO_REPLY *r = reply;
        return r->Status == IP_SUCCESS &&
               memcmp(r->Address.sin6_addr, &to->address6.sin6_addr, 16) == 0 &&
               memcmp((const unsigned char *)reply + sizeof(*r), payload, PAYLOAD) == 0;
    }
    const ICMP_ECHO_REPLY *r = reply;
    return r->Status == IP_SUCCESS && r->Address == to->address4 && r->DataSize == PAYLOAD &&
           memcmp(r->Data, payload, PAYLOAD) == 0;
}

static ULONG S_status(int family, const void *reply)
{
    return family == AF_INET6 ? ((const ICMPV6_ECHO_REPLY *)reply)->Status
                              : ((const ICMP_ECHO_REPLY *)reply)->Status;
}

static void *S_caller(void *argument)
{
    struct caller *c = argument;
    HANDLE icmp = S_open(c->answering->family);
    if (icmp == INVALID_HANDLE_VALUE) {
        c->failed = c->calls;
        return NULL;
    }
    unsigned char reply[sizeof(ICMP_ECHO_REPLY) + sizeof(ICMPV6_ECHO_REPLY) + PAYLOAD + 64];
    char payload[PAYLOAD];
    for (unsigned i = 0; i < c->calls; i++) {
        S_tag(payload, 'T', c->index, i);
        memset(reply, 0, sizeof(reply));
        DWORD n = S_send(icmp, NULL, c->answering, payload, reply, sizeof(reply), ANSWER_TIMEOUT);
        if (n == 0 || S_status(c->answering->family, reply) != IP_SUCCESS) {
            if (c->failed++ < 3)
                fprintf(stderr, "reply-match: call %u of thread %u failed: status %lu\n", i,
                        c->index, (unsigned long)S_status(c->answering->family, reply));
        } else if (S_reply_is_own(c->answering, reply, payload))
            c->ok++;
        else
            c->wrong++;
    }
    IcmpCloseHandle(icmp);
    return NULL;
}

static double S_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 4 || (strcmp(argv[1], "-4") != 0 && strcmp(argv[1], "-6") != 0)) {
        fputs("usage: reply-match -4|-6 SILENT ANSWERING [pending [calls [threads [ms]]]]\n",
              stderr);
        return 2;
    }
    int family = argv[1][1] == '6' ? AF_INET6 : AF_INET;
    unsigned pending = argc > 4 ? (unsigned)atoi(argv[4]) : 250;
    unsigned calls = argc > 5 ? (unsigned)atoi(argv[5]) : 2000;
    unsigned threads = argc > 6 ? (unsigned)atoi(argv[6]) : 4;
    DWORD silent_timeout = argc > 7 ? (DWORD)atoi(argv[7]) : 3000;
    if (!S_parse(family, argv[2], &S_silent) || !S_parse(family, argv[3], &S_answering) ||
        pending > MAX_PENDING || threads == 0 || threads > MAX_THREADS) {
        fputs("reply-match: bad address or count\n", stderr);
        return 2;
    }
    HANDLE icmp = S_open(family);
    if (icmp == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "reply-match: cannot open an ICMP handle: %lu\n",
                (unsigned long)GetLastError());
        return 2;
    }

    double start = S_now_ms();
    static struct pending requests[MAX_PENDING];
    unsigned started = 0;
    for (unsigned i = 0; i < pending; i++) {
        struct pending *p = &requests[i];
        p->event = CreateEvent(NULL, TRUE, FALSE, NULL);
        S_tag(p->payload, 'B', 99, i);
        if (S_send(icmp, p->event, &S_silent, p->payload, p->reply, sizeof(p->reply),
                   silent_timeout) == 0 &&
            GetLastError() == ERROR_IO_PENDING)
            started++;
        else
            fprintf(stderr, "reply-match: request %u to the silent address: error %lu\n", i,
                    (unsigned long)GetLastError());
    }

    static struct caller callers[MAX_THREADS];
    for (unsigned t = 0; t < threads; t++) {
        callers[t] = (struct caller){.index = t,
                                     .calls = calls / threads + (t < calls % threads),
                                     .answering = &S_answering};
        if (pthread_create(&callers[t].thread, NULL, S_caller, &callers[t]) != 0) {
            fputs("reply-match: pthread_create failed\n", stderr);
            return 2;
        }
    }
    unsigned ok = 0, wrong = 0, failed = 0;
    for (unsigned t = 0; t < threads; t++) {
        pthread_join(callers[t].thread, NULL);
        ok += callers[t].ok;
        wrong += callers[t].wrong;
        failed += callers[t].failed;
    }
    double calls_ms = S_now_ms() - start;

    unsigned silent_answered = 0, silent_timed_out = 0, silent_other = 0;
    for (unsigned i = 0; i < pending; i++) {
        struct pending *p = &requests[i];
        if (WaitForSingleObject(p->event, silent_timeout + 10000) != WAIT_OBJECT_0) {
            silent_other++;
            continue;
        }
        ULONG status = S_status(family, p->reply);
        if (status == IP_SUCCESS) {
            silent_answered++;
            if (silent_answered <= 3)
                fprintf(stderr,
                        "reply-match: request %u to the silent address succeeded, data "
                        "\"%.16s\"\n",
                        i,
                        family == AF_INET6 ? (const char *)p->reply + sizeof(ICMPV6_ECHO_REPLY)
                                           : (const char *)((ICMP_ECHO_REPLY *)p->reply)->Data);
        } else if (status == IP_REQ_TIMED_OUT) {
            silent_timed_out++;
        } else {
            silent_other++;
        }
        CloseHandle(p->event);
    }
    IcmpCloseHandle(icmp);

    unsigned misattributed = silent_answered + wrong;
    printf("family=%d pending=%u started=%u silent_timed_out=%u silent_answered=%u "
           "silent_other=%u calls=%u answered_own=%u answered_wrong=%u answered_failed=%u "
           "calls_ms=%.0f misattributed=%u\n",
           family == AF_INET6 ? 6 : 4, pending, started, silent_timed_out, silent_answered,
           silent_other, calls, ok, wrong, failed, calls_ms, misattributed);
    /* Some calls may fail on a loaded machine (timeouts); none may take a wrong reply, and
     * the answering host must have answered most of them for the check to mean anything. */
    return misattributed == 0 && started == pending && ok * 2 > calls ? 0 : 1;
}
