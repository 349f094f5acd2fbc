/*
 * The echo engine's stateful half: the handle and its socket, outstanding requests in slots,
 * sending, reading packets and the error queue, matching them to requests, deadlines and
 * notices. The pure parsing it relies on is in packet.c and ipopt.c.
 */
#include "wping/echo.h"

#include <errno.h>
#include <ifaddrs.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ident.h"
#include "packet.h"
#include "stamp.h"

/* Linux 6.13 lets each send name the key of its transmit stamp; older headers lack it. */
#ifndef SCM_TS_OPT_ID
#define SCM_TS_OPT_ID 81
#endif
#include "wping/timespec.h"

/* Completed sequence numbers remembered to tell late and duplicate replies apart; older
 * ones are treated as strangers. Small, because every entry written is resident memory. */
#define HISTORY_SIZE 256
/* Datagram sockets opened before giving up when each port the kernel picks is held by one
 * of this process's raw handles. */
#define BIND_ATTEMPTS 64
/* Outstanding requests per handle; Wine stops at 256, we allow more for many targets. */
#define MAX_PENDING 16384
/* From this many slots on, an index by sequence number finds a reply's slot at once instead
 * of a walk over every slot (many targets at once keep thousands outstanding). */
#define INDEX_FROM 64
/* Packets read per echo_process call, so that a flood cannot starve the caller. */
#define READ_BUDGET 256
#define RX_BUFFER (65535 + 64)
/* ICMP errors read from a datagram socket's error queue and held until the replies that
 * arrived before them have been read. */
#define HELD_ERRORS 32
#define OPTION_UNSET (-2)
#define RAW_ICMP_FILTER 1

struct slot {
    bool used;
    bool send_failed; /* completed at the next echo_process, with outcome already filled */
    bool check_quoted_destination;
    uint16_t sequence;
    struct timespec sent_mono;
    struct timespec deadline;
    struct stamp_pair tx; /* the kernel's transmit stamps, once read from the error queue */
    uint32_t tx_key;      /* the key they come with */
    bool tx_keyed;        /* a stamp with tx_key can only be this request's */
    struct sockaddr_storage destination;
    uint8_t *data; /* copy of the request payload, kept to check the reply against */
    size_t data_size;
    uint64_t data_hash;
    size_t data_capacity;
    void *reply_buffer;
    size_t reply_capacity;
    echo_callback *callback;
    void *context;
    struct echo_outcome outcome;
};

enum history_state { HISTORY_NONE = 0, HISTORY_REPLIED, HISTORY_TIMED_OUT, HISTORY_ERROR };

struct history {
    uint16_t sequence;
    uint8_t state;
    uint32_t data_size;
    uint64_t data_hash; /* of the request payload, to tell a late reply's payload is intact */
    uint64_t tag;
    struct timespec sent_mono;
    struct timespec sent_real;
    struct stamp_pair tx;
    uint8_t destination[16]; /* address bytes, to tell a stray reply from another host's */
};

/* How transmit stamps are told apart (SOF_TIMESTAMPING_OPT_ID). */
enum tx_keys {
    TX_KEYS_OFF = 0,  /* no transmit stamps, or keys that can no longer be trusted */
    TX_KEYS_SEQUENCE, /* each send names its key, the sequence number (SCM_TS_OPT_ID) */
    TX_KEYS_COUNTER,  /* the kernel counts sends from 0 (before Linux 6.13) */
};

struct echo_handle {
    int family;
    enum echo_socket_kind kind;
    int fd;
    uint16_t identifier; /* claimed in the process's registry (ident.h); a datagram socket's port */
    bool identifier_claimed;
    uint16_t next_sequence;
    int ttl, tos, dont_fragment; /* what the socket is set to now */
    int pmtu6;                   /* IPv6: IPV6_MTU_DISCOVER now */
    uint32_t local_mtu;          /* ee_info of the last local EMSGSIZE on the error queue */
    uint8_t ip_options[ECHO_MAX_IP_OPTIONS];
    size_t ip_options_len;
    bool ip_options_known;
    struct slot *slots;
    size_t slot_count;     /* slots set up so far (used or free) */
    size_t slot_capacity;  /* slots allocated: the rest are set up as they are first needed */
    size_t free_hint;      /* no unused slot below this one */
    uint16_t *by_sequence; /* NULL, or per sequence number its slot + 1 (0: none) */
    bool expire_known;     /* no deadline of a used slot is before expire_from */
    struct timespec expire_from;
    size_t pending;
    uint64_t completed;
    struct history history[HISTORY_SIZE];
    uint8_t *rx;
    uint8_t *tx; /* grown to the largest request so far */
    size_t tx_capacity;
    bool sent_since_read;    /* a request went out since the socket was last read */
    struct held_error *held; /* datagram sockets: HELD_ERRORS entries, allocated when needed */
    size_t held_count;
    enum tx_keys tx_keys;
    uint32_t tx_counter; /* TX_KEYS_COUNTER: the key of the next send */
    bool reading_errors; /* the error queue is being read: do not start again */
    echo_notice_callback *notice;
    void *notice_context;
};

/* What the control messages of one received packet said. */
struct rx_meta {
    struct stamp_pair rx;
    int ttl, tos;
    const uint8_t *ip_options;
    size_t ip_options_len;
};

/* An ICMP error from a datagram socket's error queue, not yet dispatched. */
struct held_error {
    struct packet_info info;
    struct sockaddr_storage offender;
    struct rx_meta meta;
};

/* FNV-1a: cheap, and enough to tell a late reply's payload from a corrupted one. */
static uint64_t S_hash(const uint8_t *data, size_t size)
{
    uint64_t hash = 0xcbf29ce484222325u;
    for (size_t i = 0; i < size; i++)
        hash = (hash ^ data[i]) * 0x100000001b3u;
    return hash;
}

static socklen_t S_sockaddr_len(int family)
{
    return family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static bool S_address_valid(const struct sockaddr *address, socklen_t length, int family)
{
    return address != NULL && address->sa_family == family && length >= S_sockaddr_len(family);
}

static bool S_unspecified(const struct sockaddr *address)
{
    if (address->sa_family == AF_INET6)
        return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)address)->sin6_addr);
    return ((const struct sockaddr_in *)address)->sin_addr.s_addr == htonl(INADDR_ANY);
}

static const uint8_t *S_address_bytes(const struct sockaddr *a)
{
    if (a->sa_family == AF_INET6)
        return (const uint8_t *)&((const struct sockaddr_in6 *)a)->sin6_addr;
    return (const uint8_t *)&((const struct sockaddr_in *)a)->sin_addr;
}

static bool S_same_address(const struct sockaddr *a, const uint8_t *bytes)
{
    return memcmp(S_address_bytes(a), bytes, a->sa_family == AF_INET6 ? 16 : 4) == 0;
}

/* Linux lets a socket bind to a foreign address when ip_nonlocal_bind is set; Windows
 * refuses such a source, so look the address up among the interfaces ourselves. */
