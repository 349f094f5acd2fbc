/*
 * The ICMP echo engine: one echo request out, one outcome back, with the semantics of the
 * Windows IcmpSendEcho2Ex / Icmp6SendEcho2 calls. IPv4 and IPv6, over an unprivileged
 * datagram ICMP socket or a raw socket. The engine never prints and never exits.
 *
 * A handle serves one address family and may have many requests outstanding. It is not
 * thread-safe: use each handle from one thread at a time; opening and closing handles is.
 *
 * No reply is taken for another request: no two open handles of a process share an echo
 * identifier (whatever their socket kind), a raw socket takes an echo reply only from the
 * request's destination, and a kernel filter (BPF) keeps other identifiers' packets out of
 * raw sockets.
 *
 * The handle stands on pure layers with headers of their own, included here: the IP_STATUS
 * values (wping/status.h) and IPv4 options (wping/ipopt.h).
 */
#ifndef WPING_ECHO_H
#define WPING_ECHO_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "wping/ipopt.h"
#include "wping/status.h"

/* Errors that stop a call before any packet is sent (negative return values). */
enum echo_error {
    ECHO_OK = 0,
    ECHO_ERR_INVALID = -1,     /* an argument is out of range or inconsistent */
    ECHO_ERR_DESTINATION = -2, /* destination is the unspecified address (Win32 1214) */
    ECHO_ERR_SOURCE = -3,      /* source is not an address of this host (Win32 1214) */
    ECHO_ERR_PERMISSION = -4,  /* neither a datagram nor a raw ICMP socket may be opened */
    ECHO_ERR_NOMEM = -5,
    ECHO_ERR_DEVICE = -6,      /* the interface or VRF to bind to does not exist */
    ECHO_ERR_INTERRUPTED = -7, /* echo_wait: a signal arrived */
    ECHO_ERR_SYSTEM = -8,      /* another system call failed; errno says which */
};

/* A short English description of an enum echo_error value. */
const char *echo_strerror(int error);

enum echo_socket_kind {
    ECHO_SOCKET_AUTO = 0, /* datagram when net.ipv4.ping_group_range allows it, else raw */
    ECHO_SOCKET_DGRAM,
    ECHO_SOCKET_RAW,
};

/* How to open a handle. Initialise with echo_config_init, then change what you need. */
struct echo_config {
    int family;                    /* AF_INET or AF_INET6 */
    enum echo_socket_kind kind;    /* default ECHO_SOCKET_AUTO */
    const struct sockaddr *source; /* NULL or unspecified: chosen by route; else must be local */
    socklen_t source_len;
    const char *device; /* NULL, or the interface or VRF to bind to (SO_BINDTODEVICE) */
    /* IPv4 options to set while the handle is opened, when the opener may still hold
     * privileges: Linux sets source routes only with CAP_NET_RAW. Requests that carry the
     * same options then need no privilege. */
    const uint8_t *ip_options;
    size_t ip_options_len;
    /* Take send times from the clock read before the send, not from the kernel's transmit
     * stamps: those cost the kernel a message and the engine a read of the error queue per
     * request, a third more time per echo in a loopback flood (bench/RESULTS.md). */
    bool no_transmit_stamps;
};

void echo_config_init(struct echo_config *config, int family);

typedef struct echo_handle echo_handle;

/*
 * Opens the socket(s) of a handle. Returns ECHO_OK and sets *handle, or a negative
 * enum echo_error with errno set: ECHO_ERR_PERMISSION (errno of the raw attempt; the
 * datagram attempt failed too, or the IPv4 options need a privilege), ECHO_ERR_SOURCE,
 * ECHO_ERR_DEVICE, ECHO_ERR_INVALID, ECHO_ERR_NOMEM, ECHO_ERR_SYSTEM. Nothing needs privileges
 * after this call returns. Free with echo_close.
 */
int echo_open(const struct echo_config *config, echo_handle **handle);

/* Closes the handle. Outstanding requests are dropped without their callbacks. NULL is a no-op. */
void echo_close(echo_handle *handle);

/* The socket kind the handle got (never ECHO_SOCKET_AUTO). */
enum echo_socket_kind echo_socket_kind(const echo_handle *handle);

/* The handle's family, AF_INET or AF_INET6. */
int echo_family(const echo_handle *handle);

/* Largest echo payload the engine accepts: 65535 - 20 (IPv4 header) - 8 (ICMP header). */
#define ECHO_MAX_DATA 65507

