/*
 * Windows <ipexport.h> for Linux: IP_STATUS values, request and reply option flags, and the
 * ICMP echo reply structures, laid out exactly as on Windows (x64 layouts on 64-bit Linux,
 * x86 layouts on 32-bit Linux).
 */
#ifndef WPING_WIN32_IPEXPORT_H
#define WPING_WIN32_IPEXPORT_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef ULONG IPAddr; /* IPv4 address in network byte order, as it lies in memory */
typedef ULONG IPMask;
typedef ULONG IP_STATUS;

/* IP_STATUS values: in ICMP_ECHO_REPLY.Status and, for failed calls, from GetLastError. */
#define IP_STATUS_BASE 11000
#define IP_SUCCESS 0
#define IP_BUF_TOO_SMALL (IP_STATUS_BASE + 1)
#define IP_DEST_NET_UNREACHABLE (IP_STATUS_BASE + 2)
#define IP_DEST_HOST_UNREACHABLE (IP_STATUS_BASE + 3)
#define IP_DEST_PROT_UNREACHABLE (IP_STATUS_BASE + 4)
#define IP_DEST_PORT_UNREACHABLE (IP_STATUS_BASE + 5)
#define IP_NO_RESOURCES (IP_STATUS_BASE + 6)
#define IP_BAD_OPTION (IP_STATUS_BASE + 7)
#define IP_HW_ERROR (IP_STATUS_BASE + 8)
#define IP_PACKET_TOO_BIG (IP_STATUS_BASE + 9)
#define IP_REQ_TIMED_OUT (IP_STATUS_BASE + 10)
#define IP_BAD_REQ (IP_STATUS_BASE + 11)
#define IP_BAD_ROUTE (IP_STATUS_BASE + 12)
#define IP_TTL_EXPIRED_TRANSIT (IP_STATUS_BASE + 13)
#define IP_TTL_EXPIRED_REASSEM (IP_STATUS_BASE + 14)
#define IP_PARAM_PROBLEM (IP_STATUS_BASE + 15)
#define IP_SOURCE_QUENCH (IP_STATUS_BASE + 16)
#define IP_OPTION_TOO_BIG (IP_STATUS_BASE + 17)
#define IP_BAD_DESTINATION (IP_STATUS_BASE + 18)

/* IPv6 names for the same numbers. */
#define IP_DEST_NO_ROUTE (IP_STATUS_BASE + 2)
#define IP_DEST_ADDR_UNREACHABLE (IP_STATUS_BASE + 3)
#define IP_DEST_PROHIBITED (IP_STATUS_BASE + 4)
#define IP_HOP_LIMIT_EXCEEDED (IP_STATUS_BASE + 13)
#define IP_REASSEMBLY_TIME_EXCEEDED (IP_STATUS_BASE + 14)
#define IP_PARAMETER_PROBLEM (IP_STATUS_BASE + 15)

/* IPv6 only. */
#define IP_DEST_UNREACHABLE (IP_STATUS_BASE + 40)
#define IP_TIME_EXCEEDED (IP_STATUS_BASE + 41)
#define IP_BAD_HEADER (IP_STATUS_BASE + 42)
#define IP_UNRECOGNIZED_NEXT_HEADER (IP_STATUS_BASE + 43)
#define IP_ICMP_ERROR (IP_STATUS_BASE + 44)
#define IP_DEST_SCOPE_MISMATCH (IP_STATUS_BASE + 45)