static bool S_is_local(const struct sockaddr *source)
{
    if (source->sa_family == AF_INET &&
        (ntohl(((const struct sockaddr_in *)source)->sin_addr.s_addr) >> 24) == 127)
        return true;
    struct ifaddrs *list;
    if (getifaddrs(&list) != 0)
        return true; /* cannot tell: let bind() decide */
    bool found = false;
    for (struct ifaddrs *i = list; i != NULL && !found; i = i->ifa_next) {
        if (i->ifa_addr == NULL || i->ifa_addr->sa_family != source->sa_family)
            continue;
        const uint8_t *bytes =
            source->sa_family == AF_INET6
                ? (const uint8_t *)&((const struct sockaddr_in6 *)i->ifa_addr)->sin6_addr
                : (const uint8_t *)&((const struct sockaddr_in *)i->ifa_addr)->sin_addr;
        found = S_same_address(source, bytes);
    }
    freeifaddrs(list);
    return found;
}

const char *echo_strerror(int error)
{
    switch (error) {
    case ECHO_OK:
        return "success";
    case ECHO_ERR_INVALID:
        return "invalid argument";
    case ECHO_ERR_DESTINATION:
        return "destination is the unspecified address";
    case ECHO_ERR_SOURCE:
        return "source address is not local";
    case ECHO_ERR_PERMISSION:
        return "no permission to open an ICMP socket";
    case ECHO_ERR_NOMEM:
        return "out of memory";
    case ECHO_ERR_DEVICE:
        return "no such interface or VRF";
    case ECHO_ERR_INTERRUPTED:
        return "interrupted by a signal";
    case ECHO_ERR_SYSTEM:
        return "system call failed";
    default:
        return "unknown error";
    }
}

void echo_config_init(struct echo_config *config, int family)
{
    memset(config, 0, sizeof(*config));
    config->family = family;
    config->kind = ECHO_SOCKET_AUTO;
}

static void S_enable(int fd, int level, int option)
{
    int on = 1;
    /* Each of these only adds detail to outcomes; a kernel without one still works. */
    (void)setsockopt(fd, level, option, &on, sizeof(on));
}

/* Transmit stamps (docs/design.md, Time stamps) come back on the error queue, one per send, keyed
 * (OPT_ID) and without the packet (OPT_TSONLY). Hardware stamps come only from a device that
 * is set up for them; then the software one is asked for as well (OPT_TX_SWHW), and receive
 * stamps of the device too (RAW_HARDWARE). A kernel that refuses the hardware part still
 * gives software stamps; one that refuses all leaves the user clock as the send time. */
static void S_enable_tx_stamps(echo_handle *h)
{
    const int software = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
                         SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
    const int hardware =
        SOF_TIMESTAMPING_TX_HARDWARE | SOF_TIMESTAMPING_RAW_HARDWARE | SOF_TIMESTAMPING_OPT_TX_SWHW;
    int flags = software | hardware;
    h->tx_keys = TX_KEYS_OFF;
    if (setsockopt(h->fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)) != 0) {
        flags = software;
        if (setsockopt(h->fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)) != 0)
            return;
    }
    h->tx_keys = TX_KEYS_SEQUENCE;
    h->tx_counter = 0;
}

/* A raw socket gets every ICMP packet of the host: let the kernel drop other processes'
 * before they wake us. Without the filter the engine's own checks still hold. */
static void S_attach_filter(echo_handle *h)
{
    struct sock_filter code[PACKET_FILTER_LENGTH];
    struct sock_fprog program = {
        .len = (unsigned short)packet_filter(h->family, h->identifier, code), .filter = code};
    (void)setsockopt(h->fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program));
}

static void S_configure_socket(echo_handle *h, const struct echo_config *config)
{
    S_enable(h->fd, SOL_SOCKET, SO_TIMESTAMPNS);
    if (!config->no_transmit_stamps)
        S_enable_tx_stamps(h);
    if (h->family == AF_INET) {
        S_enable(h->fd, IPPROTO_IP, IP_RECVTTL);
        S_enable(h->fd, IPPROTO_IP, IP_RECVTOS);
        if (h->kind == ECHO_SOCKET_DGRAM) {
            /* Without IP_RECVERR a datagram ICMP socket drops every ICMP error. */
            S_enable(h->fd, IPPROTO_IP, IP_RECVERR);
            S_enable(h->fd, IPPROTO_IP, IP_RECVOPTS);
        } else {
            /* ICMP_FILTER (linux/icmp.h, which clashes with glibc's netinet/in.h): a set bit
             * blocks that ICMP type. Pass echo replies and the errors we map. */
            uint32_t blocked =
                ~(uint32_t)((1u << 0) | (1u << 3) | (1u << 4) | (1u << 11) | (1u << 12));
            (void)setsockopt(h->fd, SOL_RAW, RAW_ICMP_FILTER, &blocked, sizeof(blocked));
            S_attach_filter(h);
        }
    } else {
        S_enable(h->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT);
        S_enable(h->fd, IPPROTO_IPV6, IPV6_RECVTCLASS);
        if (h->kind == ECHO_SOCKET_DGRAM) {
            S_enable(h->fd, IPPROTO_IPV6, IPV6_RECVERR);
        } else {
            struct icmp6_filter filter;
            ICMP6_FILTER_SETBLOCKALL(&filter);
            ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
            ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &filter);
            ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &filter);
            ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &filter);
            ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &filter);
            (void)setsockopt(h->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter));
            S_attach_filter(h);
        }
    }
}

static int S_open_socket(echo_handle *h, enum echo_socket_kind kind)
{
    int protocol = h->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
    int flags = SOCK_CLOEXEC | SOCK_NONBLOCK;
    if (kind != ECHO_SOCKET_RAW) {
        h->fd = socket(h->family, SOCK_DGRAM | flags, protocol);
        h->kind = ECHO_SOCKET_DGRAM;
        if (h->fd >= 0 || kind == ECHO_SOCKET_DGRAM)
            return h->fd >= 0                          ? ECHO_OK
                   : errno == EACCES || errno == EPERM ? ECHO_ERR_PERMISSION
                                                       : ECHO_ERR_SYSTEM;
    }
    h->fd = socket(h->family, SOCK_RAW | flags, protocol);
    h->kind = ECHO_SOCKET_RAW;
    if (h->fd >= 0)
        return ECHO_OK;
    return errno == EACCES || errno == EPERM ? ECHO_ERR_PERMISSION : ECHO_ERR_SYSTEM;
}

static int S_apply_ip_options(echo_handle *h, const struct echo_request *request);

static int S_bind_error(int error)
{
    errno = error;
    return error == EADDRNOTAVAIL || error == EINVAL ? ECHO_ERR_SOURCE : ECHO_ERR_SYSTEM;
}

/*
 * Opens the socket, binds it to the device and the source, and gives the handle an
 * identifier that no other live handle of the process holds. A raw socket's identifier is
 * what the engine writes into each request. A datagram socket's is its port: bound with
 * port 0, the kernel picks one that no ping socket holds (it does not check an explicit
 * one); should one of this process's raw handles hold it, a fresh socket gets the next.
 */
