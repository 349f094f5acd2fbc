/* The Windows names of the IP_STATUS values. */
#include <netinet/in.h>
#include <stddef.h>

#include "wping/status.h"

struct status_name {
    uint32_t status;
    const char *name;
    const char *name6; /* the IPv6 alias, where ipexport.h has one */
};

static const struct status_name S_names[] = {
    {ECHO_SUCCESS, "IP_SUCCESS", NULL},
    {ECHO_BUF_TOO_SMALL, "IP_BUF_TOO_SMALL", NULL},
    {ECHO_DEST_NET_UNREACHABLE, "IP_DEST_NET_UNREACHABLE", "IP_DEST_NO_ROUTE"},
    {ECHO_DEST_HOST_UNREACHABLE, "IP_DEST_HOST_UNREACHABLE", "IP_DEST_ADDR_UNREACHABLE"},
    {ECHO_DEST_PROT_UNREACHABLE, "IP_DEST_PROT_UNREACHABLE", "IP_DEST_PROHIBITED"},
    {ECHO_DEST_PORT_UNREACHABLE, "IP_DEST_PORT_UNREACHABLE", NULL},
    {ECHO_NO_RESOURCES, "IP_NO_RESOURCES", NULL},
    {ECHO_BAD_OPTION, "IP_BAD_OPTION", NULL},
    {ECHO_HW_ERROR, "IP_HW_ERROR", NULL},
    {ECHO_PACKET_TOO_BIG, "IP_PACKET_TOO_BIG", NULL},
    {ECHO_REQ_TIMED_OUT, "IP_REQ_TIMED_OUT", NULL},
    {ECHO_BAD_REQ, "IP_BAD_REQ", NULL},
    {ECHO_BAD_ROUTE, "IP_BAD_ROUTE", NULL},
    {ECHO_TTL_EXPIRED_TRANSIT, "IP_TTL_EXPIRED_TRANSIT", "IP_HOP_LIMIT_EXCEEDED"},
    {ECHO_TTL_EXPIRED_REASSEM, "IP_TTL_EXPIRED_REASSEM", "IP_REASSEMBLY_TIME_EXCEEDED"},
    {ECHO_PARAM_PROBLEM, "IP_PARAM_PROBLEM", "IP_PARAMETER_PROBLEM"},
    {ECHO_SOURCE_QUENCH, "IP_SOURCE_QUENCH", NULL},
    {ECHO_OPTION_TOO_BIG, "IP_OPTION_TOO_BIG", NULL},
    {ECHO_BAD_DESTINATION, "IP_BAD_DESTINATION", NULL},
    {ECHO_DEST_UNREACHABLE, "IP_DEST_UNREACHABLE", NULL},
    {ECHO_TIME_EXCEEDED, "IP_TIME_EXCEEDED", NULL},
    {ECHO_BAD_HEADER, "IP_BAD_HEADER", NULL},
    {ECHO_UNRECOGNIZED_NEXT_HEADER, "IP_UNRECOGNIZED_NEXT_HEADER", NULL},
    {ECHO_ICMP_ERROR, "IP_ICMP_ERROR", NULL},
    {ECHO_DEST_SCOPE_MISMATCH, "IP_DEST_SCOPE_MISMATCH", NULL},
    {ECHO_GENERAL_FAILURE, "IP_GENERAL_FAILURE", NULL},
    {ECHO_PENDING, "IP_PENDING", NULL},
};

const char *echo_status_name(uint32_t status, int family)
{
    for (size_t i = 0; i < sizeof(S_names) / sizeof(S_names[0]); i++) {
        if (S_names[i].status != status)
            continue;
        if (family == AF_INET6 && S_names[i].name6 != NULL)
            return S_names[i].name6;
        return S_names[i].name;
    }
    return "IP_STATUS_UNKNOWN";
}