/* One echo request. Zero-initialise, then fill in. */
struct echo_request {
    const struct sockaddr *destination; /* AF_INET or AF_INET6, the handle's family */
    socklen_t destination_len;
    const void *data;          /* payload, may be NULL when size is 0 */
    size_t size;               /* 0..ECHO_MAX_DATA */
    int ttl;                   /* TTL / hop limit 1..255; 0 = system default */
    int tos;                   /* IPv4 TOS / IPv6 traffic class 0..255 */
    bool dont_fragment;        /* IPv4: set DF; when false DF is explicitly cleared */
    const uint8_t *ip_options; /* IPv4 options in wire form (source routes list the full */
    size_t ip_options_len;     /* route, first hop to final destination), at most 40 bytes */
    uint32_t timeout_ms;       /* measured from the send; 0 = take only what is already queued */
    void *reply_buffer;        /* NULL, or where to copy the reply payload */
    size_t reply_capacity;     /* bytes at reply_buffer */
    uint64_t tag;              /* the caller's own (a request number, an index): the engine only
                                  copies it into the outcome and into notices for the request */
    /* With dont_fragment (IPv6: the request is never fragmented, IPV6_DONTFRAG): leave with
     * any size up to the interface's MTU, whatever the kernel's path-MTU cache says
     * (IP_PMTUDISC_PROBE), so that each router on the path answers for itself. */
    bool probe_mtu;
};

/* Which two clocks an RTT was measured between (docs/design.md, Time stamps), best first. The send
 * time is the kernel's transmit stamp when it came (SO_TIMESTAMPING, read from the error queue),
 * else the clock read just before the send; the receive time is the kernel's receive stamp, else
 * the clock read when the packet was processed. Every pair is checked against the monotonic clock,
 * so a wall-clock step never shows as an RTT. */
enum echo_clock {
    ECHO_CLOCK_NONE = 0,       /* no RTT (timeouts, local failures) */
    ECHO_CLOCK_USER,           /* "user/user": monotonic clock around send and processing */
    ECHO_CLOCK_USER_KERNEL_RX, /* "user/kernel-rx": clock before the send, kernel receive stamp */
    ECHO_CLOCK_KERNEL_TX_USER, /* "kernel-tx/user": kernel transmit stamp, processing time */
    ECHO_CLOCK_KERNEL,         /* "kernel-tx/kernel-rx": both software stamps of the kernel */
    ECHO_CLOCK_HARDWARE,       /* "hardware-tx/hardware-rx": both stamps of the device */
};

/* The pair's name as the JSON output gives it ("kernel-tx/kernel-rx"); NULL for NONE. */
const char *echo_clock_name(enum echo_clock clock);

/* Everything known about how one request ended. */
struct echo_outcome {
    uint32_t status;   /* enum echo_status */
    uint16_t sequence; /* echo sequence number the request carried */
    uint64_t tag;      /* the request's tag */
    size_t sent_size;  /* the request's payload size */
    struct sockaddr_storage
        responder;           /* echo reply source or ICMP error sender; ss_family 0 if none */
    uint64_t rtt_ns;         /* send to receive; 0 for timeouts and local failures */
    bool kernel_timestamp;   /* rtt_ns is against the kernel's receive timestamp */
    enum echo_clock clock;   /* the clocks rtt_ns was measured between */
    struct timespec sent_at; /* CLOCK_REALTIME at the send (the clock read before it) */
    int ttl;                 /* reply TTL / hop limit, -1 when unknown */
    int tos;                 /* reply TOS / traffic class, -1 when unknown */
    int ip_flags;            /* reply IPv4 flags (0x02 = DF), -1 when unknown */
    size_t data_len;         /* payload bytes in the reply (may exceed reply_capacity) */
    bool data_truncated;     /* data_len > reply_capacity: only reply_capacity bytes were copied */
    bool data_match;         /* the reply payload equals the request payload */
    uint8_t ip_options[ECHO_MAX_IP_OPTIONS]; /* the reply's IPv4 options as received */
    size_t ip_options_len;
    int send_errno; /* non-zero when the request could not be sent (status then tells why) */
    /* ECHO_PACKET_TOO_BIG: the MTU the router reported (IPv4 next-hop MTU, IPv6 MTU), or for
     * a send this host refused (EMSGSIZE, datagram sockets) the MTU it allows; 0 if unknown. */
    uint32_t next_hop_mtu;
};

