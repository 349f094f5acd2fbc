/*
 * bench/floor: the kernel's own speed for an echo flood, the floor that wping's flood row is
 * compared with (issue 15). One ICMP socket of the kind and with the socket options the
 * engine uses (src/engine/echo.c: SO_TIMESTAMPNS, the TTL and TOS ancillary data,
 * IP_RECVERR on datagram sockets, the ICMP type filter on raw ones), then `sendto` and a
 * blocking `recvmsg` in a loop, nothing else: no poll, no matching beyond the identifier
 * and sequence, no output until the end.
 *
 *   floor [-4|-6] [-k dgram|raw] [-T] -c count destination
 *
 * -T also asks for the engine's transmit stamps (SO_TIMESTAMPING, keyed, without the packet)
 * and reads each from the error queue (one more `recvmsg` per echo), as the engine must.
 * Prints "echoes=N wall_us=T" on success; exits 1 when a reply does not come within 1 s.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/net_tstamp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RAW_ICMP_FILTER 1 /* linux/icmp.h's ICMP_FILTER, which clashes with netinet/in.h */
#define PAYLOAD 32        /* wping's default, ping.exe's */

static uint16_t checksum(const uint8_t *data, size_t length)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < length; i += 2)
        sum += (uint32_t)(data[i] << 8 | data[i + 1]);
    if (length & 1)
        sum += (uint32_t)data[length - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void enable(int fd, int level, int option)
{
    int on = 1;
    (void)setsockopt(fd, level, option, &on, sizeof(on));
}

/* The options of S_configure_socket in src/engine/echo.c. */
static void configure(int fd, int family, int raw, int tx_stamps)
{
    enable(fd, SOL_SOCKET, SO_TIMESTAMPNS);
    if (tx_stamps) {
        int flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
                    SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
        (void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags));
    }
    if (family == AF_INET) {
        enable(fd, IPPROTO_IP, IP_RECVTTL);
        enable(fd, IPPROTO_IP, IP_RECVTOS);
        if (!raw) {
            enable(fd, IPPROTO_IP, IP_RECVERR);
            enable(fd, IPPROTO_IP, IP_RECVOPTS);
        } else {
            uint32_t blocked =
                ~(uint32_t)((1u << 0) | (1u << 3) | (1u << 4) | (1u << 11) | (1u << 12));
            (void)setsockopt(fd, SOL_RAW, RAW_ICMP_FILTER, &blocked, sizeof(blocked));
        }
    } else {
        enable(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT);
        enable(fd, IPPROTO_IPV6, IPV6_RECVTCLASS);
        if (!raw) {
            enable(fd, IPPROTO_IPV6, IPV6_RECVERR);
        } else {
            struct icmp6_filter filter;
            ICMP6_FILTER_SETBLOCKALL(&filter);
            ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
            ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &filter);
            ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &filter);
            ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &filter);
            ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &filter);
            (void)setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter));
        }
    }
    struct timeval limit = {1, 0};
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
}

int main(int argc, char **argv)
{
    int family = AF_INET, raw = 0, tx_stamps = 0, option;
    unsigned long count = 0;
    while ((option = getopt(argc, argv, "46k:Tc:")) != -1) {
        switch (option) {
        case '4':
        case '6':
            family = option == '6' ? AF_INET6 : AF_INET;
            break;
        case 'k':
            raw = strcmp(optarg, "raw") == 0;
            break;
        case 'T':
            tx_stamps = 1;
            break;
        case 'c':
            count = strtoul(optarg, NULL, 10);
            break;
        default:
            return 2;
        }
    }
    if (optind + 1 != argc || count == 0) {
        fputs("usage: floor [-4|-6] [-k dgram|raw] [-T] -c count destination\n", stderr);
        return 2;
    }
    struct sockaddr_storage to = {0};
    socklen_t to_len;
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&to;
        a->sin6_family = AF_INET6;
        to_len = sizeof(*a);
        if (inet_pton(AF_INET6, argv[optind], &a->sin6_addr) != 1)
            return 2;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&to;
        a->sin_family = AF_INET;
        to_len = sizeof(*a);
        if (inet_pton(AF_INET, argv[optind], &a->sin_addr) != 1)
            return 2;
    }
    int protocol = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
    int fd = socket(family, (raw ? SOCK_RAW : SOCK_DGRAM) | SOCK_CLOEXEC, protocol);
    if (fd < 0) {
        perror("floor: socket");
        return 2;
    }
    configure(fd, family, raw, tx_stamps);

    uint8_t packet[8 + PAYLOAD], rx[512];
    _Alignas(struct cmsghdr) char control[512];
    uint16_t identifier = (uint16_t)getpid();
    memset(packet, 0, sizeof(packet));
    packet[0] = family == AF_INET6 ? 128 : 8;
    packet[4] = (uint8_t)(identifier >> 8);
    packet[5] = (uint8_t)identifier;
    for (size_t i = 0; i < PAYLOAD; i++)
        packet[8 + i] = (uint8_t)('a' + i % 23); /* ping.exe's payload */
    const size_t reply_type = family == AF_INET6 ? 129 : 0;
    /* A raw IPv4 socket delivers the IP header; the others start at ICMP. */
    const int ip_header = raw && family == AF_INET;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned long n = 0; n < count; n++) {
        uint16_t sequence = (uint16_t)(n + 1);
        packet[6] = (uint8_t)(sequence >> 8);
        packet[7] = (uint8_t)sequence;
        if (family == AF_INET) {
            packet[2] = packet[3] = 0;
            uint16_t sum = checksum(packet, sizeof(packet));
            packet[2] = (uint8_t)(sum >> 8);
            packet[3] = (uint8_t)sum;
        }
        if (sendto(fd, packet, sizeof(packet), 0, (struct sockaddr *)&to, to_len) < 0) {
            perror("floor: sendto");
            return 1;
        }
        if (tx_stamps) {
            struct iovec iov = {rx, sizeof(rx)};
            struct msghdr msg = {.msg_iov = &iov,
                                 .msg_iovlen = 1,
                                 .msg_control = control,
                                 .msg_controllen = sizeof(control)};
            (void)recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
        }
        for (;;) {
            struct sockaddr_storage from;
            struct iovec iov = {rx, sizeof(rx)};
            struct msghdr msg = {.msg_name = &from,
                                 .msg_namelen = sizeof(from),
                                 .msg_iov = &iov,
                                 .msg_iovlen = 1,
                                 .msg_control = control,
                                 .msg_controllen = sizeof(control)};
            ssize_t got = recvmsg(fd, &msg, 0);
            if (got < 0) {
                if (errno == EINTR)
                    continue;
                fprintf(stderr, "floor: no reply to %u: %s\n", sequence, strerror(errno));
                return 1;
            }
            size_t offset = ip_header && got > 0 ? (size_t)(rx[0] & 0x0f) * 4 : 0;
            const uint8_t *icmp = rx + offset;
            if ((size_t)got >= offset + 8 && icmp[0] == reply_type &&
                (icmp[6] << 8 | icmp[7]) == sequence &&
                (raw == 0 || (icmp[4] << 8 | icmp[5]) == identifier))
                break;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long us = (long long)(t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
    printf("echoes=%lu wall_us=%lld\n", count, us);
    return 0;
}