static int S_open_bound(echo_handle *h, const struct echo_config *config,
                        const struct sockaddr *source)
{
    enum echo_socket_kind kind = config->kind;
    for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
        int result = S_open_socket(h, kind);
        if (result != ECHO_OK)
            return result;
        if (config->device != NULL && config->device[0] != '\0' &&
            setsockopt(h->fd, SOL_SOCKET, SO_BINDTODEVICE, config->device,
                       (socklen_t)strlen(config->device) + 1) != 0)
            return errno == ENODEV ? ECHO_ERR_DEVICE : ECHO_ERR_SYSTEM;
        struct sockaddr_storage address;
        memset(&address, 0, sizeof(address));
        address.ss_family = (sa_family_t)h->family;
        if (source != NULL)
            memcpy(&address, source, S_sockaddr_len(h->family));
        ((struct sockaddr_in *)&address)->sin_port = 0; /* same offset in sockaddr_in6 */
        socklen_t length = S_sockaddr_len(h->family);
        if ((source != NULL || h->kind == ECHO_SOCKET_DGRAM) &&
            bind(h->fd, (struct sockaddr *)&address, length) != 0)
            return S_bind_error(errno);
        if (h->kind == ECHO_SOCKET_RAW) {
            if (!ident_claim_any(&h->identifier))
                return S_bind_error(EADDRINUSE);
            h->identifier_claimed = true;
            return ECHO_OK;
        }
        length = sizeof(address);
        if (getsockname(h->fd, (struct sockaddr *)&address, &length) != 0)
            return ECHO_ERR_SYSTEM;
        h->identifier = ntohs(((struct sockaddr_in *)&address)->sin_port);
        if (ident_claim(h->identifier)) {
            h->identifier_claimed = true;
            return ECHO_OK;
        }
        close(h->fd);
        h->fd = -1;
        kind = ECHO_SOCKET_DGRAM;
    }
    return S_bind_error(EADDRINUSE);
}

int echo_open(const struct echo_config *config, echo_handle **handle)
{
    *handle = NULL;
    if (config == NULL || (config->family != AF_INET && config->family != AF_INET6)) {
        errno = EINVAL;
        return ECHO_ERR_INVALID;
    }
    bool bind_source = config->source != NULL;
    if (bind_source) {
        if (!S_address_valid(config->source, config->source_len, config->family)) {
            errno = EINVAL;
            return ECHO_ERR_INVALID;
        }
        bind_source = !S_unspecified(config->source);
        if (bind_source && !S_is_local(config->source)) {
            errno = EADDRNOTAVAIL;
            return ECHO_ERR_SOURCE;
        }
    }

    echo_handle *h = calloc(1, sizeof(*h));
    if (h == NULL)
        return ECHO_ERR_NOMEM;
    h->family = config->family;
    h->fd = -1;
    h->ttl = h->tos = h->dont_fragment = h->pmtu6 = OPTION_UNSET;
    h->rx = malloc(RX_BUFFER);
    h->tx_capacity = PACKET_ICMP_HEADER + 64;
    h->tx = malloc(h->tx_capacity);
    int result = ECHO_ERR_NOMEM;
    if (h->rx == NULL || h->tx == NULL)
        goto fail;

    result = S_open_bound(h, config, bind_source ? config->source : NULL);
    if (result != ECHO_OK)
        goto fail;
    S_configure_socket(h, config);
    if (config->ip_options_len) {
        struct echo_request options = {.ip_options = config->ip_options,
                                       .ip_options_len = config->ip_options_len};
        result = h->family == AF_INET6 || config->ip_options_len > ECHO_MAX_IP_OPTIONS
                     ? ECHO_ERR_INVALID
                     : S_apply_ip_options(h, &options);
        if (result != ECHO_OK)
            goto fail;
    }
    h->next_sequence = 1;
    *handle = h;
    return ECHO_OK;

fail : {
    int saved = errno;
    echo_close(h);
    errno = saved;
    return result;
}
}

void echo_close(echo_handle *handle)
{
    if (handle == NULL)
        return;
    if (handle->fd >= 0)
        close(handle->fd);
    if (handle->identifier_claimed)
        ident_release(handle->identifier);
    for (size_t i = 0; i < handle->slot_count; i++)
        free(handle->slots[i].data);
    free(handle->slots);
    free(handle->by_sequence);
    free(handle->rx);
    free(handle->tx);
    free(handle->held);
    free(handle);
}

enum echo_socket_kind echo_socket_kind(const echo_handle *handle)
{
    return handle->kind;
}

int echo_family(const echo_handle *handle)
{
    return handle->family;
}

int echo_fd(const echo_handle *handle)
{
    return handle->fd;
}

size_t echo_pending(const echo_handle *handle)
{
    return handle->pending;
}

void echo_set_notice_callback(echo_handle *handle, echo_notice_callback *callback, void *context)
{
    handle->notice = callback;
    handle->notice_context = context;
}

static struct slot *S_find(echo_handle *h, uint16_t sequence)
{
    if (h->by_sequence != NULL) {
        uint16_t at = h->by_sequence[sequence];
        struct slot *s = at != 0 ? &h->slots[at - 1] : NULL;
        return s != NULL && s->used && s->sequence == sequence ? s : NULL;
    }
    for (size_t i = 0; i < h->slot_count; i++)
        if (h->slots[i].used && h->slots[i].sequence == sequence)
            return &h->slots[i];
    return NULL;
}

/* Marks a slot used for `sequence`, in the index too. */
static void S_slot_take(echo_handle *h, struct slot *s, uint16_t sequence)
{
    s->sequence = sequence;
    s->used = true;
    if (h->by_sequence != NULL)
        h->by_sequence[sequence] = (uint16_t)(s - h->slots + 1);
}

/* Gives a slot back. */
static void S_slot_release(echo_handle *h, struct slot *s)
{
    size_t at = (size_t)(s - h->slots);

    s->used = false;
    if (h->by_sequence != NULL && h->by_sequence[s->sequence] == at + 1)
        h->by_sequence[s->sequence] = 0;
    if (at < h->free_hint)
        h->free_hint = at;
}

static struct slot *S_slot_alloc(echo_handle *h)
{
    for (size_t i = h->free_hint; i < h->slot_count; i++)
        if (!h->slots[i].used) {
            h->free_hint = i;
            return &h->slots[i];
        }
    if (h->slot_count >= MAX_PENDING)
        return NULL;
    if (h->slot_count == h->slot_capacity) {
        size_t capacity = h->slot_capacity ? h->slot_capacity * 2 : 4;
        if (capacity >= INDEX_FROM && h->by_sequence == NULL) {
            h->by_sequence = calloc(UINT16_MAX + 1, sizeof(*h->by_sequence));
            if (h->by_sequence == NULL)
                return NULL;
            for (size_t i = 0; i < h->slot_count; i++)
                if (h->slots[i].used)
                    h->by_sequence[h->slots[i].sequence] = (uint16_t)(i + 1);
        }
        /* Not cleared here: a slot is set up when first used, so the pages of slots never
         * needed are never touched and memory follows the requests really outstanding. */
        struct slot *slots = realloc(h->slots, capacity * sizeof(*slots));
        if (slots == NULL)
            return NULL;
        h->slots = slots;
        h->slot_capacity = capacity;
    }
    struct slot *fresh = &h->slots[h->slot_count];
    memset(fresh, 0, sizeof(*fresh));
    h->free_hint = h->slot_count;
    h->slot_count++;
    return fresh;
}

