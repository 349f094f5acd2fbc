/* Kernel time stamps: control-message parsing and the choice of an RTT's clock pair. */
#include "stamp.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "wping/timespec.h"

static bool S_set(const struct timespec *t)
{
    return t->tv_sec != 0 || t->tv_nsec != 0;
}

bool stamp_read_timestamping(const void *data, size_t length, struct stamp_pair *pair)
{
    struct timespec ts[3];
    if (length < sizeof(ts))
        return false;
    memcpy(ts, data, sizeof(ts));
    if (S_set(&ts[0])) {
        pair->software = ts[0];
        pair->has_software = true;
    }
    if (S_set(&ts[2])) {
        pair->hardware = ts[2];
        pair->has_hardware = true;
    }
    return true;
}

void stamp_parse_errqueue(const void *control, size_t length, struct stamp_errqueue *out)
{
    memset(out, 0, sizeof(*out));
    struct stamp_pair stamps = {0};
    bool have_stamps = false;
    struct sock_extended_err ee;
    bool have_ee = false;
    struct sockaddr_storage offender = {0};
    /* CMSG_NXTHDR reads only msg_control and msg_controllen. */
    struct msghdr msg = {.msg_control = (void *)control, .msg_controllen = length};
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_len < CMSG_LEN(0) || c->cmsg_len > length)
            break;
        const unsigned char *d = CMSG_DATA(c);
        size_t len = c->cmsg_len - CMSG_LEN(0);
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING) {
            have_stamps = stamp_read_timestamping(d, len, &stamps) || have_stamps;
        } else if (((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
                    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)) &&
                   len >= sizeof(ee)) {
            memcpy(&ee, d, sizeof(ee));
            have_ee = true;
            /* SO_EE_OFFENDER: a sockaddr right after the error, as long as the rest. */
            size_t rest = len - sizeof(ee);
            if (rest >= sizeof(sa_family_t)) {
                memcpy(&offender, d + sizeof(ee),
                       rest < sizeof(offender) ? rest : sizeof(offender));
                size_t need = offender.ss_family == AF_INET    ? sizeof(struct sockaddr_in)
                              : offender.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                               : SIZE_MAX;
                if (need > rest)
                    memset(&offender, 0, sizeof(offender));
            }
        }
    }
    if (!have_ee)
        return;
    if (ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING) {
        /* Only the stamp of the packet leaving (SND); scheduler stamps are not requested. */
        if (!have_stamps || ee.ee_info != SCM_TSTAMP_SND || ee.ee_errno != ENOMSG)
            return;
        out->kind = STAMP_ERRQUEUE_TX;
        out->key = ee.ee_data;
        out->tx = stamps;
        return;
    }
    if (ee.ee_origin != SO_EE_ORIGIN_ICMP && ee.ee_origin != SO_EE_ORIGIN_ICMP6 &&
        ee.ee_origin != SO_EE_ORIGIN_LOCAL)
        return;
    out->kind = STAMP_ERRQUEUE_ERROR;
    out->origin = ee.ee_origin;
    out->type = ee.ee_type;
    out->code = ee.ee_code;
    out->error = ee.ee_errno;
    out->info = ee.ee_info;
    out->offender = offender;
}

/* `measured` is a plausible RTT when no clock step can be hidden in it. */
static bool S_plausible(int64_t measured, int64_t monotonic)
{
    return measured >= 0 && measured <= monotonic;
}

uint64_t stamp_rtt(const struct stamp_times *t, enum echo_clock *clock)
{
    int64_t monotonic = t->monotonic_ns > 0 ? t->monotonic_ns : 0;
    int64_t measured;
    if (t->tx.has_hardware && t->rx.has_hardware) {
        measured = timespec_diff_ns(&t->rx.hardware, &t->tx.hardware);
        if (S_plausible(measured, monotonic)) {
            *clock = ECHO_CLOCK_HARDWARE;
            return (uint64_t)measured;
        }
    }
    /* The transmit stamp counts only when it lies within the monotonic window too: the
     * kernel took it after the clock read before the send. */
    int64_t tx_delay = 0;
    bool tx = false;
    if (t->tx.has_software) {
        tx_delay = timespec_diff_ns(&t->tx.software, &t->sent_user);
        tx = S_plausible(tx_delay, monotonic);
    }
    if (t->rx.has_software) {
        if (tx) {
            measured = timespec_diff_ns(&t->rx.software, &t->tx.software);
            if (S_plausible(measured, monotonic - tx_delay)) {
                *clock = ECHO_CLOCK_KERNEL;
                return (uint64_t)measured;
            }
        }
        measured = timespec_diff_ns(&t->rx.software, &t->sent_user);
        if (S_plausible(measured, monotonic)) {
            *clock = ECHO_CLOCK_USER_KERNEL_RX;
            return (uint64_t)measured;
        }
    }
    if (tx) {
        *clock = ECHO_CLOCK_KERNEL_TX_USER;
        return (uint64_t)(monotonic - tx_delay);
    }
    *clock = ECHO_CLOCK_USER;
    return (uint64_t)monotonic;
}

const char *echo_clock_name(enum echo_clock clock)
{
    switch (clock) {
    case ECHO_CLOCK_USER:
        return "user/user";
    case ECHO_CLOCK_USER_KERNEL_RX:
        return "user/kernel-rx";
    case ECHO_CLOCK_KERNEL_TX_USER:
        return "kernel-tx/user";
    case ECHO_CLOCK_KERNEL:
        return "kernel-tx/kernel-rx";
    case ECHO_CLOCK_HARDWARE:
        return "hardware-tx/hardware-rx";
    case ECHO_CLOCK_NONE:
        break;
    }
    return NULL;
}
