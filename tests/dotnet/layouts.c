/*
 * The C layouts of the structures that tests/dotnet/Layouts.cs declares in C#, from
 * libicmpapi's own headers, in the same format: "TYPE SIZE" and "TYPE.FIELD OFFSET" lines.
 * ICMP_ECHO_REPLY_WITH_DATA is pinvoke.net's reply with the data inline: its Data is where a
 * reply's data starts when it has no IP options, right after the structure.
 */
#include <winsock2.h>
#include <windows.h>
#include <winternl.h>
#include <iphlpapi.h>
#include <icmpapi.h>

#include <stddef.h>
#include <stdio.h>

#define SIZE(type) printf("%s %zu\n", #type, sizeof(type))
#define FIELD(type, field) printf("%s.%s %zu\n", #type, #field, offsetof(type, field))

int main(void)
{
    SIZE(IP_OPTION_INFORMATION);
    FIELD(IP_OPTION_INFORMATION, Ttl);
    FIELD(IP_OPTION_INFORMATION, Tos);
    FIELD(IP_OPTION_INFORMATION, Flags);
    FIELD(IP_OPTION_INFORMATION, OptionsSize);
    FIELD(IP_OPTION_INFORMATION, OptionsData);
    SIZE(ICMP_ECHO_REPLY);
    FIELD(ICMP_ECHO_REPLY, Address);
    FIELD(ICMP_ECHO_REPLY, Status);
    FIELD(ICMP_ECHO_REPLY, RoundTripTime);
    FIELD(ICMP_ECHO_REPLY, DataSize);
    FIELD(ICMP_ECHO_REPLY, Reserved);
    FIELD(ICMP_ECHO_REPLY, Data);
    FIELD(ICMP_ECHO_REPLY, Options);
    printf("ICMP_ECHO_REPLY_WITH_DATA.Options %zu\n", offsetof(ICMP_ECHO_REPLY, Options));
    printf("ICMP_ECHO_REPLY_WITH_DATA.Data %zu\n", sizeof(ICMP_ECHO_REPLY));
    SIZE(IPV6_ADDRESS_EX);
    FIELD(IPV6_ADDRESS_EX, sin6_port);
    FIELD(IPV6_ADDRESS_EX, sin6_flowinfo);
    FIELD(IPV6_ADDRESS_EX, sin6_addr);
    FIELD(IPV6_ADDRESS_EX, sin6_scope_id);
    SIZE(ICMPV6_ECHO_REPLY);
    FIELD(ICMPV6_ECHO_REPLY, Address);
    FIELD(ICMPV6_ECHO_REPLY, Status);
    FIELD(ICMPV6_ECHO_REPLY, RoundTripTime);
    printf("sockaddr_in6 %zu\n", sizeof(struct sockaddr_in6));
    printf("sockaddr_in6.sin6_family %zu\n", offsetof(struct sockaddr_in6, sin6_family));
    printf("sockaddr_in6.sin6_port %zu\n", offsetof(struct sockaddr_in6, sin6_port));
    printf("sockaddr_in6.sin6_flowinfo %zu\n", offsetof(struct sockaddr_in6, sin6_flowinfo));
    printf("sockaddr_in6.sin6_addr %zu\n", offsetof(struct sockaddr_in6, sin6_addr));
    printf("sockaddr_in6.sin6_scope_id %zu\n", offsetof(struct sockaddr_in6, sin6_scope_id));
    SIZE(IO_STATUS_BLOCK);
    FIELD(IO_STATUS_BLOCK, Status);
    FIELD(IO_STATUS_BLOCK, Information);
    return 0;
}