/* Notes a used slot's deadline for S_expire, which looks at the slots only once the
 * earliest may have passed. */
static void S_expire_note(echo_handle *h, const struct timespec *deadline)
{
    if (!h->expire_known || timespec_before(deadline, &h->expire_from)) {
        h->expire_from = *deadline;
        h->expire_known = true;
    }
}

static int S_set_int(echo_handle *h, int level, int option, int value, int *current)
{
    if (*current == value)
        return ECHO_OK;
    if (setsockopt(h->fd, level, option, &value, sizeof(value)) != 0)
        return errno == EINVAL ? ECHO_ERR_INVALID : ECHO_ERR_SYSTEM;
    *current = value;
    return ECHO_OK;
}

static int S_apply_ip_options(echo_handle *h, const struct echo_request *request)
{
    if (h->ip_options_known && h->ip_options_len == request->ip_options_len &&
        (request->ip_options_len == 0 ||
         memcmp(h->ip_options, request->ip_options, request->ip_options_len) == 0))
        return ECHO_OK;
    if (setsockopt(h->fd, IPPROTO_IP, IP_OPTIONS, request->ip_options,
                   (socklen_t)request->ip_options_len) != 0)
        return errno == EINVAL  ? ECHO_ERR_INVALID
               : errno == EPERM ? ECHO_ERR_PERMISSION
                                : ECHO_ERR_SYSTEM;
    if (request->ip_options_len)
        memcpy(h->ip_options, request->ip_options, request->ip_options_len);
    h->ip_options_len = request->ip_options_len;
    h->ip_options_known = true;
    return ECHO_OK;
}

/* Socket options are per socket, so set only what differs from the previous request. */
static int S_apply_options(echo_handle *h, const struct echo_request *request)
{
    int ttl = request->ttl ? request->ttl : -1;
    int result;
    if (h->family == AF_INET6) {
        if ((result = S_set_int(h, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl, &h->ttl)) ||
            (result = S_set_int(h, IPPROTO_IPV6, IPV6_TCLASS, request->tos, &h->tos)) ||
            (result = S_set_int(h, IPPROTO_IPV6, IPV6_DONTFRAG, request->dont_fragment,
                                &h->dont_fragment)))
            return result;
        /* The default (WANT) refuses sizes above the cached path MTU; PROBE only those above
         * the interface's. Set only once a request asked for PROBE. */
        int pmtu6 = request->probe_mtu ? IPV6_PMTUDISC_PROBE : IPV6_PMTUDISC_WANT;
        if ((request->probe_mtu || h->pmtu6 != OPTION_UNSET) &&
            (result = S_set_int(h, IPPROTO_IPV6, IPV6_MTU_DISCOVER, pmtu6, &h->pmtu6)))
            return result;
        return ECHO_OK;
    }
    /* Linux sets DF by default (path MTU discovery); Windows only with IP_FLAG_DF. */
    int pmtu = !request->dont_fragment ? IP_PMTUDISC_DONT
               : request->probe_mtu    ? IP_PMTUDISC_PROBE
                                       : IP_PMTUDISC_DO;
    if ((result = S_set_int(h, IPPROTO_IP, IP_TTL, ttl, &h->ttl)) ||
        (result = S_set_int(h, IPPROTO_IP, IP_TOS, request->tos, &h->tos)) ||
        (result = S_set_int(h, IPPROTO_IP, IP_MTU_DISCOVER, pmtu, &h->dont_fragment)))
        return result;
    return S_apply_ip_options(h, request);
}

static int S_validate(const echo_handle *h, const struct echo_request *r)
{
    if (!S_address_valid(r->destination, r->destination_len, h->family) ||
        r->size > ECHO_MAX_DATA || (r->size && r->data == NULL) || r->ttl < 0 || r->ttl > 255 ||
        r->tos < 0 || r->tos > 255 || r->ip_options_len > ECHO_MAX_IP_OPTIONS ||
        (r->ip_options_len && (r->ip_options == NULL || h->family == AF_INET6))) {
        errno = EINVAL;
        return ECHO_ERR_INVALID;
    }
    if (S_unspecified(r->destination)) {
        errno = EADDRNOTAVAIL;
        return ECHO_ERR_DESTINATION;
    }
    return ECHO_OK;
}

/* Source routes send the packet to the first hop, so errors quote that hop as destination. */
static bool S_has_source_route(const struct echo_request *r)
{
    struct echo_ipopt_route route;
    return echo_ipopt_find(r->ip_options, r->ip_options_len, ECHO_IPOPT_LOOSE_ROUTE, &route) ||
           echo_ipopt_find(r->ip_options, r->ip_options_len, ECHO_IPOPT_STRICT_ROUTE, &route);
}

static void S_drain_errors(echo_handle *h);
static void S_release_errors(echo_handle *h, const struct rx_meta *until);
static void S_read_errors(echo_handle *h, int64_t want);

/* One send; with TX_KEYS_SEQUENCE it names the key of its transmit stamp. A kernel before
 * 6.13 refuses that control message (EINVAL): then the kernel's send counter is the key. */
static ssize_t S_send_once(echo_handle *h, size_t length, struct slot *s)
{
    struct iovec iov = {.iov_base = h->tx, .iov_len = length};
    struct msghdr msg = {.msg_name = &s->destination,
                         .msg_namelen = S_sockaddr_len(h->family),
                         .msg_iov = &iov,
                         .msg_iovlen = 1};
    union {
        char buffer[CMSG_SPACE(sizeof(uint32_t))];
        struct cmsghdr align;
    } control;
    uint32_t key = s->sequence;
    if (h->tx_keys == TX_KEYS_SEQUENCE) {
        memset(&control, 0, sizeof(control));
        msg.msg_control = control.buffer;
        msg.msg_controllen = sizeof(control.buffer);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_TS_OPT_ID;
        c->cmsg_len = CMSG_LEN(sizeof(key));
        memcpy(CMSG_DATA(c), &key, sizeof(key));
    }
    ssize_t sent;
    do {
        sent = sendmsg(h->fd, &msg, 0);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0 && errno == EINVAL && h->tx_keys == TX_KEYS_SEQUENCE) {
        h->tx_keys = TX_KEYS_COUNTER;
        return S_send_once(h, length, s);
    }
    if (h->tx_keys == TX_KEYS_COUNTER) {
        if (sent < 0) {
            /* A failed send may or may not have taken a key: from now on a stamp could
             * belong to another request, so none is used. */
            h->tx_keys = TX_KEYS_OFF;
        } else {
            key = h->tx_counter++;
        }
    }
    s->tx_key = key;
    s->tx_keyed = sent >= 0 && h->tx_keys != TX_KEYS_OFF;
    return sent;
}

