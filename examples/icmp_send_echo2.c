/*
 * Sends one ICMP echo request with IcmpSendEcho2 (synchronously) and explains the outcome
 * with a switch over the IP_STATUS values, the way Windows documentation examples do.
 * Builds unchanged on Windows and on Linux (-I<wping win32 headers> -licmpapi).
 *
 *   icmp_send_echo2 <IPv4 address> [TTL] [timeout in ms]
 */
#include <winsock2.h>
#include <iphlpapi.h>
#include <icmpapi.h>
#include <stdio.h>

static const char *DescribeStatus(ULONG Status)
{
    switch (Status) {
    case IP_SUCCESS:
        return "echo reply";
    case IP_DEST_NET_UNREACHABLE:
        return "destination network unreachable";
    case IP_DEST_HOST_UNREACHABLE:
        return "destination host unreachable";
    case IP_DEST_PROT_UNREACHABLE:
        return "destination protocol unreachable";
    case IP_DEST_PORT_UNREACHABLE:
        return "destination port unreachable";
    case IP_PACKET_TOO_BIG:
        return "packet too big";
    case IP_REQ_TIMED_OUT:
        return "request timed out";
    case IP_TTL_EXPIRED_TRANSIT:
        return "TTL expired in transit";
    case IP_TTL_EXPIRED_REASSEM:
        return "TTL expired during reassembly";
    case IP_PARAM_PROBLEM:
        return "parameter problem";
    case IP_SOURCE_QUENCH:
        return "source quench";
    case IP_BAD_ROUTE:
        return "bad route";
    case IP_GENERAL_FAILURE:
        return "general failure";
    default:
        return "other status";
    }
}

int __cdecl main(int argc, char **argv)
{
    HANDLE hIcmpFile;
    unsigned long ipaddr = INADDR_NONE;
    DWORD dwRetVal = 0;
    DWORD dwError = 0;
    DWORD dwTimeout = 1000;
    char SendData[] = "IcmpSendEcho2 example";
    LPVOID ReplyBuffer = NULL;
    DWORD ReplySize = 0;
    IP_OPTION_INFORMATION Options;
    PIP_OPTION_INFORMATION pOptions = NULL;

    if (argc < 2 || argc > 4) {
        printf("Usage: %s <IPv4 address> [TTL] [timeout in ms]\n", argv[0]);
        return 1;
    }

    ipaddr = inet_addr(argv[1]);
    if (ipaddr == INADDR_NONE) {
        printf("Not an IPv4 address: %s\n", argv[1]);
        return 1;
    }
    if (argc >= 3) {
        ZeroMemory(&Options, sizeof(Options));
        Options.Ttl = (UCHAR)atoi(argv[2]);
        pOptions = &Options;
    }
    if (argc == 4)
        dwTimeout = (DWORD)strtoul(argv[3], NULL, 10);

    hIcmpFile = IcmpCreateFile();
    if (hIcmpFile == INVALID_HANDLE_VALUE) {
        printf("Could not open an ICMP handle.\n");
        printf("IcmpCreateFile error: %lu\n", (unsigned long)GetLastError());
        return 1;
    }

    ReplySize = sizeof(ICMP_ECHO_REPLY) + sizeof(SendData) + 8;
    ReplyBuffer = (VOID *)malloc(ReplySize);
    if (ReplyBuffer == NULL) {
        printf("Out of memory for the reply buffer.\n");
        IcmpCloseHandle(hIcmpFile);
        return 1;
    }

    dwRetVal = IcmpSendEcho2(hIcmpFile, NULL, NULL, NULL, ipaddr, SendData, sizeof(SendData),
                             pOptions, ReplyBuffer, ReplySize, dwTimeout);
    if (dwRetVal != 0) {
        PICMP_ECHO_REPLY pEchoReply = (PICMP_ECHO_REPLY)ReplyBuffer;
        struct in_addr ReplyAddr;
        ReplyAddr.S_un.S_addr = pEchoReply->Address;
        printf("Echo request sent to %s\n", argv[1]);
        printf("Answered by %s: status %lu (%s), %lu ms\n", inet_ntoa(ReplyAddr),
               (unsigned long)pEchoReply->Status, DescribeStatus(pEchoReply->Status),
               (unsigned long)pEchoReply->RoundTripTime);
        if (pEchoReply->Status != IP_SUCCESS)
            dwRetVal = 0;
    } else {
        dwError = GetLastError();
        printf("Echo request to %s failed: ", argv[1]);
        switch (dwError) {
        case IP_BUF_TOO_SMALL:
            printf("the reply buffer is too small\n");
            break;
        case IP_REQ_TIMED_OUT:
            printf("request timed out\n");
            break;
        case ERROR_INVALID_PARAMETER:
            printf("invalid parameter\n");
            break;
        case ERROR_INVALID_NETNAME:
            printf("invalid address\n");
            break;
        default:
            printf("error %lu (%s)\n", (unsigned long)dwError, DescribeStatus(dwError));
            break;
        }
    }

    free(ReplyBuffer);
    IcmpCloseHandle(hIcmpFile);
    return dwRetVal != 0 ? 0 : 1;
}
