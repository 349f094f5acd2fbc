/*
 * Sends one ICMP echo request asynchronously with IcmpSendEcho2 and a completion routine
 * (APC). The routine runs in this thread during an alertable wait (SleepEx with TRUE).
 * Builds unchanged on Windows and on Linux (-I<wping win32 headers> -licmpapi).
 *
 *   icmp_send_echo2_apc <IPv4 address> [timeout in ms]
 */
#include <winsock2.h>
#include <windows.h>
#include <winternl.h>
#include <iphlpapi.h>
#include <icmpapi.h>
#include <stdio.h>

typedef struct _ECHO_CONTEXT {
    LPVOID ReplyBuffer;
    DWORD ReplySize;
    BOOL Done;
    int Result;
} ECHO_CONTEXT;

static VOID NTAPI EchoCompleted(PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG Reserved)
{
    ECHO_CONTEXT *Context = (ECHO_CONTEXT *)ApcContext;
    (void)Reserved;
    printf("Completion routine: %lu bytes written into the reply buffer\n",
           (unsigned long)IoStatusBlock->Information);
    if (IcmpParseReplies(Context->ReplyBuffer, Context->ReplySize) != 0) {
        PICMP_ECHO_REPLY pEchoReply = (PICMP_ECHO_REPLY)Context->ReplyBuffer;
        struct in_addr ReplyAddr;
        ReplyAddr.S_un.S_addr = pEchoReply->Address;
        printf("Completed: %s answered with status %lu\n", inet_ntoa(ReplyAddr),
               (unsigned long)pEchoReply->Status);
        Context->Result = pEchoReply->Status == IP_SUCCESS ? 0 : 1;
    } else {
        printf("Completed without a reply: status %lu\n", (unsigned long)GetLastError());
    }
    Context->Done = TRUE;
}

int __cdecl main(int argc, char **argv)
{
    HANDLE hIcmpFile;
    unsigned long ipaddr = INADDR_NONE;
    DWORD dwRetVal = 0;
    DWORD dwTimeout = 1000;
    DWORD dwSlept = 0;
    char SendData[] = "asynchronous echo with an APC";
    ECHO_CONTEXT Context;

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
    ZeroMemory(&Context, sizeof(Context));
    Context.Result = 1;
    Context.ReplySize = sizeof(ICMP_ECHO_REPLY) + sizeof(SendData) + 8;
    Context.ReplyBuffer = malloc(Context.ReplySize);
    if (Context.ReplyBuffer == NULL) {
        printf("Out of memory for the reply buffer.\n");
        IcmpCloseHandle(hIcmpFile);
        return 1;
    }

    dwRetVal =
        IcmpSendEcho2(hIcmpFile, NULL, EchoCompleted, &Context, ipaddr, SendData, sizeof(SendData),
                      NULL, Context.ReplyBuffer, Context.ReplySize, dwTimeout);
    if (dwRetVal != 0 || GetLastError() != ERROR_IO_PENDING) {
        printf("IcmpSendEcho2 did not start: error %lu\n", (unsigned long)GetLastError());
    } else {
        printf("Echo request to %s is on its way\n", argv[1]);
        /* Alertable sleeps until the routine has run; bounded by the request's own timeout. */
        while (!Context.Done && dwSlept <= dwTimeout + 5000) {
            if (SleepEx(100, TRUE) != WAIT_IO_COMPLETION)
                dwSlept += 100;
        }
        if (!Context.Done)
            printf("The completion routine did not run\n");
    }

    free(Context.ReplyBuffer);
    IcmpCloseHandle(hIcmpFile);
    return Context.Result;
}