static ssize_t S_sendto(echo_handle *h, size_t length, struct slot *s)
{
    for (int attempt = 0;; attempt++) {
        ssize_t sent = S_send_once(h, length, s);
        if (sent >= 0 || h->kind != ECHO_SOCKET_DGRAM || attempt > 0)
            return sent;
        /* A queued ICMP error leaves its errno in the socket, and the next send returns
         * that instead of sending: read the errors so they reach their own requests, and
         * try once more. A real failure (a firewall's EPERM) fails again. */
        S_drain_errors(h);
    }
}

int echo_start(echo_handle *h, const struct echo_request *request, echo_callback *callback,
               void *context)
{
    int result = S_validate(h, request);
    if (result != ECHO_OK)
        return result;
    if (callback == NULL) {
        errno = EINVAL;
        return ECHO_ERR_INVALID;
    }
    result = S_apply_options(h, request);
    if (result != ECHO_OK)
        return result;
    struct slot *s = S_slot_alloc(h);
    if (s == NULL) {
        errno = ENOMEM;
        return ECHO_ERR_NOMEM;
    }
    if (PACKET_ICMP_HEADER + request->size > h->tx_capacity) {
        uint8_t *tx = realloc(h->tx, PACKET_ICMP_HEADER + request->size);
        if (tx == NULL) {
            errno = ENOMEM;
            return ECHO_ERR_NOMEM;
        }
        h->tx = tx;
        h->tx_capacity = PACKET_ICMP_HEADER + request->size;
    }
    if (request->size > s->data_capacity) {
        uint8_t *data = realloc(s->data, request->size);
        if (data == NULL) {
            errno = ENOMEM;
            return ECHO_ERR_NOMEM;
        }
        s->data = data;
        s->data_capacity = request->size;
    }
    uint16_t sequence;
    do {
        sequence = h->next_sequence++;
    } while (S_find(h, sequence) != NULL);

    if (request->size)
        memcpy(s->data, request->data, request->size);
    s->data_size = request->size;
    s->data_hash = S_hash(s->data, s->data_size);
    memset(&s->destination, 0, sizeof(s->destination));
    memcpy(&s->destination, request->destination, S_sockaddr_len(h->family));
    s->sequence = sequence;
    s->reply_buffer = request->reply_buffer;
    s->reply_capacity = request->reply_buffer ? request->reply_capacity : 0;
    s->callback = callback;
    s->context = context;
    s->check_quoted_destination = !S_has_source_route(request);
    s->send_failed = false;
    s->tx_keyed = false;
    memset(&s->tx, 0, sizeof(s->tx));
    memset(&s->outcome, 0, sizeof(s->outcome));
    s->outcome.sequence = sequence;
    s->outcome.tag = request->tag;
    s->outcome.sent_size = request->size;
    s->outcome.ttl = s->outcome.tos = s->outcome.ip_flags = -1;

    size_t length = packet_build_echo(h->tx, h->tx_capacity, h->family, h->identifier, sequence,
                                      request->data, request->size);
    S_slot_take(h, s, sequence);
    h->pending++;
    /* Monotonic first: the window that vouches for a kernel stamp (stamp_rtt) then starts
     * before the wall-clock send time, so a pause between the two reads can never make a
     * true RTT look longer than its window (a flood's 3 us replies fell back to user/user). */
    clock_gettime(CLOCK_MONOTONIC, &s->sent_mono);
    clock_gettime(CLOCK_REALTIME, &s->outcome.sent_at);
    s->deadline = timespec_add_ms(s->sent_mono, request->timeout_ms);
    if (S_sendto(h, length, s) < 0) {
        s->send_failed = true;
        s->outcome.send_errno = errno;
        s->outcome.status = packet_errno_status(errno);
        s->deadline = s->sent_mono;
        if (errno == EMSGSIZE && h->kind == ECHO_SOCKET_DGRAM) {
            /* With IP_RECVERR the kernel also queues the refusal, with the MTU it allows. */
            h->local_mtu = 0;
            S_drain_errors(h);
            s->outcome.next_hop_mtu = h->local_mtu;
        }
    } else {
        h->sent_since_read = true;
    }
    S_expire_note(h, &s->deadline);
    return ECHO_OK;
}

static void S_remember(echo_handle *h, const struct slot *s, enum history_state state)
{
    struct history *entry = &h->history[s->sequence % HISTORY_SIZE];
    entry->sequence = s->sequence;
    entry->state = (uint8_t)state;
    entry->sent_mono = s->sent_mono;
    entry->sent_real = s->outcome.sent_at;
    entry->tx = s->tx;
    entry->data_size = (uint32_t)s->data_size;
    entry->data_hash = s->data_hash;
    entry->tag = s->outcome.tag;
    memcpy(entry->destination, S_address_bytes((const struct sockaddr *)&s->destination),
           h->family == AF_INET6 ? 16 : 4);
}

/* Frees the slot before the callback runs, so that the callback may start new requests. */
static void S_complete(echo_handle *h, struct slot *s, enum history_state state)
{
    struct echo_outcome outcome = s->outcome;
    echo_callback *callback = s->callback;
    void *context = s->context;
    S_remember(h, s, state);
    S_slot_release(h, s);
    h->pending--;
    h->completed++;
    callback(context, &outcome);
}

static void S_expire(echo_handle *h)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (h->pending == 0 || (h->expire_known && timespec_before(&now, &h->expire_from)))
        return;
    h->expire_known = false; /* found again below, with the callbacks' new requests */
    for (size_t i = 0; i < h->slot_count; i++) {
        struct slot *s = &h->slots[i];
        if (!s->used)
            continue;
        if (timespec_before(&now, &s->deadline)) {
            S_expire_note(h, &s->deadline);
            continue;
        }
        if (s->send_failed) {
            S_complete(h, s, HISTORY_ERROR);
        } else {
            s->outcome.status = ECHO_REQ_TIMED_OUT;
            S_complete(h, s, HISTORY_TIMED_OUT);
        }
    }
}

/* RTT between the best pair of stamps that is consistent with the monotonic clock
 * (stamp_rtt); a wall-clock step in between makes a pair fall outside, and the next wins. */
static uint64_t S_rtt(const struct timespec *sent_real, const struct timespec *sent_mono,
                      const struct stamp_pair *tx, const struct rx_meta *meta,
                      enum echo_clock *clock)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    struct stamp_times times = {.sent_user = *sent_real,
                                .monotonic_ns = timespec_diff_ns(&now, sent_mono),
                                .tx = *tx,
                                .rx = meta->rx};
    return stamp_rtt(&times, clock);
}

