/*
 * Windows <icmpapi.h> for Linux: send ICMP echo requests and read the replies with the
 * semantics of the Windows API (see icmpapi(3) for every rule). Link with -licmpapi.
 *
 * Calls are synchronous when Event and ApcRoutine are both NULL: they return the number of
 * replies in ReplyBuffer (0 on failure, with the reason in GetLastError: a Win32 error or an
 * IP_STATUS). Otherwise they return 0 with GetLastError() == ERROR_IO_PENDING, and later
 * signal Event, or, when Event is NULL, queue ApcRoutine to the calling thread, which runs it
 * in an alertable wait (SleepEx, WaitForSingleObjectEx). Argument errors are reported
 * synchronously in both modes. Timeout (milliseconds, from the send) applies in both modes.
 *
 * ReplyBuffer must hold the reply structure plus the echoed data (plus the reply's IPv4
 * options, if any); a larger reply fails with IP_GENERAL_FAILURE. Add 8 bytes for ICMP errors
 * as Windows advises; no space for an IO_STATUS_BLOCK is needed.
 */
#ifndef WPING_WIN32_ICMPAPI_H
#define WPING_WIN32_ICMPAPI_H

#include "windows.h"
#include "ipexport.h"

#include <netinet/in.h> /* struct sockaddr_in6 */

#ifdef __cplusplus
extern "C" {
#endif

#ifdef PIO_APC_ROUTINE_DEFINED
#define WPING_WIN32_APC_ROUTINE PIO_APC_ROUTINE
#else
#define WPING_WIN32_APC_ROUTINE FARPROC
#endif

/* Opens a handle for IPv4 (IcmpCreateFile) or IPv6 (Icmp6CreateFile) echo requests. Fails
 * with INVALID_HANDLE_VALUE and ERROR_ACCESS_DENIED when this process may open neither a
 * datagram ICMP socket (net.ipv4.ping_group_range) nor a raw one (CAP_NET_RAW). */
HANDLE WINAPI IcmpCreateFile(VOID);
HANDLE WINAPI Icmp6CreateFile(VOID);

/* Closes the handle. Requests still outstanding complete normally. */
BOOL WINAPI IcmpCloseHandle(HANDLE IcmpHandle);

/* One synchronous IPv4 echo request. RequestOptions may be NULL. */
DWORD WINAPI IcmpSendEcho(HANDLE IcmpHandle, IPAddr DestinationAddress, LPVOID RequestData,
                          WORD RequestSize, PIP_OPTION_INFORMATION RequestOptions,
                          LPVOID ReplyBuffer, DWORD ReplySize, DWORD Timeout);

/* One IPv4 echo request, synchronous or asynchronous. */
DWORD WINAPI IcmpSendEcho2(HANDLE IcmpHandle, HANDLE Event, WPING_WIN32_APC_ROUTINE ApcRoutine,
                           PVOID ApcContext, IPAddr DestinationAddress, LPVOID RequestData,
                           WORD RequestSize, PIP_OPTION_INFORMATION RequestOptions,
                           LPVOID ReplyBuffer, DWORD ReplySize, DWORD Timeout);

/* As IcmpSendEcho2, sent from SourceAddress (0: chosen by route; not local:
 * ERROR_INVALID_NETNAME). */
DWORD WINAPI IcmpSendEcho2Ex(HANDLE IcmpHandle, HANDLE Event, WPING_WIN32_APC_ROUTINE ApcRoutine,
                             PVOID ApcContext, IPAddr SourceAddress, IPAddr DestinationAddress,
                             LPVOID RequestData, WORD RequestSize,
                             PIP_OPTION_INFORMATION RequestOptions, LPVOID ReplyBuffer,
                             DWORD ReplySize, DWORD Timeout);

/* One IPv6 echo request. Both addresses are required (an all-zero source means any);
 * sin6_family may be 0, AF_INET6 or 23 (Windows' AF_INET6). Returns 1 only for an echo
 * reply: ICMP errors fail with their IP_STATUS. */
DWORD WINAPI Icmp6SendEcho2(HANDLE IcmpHandle, HANDLE Event, WPING_WIN32_APC_ROUTINE ApcRoutine,
                            PVOID ApcContext, struct sockaddr_in6 *SourceAddress,
                            struct sockaddr_in6 *DestinationAddress, LPVOID RequestData,
                            WORD RequestSize, PIP_OPTION_INFORMATION RequestOptions,
                            LPVOID ReplyBuffer, DWORD ReplySize, DWORD Timeout);

/* After an asynchronous IPv4 request: returns the number of replies and clears Reserved;
 * with none, returns 0 and sets the last error to the first reply's Status. Not for buffers
 * of synchronous calls, which are parsed already. */
DWORD WINAPI IcmpParseReplies(LPVOID ReplyBuffer, DWORD ReplySize);

/* After an IPv6 request: 1 when Status is IP_SUCCESS, else 0 with the last error = Status. */
DWORD WINAPI Icmp6ParseReplies(LPVOID ReplyBuffer, DWORD ReplySize);

#ifdef __cplusplus
}
#endif

#endif /* WPING_WIN32_ICMPAPI_H */