/* Status indications between Windows transports; the echo API never returns them. */
#define IP_ADDR_DELETED (IP_STATUS_BASE + 19)
#define IP_SPEC_MTU_CHANGE (IP_STATUS_BASE + 20)
#define IP_MTU_CHANGE (IP_STATUS_BASE + 21)
#define IP_UNLOAD (IP_STATUS_BASE + 22)
#define IP_ADDR_ADDED (IP_STATUS_BASE + 23)
#define IP_MEDIA_CONNECT (IP_STATUS_BASE + 24)
#define IP_MEDIA_DISCONNECT (IP_STATUS_BASE + 25)
#define IP_BIND_ADAPTER (IP_STATUS_BASE + 26)
#define IP_UNBIND_ADAPTER (IP_STATUS_BASE + 27)
#define IP_DEVICE_DOES_NOT_EXIST (IP_STATUS_BASE + 28)
#define IP_DUPLICATE_ADDRESS (IP_STATUS_BASE + 29)
#define IP_INTERFACE_METRIC_CHANGE (IP_STATUS_BASE + 30)
#define IP_RECONFIG_SECFLTR (IP_STATUS_BASE + 31)
#define IP_NEGOTIATING_IPSEC (IP_STATUS_BASE + 32)
#define IP_INTERFACE_WOL_CAPABILITY_CHANGE (IP_STATUS_BASE + 33)
#define IP_DUPLICATE_IPADD (IP_STATUS_BASE + 34)
#define IP_NO_FURTHER_SENDS (IP_STATUS_BASE + 35)

#define IP_GENERAL_FAILURE (IP_STATUS_BASE + 50)
#define MAX_IP_STATUS IP_GENERAL_FAILURE
#define IP_PENDING (IP_STATUS_BASE + 255)

/* IP_OPTION_INFORMATION.Flags. IP_FLAG_REVERSE is accepted and ignored. */
#define IP_FLAG_REVERSE 0x1
#define IP_FLAG_DF 0x2

/* IPv4 option types for OptionsData (RFC 791 wire format). */
#define IP_OPT_EOL 0
#define IP_OPT_NOP 1
#define IP_OPT_SECURITY 0x82
#define IP_OPT_LSRR 0x83
#define IP_OPT_SSRR 0x89
#define IP_OPT_RR 0x7
#define IP_OPT_TS 0x44
#define IP_OPT_SID 0x88
#define IP_OPT_ROUTER_ALERT 0x94

#define MAX_OPT_SIZE 40

/*
 * Request options (RequestOptions) and reply options (ICMP_ECHO_REPLY.Options). Request:
 * Ttl is the TTL (0: system default) or the IPv6 hop limit (0 fails with IP_GENERAL_FAILURE);
 * Tos is ignored, as on Windows; Flags may hold IP_FLAG_DF; OptionsSize bytes of IPv4 options
 * at OptionsData (source routes list the whole route, first hop to destination).
 */
typedef struct ip_option_information {
    UCHAR Ttl;
    UCHAR Tos;
    UCHAR Flags;
    UCHAR OptionsSize;
    PUCHAR OptionsData;
} IP_OPTION_INFORMATION, *PIP_OPTION_INFORMATION;

/*
 * One reply in the reply buffer. The buffer holds this structure, then the reply's IPv4
 * options (OptionsSize bytes padded to a multiple of 4), then DataSize bytes of data. Data
 * and Options.OptionsData point into the buffer. Reserved holds the number of replies until
 * IcmpParseReplies clears it.
 */
typedef struct icmp_echo_reply {
    IPAddr Address;      /* the replying host, or the router that sent an ICMP error */
    ULONG Status;        /* IP_STATUS */
    ULONG RoundTripTime; /* milliseconds */
    USHORT DataSize;
    USHORT Reserved;
    PVOID Data;
    struct ip_option_information Options;
} ICMP_ECHO_REPLY, *PICMP_ECHO_REPLY;

#if UINTPTR_MAX > 0xFFFFFFFFu
/* What 32-bit code sees on 64-bit Windows. Linux has no 32-bit pointers inside 64-bit
 * processes, so the pointer fields are plain 32-bit numbers here. Never filled by this library. */
typedef struct ip_option_information32 {
    UCHAR Ttl;
    UCHAR Tos;
    UCHAR Flags;
    UCHAR OptionsSize;
    ULONG OptionsData;
} IP_OPTION_INFORMATION32, *PIP_OPTION_INFORMATION32;

typedef struct icmp_echo_reply32 {
    IPAddr Address;
    ULONG Status;
    ULONG RoundTripTime;
    USHORT DataSize;
    USHORT Reserved;
    ULONG Data;
    struct ip_option_information32 Options;
} ICMP_ECHO_REPLY32, *PICMP_ECHO_REPLY32;
#endif