static void S_read_meta(struct msghdr *msg, struct rx_meta *meta)
{
    memset(meta, 0, sizeof(*meta));
    meta->ttl = meta->tos = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
        const unsigned char *d = CMSG_DATA(c);
        size_t len = c->cmsg_len - CMSG_LEN(0);
        int value;
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
            len >= sizeof(struct timespec)) {
            /* The same software stamp as SCM_TIMESTAMPING's ts[0], when both come. */
            memcpy(&meta->rx.software, d, sizeof(struct timespec));
            meta->rx.has_software = true;
        } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING) {
            (void)stamp_read_timestamping(d, len, &meta->rx);
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL && len >= sizeof(int)) {
            memcpy(&value, d, sizeof(value));
            meta->ttl = value;
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS && len >= 1) {
            meta->tos = d[0];
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVOPTS) {
            meta->ip_options = d;
            meta->ip_options_len = len > ECHO_MAX_IP_OPTIONS ? ECHO_MAX_IP_OPTIONS : len;
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT &&
                   len >= sizeof(int)) {
            memcpy(&value, d, sizeof(value));
            meta->ttl = value;
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS &&
                   len >= sizeof(int)) {
            memcpy(&value, d, sizeof(value));
            meta->tos = value;
        }
    }
}

static void S_notice(echo_handle *h, enum echo_notice_kind kind, const struct packet_info *info,
                     const struct sockaddr_storage *from, const struct rx_meta *meta)
{
    if (h->notice == NULL)
        return;
    struct echo_notice notice;
    memset(&notice, 0, sizeof(notice));
    notice.kind = kind;
    notice.sequence = info->sequence;
    notice.responder = *from;
    notice.ttl = info->ttl >= 0 ? info->ttl : meta->ttl;
    notice.data_len = info->data_len;
    const struct history *entry = &h->history[info->sequence % HISTORY_SIZE];
    const struct slot *pending = S_find(h, info->sequence);
    if (pending != NULL) {
        notice.has_request = true;
        notice.tag = pending->outcome.tag;
        notice.sent_size = pending->data_size;
    } else if (entry->state != HISTORY_NONE && entry->sequence == info->sequence) {
        notice.has_request = true;
        notice.tag = entry->tag;
        notice.sent_size = entry->data_size;
    }
    if (entry->state != HISTORY_NONE && entry->sequence == info->sequence) {
        notice.rtt_ns =
            S_rtt(&entry->sent_real, &entry->sent_mono, &entry->tx, meta, &notice.clock);
        notice.data_match = kind != ECHO_NOTICE_MALFORMED && info->data_len == entry->data_size &&
                            S_hash(info->data, info->data_len) == entry->data_hash;
    }
    h->notice(h->notice_context, &notice);
}

/* An echo reply for no outstanding request: remembered ones are late or duplicate. */
static void S_unmatched_reply(echo_handle *h, const struct packet_info *info,
                              const struct sockaddr_storage *from, const struct rx_meta *meta)
{
    const struct history *entry = &h->history[info->sequence % HISTORY_SIZE];
    if (entry->state == HISTORY_NONE || entry->sequence != info->sequence)
        return; /* not ours, or too old to know */
    /* The first outcome stands: a reply after an ICMP error is a notice of its own kind. */
    enum echo_notice_kind kind = entry->state == HISTORY_REPLIED ? ECHO_NOTICE_DUPLICATE
                                 : entry->state == HISTORY_ERROR ? ECHO_NOTICE_AFTER_ERROR
                                                                 : ECHO_NOTICE_LATE;
    S_notice(h, kind, info, from, meta);
}

static void S_fill_reply(struct slot *s, const struct packet_info *info, const struct rx_meta *meta)
{
    struct echo_outcome *o = &s->outcome;
    o->status = ECHO_SUCCESS;
    o->data_len = info->data_len;
    o->data_match = info->data_len == s->data_size &&
                    (s->data_size == 0 || memcmp(info->data, s->data, s->data_size) == 0);
    o->data_truncated = info->data_len > s->reply_capacity;
    size_t copy = info->data_len < s->reply_capacity ? info->data_len : s->reply_capacity;
    if (copy)
        memcpy(s->reply_buffer, info->data, copy);
    const uint8_t *options = info->ip_options ? info->ip_options : meta->ip_options;
    size_t options_len = info->ip_options ? info->ip_options_len : meta->ip_options_len;
    if (options_len > ECHO_MAX_IP_OPTIONS)
        options_len = ECHO_MAX_IP_OPTIONS;
    if (options_len)
        memcpy(o->ip_options, options, options_len);
    o->ip_options_len = options_len;
}

/*
 * A raw socket sees every echo reply of its family, also those to other processes that
 * happen to use the same identifier: a reply counts only when it comes from where the
 * request went. Unknown sequences cannot be checked and are let through (they make at most
 * a malformed notice).
 */
static bool S_from_destination(const echo_handle *h, const struct slot *s,
                               const struct packet_info *info, const struct sockaddr_storage *from)
{
    bool reply =
        info->kind == PACKET_ECHO_REPLY || (info->kind == PACKET_MALFORMED && info->status == 0);
    if (h->kind != ECHO_SOCKET_RAW || !reply)
        return true;
    if (from->ss_family != h->family)
        return false;
    const uint8_t *source = S_address_bytes((const struct sockaddr *)from);
    if (s != NULL)
        return S_same_address((const struct sockaddr *)&s->destination, source);
    const struct history *entry = &h->history[info->sequence % HISTORY_SIZE];
    if (entry->state == HISTORY_NONE || entry->sequence != info->sequence)
        return true;
    return memcmp(entry->destination, source, h->family == AF_INET6 ? 16 : 4) == 0;
}

static void S_dispatch(echo_handle *h, const struct packet_info *info,
                       const struct sockaddr_storage *from, const struct rx_meta *meta)
{
    /* A datagram socket only ever sees its own identifier; a raw one sees everybody's. */
    if (info->kind == PACKET_IGNORE || !info->has_echo || info->identifier != h->identifier)
        return;
    struct slot *s = S_find(h, info->sequence);
    if (!S_from_destination(h, s, info, from))
        return;
    if (info->kind == PACKET_MALFORMED) {
        S_notice(h, ECHO_NOTICE_MALFORMED, info, from, meta);
        return;
    }
    if (s != NULL && s->tx_keyed && !s->tx.has_software && !s->tx.has_hardware &&
        !h->reading_errors) {
        /* The transmit stamp was queued before the answer came: read it first. That may
         * complete this request with an error from the same queue, so look it up again. */
        S_read_errors(h, s->tx_key);
        s = S_find(h, info->sequence);
    }
    if (info->kind == PACKET_ECHO_REPLY && h->held_count > 0) {
        /* Errors that the read above held and that came before this reply go first. */
        S_release_errors(h, meta);
        s = S_find(h, info->sequence);
    }
    if (s == NULL || s->send_failed) {
        if (info->kind == PACKET_ECHO_REPLY)
            S_unmatched_reply(h, info, from, meta);
        return;
    }
    if (info->kind == PACKET_ERROR && s->check_quoted_destination && info->has_quoted_destination &&
        !S_same_address((const struct sockaddr *)&s->destination, info->quoted_destination))
        return;
    struct echo_outcome *o = &s->outcome;
    o->rtt_ns = S_rtt(&o->sent_at, &s->sent_mono, &s->tx, meta, &o->clock);
    o->kernel_timestamp = o->clock == ECHO_CLOCK_USER_KERNEL_RX || o->clock == ECHO_CLOCK_KERNEL ||
                          o->clock == ECHO_CLOCK_HARDWARE;
    o->responder = *from;
    o->ttl = info->ttl >= 0 ? info->ttl : meta->ttl;
    o->tos = info->tos >= 0 ? info->tos : meta->tos;
    o->ip_flags = info->ip_flags;
    o->next_hop_mtu = info->mtu;
    if (info->kind == PACKET_ECHO_REPLY) {
        S_fill_reply(s, info, meta);
        S_complete(h, s, HISTORY_REPLIED);
    } else {
        o->status = info->status;
        S_complete(h, s, HISTORY_ERROR);
    }
}