/*
 * Sends one request and waits for its outcome. Returns ECHO_OK with *outcome filled (an
 * ICMP error or a timeout is a normal outcome), or a negative enum echo_error when the
 * request was refused before sending. Callbacks of other outstanding requests may run.
 */
int echo_send(echo_handle *handle, const struct echo_request *request,
              struct echo_outcome *outcome);

/* Called once per asynchronous request with its outcome, from echo_process / echo_wait. */
typedef void echo_callback(void *context, const struct echo_outcome *outcome);

/*
 * Sends one request without waiting. Returns ECHO_OK when the outcome will be delivered to
 * callback (even a local send failure is delivered that way), or a negative enum echo_error
 * when it was refused before sending (no callback then). The request's buffers (reply_buffer)
 * must stay valid until the callback; destination and data are copied.
 */
int echo_start(echo_handle *handle, const struct echo_request *request, echo_callback *callback,
               void *context);

/* The descriptor to poll for input (POLLIN) while requests are outstanding. */
int echo_fd(const echo_handle *handle);

/* Number of outstanding requests. */
size_t echo_pending(const echo_handle *handle);

/* The earliest deadline of the outstanding requests (CLOCK_MONOTONIC); false when none. */
bool echo_next_deadline(const echo_handle *handle, struct timespec *deadline);

/*
 * Without blocking: reads every queued packet and error, completes what they answer and
 * every request whose deadline has passed, and runs their callbacks. Returns the number of
 * requests completed, or a negative enum echo_error.
 */
int echo_process(echo_handle *handle);

/*
 * Blocks until input is ready, a request deadline passes, or `until` (CLOCK_MONOTONIC; NULL:
 * no limit of its own) passes, then runs echo_process. `sigmask` (may be NULL) is the signal
 * mask in force while blocked, as for ppoll: a caller that blocks its signals and unblocks
 * them here never misses one. Returns completions, ECHO_ERR_INTERRUPTED on a signal, or
 * another negative enum echo_error.
 */
int echo_wait(echo_handle *handle, const struct timespec *until, const sigset_t *sigmask);

/* Tells echo_wait_for whether what the caller waits for has happened. */
typedef bool echo_finished(void *context);

/*
 * The synchronous wait: runs echo_wait, and so the callbacks, until `finished(context)` is
 * true (asked before every wait, so a callback that sets what it reads ends the wait) or
 * `until` (CLOCK_MONOTONIC; NULL: no limit) has passed. `sigmask` is as for echo_wait.
 * Returns 1 when finished; 0 when `until` passed first (without `until`: when no request is
 * left outstanding); ECHO_ERR_INTERRUPTED when a signal arrived (handle it, then call again
 * to resume); or another negative enum echo_error.
 */
int echo_wait_for(echo_handle *handle, echo_finished *finished, void *context,
                  const struct timespec *until, const sigset_t *sigmask);

/* Packets that answer no outstanding request, reported so that callers can count them. */
enum echo_notice_kind {
    ECHO_NOTICE_DUPLICATE, /* another echo reply for a request that already had one */
    ECHO_NOTICE_LATE,      /* echo reply for a request that had already timed out */
    ECHO_NOTICE_MALFORMED, /* a reply for us that fails its checksum or is truncated */
    /* An echo reply for a request whose outcome was an ICMP error that arrived before it
     * (kernel receive time, on either socket kind): the first outcome stands. An ICMP error
     * after a request's outcome is dropped. */
    ECHO_NOTICE_AFTER_ERROR,
};

struct echo_notice {
    enum echo_notice_kind kind;
    uint16_t sequence;
    /* The request the packet answers, when the engine still knows it (in flight, or among the
     * last few hundred completed): then tag and sent_size are that request's, else 0. */
    bool has_request;
    uint64_t tag;
    size_t sent_size;
    struct sockaddr_storage responder;
    uint64_t rtt_ns;       /* since the original request was sent, 0 when unknown */
    enum echo_clock clock; /* the clocks rtt_ns was measured between; NONE when unknown */
    int ttl;               /* -1 when unknown */
    size_t data_len;
    bool data_match;
};

typedef void echo_notice_callback(void *context, const struct echo_notice *notice);

/* Sets (or with NULL clears) the receiver of notices for this handle. */
void echo_set_notice_callback(echo_handle *handle, echo_notice_callback *callback, void *context);

#endif /* WPING_ECHO_H */
