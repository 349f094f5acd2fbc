/* The few Winsock calls that ICMP programs make: WSAStartup, WSACleanup, WSAGetLastError,
 * inet_ntoa. */
#include "api.h"

#include <stdio.h>
#include <string.h>

#include "object.h"

#pragma GCC visibility push(default)
#include "winsock2.h"
#pragma GCC visibility pop

char *WINAPI wping_win32_inet_ntoa(struct in_addr in)
{
    /* Windows keeps one buffer per thread, valid until the thread's next call. */
    static _Thread_local char text[sizeof("255.255.255.255")];
    struct last_error_mark mark = last_error_enter();
    snprintf(text, sizeof(text), "%u.%u.%u.%u", in.S_un.S_un_b.s_b1, in.S_un.S_un_b.s_b2,
             in.S_un.S_un_b.s_b3, in.S_un.S_un_b.s_b4);
    last_error_leave(&mark);
    return text;
}

static int S_startup(WORD wVersionRequested, LPWSADATA lpWSAData)
{
    if (lpWSAData == NULL)
        return WSAEFAULT;
    memset(lpWSAData, 0, sizeof(*lpWSAData));
    /* Version 2.2 is the highest; a lower request is granted as asked, as Windows does. */
    WORD highest = MAKEWORD(2, 2);
    lpWSAData->wHighVersion = highest;
    if (LOBYTE(wVersionRequested) == 0)
        return WSAVERNOTSUPPORTED;
    int newer = LOBYTE(wVersionRequested) > 2 ||
                (LOBYTE(wVersionRequested) == 2 && HIBYTE(wVersionRequested) >= 2);
    lpWSAData->wVersion = newer ? highest : wVersionRequested;
    snprintf(lpWSAData->szDescription, sizeof(lpWSAData->szDescription),
             "wping Win32 compatibility layer over Linux sockets");
    snprintf(lpWSAData->szSystemStatus, sizeof(lpWSAData->szSystemStatus), "Running");
    return 0;
}

/* WSAStartup reports through its result and leaves the last error (and errno) alone. */
int WINAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData)
{
    struct last_error_mark mark = last_error_enter();
    int result = S_startup(wVersionRequested, lpWSAData);
    last_error_leave(&mark);
    return result;
}

int WINAPI WSACleanup(void)
{
    return 0;
}

int WINAPI WSAGetLastError(void)
{
    return (int)GetLastError();
}