/* Where one recvmsg puts the sender's name and the control messages. */
struct receive {
    struct sockaddr_storage name;
    _Alignas(struct cmsghdr) char control[512];
    struct iovec iov;
};

/* One recvmsg into `buffer`, with `msg` pointing into `r`. */
static ssize_t S_receive(echo_handle *h, struct receive *r, struct msghdr *msg, int flags,
                         void *buffer, size_t size)
{
    memset(&r->name, 0, sizeof(r->name));
    r->iov = (struct iovec){.iov_base = buffer, .iov_len = size};
    *msg = (struct msghdr){.msg_name = &r->name,
                           .msg_namelen = sizeof(r->name),
                           .msg_iov = &r->iov,
                           .msg_iovlen = 1,
                           .msg_control = r->control,
                           .msg_controllen = sizeof(r->control)};
    return recvmsg(h->fd, msg, flags);
}

/* Whether a held error arrived before the packet described by `until` (NULL: all do), by
 * the kernel's receive stamps of one clock. Without them the error goes first, as it was
 * read first. */
static bool S_held_before(const struct held_error *e, const struct rx_meta *until)
{
    if (until == NULL)
        return true;
    const struct stamp_pair *a = &e->meta.rx, *b = &until->rx;
    if (a->has_software && b->has_software)
        return !timespec_before(&b->software, &a->software);
    if (a->has_hardware && b->has_hardware)
        return !timespec_before(&b->hardware, &a->hardware);
    return true;
}

/* Takes the oldest held error off the list, then dispatches it: its callback may start a
 * request whose send holds new errors. */
static void S_release_oldest(echo_handle *h)
{
    struct held_error e = h->held[0];
    h->held_count--;
    memmove(h->held, h->held + 1, h->held_count * sizeof(*h->held));
    S_dispatch(h, &e.info, &e.offender, &e.meta);
}

/* Dispatches held errors, oldest first, while they arrived before `until`. */
static void S_release_errors(echo_handle *h, const struct rx_meta *until)
{
    while (h->held_count > 0 && S_held_before(&h->held[0], until))
        S_release_oldest(h);
}

/*
 * A datagram socket queues ICMP errors apart from echo replies, so an error read now may
 * have arrived after a reply still queued: it is held until the replies are read, and each
 * outcome then goes in the order of the kernel's receive stamps. The first one stands.
 */
static void S_hold_error(echo_handle *h, const struct packet_info *info,
                         const struct sockaddr_storage *offender, const struct rx_meta *meta)
{
    if (h->held == NULL && (h->held = malloc(HELD_ERRORS * sizeof(*h->held))) == NULL) {
        S_dispatch(h, info, offender, meta); /* no memory to hold it: in reading order */
        return;
    }
    if (h->held_count == HELD_ERRORS) {
        S_release_oldest(h);
        if (h->held_count == HELD_ERRORS)
            return; /* a callback's send filled it again: drop this one, as a full queue does */
    }
    struct held_error *e = &h->held[h->held_count++];
    e->info = *info;
    e->offender = *offender;
    e->meta = *meta;
    e->meta.ip_options = NULL; /* pointed into the control buffer */
    e->meta.ip_options_len = 0;
}

/* Reads the queued packets, at most READ_BUDGET. Returns false when it stopped at the budget
 * with more perhaps queued. */
static bool S_read_packets(echo_handle *h)
{
    for (int budget = READ_BUDGET; budget > 0; budget--) {
        struct receive r;
        struct msghdr msg;
        ssize_t n = S_receive(h, &r, &msg, MSG_DONTWAIT, h->rx, RX_BUFFER);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return true;
            /* EINTR, or a datagram socket's ICMP error just queued, reported once as
             * this call's errno: read the error queue now, so that the error takes its
             * turn among the replies. */
            if (errno != EINTR && h->kind == ECHO_SOCKET_DGRAM)
                S_drain_errors(h);
            continue;
        }
        struct rx_meta meta;
        S_read_meta(&msg, &meta);
        struct packet_info info;
        if (h->family == AF_INET && h->kind == ECHO_SOCKET_RAW)
            packet_parse_ipv4(h->rx, (size_t)n, &info);
        else
            packet_parse_icmp(h->family, h->rx, (size_t)n, false, &info);
        S_release_errors(h, &meta);
        S_dispatch(h, &info, &r.name, &meta);
        /* Nothing left to answer: stop without the read that would only say EAGAIN. What
         * else is queued (duplicates) makes the next wait return at once. */
        if (h->pending == 0)
            return true;
    }
    return false;
}

/* A transmit stamp goes to the outstanding request with its key, and to no other: once
 * that request has completed, it is dropped. */
static bool S_tx_stamp(echo_handle *h, const struct stamp_errqueue *e)
{
    /* Keyed by sequence number, the index finds the request; by counter, only a walk does. */
    bool indexed = h->tx_keys == TX_KEYS_SEQUENCE && h->by_sequence != NULL;
    struct slot *found = indexed && e->key <= UINT16_MAX ? S_find(h, (uint16_t)e->key) : NULL;
    size_t first = found != NULL ? (size_t)(found - h->slots) : 0;
    size_t end = found != NULL ? first + 1 : indexed ? 0 : h->slot_count;

    for (size_t i = first; i < end; i++) {
        struct slot *s = &h->slots[i];
        if (!s->used || !s->tx_keyed || s->tx_key != e->key)
            continue;
        if (e->tx.has_software && !s->tx.has_software) {
            s->tx.software = e->tx.software;
            s->tx.has_software = true;
        }
        if (e->tx.has_hardware && !s->tx.has_hardware) {
            s->tx.hardware = e->tx.hardware;
            s->tx.has_hardware = true;
        }
        return true;
    }
    return false;
}

/* One error-queue message: a transmit stamp (origin SO_EE_ORIGIN_TIMESTAMPING, both socket
 * kinds) or, on datagram sockets, an ICMP error (IP_RECVERR), with the quoted echo request
 * header as data and the router as the "offender". Returns true for the transmit stamp of
 * the request with key `want`. */
