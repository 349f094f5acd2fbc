/*
 * Sends one ICMPv6 echo request with Icmp6SendEcho2 (synchronously) and prints the outcome.
 * Builds unchanged on Windows and on Linux (-I<wping win32 headers> -licmpapi).
 *
 *   icmp6_send_echo2 <IPv6 address> [hop limit] [timeout in ms]
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <icmpapi.h>
#include <stdio.h>

int __cdecl main(int argc, char **argv)
{
    HANDLE hIcmpFile;
    struct sockaddr_in6 Source;
    struct sockaddr_in6 Destination;
    DWORD dwRetVal = 0;
    DWORD dwTimeout = 1000;
    char SendData[] = "Icmp6SendEcho2 example";
    LPVOID ReplyBuffer = NULL;
    DWORD ReplySize = 0;
    IP_OPTION_INFORMATION Options;
    PIP_OPTION_INFORMATION pOptions = NULL;
    char AddressText[INET6_ADDRSTRLEN];

    if (argc < 2 || argc > 4) {
        printf("Usage: %s <IPv6 address> [hop limit] [timeout in ms]\n", argv[0]);
        return 1;
    }
    ZeroMemory(&Source, sizeof(Source));
    ZeroMemory(&Destination, sizeof(Destination));
    Destination.sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, argv[1], &Destination.sin6_addr) != 1) {
        printf("Not an IPv6 address: %s\n", argv[1]);
        return 1;
    }
    if (argc >= 3) {
        ZeroMemory(&Options, sizeof(Options));
        Options.Ttl = (UCHAR)atoi(argv[2]);
        pOptions = &Options;
    }
    if (argc == 4)
        dwTimeout = (DWORD)strtoul(argv[3], NULL, 10);

    hIcmpFile = Icmp6CreateFile();
    if (hIcmpFile == INVALID_HANDLE_VALUE) {
        printf("Icmp6CreateFile error: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    ReplySize = sizeof(ICMPV6_ECHO_REPLY) + sizeof(SendData) + 8;
    ReplyBuffer = (VOID *)malloc(ReplySize);
    if (ReplyBuffer == NULL) {
        printf("Out of memory for the reply buffer.\n");
        IcmpCloseHandle(hIcmpFile);
        return 1;
    }

    dwRetVal = Icmp6SendEcho2(hIcmpFile, NULL, NULL, NULL, &Source, &Destination, SendData,
                              sizeof(SendData), pOptions, ReplyBuffer, ReplySize, dwTimeout);
    PICMPV6_ECHO_REPLY pEchoReply = (PICMPV6_ECHO_REPLY)ReplyBuffer;
    struct in6_addr ReplyAddr;
    memcpy(&ReplyAddr, pEchoReply->Address.sin6_addr, sizeof(ReplyAddr));
    inet_ntop(AF_INET6, &ReplyAddr, AddressText, sizeof(AddressText));
    if (dwRetVal != 0) {
        printf("Echo request sent to %s\n", argv[1]);
        printf("Reply from %s: %lu ms\n", AddressText, (unsigned long)pEchoReply->RoundTripTime);
    } else {
        DWORD dwError = GetLastError();
        printf("Echo request to %s failed: ", argv[1]);
        switch (dwError) {
        case IP_REQ_TIMED_OUT:
            printf("request timed out\n");
            break;
        case IP_DEST_NO_ROUTE:
            printf("no route to the destination (from %s)\n", AddressText);
            break;
        case IP_DEST_ADDR_UNREACHABLE:
            printf("destination address unreachable (from %s)\n", AddressText);
            break;
        case IP_DEST_PROHIBITED:
            printf("communication administratively prohibited (from %s)\n", AddressText);
            break;
        case IP_HOP_LIMIT_EXCEEDED:
            printf("hop limit exceeded (from %s)\n", AddressText);
            break;
        case IP_GENERAL_FAILURE:
            printf("general failure\n");
            break;
        default:
            printf("error %lu\n", (unsigned long)dwError);
            break;
        }
    }

    free(ReplyBuffer);
    IcmpCloseHandle(hIcmpFile);
    return dwRetVal != 0 ? 0 : 1;
}
