/*
 * Kernel time stamps (docs/design.md, Time stamps): reading them from the control messages of a
 * received packet or of an error-queue message, and choosing the pair of clocks an RTT is measured
 * between. Pure: control-message bytes and times in, structs out, no sockets and no clocks, so unit
 * tests drive every path, the fallbacks included, from bytes.
 */
#ifndef WPING_STAMP_H
#define WPING_STAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "wping/echo.h"

/* The stamps one packet got: software (CLOCK_REALTIME) and hardware (the device's clock). */
struct stamp_pair {
    struct timespec software, hardware;
    bool has_software, has_hardware;
};

/* Reads a SCM_TIMESTAMPING payload (struct scm_timestamping: ts[0] software, ts[2] raw
 * hardware; zero means absent) of `length` bytes into `pair`, keeping what `pair` already
 * holds where this one has nothing. Returns false when the payload is too short. */
bool stamp_read_timestamping(const void *data, size_t length, struct stamp_pair *pair);

enum stamp_errqueue_kind {
    STAMP_ERRQUEUE_OTHER = 0, /* no extended error, or one of an origin the engine ignores */
    STAMP_ERRQUEUE_TX,        /* a transmit stamp (origin SO_EE_ORIGIN_TIMESTAMPING) */
    STAMP_ERRQUEUE_ERROR,     /* an ICMP, ICMPv6 or local error (IP_RECVERR / IPV6_RECVERR) */
};

/* What one error-queue message says. */
struct stamp_errqueue {
    enum stamp_errqueue_kind kind;
    /* STAMP_ERRQUEUE_TX: the key (SOF_TIMESTAMPING_OPT_ID: the request's sequence, or the
     * socket's send counter) and the stamps of the send (SCM_TSTAMP_SND only). */
    uint32_t key;
    struct stamp_pair tx;
    /* STAMP_ERRQUEUE_ERROR: the extended error, copied, and its offender (the router), which
     * the kernel puts right after it; offender.ss_family is 0 when there is none. */
    uint8_t origin, type, code;
    uint32_t error; /* ee_errno */
    uint32_t info;  /* ee_info: an MTU for EMSGSIZE and "packet too big" */
    struct sockaddr_storage offender;
};

/* Reads the control messages of an error-queue message (`control`, `length` bytes, as
 * msg_control / msg_controllen after recvmsg(MSG_ERRQUEUE)). Lengths that lie are
 * rejected, never followed. */
void stamp_parse_errqueue(const void *control, size_t length, struct stamp_errqueue *out);

/* The times one RTT can be measured from. */
struct stamp_times {
    struct timespec sent_user; /* CLOCK_REALTIME read just before the send */
    int64_t monotonic_ns;      /* CLOCK_MONOTONIC from before the send to the processing */
    struct stamp_pair tx;      /* the kernel's transmit stamps, when they came */
    struct stamp_pair rx;      /* the kernel's receive stamps, when they came */
};

/*
 * Chooses the best pair of clocks whose difference is consistent with the monotonic clock
 * (0 <= RTT <= monotonic_ns; a step of the wall clock in between falls outside), in the order
 * of enum echo_clock from the best. Sets *clock (never ECHO_CLOCK_NONE) and returns the RTT.
 */
uint64_t stamp_rtt(const struct stamp_times *times, enum echo_clock *clock);

#endif /* WPING_STAMP_H */