static bool S_read_error(echo_handle *h, struct msghdr *msg, const uint8_t *data, size_t length,
                         int64_t want)
{
    struct stamp_errqueue e;
    stamp_parse_errqueue(msg->msg_control, msg->msg_controllen, &e);
    if (e.kind == STAMP_ERRQUEUE_TX)
        return S_tx_stamp(h, &e) && (int64_t)e.key == want;
    if (e.kind != STAMP_ERRQUEUE_ERROR || h->kind != ECHO_SOCKET_DGRAM)
        return false;
    const struct sockaddr *destination = msg->msg_name;
    struct rx_meta meta;
    S_read_meta(msg, &meta);
    if (e.origin == SO_EE_ORIGIN_LOCAL && e.error == EMSGSIZE)
        h->local_mtu = e.info; /* quotes no request: the send that failed takes it */
    struct packet_info info;
    memset(&info, 0, sizeof(info));
    info.ttl = info.tos = info.ip_flags = -1;
    if (!packet_parse_quoted_echo(h->family, data, length, &info.identifier, &info.sequence))
        return false;
    info.has_echo = true;
    info.kind = PACKET_ERROR;
    /* The name of an error-queue message is the destination the quoted request went to. */
    if (msg->msg_namelen >= S_sockaddr_len(h->family) && destination->sa_family == h->family) {
        size_t size = h->family == AF_INET6 ? 16 : 4;
        const void *address =
            h->family == AF_INET6
                ? (const void *)&((const struct sockaddr_in6 *)destination)->sin6_addr
                : (const void *)&((const struct sockaddr_in *)destination)->sin_addr;
        memcpy(info.quoted_destination, address, size);
        info.has_quoted_destination = true;
    }
    if (e.origin == SO_EE_ORIGIN_ICMP || e.origin == SO_EE_ORIGIN_ICMP6) {
        info.status = packet_error_status(h->family, e.type, e.code);
        if (info.status == ECHO_PACKET_TOO_BIG)
            info.mtu = e.info; /* the kernel's copy of the next-hop MTU field */
    } else {
        info.status = packet_errno_status((int)e.error);
    }
    if (info.status == 0)
        return false;
    /* The error queue gives no TTL of the error packet itself. */
    meta.ttl = meta.tos = -1;
    S_hold_error(h, &info, &e.offender, &meta);
    return false;
}

/* Reads the error queue until it is empty or, when `want` is a key (not -1), until the
 * transmit stamp with that key has come: what stays queued keeps POLLERR up, so the next
 * wait reads it. Its own buffer, since a reply being dispatched may still be in h->rx; the
 * quoted request header is all an error's data is read for. */
static void S_read_errors(echo_handle *h, int64_t want)
{
    uint8_t data[256];
    h->reading_errors = true;
    for (int budget = READ_BUDGET; budget > 0; budget--) {
        struct receive r;
        struct msghdr msg;
        ssize_t n = S_receive(h, &r, &msg, MSG_ERRQUEUE | MSG_DONTWAIT, data, sizeof(data));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (S_read_error(h, &msg, data, (size_t)n, want))
            break;
    }
    h->reading_errors = false;
}

static void S_drain_errors(echo_handle *h)
{
    S_read_errors(h, -1);
}

static int S_process(echo_handle *h, bool input, bool errors)
{
    uint64_t before = h->completed;
    if (errors)
        S_drain_errors(h);
    /* Held errors wait for replies still queued behind a spent budget; the next wait
     * comes back at once for them. */
    if (!input || S_read_packets(h))
        S_release_errors(h, NULL);
    S_expire(h);
    return (int)(h->completed - before);
}

int echo_process(echo_handle *handle)
{
    return S_process(handle, true, true);
}

bool echo_next_deadline(const echo_handle *handle, struct timespec *deadline)
{
    bool found = false;
    for (size_t i = 0; i < handle->slot_count; i++) {
        const struct slot *s = &handle->slots[i];
        if (s->used && (!found || timespec_before(&s->deadline, deadline))) {
            *deadline = s->deadline;
            found = true;
        }
    }
    return found;
}

int echo_wait(echo_handle *handle, const struct timespec *until, const sigset_t *sigmask)
{
    /* Over loopback the answer is usually queued by the time sendto returns: read first,
     * and poll only when there was nothing. That saves a system call per echo when it
     * pays, and costs one read that finds nothing when it does not. */
    if (handle->sent_since_read || handle->held_count > 0) {
        handle->sent_since_read = false;
        int completed = S_process(handle, true, false);
        if (completed != 0)
            return completed;
    }
    struct timespec end;
    bool limited = echo_next_deadline(handle, &end);
    if (until != NULL && (!limited || timespec_before(until, &end))) {
        end = *until;
        limited = true;
    }
    if (!limited && handle->pending == 0)
        return 0;
    struct timespec now, timeout = {0, 0};
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (limited)
        timeout = timespec_left(&end, &now);
    struct pollfd p = {.fd = handle->fd, .events = POLLIN};
    int ready = ppoll(&p, 1, limited ? &timeout : NULL, sigmask);
    if (ready < 0)
        return errno == EINTR ? ECHO_ERR_INTERRUPTED : ECHO_ERR_SYSTEM;
    return S_process(handle, (p.revents & POLLIN) != 0, (p.revents & POLLERR) != 0);
}

int echo_wait_for(echo_handle *handle, echo_finished *finished, void *context,
                  const struct timespec *until, const sigset_t *sigmask)
{
    for (;;) {
        if (finished(context))
            return 1;
        if (until == NULL && handle->pending == 0)
            return 0; /* nothing left that could finish it */
        if (until != NULL) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (!timespec_before(&now, until))
                return 0;
        }
        int result = echo_wait(handle, until, sigmask);
        if (result < 0)
            return result;
    }
}

struct sync_wait {
    bool done;
    struct echo_outcome *outcome;
};

static void S_sync_done(void *context, const struct echo_outcome *outcome)
{
    struct sync_wait *wait = context;
    *wait->outcome = *outcome;
    wait->done = true;
}

static bool S_sync_finished(void *context)
{
    return ((const struct sync_wait *)context)->done;
}

int echo_send(echo_handle *handle, const struct echo_request *request, struct echo_outcome *outcome)
{
    struct sync_wait wait = {false, outcome};
    int result = echo_start(handle, request, S_sync_done, &wait);
    if (result != ECHO_OK)
        return result;
    do
        result = echo_wait_for(handle, S_sync_finished, &wait, NULL, NULL);
    while (result == ECHO_ERR_INTERRUPTED);
    if (result < 0) {
        /* The slot points at this stack frame: take it back before returning. */
        for (size_t i = 0; i < handle->slot_count; i++)
            if (handle->slots[i].used && handle->slots[i].context == &wait) {
                S_slot_release(handle, &handle->slots[i]);
                handle->pending--;
            }
        return result;
    }
    return ECHO_OK;
}
