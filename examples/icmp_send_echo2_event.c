/*
 * Sends one ICMP echo request asynchronously with IcmpSendEcho2 and an event, waits for the
 * event, then reads the reply with IcmpParseReplies. Builds unchanged on Windows and on
 * Linux (-I<wping win32 headers> -licmpapi).
 *
 *   icmp_send_echo2_event <IPv4 address> [timeout in ms]
 */
#include <winsock2.h>
#include <iphlpapi.h>
#include <icmpapi.h>
#include <stdio.h>

int __cdecl main(int argc, char **argv)
{
    HANDLE hIcmpFile;
    HANDLE hEvent;
    unsigned long ipaddr = INADDR_NONE;
    DWORD dwRetVal = 0;
    DWORD dwWait = 0;
    DWORD dwTimeout = 1000;
    char SendData[] = "asynchronous echo with an event";
    LPVOID ReplyBuffer = NULL;
    DWORD ReplySize = 0;
    int nResult = 1;

    if (argc < 2 || argc > 3) {
        printf("Usage: %s <IPv4 address> [timeout in ms]\n", argv[0]);
        return 1;
    }
    ipaddr = inet_addr(argv[1]);
    if (ipaddr == INADDR_NONE) {
        printf("Not an IPv4 address: %s\n", argv[1]);
        return 1;
    }
    if (argc == 3)
        dwTimeout = (DWORD)strtoul(argv[2], NULL, 10);

    hIcmpFile = IcmpCreateFile();
    if (hIcmpFile == INVALID_HANDLE_VALUE) {
        printf("IcmpCreateFile error: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    hEvent = CreateEvent(NULL, FALSE, FALSE, NULL);
    if (hEvent == NULL) {
        printf("CreateEvent error: %lu\n", (unsigned long)GetLastError());
        IcmpCloseHandle(hIcmpFile);
        return 1;
    }
    ReplySize = sizeof(ICMP_ECHO_REPLY) + sizeof(SendData) + 8;
    ReplyBuffer = (VOID *)malloc(ReplySize);
    if (ReplyBuffer == NULL) {
        printf("Out of memory for the reply buffer.\n");
        CloseHandle(hEvent);
        IcmpCloseHandle(hIcmpFile);
        return 1;
    }

    dwRetVal = IcmpSendEcho2(hIcmpFile, hEvent, NULL, NULL, ipaddr, SendData, sizeof(SendData),
                             NULL, ReplyBuffer, ReplySize, dwTimeout);
    if (dwRetVal != 0 || GetLastError() != ERROR_IO_PENDING) {
        printf("IcmpSendEcho2 did not start: error %lu\n", (unsigned long)GetLastError());
    } else {
        printf("Echo request to %s is on its way\n", argv[1]);
        /* The request ends by itself after dwTimeout: wait a little longer than that. */
        dwWait = WaitForSingleObject(hEvent, dwTimeout + 5000);
        if (dwWait != WAIT_OBJECT_0) {
            printf("The event was not signalled (wait result %lu)\n", (unsigned long)dwWait);
        } else if (IcmpParseReplies(ReplyBuffer, ReplySize) != 0) {
            PICMP_ECHO_REPLY pEchoReply = (PICMP_ECHO_REPLY)ReplyBuffer;
            struct in_addr ReplyAddr;
            ReplyAddr.S_un.S_addr = pEchoReply->Address;
            printf("Completed: %s answered with status %lu in %lu ms\n", inet_ntoa(ReplyAddr),
                   (unsigned long)pEchoReply->Status, (unsigned long)pEchoReply->RoundTripTime);
            nResult = pEchoReply->Status == IP_SUCCESS ? 0 : 1;
        } else {
            switch (GetLastError()) {
            case IP_REQ_TIMED_OUT:
                printf("Completed: request timed out\n");
                break;
            default:
                printf("Completed without a reply: status %lu\n", (unsigned long)GetLastError());
                break;
            }
        }
    }

    free(ReplyBuffer);
    CloseHandle(hEvent);
    IcmpCloseHandle(hIcmpFile);
    return nResult;
}
