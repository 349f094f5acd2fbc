/*
 * The outcome of an echo request as an IP_STATUS value, numbered as in Windows ipexport.h,
 * and the symbolic names of those values. Pure: no handle needed.
 */
#ifndef WPING_STATUS_H
#define WPING_STATUS_H

#include <stdint.h>

/* IP_STATUS values; the numbers are those of Windows ipexport.h. */
enum echo_status {
    ECHO_SUCCESS = 0,
    ECHO_BUF_TOO_SMALL = 11001,
    ECHO_DEST_NET_UNREACHABLE = 11002,  /* IPv6: no route */
    ECHO_DEST_HOST_UNREACHABLE = 11003, /* IPv6: address unreachable */
    ECHO_DEST_PROT_UNREACHABLE = 11004, /* IPv6: administratively prohibited */
    ECHO_DEST_PORT_UNREACHABLE = 11005,
    ECHO_NO_RESOURCES = 11006,
    ECHO_BAD_OPTION = 11007,
    ECHO_HW_ERROR = 11008,
    ECHO_PACKET_TOO_BIG = 11009,
    ECHO_REQ_TIMED_OUT = 11010,
    ECHO_BAD_REQ = 11011,
    ECHO_BAD_ROUTE = 11012,
    ECHO_TTL_EXPIRED_TRANSIT = 11013, /* IPv6: hop limit exceeded */
    ECHO_TTL_EXPIRED_REASSEM = 11014,
    ECHO_PARAM_PROBLEM = 11015,
    ECHO_SOURCE_QUENCH = 11016,
    ECHO_OPTION_TOO_BIG = 11017,
    ECHO_BAD_DESTINATION = 11018,
    ECHO_DEST_UNREACHABLE = 11040, /* IPv6 only */
    ECHO_TIME_EXCEEDED = 11041,
    ECHO_BAD_HEADER = 11042,
    ECHO_UNRECOGNIZED_NEXT_HEADER = 11043,
    ECHO_ICMP_ERROR = 11044,
    ECHO_DEST_SCOPE_MISMATCH = 11045,
    ECHO_GENERAL_FAILURE = 11050,
    ECHO_PENDING = 11255,
};

/* The symbolic Windows name of an IP_STATUS ("IP_REQ_TIMED_OUT"); for AF_INET6 the IPv6
 * alias where Windows has one ("IP_DEST_NO_ROUTE"). Unknown values give "IP_STATUS_UNKNOWN". */
const char *echo_status_name(uint32_t status, int family);

#endif /* WPING_STATUS_H */
