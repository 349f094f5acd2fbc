/*
 * Sends one ICMP echo request to an IPv4 address with IcmpSendEcho and prints what came
 * back. Written as Windows programs are: it builds unchanged on Windows (link iphlpapi.lib
 * and ws2_32.lib) and on Linux (-I<wping win32 headers> -licmpapi).
 *
 *   icmp_send_echo <IPv4 address>
 */
#include <winsock2.h>
#include <iphlpapi.h>
#include <icmpapi.h>
#include <stdio.h>

int __cdecl main(int argc, char **argv)
{
    HANDLE hIcmpFile;
    unsigned long ipaddr = INADDR_NONE;
    DWORD dwRetVal = 0;
    char SendData[32] = "wping example payload";
    LPVOID ReplyBuffer = NULL;
    DWORD ReplySize = 0;

    if (argc != 2) {
        printf("Usage: %s <IPv4 address>\n", argv[0]);
        return 1;
    }

    ipaddr = inet_addr(argv[1]);
    if (ipaddr == INADDR_NONE) {
        printf("Not an IPv4 address: %s\n", argv[1]);
        return 1;
    }

    hIcmpFile = IcmpCreateFile();
    if (hIcmpFile == INVALID_HANDLE_VALUE) {
        printf("Could not open an ICMP handle.\n");
        printf("IcmpCreateFile error: %lu\n", (unsigned long)GetLastError());
        return 1;
    }

    /* Room for one reply, the echoed data and an ICMP error's 8 bytes. */
    ReplySize = sizeof(ICMP_ECHO_REPLY) + sizeof(SendData) + 8;
    ReplyBuffer = (VOID *)malloc(ReplySize);
    if (ReplyBuffer == NULL) {
        printf("Out of memory for the reply buffer.\n");
        IcmpCloseHandle(hIcmpFile);
        return 1;
    }

    dwRetVal = IcmpSendEcho(hIcmpFile, ipaddr, SendData, sizeof(SendData), NULL, ReplyBuffer,
                            ReplySize, 1000);
    if (dwRetVal != 0) {
        PICMP_ECHO_REPLY pEchoReply = (PICMP_ECHO_REPLY)ReplyBuffer;
        struct in_addr ReplyAddr;
        ReplyAddr.S_un.S_addr = pEchoReply->Address;
        printf("Echo request sent to %s\n", argv[1]);
        printf("Replies received: %lu\n", (unsigned long)dwRetVal);
        printf("First reply:\n");
        printf("  From:       %s\n", inet_ntoa(ReplyAddr));
        printf("  Status:     %lu\n", (unsigned long)pEchoReply->Status);
        printf("  Round trip: %lu ms\n", (unsigned long)pEchoReply->RoundTripTime);
        printf("  Data bytes: %u\n", (unsigned)pEchoReply->DataSize);
        printf("  TTL:        %u\n", (unsigned)pEchoReply->Options.Ttl);
    } else {
        printf("IcmpSendEcho failed.\n");
        printf("IcmpSendEcho error: %lu\n", (unsigned long)GetLastError());
        free(ReplyBuffer);
        IcmpCloseHandle(hIcmpFile);
        return 1;
    }

    free(ReplyBuffer);
    IcmpCloseHandle(hIcmpFile);
    return 0;
}