/* An IPv6 address with port, flow label and scope, all as they lie in the packet. Packed. */
#pragma pack(push, 1)
typedef struct _IPV6_ADDRESS_EX {
    USHORT sin6_port;
    ULONG sin6_flowinfo;
    USHORT sin6_addr[8];
    ULONG sin6_scope_id;
} IPV6_ADDRESS_EX, *PIPV6_ADDRESS_EX;
#pragma pack(pop)

/* The IPv6 reply: this structure, then the reply data (IoStatusBlock.Information - 36 bytes
 * after an asynchronous call; the request size after a successful one). */
typedef struct icmpv6_echo_reply_lh {
    IPV6_ADDRESS_EX Address;
    ULONG Status;
    unsigned int RoundTripTime; /* milliseconds */
} ICMPV6_ECHO_REPLY_LH, *PICMPV6_ECHO_REPLY_LH;

typedef ICMPV6_ECHO_REPLY_LH ICMPV6_ECHO_REPLY;
typedef ICMPV6_ECHO_REPLY_LH *PICMPV6_ECHO_REPLY;

#ifdef __cplusplus
#define WPING_WIN32_LAYOUT(expression, what) static_assert(expression, what)
#else
#define WPING_WIN32_LAYOUT(expression, what) _Static_assert(expression, what)
#endif
WPING_WIN32_LAYOUT(sizeof(IPAddr) == 4 && sizeof(ULONG) == 4 && sizeof(DWORD) == 4,
                   "Windows ULONG is 32 bits");
WPING_WIN32_LAYOUT(offsetof(ICMP_ECHO_REPLY, Data) == 16, "ICMP_ECHO_REPLY.Data offset");
WPING_WIN32_LAYOUT(offsetof(ICMP_ECHO_REPLY, Options) == 16 + sizeof(void *),
                   "ICMP_ECHO_REPLY.Options offset");
WPING_WIN32_LAYOUT(sizeof(IP_OPTION_INFORMATION) == 2 * sizeof(void *),
                   "IP_OPTION_INFORMATION size (8 x86, 16 x64)");
WPING_WIN32_LAYOUT(sizeof(ICMP_ECHO_REPLY) == 16 + 3 * sizeof(void *),
                   "ICMP_ECHO_REPLY size (28 x86, 40 x64)");
WPING_WIN32_LAYOUT(sizeof(IPV6_ADDRESS_EX) == 26, "IPV6_ADDRESS_EX is packed");
WPING_WIN32_LAYOUT(offsetof(IPV6_ADDRESS_EX, sin6_addr) == 6, "IPV6_ADDRESS_EX.sin6_addr offset");
WPING_WIN32_LAYOUT(offsetof(ICMPV6_ECHO_REPLY, Status) == 28, "ICMPV6_ECHO_REPLY.Status offset");
WPING_WIN32_LAYOUT(sizeof(ICMPV6_ECHO_REPLY) == 36, "ICMPV6_ECHO_REPLY size");
#if UINTPTR_MAX > 0xFFFFFFFFu
WPING_WIN32_LAYOUT(sizeof(ICMP_ECHO_REPLY) == 40, "ICMP_ECHO_REPLY x64 size");
WPING_WIN32_LAYOUT(offsetof(ICMP_ECHO_REPLY, Options) == 24, "ICMP_ECHO_REPLY x64 Options");
WPING_WIN32_LAYOUT(sizeof(IP_OPTION_INFORMATION) == 16, "IP_OPTION_INFORMATION x64 size");
WPING_WIN32_LAYOUT(sizeof(ICMP_ECHO_REPLY32) == 28, "ICMP_ECHO_REPLY32 size");
WPING_WIN32_LAYOUT(sizeof(IP_OPTION_INFORMATION32) == 8, "IP_OPTION_INFORMATION32 size");
#endif

#ifdef __cplusplus
}
#endif

#endif /* WPING_WIN32_IPEXPORT_H */
